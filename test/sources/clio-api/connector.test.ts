/**
 * The Clio API connector against the Clio fixture server serving a generated firm: every
 * generated record extracted exactly once, deltas, API-version units, OAuth refresh, 429s,
 * rate pacing, resume from a checkpoint, document download, and no secret in any output.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateFirm, matterDetails } from '../../../scripts/src/generate/firm';
import { renderClioApi } from '../../../scripts/src/generate/render/clio-api';
import type { RenderResult } from '../../../scripts/src/generate/render/types';
import { startClioFixtureServer } from '../../../scripts/src/fixtures/clio-server';
import { FIXTURE_CLIENT } from '../../../scripts/src/fixtures/oauth';
import type { Fault, FixtureServer } from '../../../scripts/src/fixtures/http';
import { createClioApiConnector } from '../../../scripts/src/sources/clio-api/connector';
import { CLIO_STREAMS } from '../../../scripts/src/sources/clio-api/streams';
import type { Checkpoint, ReadMessage, SourceConnector } from '../../../scripts/src/sources/contract';
import { ENTITY_OF_TYPE } from '../../../scripts/src/model/keys';
import type { CanonicalRecord } from '../../../scripts/src/model/records';

const firm = generateFirm({ seed: 11, matters: 24, dirtRate: 0.1 });
const dataDir = mkdtempSync(path.join(tmpdir(), 'clio-connector-'));
let manifest: RenderResult;
beforeAll(async () => {
  manifest = await renderClioApi(firm, dataDir);
});

async function collect(connector: SourceConnector, entity: string, options = {}): Promise<ReadMessage[]> {
  const out: ReadMessage[] = [];
  for await (const m of connector.read(entity, options)) out.push(m);
  return out;
}
const records = (messages: ReadMessage[]): CanonicalRecord[] => messages.flatMap((m) => (m.kind === 'record' ? [m.record] : []));

async function withServer<T>(options: { rate?: string; faults?: Fault[] }, fn: (server: FixtureServer) => Promise<T>): Promise<T> {
  const server = await startClioFixtureServer({ dataDir, rate: options.rate ?? '10000/min', faults: options.faults });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

const connect = (server: FixtureServer, config: Record<string, unknown> = {}) =>
  createClioApiConnector({ from: server.baseUrl, config: { ...FIXTURE_CLIENT, rateLimit: { requests: 10000, windowMs: 60_000 }, ...config } }, { env: {} });

describe('Clio API connector: completeness', () => {
  it('extracts every generated record exactly once across pages', async () => {
    await withServer({}, async (server) => {
      const connector = connect(server, { pageSize: 7 });
      const counts: Record<string, number> = {};
      const keys = new Set<string>();
      for (const stream of CLIO_STREAMS) {
        for (const record of records(await collect(connector, stream.name))) {
          expect(keys.has(record.sourceKey)).toBe(false);
          keys.add(record.sourceKey);
          const entity = ENTITY_OF_TYPE[record.type];
          counts[entity] = (counts[entity] ?? 0) + 1;
        }
      }
      expect(counts).toEqual(manifest.counts);
      // more than one page was needed (7 per page)
      expect(server.requestLog().filter((r) => r.path.startsWith('/api/v4/matters.json')).length).toBe(Math.ceil(firm.matters.length / 7));
    });
  });

  it('maps matters, time entries and bills with the firm’s values', async () => {
    await withServer({}, async (server) => {
      const connector = connect(server);
      const matters = records(await collect(connector, 'matters')).filter((r) => r.type === 'matter');
      const first = firm.matters[0]!;
      expect(matters.find((m) => m.key.id === String(first.id))).toMatchObject({
        number: first.number,
        status: first.status,
        openedOn: first.openedOn,
        clientRef: first.clientId === null ? null : `clio:contact:${first.clientId}`,
        responsibleUserRef: `clio:user:${first.responsibleUserId}`,
      });
      const details = matterDetails(firm, first);
      const bills = records(await collect(connector, 'bills'));
      const bill = details.bills[0];
      if (bill) {
        const extracted = bills.find((b) => b.key.id === String(bill.id));
        expect(extracted).toMatchObject({ number: bill.number, total: bill.total, status: bill.status });
        expect(extracted?.type === 'bill' && extracted.lines.map((l) => l.total)).toEqual(bill.lines.map((l) => l.total));
      }
    });
  });
});

describe('Clio API connector: time-entry units follow the pinned API version', () => {
  const expectedHours = new Map<string, number>(firm.matters.flatMap((m) => matterDetails(firm, m).timeEntries.map((t) => [`clio:time_entry:${t.id}`, t.hours] as const)));

  it.each([['4.0.9'], ['4.0.4'], ['4.0.3']])('X-API-VERSION %s: hours equal the generated hours', async (apiVersion) => {
    await withServer({}, async (server) => {
      const entries = records(await collect(connect(server, { apiVersion }), 'activities')).filter((r) => r.type === 'time_entry');
      expect(entries.length).toBe(expectedHours.size);
      for (const entry of entries) expect(entry.type === 'time_entry' && entry.hours).toBeCloseTo(expectedHours.get(entry.sourceKey)!, 6);
      const versions = server.requestLog().filter((r) => r.path.startsWith('/api/v4/activities'));
      expect(versions.length).toBeGreaterThan(0);
    });
  });

  it('carries UTBMS task and activity codes resolved from /utbms/codes', async () => {
    await withServer({}, async (server) => {
      const entries = records(await collect(connect(server), 'activities')).filter((r) => r.type === 'time_entry');
      const generated = firm.matters.flatMap((m) => matterDetails(firm, m).timeEntries)[0]!;
      expect(entries.find((e) => e.key.id === String(generated.id))).toMatchObject({ utbmsTaskCode: generated.taskCode, utbmsActivityCode: generated.activityCode });
    });
  });
});

describe('Clio API connector: deltas, issues and documents', () => {
  it('returns only records changed after updated_since', async () => {
    await withServer({}, async (server) => {
      const since = '2024-06-01T00:00:00Z';
      const changed = firm.matters.filter((m) => Date.parse(m.updatedAt) > Date.parse(since)).map((m) => `clio:matter:${m.id}`);
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.length).toBeLessThan(firm.matters.length);
      const got = records(await collect(connect(server), 'matters', { since })).filter((r) => r.type === 'matter');
      expect(got.map((r) => r.sourceKey).sort()).toEqual(changed.sort());
      expect(server.requestLog().some((r) => r.path.includes('updated_since='))).toBe(true);
    });
  });

  it('reports every bad date as a bad-date issue naming the record and field, and still yields the record', async () => {
    await withServer({}, async (server) => {
      const messages = await collect(connect(server), 'activities');
      const issues = messages.flatMap((m) => (m.kind === 'issue' && m.rule === 'bad-date' ? [m.error.location.recordKey] : []));
      const labelled = manifest.dirty.filter((d) => d.rule === 'bad-date').map((d) => d.sourceKey);
      expect(labelled.length).toBeGreaterThan(0);
      expect(issues.sort()).toEqual(labelled.sort());
      const keys = new Set(records(messages).map((r) => r.sourceKey));
      for (const key of labelled) expect(keys.has(key)).toBe(true);
    });
  });

  it('downloads a document through the 303 redirect', async () => {
    await withServer({}, async (server) => {
      const connector = connect(server);
      const docs = records(await collect(connector, 'documents')).filter((r) => r.type === 'document');
      const generated = firm.matters.flatMap((m) => matterDetails(firm, m).documents).find((d) => d.content !== null)!;
      const doc = docs.find((d) => d.key.id === String(generated.id))!;
      const chunks: Uint8Array[] = [];
      for await (const chunk of connector.openDocument!(doc as Extract<CanonicalRecord, { type: 'document' }>)) chunks.push(chunk);
      expect(Buffer.concat(chunks).toString('utf8')).toBe(generated.content);
      expect(server.requestLog().some((r) => r.status === 303)).toBe(true);
    });
  });
});

describe('Clio API connector: OAuth, throttling and resume', () => {
  it('connects with an authorization code from /oauth/authorize', async () => {
    await withServer({}, async (server) => {
      const authorize = await fetch(`${server.baseUrl}/oauth/authorize?response_type=code&client_id=${FIXTURE_CLIENT.clientId}&redirect_uri=http://127.0.0.1/cb`, { redirect: 'manual' });
      const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
      const users = records(await collect(connect(server, { authorizationCode: code, redirectUri: 'http://127.0.0.1/cb' }), 'users'));
      expect(users).toHaveLength(firm.users.length);
    });
  });

  it('refreshes an expired token once and loses or repeats nothing', async () => {
    await withServer({ faults: [{ kind: 'expire-token', at: 2 }] }, async (server) => {
      const got = records(await collect(connect(server, { pageSize: 5 }), 'matters')).filter((r) => r.type === 'matter');
      expect(new Set(got.map((r) => r.sourceKey)).size).toBe(firm.matters.length);
      expect(got).toHaveLength(firm.matters.length);
      const api = server.requestLog().filter((r) => r.path.startsWith('/api/'));
      expect(api.map((r) => r.status)).toContain(401);
      expect(new Set(api.map((r) => r.tokenSerial)).size).toBe(2);
    });
  });

  it('waits out a 429 storm for Retry-After and loses or repeats nothing', async () => {
    await withServer({ faults: [{ kind: 'rate-limit', at: 2, times: 2 }] }, async (server) => {
      const got = records(await collect(connect(server, { pageSize: 10 }), 'matters')).filter((r) => r.type === 'matter');
      expect(got).toHaveLength(firm.matters.length);
      const api = server.requestLog().filter((r) => r.path.startsWith('/api/'));
      const throttled = api.findIndex((r) => r.status === 429);
      expect(api.filter((r) => r.status === 429)).toHaveLength(2);
      const retried = api.slice(throttled + 1).find((r) => r.status === 200)!;
      expect(retried.at - api[throttled]!.at).toBeGreaterThanOrEqual(900);
    });
  });

  it('keeps to the server’s rate: no 429 and never more than the limit in a server window', async () => {
    await withServer({ rate: '4/1s' }, async (server) => {
      const connector = connect(server, { pageSize: 3, rateLimit: { requests: 4, windowMs: 1000 } });
      const got = records(await collect(connector, 'matters'));
      expect(got.filter((r) => r.type === 'matter')).toHaveLength(firm.matters.length);
      const api = server.requestLog().filter((r) => r.path.startsWith('/api/'));
      expect(api.length).toBeGreaterThanOrEqual(8);
      expect(api.filter((r) => r.status === 429)).toHaveLength(0);
      // the server's windows are whole seconds: none held more than the limit
      const perWindow = new Map<number, number>();
      for (const r of api) perWindow.set(Math.floor(r.at / 1000), (perWindow.get(Math.floor(r.at / 1000)) ?? 0) + 1);
      expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(4);
    });
  });

  it('resumes after an interrupted extraction from its last checkpoint', async () => {
    await withServer({}, async (server) => {
      const seen: string[] = [];
      let checkpoint: Checkpoint | undefined;
      let pages = 0;
      for await (const m of connect(server, { pageSize: 5 }).read('matters')) {
        if (m.kind === 'record' && m.record.type === 'matter') seen.push(m.record.sourceKey);
        if (m.kind === 'checkpoint') {
          checkpoint = m.checkpoint;
          if (++pages === 2) break; // killed after two durable pages
        }
      }
      expect(seen).toHaveLength(10);
      const rest = records(await collect(connect(server, { pageSize: 5 }), 'matters', { checkpoint })).filter((r) => r.type === 'matter');
      const all = [...seen, ...rest.map((r) => r.sourceKey)];
      expect(all).toHaveLength(firm.matters.length);
      expect(new Set(all).size).toBe(firm.matters.length);
    });
  });
});

describe('Clio API connector: bad responses', () => {
  it('retries an HTML 500 page and a cut-off JSON body, and still reads every record once', async () => {
    await withServer({ faults: [{ kind: 'html-500', at: 2 }, { kind: 'invalid-json', at: 4 }] }, async (server) => {
      const got = records(await collect(connect(server, { pageSize: 5 }), 'matters')).filter((r) => r.type === 'matter');
      expect(got).toHaveLength(firm.matters.length);
      expect(new Set(got.map((r) => r.sourceKey)).size).toBe(firm.matters.length);
      expect(server.requestLog().map((r) => r.status)).toContain(500);
    });
  });

  it('reports a body that stays unreadable with a code, the URL and a fix', async () => {
    await withServer({ faults: [{ kind: 'invalid-json', at: 1, times: 1000 }] }, async (server) => {
      const noWait = { now: () => Date.now(), sleep: () => Promise.resolve() };
      const connector = createClioApiConnector({ from: server.baseUrl, config: { ...FIXTURE_CLIENT, rateLimit: { requests: 10000, windowMs: 60_000 } } }, { env: {}, clock: noWait });
      const error = await collect(connector, 'users').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'LEX_SOURCE_CLIO_BAD_JSON', location: { url: expect.stringContaining('/api/v4/users.json') } });
      expect((error as { fix: string }).fix).toMatch(/resumes from its checkpoint/);
    });
  });

  it('discovers custom field definitions and users without staging', async () => {
    await withServer({}, async (server) => {
      const discovered = await connect(server).discover();
      expect(discovered.users).toHaveLength(firm.users.length);
      expect(discovered.customFieldDefinitions.map((d) => d.name)).toEqual(firm.customFields.map((f) => f.name));
      expect(discovered.entities.map((e) => e.name)).toContain('matters');
    });
  });
});

describe('Clio API connector: secrets', () => {
  it('never puts the client secret, refresh token or access tokens in records, issues, errors or console output', async () => {
    const secret = 'super-secret-client-value-123';
    const refreshToken = 'refresh-token-value-456';
    const client = { clientId: 'lex-app', clientSecret: secret, refreshToken };
    const server = await startClioFixtureServer({
      dataDir,
      rate: '10000/min',
      client,
      faults: [
        { kind: 'expire-token', at: 2 },
        { kind: 'html-500', at: 4 },
        { kind: 'invalid-json', at: 5 },
      ],
    });
    const issued: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/oauth/token')) issued.push(((await response.clone().json()) as { access_token: string }).access_token);
      return response;
    };
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))));
    try {
      const connector = createClioApiConnector(
        { from: server.baseUrl, config: { pageSize: 5, rateLimit: { requests: 10000, windowMs: 60_000 } } },
        { env: { LEXBRIDGE_CLIO_CLIENT_ID: client.clientId, LEXBRIDGE_CLIO_CLIENT_SECRET: secret, LEXBRIDGE_CLIO_REFRESH_TOKEN: refreshToken }, fetch: recordingFetch },
      );
      const output: unknown[] = await collect(connector, 'matters');
      const wrong = createClioApiConnector({ from: server.baseUrl, config: {} }, { env: { LEXBRIDGE_CLIO_CLIENT_ID: client.clientId, LEXBRIDGE_CLIO_CLIENT_SECRET: `${secret}-wrong`, LEXBRIDGE_CLIO_REFRESH_TOKEN: refreshToken } });
      const failure = await collect(wrong, 'matters').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      output.push(String(failure), JSON.stringify(failure), (failure as Error).stack);
      expect(issued.length).toBe(2);
      const text = JSON.stringify(output) + logged.join('\n');
      for (const value of [secret, refreshToken, ...issued]) expect(text).not.toContain(value);
    } finally {
      spies.forEach((s) => s.mockRestore());
      await server.close();
    }
  });
});
