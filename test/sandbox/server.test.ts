import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import type { RunningSandbox } from '../../scripts/src/sandbox/server';
import { api, sandboxPerTest } from './http';

const start = sandboxPerTest();

describe('startSandbox', () => {
  it('binds 127.0.0.1 on the port asked for (0 = any) and logs each request', async () => {
    const sandbox = await start({ limits: false });
    expect(sandbox.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.apiUrl).toBe(`${sandbox.baseUrl}/api/data/v9.2/`);
    const http = api(sandbox);
    await http.get('WhoAmI');
    await http.post('accounts', { name: 'Logged' });
    expect(sandbox.requestLog().map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/api/data/v9.2/WhoAmI', 200],
      ['POST', '/api/data/v9.2/accounts', 204],
    ]);
    await sandbox.close();
  });

  it("keeps a client's connection open between requests (undici trims a second off the keep-alive hint)", async () => {
    const sandbox = await start({ limits: false });
    const dispatcher = new Agent({ connections: 4 });
    let connections = 0;
    const count = () => connections++;
    subscribe('undici:client:connected', count);
    try {
      for (let i = 0; i < 3; i++) {
        const reply = await request(`${sandbox.apiUrl}WhoAmI`, { headers: { Authorization: 'Bearer t' }, dispatcher });
        await reply.body.text();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(connections).toBe(1);
    } finally {
      unsubscribe('undici:client:connected', count);
      await dispatcher.close();
      await sandbox.close();
    }
  });

  it('requires a bearer token, and exactly the configured one when requireToken is set (401 with the error shape)', async () => {
    const sandbox = await start({ limits: false, requireToken: 'sandbox-secret' });
    const missing = await fetch(`${sandbox.apiUrl}WhoAmI`);
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toMatch(/^0x/);
    expect((await api(sandbox, 'wrong').get('WhoAmI')).status).toBe(401);
    const ok = await api(sandbox, 'sandbox-secret').get('WhoAmI');
    expect(ok.status).toBe(200);
    expect(ok.json.UserId).toBe('8d2e1c3a-51b0-4c6e-9f1a-0b7d4e2a6c01');
    await sandbox.close();
  });

  it('seeds users from options (one disabled); the caller is the first enabled user', async () => {
    const users = [
      { systemuserid: '11111111-1111-4111-8111-111111111111', firstname: 'Only', lastname: 'User', internalemailaddress: 'only@firm.test' },
      { systemuserid: '22222222-2222-4222-8222-222222222222', firstname: 'Gone', lastname: 'User', internalemailaddress: 'gone@firm.test', isdisabled: true },
    ];
    const sandbox = await start({ limits: false, users });
    const http = api(sandbox);
    const reply = await http.get('systemusers?$select=internalemailaddress,isdisabled,fullname&$orderby=internalemailaddress');
    expect(reply.json.value.map((u: { internalemailaddress: string; isdisabled: boolean }) => [u.internalemailaddress, u.isdisabled])).toEqual([
      ['gone@firm.test', true],
      ['only@firm.test', false],
    ]);
    expect((await http.get('WhoAmI')).json.UserId).toBe('11111111-1111-4111-8111-111111111111');
    await sandbox.close();
  });

  it('keeps rows in the data file across restarts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lex-sandbox-'));
    const dataFile = path.join(dir, 'sandbox.db');
    try {
      const first = await start({ dataFile, limits: false });
      await api(first).patch("accounts(lex_sourcekey='persist-1')", { name: 'Persisted' });
      await first.close();
      const second = await start({ dataFile, limits: false });
      expect((await api(second).get("accounts(lex_sourcekey='persist-1')")).json.name).toBe('Persisted');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('service protection', () => {
  let sandbox: RunningSandbox;

  it('answers 429 0x80072322 with Retry-After once the request count is exceeded, per user', async () => {
    sandbox = await start({ limits: { windowSeconds: 2, maxRequests: 3, maxExecutionMs: 1_000_000, maxConcurrent: 52 } });
    const alice = api(sandbox, 'alice');
    for (let i = 0; i < 3; i++) expect((await alice.get('WhoAmI')).status).toBe(200);
    const refused = await alice.get('WhoAmI');
    expect(refused.status).toBe(429);
    expect(refused.json.error).toEqual({ code: '0x80072322', message: 'Number of requests exceeded the limit of 3 over time window of 2 seconds.' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    expect((await api(sandbox, 'bob').get('WhoAmI')).status).toBe(200);
  });

  it('refuses concurrent requests beyond the limit at once (0x80072326)', async () => {
    sandbox = await start({
      limits: { windowSeconds: 300, maxRequests: 100, maxExecutionMs: 1_000_000, maxConcurrent: 2 },
      latency: { perRequestMs: 150, perRecordMs: 0 },
    });
    const http = api(sandbox);
    const replies = await Promise.all([http.get('WhoAmI'), http.get('WhoAmI'), http.get('WhoAmI')]);
    const codes = replies.map((r) => r.status).sort();
    expect(codes).toEqual([200, 200, 429]);
    expect(replies.find((r) => r.status === 429)!.json.error.code).toBe('0x80072326');
  });

  it('counts execution time (0x80072321) and sends the debug and DOP headers', async () => {
    sandbox = await start({
      limits: { windowSeconds: 300, maxRequests: 100, maxExecutionMs: 50, maxConcurrent: 52, dopHint: 8 },
      latency: { perRequestMs: 60, perRecordMs: 0 },
    });
    const http = api(sandbox);
    const first = await http.get('WhoAmI');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ms-dop-hint')).toBe('8');
    expect(first.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests')).toBe('99');
    const second = await http.get('WhoAmI');
    expect(second.status).toBe(429);
    expect(second.json.error.code).toBe('0x80072321');
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('fault injection', () => {
  it('is deterministic for a seed: 429 with Retry-After, 503 and dropped connections at the configured rates', async () => {
    const run = async () => {
      const sandbox = await start({ limits: false, faults: { throttleRate: 0.2, unavailableRate: 0.1, dropRate: 0.1, retryAfterSeconds: 2 }, seed: 42 });
      const http = api(sandbox);
      const outcomes: (number | 'dropped')[] = [];
      for (let i = 0; i < 40; i++) {
        try {
          const reply = await http.get('WhoAmI');
          if (reply.status === 429) expect(reply.headers.get('retry-after')).toBe('2');
          outcomes.push(reply.status);
        } catch {
          outcomes.push('dropped');
        }
      }
      await sandbox.close();
      return outcomes;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(429);
    expect(first).toContain(503);
    expect(first).toContain('dropped');
    expect(first.filter((o) => o === 200).length).toBeGreaterThan(15);
  });

  it('can drop the connection after the write happened (the case idempotent retries exist for)', async () => {
    const sandbox = await start({ limits: false, faults: { dropAfterRate: 1 } });
    await expect(api(sandbox).patch("accounts(lex_sourcekey='dropped-1')", { name: 'Written anyway' })).rejects.toThrow();
    expect(sandbox.store.select('account', { where: "lex_sourcekey = 'dropped-1'" })).toHaveLength(1);
    await sandbox.close();
  });
});

describe('latency model and slow responses', () => {
  it('adds perRequestMs + perRecordMs × rows in the request, and slowMs for slow faults', async () => {
    const sandbox = await start({ limits: false, latency: { perRequestMs: 10, perRecordMs: 20 } });
    const http = api(sandbox);
    const Targets = Array.from({ length: 10 }, (_, i) => ({ '@odata.type': 'Microsoft.Dynamics.CRM.lex_matter', lex_name: `L${i}` }));
    expect((await http.post('lex_matters/Microsoft.Dynamics.CRM.CreateMultiple', { Targets })).status).toBe(200);
    const [entry] = sandbox.requestLog();
    expect(entry!.durationMs).toBeGreaterThanOrEqual(200);
    await sandbox.close();

    const slow = await start({ limits: false, faults: { slowRate: 1, slowMs: 120 } });
    expect((await api(slow).get('WhoAmI')).status).toBe(200);
    expect(slow.requestLog()[0]!.durationMs).toBeGreaterThanOrEqual(120);
    await slow.close();
  });
});
