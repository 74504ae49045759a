/**
 * Fault injection for reliability tests: by rate, deterministic for a given `seed`, so a test
 * that injects "every 5th request fails" sees the same sequence each run.
 */
export interface FaultInjection {
  /** Share of requests answered 429 (0x80072322) with `Retry-After: retryAfterSeconds`. */
  throttleRate?: number;
  /** Share answered 503. */
  unavailableRate?: number;
  /** Share whose connection is destroyed before the request is handled. */
  dropRate?: number;
  /** Share whose connection is destroyed after the request was handled (the write happened). */
  dropAfterRate?: number;
  /** Share delayed by `slowMs` before answering. */
  slowRate?: number;
  slowMs?: number;
  retryAfterSeconds?: number;
}

export type Fault = 'throttle' | 'unavailable' | 'drop' | 'dropAfter' | 'slow' | undefined;

/** mulberry32: small, fast, good enough to make fault sequences repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultPlan {
  private readonly random: () => number;

  constructor(
    private readonly faults: FaultInjection,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  next(): Fault {
    const r = this.random();
    const f = this.faults;
    let edge = 0;
    const order: [Fault, number | undefined][] = [
      ['throttle', f.throttleRate],
      ['unavailable', f.unavailableRate],
      ['drop', f.dropRate],
      ['dropAfter', f.dropAfterRate],
      ['slow', f.slowRate],
    ];
    for (const [fault, rate] of order) {
      edge += rate ?? 0;
      if (r < edge) return fault;
    }
    return undefined;
  }
}
