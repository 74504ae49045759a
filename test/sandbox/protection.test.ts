import { ServiceProtection } from '../../scripts/src/sandbox/protection';

describe('ServiceProtection (sliding window, fake clock)', () => {
  const limits = { windowSeconds: 300, maxRequests: 2, maxExecutionMs: 1000, maxConcurrent: 1 };

  it('frees request slots as they leave the window and says when in Retry-After', () => {
    let now = 0;
    const p = new ServiceProtection(limits, () => now);
    expect(p.admit('u')).toBeUndefined();
    p.finish('u', 10);
    now = 100_000;
    expect(p.admit('u')).toBeUndefined();
    p.finish('u', 10);
    now = 200_000;
    const refused = p.admit('u')!;
    expect(refused.code).toBe('0x80072322');
    expect(refused.headers['Retry-After']).toBe('100'); // the first request leaves the window at 300 s
    now = 300_001;
    expect(p.admit('u')).toBeUndefined();
  });

  it('trips on execution time only after it was exceeded, and refuses concurrency at once', () => {
    let now = 0;
    const p = new ServiceProtection({ ...limits, maxRequests: 100 }, () => now);
    expect(p.admit('u')).toBeUndefined();
    expect(p.admit('u')!.code).toBe('0x80072326');
    p.finish('u', 1000);
    now = 1;
    expect(p.admit('u')).toBeUndefined(); // 1000 ms used = the limit, not over it
    p.finish('u', 1);
    now = 2;
    const refused = p.admit('u')!;
    expect(refused.code).toBe('0x80072321');
    expect(Number(refused.headers['Retry-After'])).toBe(300);
    expect(p.admit('someone else')).toBeUndefined();
  });
});
