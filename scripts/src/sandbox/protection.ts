/**
 * Service protection limits, evaluated per user on a sliding window as Learn documents
 * ("Service protection API limits"): number of requests and combined execution time trip after
 * being exceeded; concurrent requests are refused at once. Each answer is a 429 with
 * `Retry-After` in seconds and the documented code.
 */
import { errors, type DataverseError } from './errors';

export interface ServiceProtectionLimits {
  windowSeconds: number;
  maxRequests: number;
  maxExecutionMs: number;
  maxConcurrent: number;
  /** Value of the `x-ms-dop-hint` response header (recommended degree of parallelism). */
  dopHint?: number;
}

/** Dataverse defaults: 6,000 requests and 1,200 s execution time per 300 s, 52 concurrent. */
export const DATAVERSE_LIMITS: ServiceProtectionLimits = {
  windowSeconds: 300,
  maxRequests: 6000,
  maxExecutionMs: 1_200_000,
  maxConcurrent: 52,
  dopHint: 4,
};

interface UserWindow {
  requests: number[];
  executions: { at: number; ms: number }[];
  active: number;
}

export class ServiceProtection {
  private readonly users = new Map<string, UserWindow>();

  constructor(
    readonly limits: ServiceProtectionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private window(user: string): UserWindow {
    let w = this.users.get(user);
    if (!w) {
      w = { requests: [], executions: [], active: 0 };
      this.users.set(user, w);
    }
    const since = this.now() - this.limits.windowSeconds * 1000;
    while (w.requests.length && w.requests[0]! <= since) w.requests.shift();
    while (w.executions.length && w.executions[0]!.at <= since) w.executions.shift();
    return w;
  }

  /** Admit a request (and count it) or say why not. */
  admit(user: string): DataverseError | undefined {
    const w = this.window(user);
    const windowMs = this.limits.windowSeconds * 1000;
    const secondsUntil = (at: number) => Math.max(1, Math.ceil((at + windowMs - this.now()) / 1000));
    if (w.active >= this.limits.maxConcurrent) return errors.throttledConcurrency(this.limits.maxConcurrent, 1);
    if (w.requests.length >= this.limits.maxRequests) {
      return errors.throttledRequests(this.limits.maxRequests, this.limits.windowSeconds, secondsUntil(w.requests[0]!));
    }
    const used = w.executions.reduce((n, e) => n + e.ms, 0);
    if (used > this.limits.maxExecutionMs) {
      // Wait until enough execution time leaves the window to bring the total under the limit.
      let excess = used - this.limits.maxExecutionMs;
      let until = w.executions[0]!.at;
      for (const e of w.executions) {
        until = e.at;
        excess -= e.ms;
        if (excess < 0) break;
      }
      return errors.throttledExecutionTime(this.limits.maxExecutionMs, this.limits.windowSeconds, secondsUntil(until));
    }
    w.requests.push(this.now());
    w.active += 1;
    return undefined;
  }

  finish(user: string, executionMs: number): void {
    const w = this.window(user);
    w.active = Math.max(0, w.active - 1);
    w.executions.push({ at: this.now(), ms: executionMs });
  }

  /** Debug headers Dataverse sends on normal responses (values are informational). */
  headers(user: string): Record<string, string> {
    const w = this.window(user);
    const used = w.executions.reduce((n, e) => n + e.ms, 0);
    return {
      'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.max(0, this.limits.maxRequests - w.requests.length)),
      'x-ms-ratelimit-time-remaining-xrm-requests': (Math.max(0, this.limits.maxExecutionMs - used) / 1000).toFixed(2),
    };
  }
}
