/**
 * Retries for transient failures: exponential backoff with full jitter (AWS architecture blog,
 * "Exponential Backoff and Jitter"), capped. Transient = a `LexError` with `transient: true`
 * (connectors raise those for 429, 5xx, resets and timeouts); anything else fails at once,
 * since retrying bad data or a bad credential only hides it.
 */
import { LexError } from '../../errors';
import { systemClock, type Clock } from './clock';

export interface RetryOptions {
  /** Attempts after the first. */
  retries?: number;
  baseMs?: number;
  maxMs?: number;
  clock?: Clock;
  /** 0 ≤ x < 1; injectable so tests are repeatable. */
  random?: () => number;
  signal?: AbortSignal;
  onRetry?: (error: LexError, attempt: number, delayMs: number) => void;
}

export function isTransient(error: unknown): error is LexError {
  return error instanceof LexError && error.transient;
}

export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { retries = 6, baseMs = 500, maxMs = 60_000, clock = systemClock, random = Math.random } = options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isTransient(error) || attempt >= retries) throw error;
      const delay = backoffMs(attempt, baseMs, maxMs, random);
      options.onRetry?.(error, attempt + 1, delay);
      await clock.sleep(delay, options.signal);
    }
  }
}
