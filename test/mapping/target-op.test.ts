import { v5 as uuidv5 } from 'uuid';
import { LEXBRIDGE_ROW_NAMESPACE, rowId } from '../../scripts/src/mapping/target-op';

describe('rowId', () => {
  it('is a stable UUID v5 of the target key', () => {
    // Pinned: rows already migrated in a tenant depend on this exact value.
    expect(rowId('clio:matter:123')).toBe('18cb79a4-520d-5e87-951b-f5288f012edd');
    expect(rowId('clio:matter:123')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rowId('clio:matter:123')).not.toBe(rowId('clio:matter:124'));
  });

  it('equals the uuid package v5 for every length (across SHA-1 block and buffer edges) and for non-ASCII keys', () => {
    const keys = [
      ...Array.from({ length: 300 }, (_, n) => 'k'.repeat(n)),
      ...Array.from({ length: 300 }, (_, n) => `clio:time_entry:${n * 7919}#line${n}`),
      'clio:contact:Müller & Söhne',
      'actionstep:participant:日本語-42',
      'perfectportal:note:🙂#x',
      `clio:matter:${'é'.repeat(200)}`,
      '\u007f\u0080\u07ff\u0800\uffff',
    ];
    for (const key of keys) expect([key, rowId(key)]).toEqual([key, uuidv5(key, LEXBRIDGE_ROW_NAMESPACE)]);
  });

  it('rejects a key with a lone surrogate, as uuid does, rather than give it the id of another key', () => {
    expect(() => uuidv5('clio:matter:\ud800', LEXBRIDGE_ROW_NAMESPACE)).toThrow(URIError);
    expect(() => rowId('clio:matter:\ud800')).toThrow(URIError);
  });
});
