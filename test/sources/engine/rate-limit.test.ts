import { RateLimiter, retryAfterMs } from '../../../scripts/src/sources/engine';
import { fakeClock } from './fake-clock';

const headers = (values: Record<string, string>) => new Headers(values);

describe('RateLimiter', () => {
  it('spaces requests to the declared limit', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 50, windowMs: 60_000, clock });
    const start = clock.now();
    for (let i = 0; i < 101; i++) await limiter.acquire();
    // One token to start, then one every 1.2 s: 100 more take 120 s.
    expect(clock.now() - start).toBe(120_000);
  });

  it('waits until X-RateLimit-Reset when the server says none remain', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 1000, windowMs: 60_000, clock });
    await limiter.acquire();
    const reset = Math.floor(clock.now() / 1000) + 30;
    limiter.observe(200, headers({ 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) }));
    await limiter.acquire();
    expect(clock.now()).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('honours Retry-After on 429, in seconds or as a date', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 50, windowMs: 60_000, clock });
    await limiter.acquire();
    const t0 = clock.now();
    limiter.observe(429, headers({ 'Retry-After': '7' }));
    await limiter.acquire();
    expect(clock.now() - t0).toBeGreaterThanOrEqual(7000);
    expect(retryAfterMs(headers({ 'Retry-After': new Date(t0 + 5000).toUTCString() }), t0)).toBe(5000);
    expect(retryAfterMs(headers({}), t0)).toBeUndefined();
  });

  it('resizes the bucket to X-RateLimit-Limit', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 600, windowMs: 60_000, clock });
    limiter.observe(200, headers({ 'X-RateLimit-Limit': '60' }));
    await limiter.acquire();
    const t0 = clock.now();
    for (let i = 0; i < 10; i++) await limiter.acquire();
    expect(clock.now() - t0).toBe(10_000);
  });
});
