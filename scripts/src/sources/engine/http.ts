/**
 * One HTTP request as API connectors need it: wait for the rate limiter, send, feed the
 * response headers back to the limiter, retry what is transient, and turn everything else into
 * a LexError that names the URL (never the credentials).
 *
 * - 429: the limiter blocks until `Retry-After` / `X-RateLimit-Reset`, then the request is sent
 *   again (up to `maxThrottled` times) without extra backoff, so a throttled run stays at the
 *   server's pace and no record is lost or fetched twice.
 * - 5xx, network errors, timeouts: exponential backoff with jitter (`withRetry`).
 * - 401: `refreshAuth()` (e.g. an OAuth refresh) is called once and the request repeated with
 *   the new headers.
 * - other 4xx: fail with the server's message.
 */
import { LexError } from '../../errors';
import type { RateLimiter } from './rate-limit';
import { withRetry, type RetryOptions } from './retry';

export interface HttpClientOptions {
  limiter?: RateLimiter;
  retry?: RetryOptions;
  fetch?: typeof fetch;
  /** Headers sent with every request (auth, API version). Held here, never logged. */
  headers?: () => Record<string, string>;
  /** Called once on a 401; returns true when new credentials are in place. */
  refreshAuth?: () => Promise<boolean>;
  maxThrottled?: number;
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
  url: string;
}

/** Builds a `getJson(url)` bound to one rate limiter and one set of credentials. */
export function createHttpClient(options: HttpClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const maxThrottled = options.maxThrottled ?? 50;

  async function send(url: string, init: RequestInit, redirect: RequestRedirect): Promise<Response> {
    let throttled = 0;
    let refreshed = false;
    for (;;) {
      await options.limiter?.acquire(options.signal);
      let response: Response;
      try {
        response = await doFetch(url, {
          ...init,
          redirect,
          signal: options.signal,
          headers: { ...options.headers?.(), ...(init.headers as Record<string, string> | undefined) },
        });
      } catch (cause) {
        if (options.signal?.aborted) throw cause;
        throw new LexError({
          code: 'LEX_SOURCE_HTTP_NETWORK',
          message: `request failed before a response: ${cause instanceof Error ? cause.message : String(cause)}`,
          fix: 'Check the network and the source URL; the request is retried automatically.',
          location: { url: redactUrl(url) },
          transient: true,
          cause,
        });
      }
      options.limiter?.observe(response.status, response.headers);
      if (response.status === 429 && throttled++ < maxThrottled) {
        await response.body?.cancel();
        continue;
      }
      if (response.status === 401 && !refreshed && options.refreshAuth) {
        await response.body?.cancel();
        refreshed = true;
        if (await options.refreshAuth()) continue;
      }
      return response;
    }
  }

  async function request<T>(url: string, init: RequestInit = {}, parse: (r: Response) => Promise<T>, redirect: RequestRedirect = 'follow'): Promise<HttpResponse<T>> {
    return withRetry(async () => {
      const response = await send(url, init, redirect);
      if (response.status >= 500 || response.status === 429) {
        const text = await response.text().catch(() => '');
        throw new LexError({
          code: response.status === 429 ? 'LEX_SOURCE_HTTP_THROTTLED' : 'LEX_SOURCE_HTTP_SERVER',
          message: `${response.status} from the source: ${text.slice(0, 200)}`,
          fix: 'Transient: retried with backoff. If it persists, run the extraction off-peak; it resumes from its checkpoint.',
          location: { url: redactUrl(url) },
          transient: true,
        });
      }
      if (response.status >= 400) {
        const text = await response.text().catch(() => '');
        throw new LexError({
          code: response.status === 401 || response.status === 403 ? 'LEX_SOURCE_HTTP_AUTH' : 'LEX_SOURCE_HTTP_REJECTED',
          message: `${response.status} from the source: ${text.slice(0, 300)}`,
          fix:
            response.status === 401 || response.status === 403
              ? 'Reconnect the source (its token expired or lacks a scope) and rerun; extraction resumes from its checkpoint.'
              : 'The request was rejected as sent; check the connector configuration (API version, fields) and report it if it persists.',
          location: { url: redactUrl(url) },
        });
      }
      return { status: response.status, headers: response.headers, body: await parse(response), url: response.url || url };
    }, { ...options.retry, signal: options.signal });
  }

  return {
    getJson<T = unknown>(url: string, headers?: Record<string, string>): Promise<HttpResponse<T>> {
      return request<T>(url, { method: 'GET', headers }, (r) => (r.status === 204 || r.status === 304 ? Promise.resolve(undefined as T) : (r.json() as Promise<T>)));
    },
    /** Raw response (for downloads and redirects); the caller consumes the body as a stream. */
    send(url: string, init: RequestInit = {}, redirect: RequestRedirect = 'follow'): Promise<HttpResponse<Response>> {
      return request(url, init, (r) => Promise.resolve(r), redirect);
    },
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;

/** Drops query values that may carry secrets (tokens, codes) before a URL goes into an error or log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...parsed.searchParams.keys()])
      if (/token|code|secret|key|password|signature|sig/i.test(key)) parsed.searchParams.set(key, 'REDACTED');
    return parsed.toString();
  } catch {
    return url.replace(/([?&][^=]*(token|code|secret|key)[^=]*=)[^&]*/gi, '$1REDACTED');
  }
}

/**
 * Parses an API response body as JSON. A body that is not JSON (a proxy's HTML page, a cut-off
 * response) is a transient error under the source's own code: retried, then reported with the URL.
 */
export function parseJsonBody<T>(text: string, contentType: string | null, url: string, code: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new LexError({
      code,
      message: `the response is not JSON (${contentType ?? 'no content type'}, ${text.length} bytes)`,
      fix: 'Usually transient (a proxy page or a cut-off response): retried. If it persists, rerun later; extraction resumes from its checkpoint.',
      location: { url: redactUrl(url) },
      transient: true,
      cause,
    });
  }
}
