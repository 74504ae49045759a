import { LexError } from '../../../scripts/src/errors';
import { backoffMs, pageByCursor, pageByNumber, withRetry } from '../../../scripts/src/sources/engine';
import { fakeClock } from './fake-clock';

const transient = () => new LexError({ code: 'X', message: 'busy', fix: 'wait', transient: true });

describe('withRetry', () => {
  it('retries transient errors with growing capped jittered delays, then succeeds', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 4) throw transient();
        return 'ok';
      },
      { clock, random: () => 0.5, baseMs: 100, maxMs: 300 },
    );
    expect(result).toBe('ok');
    expect(clock.slept).toEqual([50, 100, 150]);
    expect(backoffMs(10, 100, 300, () => 0.999)).toBeLessThan(300);
  });

  it('does not retry data errors, and gives up after the retry budget', async () => {
    const clock = fakeClock();
    const bad = new LexError({ code: 'BAD', message: 'bad', fix: 'fix' });
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw bad; }, { clock })).rejects.toBe(bad);
    expect(calls).toBe(1);
    await expect(withRetry(async () => { throw transient(); }, { clock, retries: 2 })).rejects.toThrow('busy');
    expect(clock.slept).toHaveLength(2);
  });
});

describe('paging', () => {
  it('follows next cursors until a page has none, resuming from a start cursor', async () => {
    const pages: Record<string, { items: number[]; next?: string }> = { first: { items: [1, 2], next: 'b' }, b: { items: [3], next: 'c' }, c: { items: [4] } };
    const seen: number[] = [];
    for await (const page of pageByCursor(async (cursor) => pages[cursor ?? 'first']!)) seen.push(...page.items);
    expect(seen).toEqual([1, 2, 3, 4]);
    const resumed: number[] = [];
    for await (const page of pageByCursor(async (cursor) => pages[cursor ?? 'first']!, 'c')) resumed.push(...page.items);
    expect(resumed).toEqual([4]);
  });

  it('pages by number until a short page or hasMore false', async () => {
    const data = [1, 2, 3, 4, 5];
    const got: { page: number; nextPage?: number }[] = [];
    for await (const page of pageByNumber(async (p, size) => ({ items: data.slice((p - 1) * size, p * size) }), { pageSize: 2 }))
      got.push({ page: page.page, nextPage: page.nextPage });
    expect(got).toEqual([{ page: 1, nextPage: 2 }, { page: 2, nextPage: 3 }, { page: 3, nextPage: undefined }]);
    const exact: number[] = [];
    for await (const page of pageByNumber(async (p) => ({ items: p === 1 ? [1, 2] : [], hasMore: false }), { pageSize: 2 })) exact.push(...page.items);
    expect(exact).toEqual([1, 2]);
  });
});
