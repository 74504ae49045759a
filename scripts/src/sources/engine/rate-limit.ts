/**
 * Client-side rate limiting: a token bucket sized from the source's documented limit (Clio: 50
 * requests per 60 s), corrected by what the server says. The server wins: `X-RateLimit-Limit`
 * resizes the bucket, `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset` (unix seconds) holds
 * every request until the window resets, and a 429's `Retry-After` (seconds or HTTP date) does
 * the same. One limiter per access token (Clio limits per token).
 *
 * Usage (what an API connector does around every request):
 *   await limiter.acquire();               // waits for a token
 *   const res = await fetch(url, …);
 *   limiter.observe(res.status, res.headers);
 */
import { systemClock, type Clock } from './clock';

export interface RateLimiterOptions {
  requests: number;
  windowMs: number;
  clock?: Clock;
}

export interface HeaderSource {
  get(name: string): string | null;
}

export class RateLimiter {
  private capacity: number;
  private windowMs: number;
  private tokens: number;
  private lastRefill: number;
  /** No request before this instant (server said so). */
  private blockedUntil = 0;
  private readonly clock: Clock;
  /** Serialises waiters so tokens go out in arrival order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(options: RateLimiterOptions) {
    this.clock = options.clock ?? systemClock;
    this.capacity = options.requests;
    this.windowMs = options.windowMs;
    // Start with one token, not a full bucket: an earlier run may have used this window already.
    this.tokens = 1;
    this.lastRefill = this.clock.now();
  }

  /** Resolves when a request may be sent. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitForToken(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Feeds back what the server said about its limit. */
  observe(status: number, headers: HeaderSource): void {
    const now = this.clock.now();
    const limit = intHeader(headers, 'x-ratelimit-limit');
    if (limit !== undefined && limit > 0 && limit !== this.capacity) {
      this.capacity = limit;
      this.tokens = Math.min(this.tokens, limit);
    }
    const remaining = intHeader(headers, 'x-ratelimit-remaining');
    const reset = intHeader(headers, 'x-ratelimit-reset');
    if (remaining !== undefined) this.tokens = Math.min(this.tokens, remaining);
    if (remaining === 0 && reset !== undefined) this.blockUntil(reset * 1000);
    if (status === 429) {
      const retryAfter = retryAfterMs(headers, now);
      this.tokens = 0;
      // No Retry-After (Actionstep sends none): wait for a token's worth of the window.
      this.blockUntil(now + (retryAfter ?? this.windowMs / this.capacity));
    }
  }

  /** Milliseconds until the next token, for progress displays. */
  get waitMs(): number {
    return Math.max(0, this.blockedUntil - this.clock.now());
  }

  private blockUntil(instant: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, instant);
  }

  private refill(now: number): void {
    const rate = this.capacity / this.windowMs;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.lastRefill) * rate);
    this.lastRefill = now;
  }

  private async waitForToken(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.blockedUntil) {
        await this.clock.sleep(this.blockedUntil - now, signal);
        // The server's window is new: its full allowance is back.
        this.tokens = Math.max(this.tokens, 1);
        this.lastRefill = this.clock.now();
        continue;
      }
      this.refill(now);
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil((1 - this.tokens) * (this.windowMs / this.capacity)), signal);
    }
  }
}

function intHeader(headers: HeaderSource, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: HeaderSource, now: number): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
