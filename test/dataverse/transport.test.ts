import { AdaptiveConcurrency } from '../../scripts/src/dataverse/concurrency';
import { DataverseError } from '../../scripts/src/dataverse/errors';
import { createTransport, NetworkFailure, type Send, type WebApiResponse } from '../../scripts/src/dataverse/transport';

const api = 'http://127.0.0.1:9/api/data/v9.2/';
const ok: WebApiResponse = { status: 204, headers: {}, body: '' };

function scripted(responses: (WebApiResponse | Error)[]) {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const send: Send = async ({ url, headers }) => {
    seen.push({ url, headers });
    const next = responses.shift() ?? ok;
    if (next instanceof Error) throw next;
    return next;
  };
  return { send, seen };
}

// A fake clock: sleeping advances it, so waits are recorded, not spent.
let now = 0;
const clock = () => now;
const slept: number[] = [];
const sleep = async (ms: number) => {
  slept.push(ms);
  now += ms;
};

beforeEach(() => {
  slept.length = 0;
});

describe('createTransport', () => {
  it('sends the standard OData headers and the bearer token', async () => {
    const { send, seen } = scripted([ok]);
    const transport = createTransport({ apiUrl: api, send, auth: { getToken: async () => 'abc' }, sleep });
    await transport({ method: 'GET', path: 'WhoAmI' });
    expect(seen[0]!.url).toBe(`${api}WhoAmI`);
    expect(seen[0]!.headers).toMatchObject({ Authorization: 'Bearer abc', 'OData-Version': '4.0', 'OData-MaxVersion': '4.0', Accept: 'application/json' });
  });

  it('honours Retry-After on 429, halves parallelism, then returns the success', async () => {
    const concurrency = new AdaptiveConcurrency({ initial: 4, max: 8 }, clock, sleep);
    const { send, seen } = scripted([{ status: 429, headers: { 'retry-after': '2' }, body: '{"error":{"code":"0x80072322","message":"Number of requests exceeded"}}' }, ok]);
    const transport = createTransport({ apiUrl: api, send, concurrency, sleep });
    const response = await transport({ method: 'PATCH', path: 'accounts(1)', body: '{}' });
    expect(response.status).toBe(204);
    expect(seen).toHaveLength(2);
    expect(slept).toEqual([2000]);
    expect(concurrency.limit).toBe(2);
  });

  it('refreshes the token once on 401', async () => {
    const tokens: boolean[] = [];
    const { send, seen } = scripted([{ status: 401, headers: {}, body: '' }, ok]);
    const transport = createTransport({ apiUrl: api, send, sleep, auth: { getToken: async (o) => (tokens.push(!!o?.forceRefresh), o?.forceRefresh ? 'new' : 'old') } });
    await transport({ method: 'GET', path: 'WhoAmI' });
    expect(tokens).toEqual([false, true]);
    expect(seen[1]!.headers.Authorization).toBe('Bearer new');
  });

  it('retries a dropped connection for idempotent requests only', async () => {
    const drop = () => new NetworkFailure('ECONNRESET: socket hang up', false);
    const retried = scripted([drop(), ok]);
    await createTransport({ apiUrl: api, send: retried.send, sleep })({ method: 'PATCH', path: 'accounts(1)', body: '{}' });
    expect(retried.seen).toHaveLength(2);

    const create = scripted([drop(), ok]);
    const error = await createTransport({ apiUrl: api, send: create.send, sleep })({ method: 'POST', path: 'accounts', body: '{}' }).catch((e: unknown) => e);
    expect(create.seen).toHaveLength(1);
    expect(error).toBeInstanceOf(DataverseError);
    expect(error).toMatchObject({ transient: true, status: 0, code: 'LEX_DATAVERSE_CONNECTION' });
  });

  it('gives up after the bounded attempts and returns the last 503', async () => {
    const unavailable = { status: 503, headers: {}, body: '' };
    const { send, seen } = scripted([unavailable, unavailable, unavailable, unavailable]);
    const transport = createTransport({ apiUrl: api, send, sleep, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 1000 } });
    expect((await transport({ method: 'GET', path: 'accounts' })).status).toBe(503);
    expect(seen).toHaveLength(3);
  });

  it('never puts the token in an error', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwcyJ9.c2lnbmF0dXJl';
    const failing: Send = async ({ headers }) => {
      throw new NetworkFailure(`ECONNRESET while sending ${headers.Authorization}`, false);
    };
    const error = await createTransport({ apiUrl: api, send: failing, sleep, auth: { getToken: async () => token } })({ method: 'POST', path: 'accounts', body: '{}' }).catch((e: unknown) => e as Error);
    expect(String(error)).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(token);
  });
});
