/**
 * When to retry a request, and how long to wait (reference/notes/dataverse-webapi.md §5.3):
 * 429 waits exactly `Retry-After`; 502/503/504 and dropped connections back off exponentially
 * with full jitter; attempts are bounded. A dropped connection is retried only for idempotent
 * requests, because a POST that reached the server may already have created its row.
 */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error goes to the caller. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 };

export type Outcome =
  | { kind: 'response'; status: number; retryAfter?: string | undefined }
  | { kind: 'network'; idempotent: boolean };

/** `Retry-After` as seconds or an HTTP date → milliseconds (undefined when absent or unreadable). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1), or `undefined`
 * when the outcome is final.
 */
export function retryDelay(attempt: number, outcome: Outcome, policy: RetryPolicy = defaultRetryPolicy, random: () => number = Math.random): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const backoff = () => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * random();
  if (outcome.kind === 'network') return outcome.idempotent ? backoff() : undefined;
  const { status } = outcome;
  if (status === 429) {
    const wait = parseRetryAfter(outcome.retryAfter);
    if (wait === undefined) return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    return wait <= policy.maxRetryAfterMs ? wait : undefined;
  }
  if (status === 502 || status === 503 || status === 504) {
    const wait = parseRetryAfter(outcome.retryAfter);
    if (wait !== undefined) return wait <= policy.maxRetryAfterMs ? wait : undefined;
    return backoff();
  }
  return undefined;
}
