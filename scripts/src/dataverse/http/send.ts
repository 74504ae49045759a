/**
 * One raw HTTP round trip on undici, for the transport. Dropped connections and timeouts
 * become `NetworkFailure` so the retry policy can tell them from answers.
 */
import { Agent, request } from 'undici';
import { NetworkFailure, type Send } from '../transport';

export interface UndiciSendOptions {
  /** Milliseconds to wait for response headers and between body chunks. */
  timeoutMs?: number;
  /** Keep-alive connections per origin (above the client's adaptive parallelism cap). */
  connections?: number;
}

export function undiciSend(options: UndiciSendOptions = {}): Send & { close(): Promise<void> } {
  const timeout = options.timeoutMs ?? 120_000;
  const dispatcher = new Agent({ connections: options.connections ?? 64, headersTimeout: timeout, bodyTimeout: timeout });
  const send: Send = async ({ method, url, headers, body }) => {
    try {
      const response = await request(url, { method, headers, ...(body !== undefined ? { body } : {}), dispatcher });
      const text = await response.body.text();
      const flat: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers: flat, body: text };
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
      // Only failures to get an answer are network failures; anything else is a bug to surface.
      if (timedOut || code.startsWith('UND_ERR') || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) {
        throw new NetworkFailure(`${code}: ${(error as Error).message}`, timedOut, error);
      }
      throw error;
    }
  };
  return Object.assign(send, { close: () => dispatcher.close() });
}
