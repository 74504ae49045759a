import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LexError } from '../../../scripts/src/errors';
import { createHttpClient, RateLimiter, redactUrl } from '../../../scripts/src/sources/engine';
import { fakeClock } from './fake-clock';

/** A local server scripted per test: each request takes the next planned response. */
async function scriptedServer(plan: ((req: http.IncomingMessage, res: http.ServerResponse) => void)[]) {
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req);
    const step = plan.shift();
    if (!step) return void res.writeHead(500).end('no plan');
    step(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_: http.IncomingMessage, res: http.ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

describe('createHttpClient', () => {
  it('waits out a 429 with Retry-After and then gets the page once', async () => {
    const server = await scriptedServer([json(429, { error: 'slow down' }, { 'Retry-After': '3' }), json(200, { data: [1] })]);
    const clock = fakeClock();
    const limiter = new RateLimiter({ requests: 50, windowMs: 60_000, clock });
    const client = createHttpClient({ limiter, retry: { clock } });
    const t0 = clock.now();
    const response = await client.getJson<{ data: number[] }>(`${server.base}/matters`);
    expect(response.body.data).toEqual([1]);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(3000);
    expect(server.seen).toHaveLength(2);
    await server.close();
  });

  it('refreshes credentials once on 401 and repeats the request with the new token', async () => {
    const server = await scriptedServer([json(401, { error: 'invalid_token' }), json(200, { ok: true })]);
    let token = 'old';
    const client = createHttpClient({ headers: () => ({ authorization: `Bearer ${token}` }), refreshAuth: async () => ((token = 'new'), true) });
    await client.getJson(`${server.base}/x`);
    expect(server.seen.map((r) => r.headers.authorization)).toEqual(['Bearer old', 'Bearer new']);
    await server.close();
  });

  it('retries 5xx with backoff, and fails 4xx with a LexError that names the URL without secrets', async () => {
    const server = await scriptedServer([json(503, {}), json(200, { ok: 1 }), json(400, { error: { message: 'bad field' } })]);
    const clock = fakeClock();
    const client = createHttpClient({ retry: { clock, random: () => 0 } });
    expect((await client.getJson<{ ok: number }>(`${server.base}/a`)).body.ok).toBe(1);
    const error = await client.getJson(`${server.base}/b?access_token=s3cret&fields=x`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LexError);
    expect((error as LexError).code).toBe('LEX_SOURCE_HTTP_REJECTED');
    expect((error as LexError).location.url).not.toContain('s3cret');
    expect(redactUrl('https://h/x?page_token=abc&limit=2')).toBe('https://h/x?page_token=REDACTED&limit=2');
    await server.close();
  });
});
