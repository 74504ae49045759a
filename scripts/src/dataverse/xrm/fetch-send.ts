/**
 * One raw round trip with the browser's `fetch`, same-origin: inside Dynamics the user's session
 * authenticates the request, so no token is handled here at all.
 */
import { NetworkFailure, type Send } from '../transport';

export function fetchSend(fetchImpl: typeof fetch): Send {
  return async ({ method, url, headers, body }) => {
    let response: Response;
    try {
      response = await fetchImpl(url, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body } : {}) });
    } catch (error) {
      throw new NetworkFailure(error instanceof Error ? error.message : String(error), false, error);
    }
    const flat: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      flat[name.toLowerCase()] = value;
    });
    return { status: response.status, headers: flat, body: await response.text() };
  };
}
