/** Plain fetch against a started sandbox, the way any Web API client talks to Dataverse. */
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../scripts/src/sandbox/server';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function api(sandbox: RunningSandbox, token = 'test-token') {
  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const init: RequestInit = {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        'OData-Version': '4.0',
        'OData-MaxVersion': '4.0',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    };
    const res = await fetch(sandbox.apiUrl + path, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }
  return {
    get: (path: string, headers?: Record<string, string>) => send('GET', path, undefined, headers),
    post: (path: string, body: unknown, headers?: Record<string, string>) => send('POST', path, body, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) => send('PATCH', path, body, headers),
    delete: (path: string, headers?: Record<string, string>) => send('DELETE', path, undefined, headers),
    send,
  };
}

/** The id at the end of an `OData-EntityId` header. */
export const idFrom = (reply: Reply) => /\(([0-9a-f-]{36})\)$/.exec(reply.headers.get('odata-entityid') ?? '')?.[1];

/**
 * `startSandbox` for sandboxes opened inside a test: each is closed after the test even when an
 * assertion failed first, so a failing test cannot leave a server running.
 */
export function sandboxPerTest(): (options?: SandboxOptions) => Promise<RunningSandbox> {
  const open: RunningSandbox[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (options) => {
    const sandbox = await startSandbox(options);
    open.push(sandbox);
    return sandbox;
  };
}
