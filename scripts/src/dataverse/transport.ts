/**
 * The one road every Web API request takes, whichever adapter sends it: standard headers, the
 * bearer token (when the adapter has one), bounded retries by the retry policy, and adaptive
 * parallelism. Adapters supply only `Send`, one raw round trip. Pure: no Node-only imports.
 */
import { AdaptiveConcurrency } from './concurrency';
import { DataverseError } from './errors';
import { defaultRetryPolicy, parseRetryAfter, retryDelay, type RetryPolicy } from './retry';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface WebApiRequest {
  method: HttpMethod;
  /** Relative to the Web API root (`accounts(…)?$select=name`), or absolute (a nextLink). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Safe to resend after a dropped connection. GET/PATCH/PUT/DELETE are; a POST only when the
   * caller knows it (a `$batch` of upserts, `UpsertMultiple`), since a create may have landed.
   */
  idempotent?: boolean;
}

export interface WebApiResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export type Transport = (request: WebApiRequest) => Promise<WebApiResponse>;

/** One raw round trip to an absolute URL. Throws `NetworkFailure` when no response arrives. */
export type Send = (request: { method: HttpMethod; url: string; headers: Record<string, string>; body?: string }) => Promise<WebApiResponse>;

export class NetworkFailure extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'NetworkFailure';
  }
}

export interface TokenSource {
  /** A bearer token; `forceRefresh` after the service refused the last one. */
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

export interface RetryEvent {
  request: string;
  attempt: number;
  status: number;
  delayMs: number;
}

export interface TransportOptions {
  /** `https://org.crm.dynamics.com/api/data/v9.2/` (trailing slash added when missing). */
  apiUrl: string;
  send: Send;
  /** Absent inside Dynamics: the browser session authenticates same-origin requests. */
  auth?: TokenSource;
  retry?: RetryPolicy;
  concurrency?: AdaptiveConcurrency;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told about each retry (for logs and run monitors). Never receives a token. */
  onRetry?: (event: RetryEvent) => void;
}

export function normaliseApiUrl(apiUrl: string): string {
  return apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
}

export function createTransport(options: TransportOptions): Transport {
  const apiUrl = normaliseApiUrl(options.apiUrl);
  const policy = options.retry ?? defaultRetryPolicy;
  const concurrency = options.concurrency ?? new AdaptiveConcurrency();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;

  return async (request) => {
    const url = /^https?:\/\//.test(request.path) ? request.path : apiUrl + request.path;
    const label = `${request.method} ${url.startsWith(apiUrl) ? url.slice(apiUrl.length) : url}`;
    const idempotent = request.idempotent ?? request.method !== 'POST';
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'OData-MaxVersion': '4.0',
        'OData-Version': '4.0',
        ...(request.body !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
        ...request.headers,
      };
      if (options.auth) {
        headers.Authorization = `Bearer ${await options.auth.getToken({ forceRefresh: refreshedToken })}`;
      }
      const release = await concurrency.acquire();
      let response: WebApiResponse;
      try {
        response = await options.send({ method: request.method, url, headers, ...(request.body !== undefined ? { body: request.body } : {}) });
      } catch (error) {
        release();
        if (!(error instanceof NetworkFailure)) throw error;
        const delay = retryDelay(attempt, { kind: 'network', idempotent }, policy, random);
        if (delay === undefined) {
          throw new DataverseError({
            status: 0,
            message: `${error.timedOut ? 'request timed out' : 'connection dropped'} after ${attempt} attempt(s): ${error.message}`,
            request: label,
            transient: true,
            cause: error,
          });
        }
        options.onRetry?.({ request: label, attempt, status: 0, delayMs: delay });
        await sleep(delay);
        continue;
      }
      release();
      if (response.status === 401 && options.auth && !refreshedToken) {
        refreshedToken = true;
        continue;
      }
      if (response.status === 429) concurrency.onThrottle(parseRetryAfter(response.headers['retry-after']) ?? 0);
      else concurrency.onSuccess(Number(response.headers['x-ms-dop-hint']) || undefined);
      const delay = retryDelay(attempt, { kind: 'response', status: response.status, retryAfter: response.headers['retry-after'] }, policy, random);
      if (delay === undefined) return response;
      options.onRetry?.({ request: label, attempt, status: response.status, delayMs: delay });
      await sleep(delay);
    }
  };
}
