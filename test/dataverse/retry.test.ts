import { defaultRetryPolicy, parseRetryAfter, retryDelay } from '../../scripts/src/dataverse/retry';

const policy = { ...defaultRetryPolicy, maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 };
const noJitter = () => 1;

describe('retryDelay', () => {
  it('waits exactly Retry-After on 429', () => {
    expect(retryDelay(1, { kind: 'response', status: 429, retryAfter: '2' }, policy, noJitter)).toBe(2000);
  });

  it('gives up on 429 when Retry-After is longer than the policy allows', () => {
    expect(retryDelay(1, { kind: 'response', status: 429, retryAfter: '3600' }, policy, noJitter)).toBeUndefined();
  });

  it('backs off exponentially with jitter on 503 and bounds attempts', () => {
    const half = () => 0.5;
    expect(retryDelay(1, { kind: 'response', status: 503 }, policy, half)).toBe(500);
    expect(retryDelay(3, { kind: 'response', status: 503 }, policy, half)).toBe(2000);
    expect(retryDelay(4, { kind: 'response', status: 503 }, policy, half)).toBeUndefined();
  });

  it('retries a dropped connection only for idempotent requests', () => {
    expect(retryDelay(1, { kind: 'network', idempotent: true }, policy, noJitter)).toBe(1000);
    expect(retryDelay(1, { kind: 'network', idempotent: false }, policy, noJitter)).toBeUndefined();
  });

  it('does not retry data errors or successes', () => {
    for (const status of [200, 204, 400, 404, 412, 500]) {
      expect(retryDelay(1, { kind: 'response', status }, policy, noJitter)).toBeUndefined();
    }
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
