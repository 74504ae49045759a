/**
 * Shared connector engine: what every API or file connector uses instead of writing its own.
 * - `parseRate` (rate.ts): `50/min` as a rate;
 * - `RateLimiter` (rate-limit.ts): token bucket from the declared limit, corrected by
 *   X-RateLimit-* and Retry-After headers;
 * - `withRetry` (retry.ts): exponential backoff + jitter for transient LexErrors;
 * - `createHttpClient` (http.ts): limiter + retry + 401 refresh around fetch;
 * - `pageByCursor` / `pageByNumber` (paging.ts): the paging loops;
 * - `CheckpointStore` (checkpoints.ts): where checkpoints are kept (staging implements it);
 * - `Clock` (clock.ts): injectable time for tests.
 */
export * from './clock';
export * from './rate';
export * from './rate-limit';
export * from './retry';
export * from './http';
export * from './paging';
export * from './checkpoints';
