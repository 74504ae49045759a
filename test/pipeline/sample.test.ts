import { sampleOps, selectSample, type SampleCandidate } from '../../scripts/src/pipeline/sample';
import { op, ref, smallFirm } from './fixtures';

const candidates: SampleCandidate[] = [
  ...Array.from({ length: 50 }, (_, i) => ({ sourceKey: `clio:matter:${i}`, entity: 'matter', stratum: i < 45 ? 'litigation|open' : 'family|closed' })),
  ...Array.from({ length: 30 }, (_, i) => ({ sourceKey: `clio:contact:${i}`, entity: 'contact', dirty: i < 3 })),
  { sourceKey: 'clio:bill:1', entity: 'bill' },
];

describe('selectSample', () => {
  const sample = selectSample(candidates, { size: 12 });

  it('keeps to the size and is repeatable for a seed', () => {
    expect(sample).toHaveLength(12);
    expect(selectSample(candidates, { size: 12 })).toEqual(sample);
    expect(selectSample(candidates, { size: 12, seed: 'other' })).not.toEqual(sample);
  });

  it('includes the dirty cases and every entity and stratum, even small ones', () => {
    expect(sample.filter((k) => ['clio:contact:0', 'clio:contact:1', 'clio:contact:2'].includes(k))).toHaveLength(3);
    expect(sample).toContain('clio:bill:1');
    expect(sample.some((k) => Number(k.split(':')[2]) >= 45 && k.startsWith('clio:matter'))).toBe(true);
  });

  it('takes everything when the firm is smaller than the sample', () => {
    expect(selectSample(candidates, { size: 1000 })).toHaveLength(candidates.length);
  });
});

describe('sampleOps', () => {
  it('adds the rows the sampled rows point at, transitively', () => {
    const ops = [...smallFirm(), op('contact', 'clio:contact:99', { lastname: 'Unrelated' }), op('lex_milestone', 'clio:stage:1', { lex_name: 'Intake' }, { lex_matterid: ref('lex_matter', 'clio:matter:10') })];
    const keys = sampleOps(ops, ['clio:activity:1']).map((o) => o.sourceKey).sort();
    // time entry → matter → account (client) → contact (primary contact)
    expect(keys).toEqual(['clio:activity:1', 'clio:contact:1', 'clio:contact:2', 'clio:matter:10']);
  });
});
