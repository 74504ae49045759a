import { AdaptiveConcurrency } from '../../scripts/src/dataverse/concurrency';

describe('AdaptiveConcurrency', () => {
  it('starts low and grows by one after each run of successes, up to the max', () => {
    const c = new AdaptiveConcurrency({ initial: 2, max: 4 });
    expect(c.limit).toBe(2);
    c.onSuccess();
    c.onSuccess();
    expect(c.limit).toBe(3);
    for (let i = 0; i < 20; i++) c.onSuccess();
    expect(c.limit).toBe(4);
  });

  it('halves on 429 and never drops below one', () => {
    const c = new AdaptiveConcurrency({ initial: 8, max: 16 });
    c.onThrottle();
    expect(c.limit).toBe(4);
    c.onThrottle();
    c.onThrottle();
    c.onThrottle();
    expect(c.limit).toBe(1);
  });

  it('goes to the x-ms-dop-hint at once, and after a 429 grows towards it one step at a time', async () => {
    const c = new AdaptiveConcurrency({ initial: 2, max: 52 });
    const held = [await c.acquire(), await c.acquire()];
    let third = false;
    const next = c.acquire().then((release) => ((third = true), release));
    c.onSuccess(4);
    expect(c.limit).toBe(4);
    held.push(await next);
    expect(third).toBe(true);
    c.onThrottle();
    expect(c.limit).toBe(2);
    c.onSuccess(4);
    expect(c.limit).toBe(2);
    c.onSuccess(4);
    expect(c.limit).toBe(3);
    for (const release of held) release();
  });

  it('is capped by x-ms-dop-hint', () => {
    const c = new AdaptiveConcurrency({ initial: 8, max: 50 });
    c.onSuccess(4);
    expect(c.limit).toBe(4);
    for (let i = 0; i < 40; i++) c.onSuccess(4);
    expect(c.limit).toBe(4);
  });

  it('holds requests beyond the limit until a slot is released', async () => {
    const c = new AdaptiveConcurrency({ initial: 1, max: 1 });
    const first = await c.acquire();
    let secondStarted = false;
    const second = c.acquire().then((release) => {
      secondStarted = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(secondStarted).toBe(false);
    first();
    (await second)();
    expect(secondStarted).toBe(true);
    expect(c.inFlight).toBe(0);
  });

  it('pauses new requests for Retry-After after a 429', async () => {
    let now = 0;
    const slept: number[] = [];
    const c = new AdaptiveConcurrency({ initial: 2, max: 2 }, () => now, async (ms) => {
      slept.push(ms);
      now += ms;
    });
    c.onThrottle(2000);
    (await c.acquire())();
    expect(slept).toEqual([2000]);
  });
});
