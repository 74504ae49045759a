import { rowId } from '../../scripts/src/mapping/target-op';

describe('rowId', () => {
  it('is a stable UUID v5 of the target key', () => {
    // Pinned: rows already migrated in a tenant depend on this exact value.
    expect(rowId('clio:matter:123')).toBe('18cb79a4-520d-5e87-951b-f5288f012edd');
    expect(rowId('clio:matter:123')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rowId('clio:matter:123')).not.toBe(rowId('clio:matter:124'));
  });
});
