/**
 * Adaptive parallelism (reference/notes/dataverse-webapi.md §5.3): start low, grow by one after
 * each run of successes as long as the service does not throttle, halve on a 429, never above
 * the configured maximum nor the service's `x-ms-dop-hint`. Once the service states its hint,
 * "let the server tell you how many requests it can handle": the limit goes to the hint at once
 * (as Microsoft's samples set their parallelism from it), until a 429 says otherwise. A 429's
 * `Retry-After` also pauses every new request until it has passed, since the whole user is
 * throttled, not one request.
 */
export interface ConcurrencyOptions {
  initial: number;
  max: number;
}

export const defaultConcurrency: ConcurrencyOptions = { initial: 2, max: 16 };

export class AdaptiveConcurrency {
  private current: number;
  private active = 0;
  private successesSinceChange = 0;
  private dopHint: number | undefined;
  private pausedUntil = 0;
  /** A 429 came: from then on the limit grows one step at a time again, the hint only caps it. */
  private throttled = false;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly options: ConcurrencyOptions = defaultConcurrency,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.current = Math.max(1, Math.min(options.initial, options.max));
  }

  /** How many requests may be in flight now. */
  get limit(): number {
    return this.current;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Waits for a slot (and any throttling pause); call the returned function when done. */
  async acquire(): Promise<() => void> {
    for (;;) {
      const pause = this.pausedUntil - this.now();
      if (pause > 0) {
        await this.sleep(pause);
        continue;
      }
      if (this.active < this.current) break;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.wakeOne();
    };
  }

  /** A response that was not throttled; `dopHint` is the `x-ms-dop-hint` header when present. */
  onSuccess(dopHint?: number): void {
    if (dopHint !== undefined && Number.isFinite(dopHint) && dopHint > 0) {
      this.dopHint = dopHint;
      if (this.current > this.cap() || !this.throttled) {
        this.current = this.cap();
        this.successesSinceChange = 0;
        // Each woken acquirer checks for a free slot again, so waking one per free slot is safe.
        for (let free = this.current - this.active; free > 0 && this.waiting.length > 0; free--) this.waiting.shift()!();
      }
    }
    this.successesSinceChange++;
    if (this.successesSinceChange >= this.current && this.current < this.cap()) {
      this.current++;
      this.successesSinceChange = 0;
      this.wakeOne();
    }
  }

  /** A 429: halve, and hold every new request for `retryAfterMs`. */
  onThrottle(retryAfterMs = 0): void {
    this.throttled = true;
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successesSinceChange = 0;
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + retryAfterMs);
  }

  private cap(): number {
    return Math.max(1, Math.min(this.options.max, this.dopHint ?? this.options.max));
  }

  private wakeOne(): void {
    while (this.waiting.length > 0 && this.active < this.current) {
      const next = this.waiting.shift()!;
      next();
      // The woken acquirer increments `active` itself; stop after one to avoid a stampede.
      break;
    }
  }
}
