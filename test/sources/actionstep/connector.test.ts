/**
 * The Actionstep connector against the Actionstep fixture server serving a generated firm:
 * completeness across pages, the token response's api_endpoint, bare-object collections, T/F
 * booleans, composite ids, include/linked, deltas, 401 refresh with rotating refresh tokens,
 * 429 without headers, resume from a checkpoint, document parts, and no secrets in output.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateFirm, matterDetails } from '../../../scripts/src/generate/firm';
import { renderActionstep, USER_PARTICIPANT_OFFSET } from '../../../scripts/src/generate/render/actionstep';
import type { RenderResult } from '../../../scripts/src/generate/render/types';
import { startActionstepFixtureServer } from '../../../scripts/src/fixtures/actionstep-server';
import type { Fault, FixtureServer } from '../../../scripts/src/fixtures/http';
import { FIXTURE_CLIENT } from '../../../scripts/src/fixtures/oauth';
import { createActionstepConnector } from '../../../scripts/src/sources/actionstep/connector';
import { ACTIONSTEP_STREAMS } from '../../../scripts/src/sources/actionstep/streams';
import { asArray, tf, toDay } from '../../../scripts/src/sources/actionstep/values';
import type { Checkpoint, ReadMessage, SourceConnector } from '../../../scripts/src/sources/contract';
import { ENTITY_OF_TYPE } from '../../../scripts/src/model/keys';
import type { CanonicalRecord } from '../../../scripts/src/model/records';

const firm = generateFirm({ seed: 5, matters: 18, dirtRate: 0.1 });
const dataDir = mkdtempSync(path.join(tmpdir(), 'actionstep-connector-'));
let manifest: RenderResult;
beforeAll(async () => {
  manifest = await renderActionstep(firm, dataDir);
});

async function collect(connector: SourceConnector, entity: string, options = {}): Promise<ReadMessage[]> {
  const out: ReadMessage[] = [];
  for await (const m of connector.read(entity, options)) out.push(m);
  return out;
}
const records = (messages: ReadMessage[]): CanonicalRecord[] => messages.flatMap((m) => (m.kind === 'record' ? [m.record] : []));

async function withServer<T>(options: { rate?: string; faults?: Fault[] }, fn: (server: FixtureServer) => Promise<T>): Promise<T> {
  const server = await startActionstepFixtureServer({ dataDir, rate: options.rate ?? '10000/min', faults: options.faults });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}
const connect = (server: FixtureServer, config: Record<string, unknown> = {}) =>
  createActionstepConnector({ from: server.baseUrl, config: { ...FIXTURE_CLIENT, rateLimit: { requests: 10000, windowMs: 60_000 }, ...config } }, { env: {} });

describe('Actionstep value quirks', () => {
  it('reads T/F as booleans, never the string "F" as true', () => {
    expect([tf('T'), tf('F'), tf('true'), tf(undefined)]).toEqual([true, false, undefined, undefined]);
  });
  it('reads Actionstep dates, keeping the day as written', () => {
    expect(toDay('2022-05-03 00:00:00+12:00')).toBe('2022-05-03');
    expect(toDay('23-May-1987')).toBe('1987-05-23');
    expect(toDay('2023-02-30')).toBeUndefined();
    expect(toDay('yesterday')).toBeUndefined();
  });
  it('treats a bare object as a collection of one', () => {
    expect(asArray({ id: 1 })).toEqual([{ id: 1 }]);
    expect(asArray([{ id: 1 }, { id: 2 }])).toHaveLength(2);
    expect(asArray(undefined)).toEqual([]);
  });
});

describe('Actionstep connector', () => {
  it('extracts every generated record exactly once across pages', async () => {
    await withServer({}, async (server) => {
      const connector = connect(server, { pageSize: 6 });
      const counts: Record<string, number> = {};
      const keys = new Set<string>();
      for (const stream of ACTIONSTEP_STREAMS) {
        for (const record of records(await collect(connector, stream.name))) {
          expect(keys.has(record.sourceKey)).toBe(false);
          keys.add(record.sourceKey);
          counts[ENTITY_OF_TYPE[record.type]] = (counts[ENTITY_OF_TYPE[record.type]] ?? 0) + 1;
        }
      }
      expect(counts).toEqual(manifest.counts);
      const log = server.requestLog();
      // every API call went to the api_endpoint the token response named
      expect(log.filter((r) => r.path.startsWith('/api/rest/actions?')).length).toBe(Math.ceil(firm.matters.length / 6));
    });
  });

  it('maps matters with client, status and T/F-derived booleans, and participants by composite id and role', async () => {
    await withServer({}, async (server) => {
      const connector = connect(server);
      const matter = firm.matters.find((m) => m.clientId !== null)!;
      const matters = records(await collect(connector, 'matters'));
      expect(matters.find((m) => m.key.id === String(matter.id))).toMatchObject({
        number: matter.number,
        status: matter.status,
        clientRef: `actionstep:contact:${matter.clientId}`,
        responsibleUserRef: `actionstep:user:${USER_PARTICIPANT_OFFSET + matter.responsibleUserId}`,
      });
      const participants = records(await collect(connector, 'participants'));
      const client = participants.find((p) => p.key.id === `${matter.id}--1--${matter.clientId}`);
      expect(client).toMatchObject({ role: 'Client', primary: true, contactRef: `actionstep:contact:${matter.clientId}`, matterRef: `actionstep:matter:${matter.id}` });
      const entries = records(await collect(connector, 'time_entries'));
      const generated = matterDetails(firm, matter).timeEntries.find((t) => !t.dirt)!;
      expect(entries.find((e) => e.key.id === String(generated.id))).toMatchObject({ hours: generated.hours, billable: generated.billable, utbmsTaskCode: generated.taskCode, date: generated.date });
    });
  });

  it('handles a collection of one record returned as a bare object', async () => {
    await withServer({}, async (server) => {
      // one page of one record: the server answers with a bare object
      const got = records(await collect(connect(server, { pageSize: 1 }), 'practice_areas'));
      expect(got.map((r) => r.key.id)).toEqual(firm.practiceAreas.map((a) => String(a.id)));
    });
  });

  it('types custom field values from the linked field definition and names the data collection', async () => {
    await withServer({}, async (server) => {
      const connector = connect(server);
      const values = records(await collect(connector, 'custom_field_values'));
      const flag = values.find((v) => v.type === 'custom_field_value' && v.fieldRef.endsWith('--conflict_check_done'));
      expect(typeof (flag?.type === 'custom_field_value' && flag.value)).toBe('boolean');
      const definitions = records(await collect(connector, 'custom_field_definitions'));
      expect(definitions[0]).toMatchObject({ group: expect.stringContaining('Matter details') });
    });
  });

  it('reports bad dates with their record key and field', async () => {
    await withServer({}, async (server) => {
      const messages = await collect(connect(server), 'time_entries');
      const reported = messages.flatMap((m) => (m.kind === 'issue' && m.rule === 'bad-date' ? [m.error.location.recordKey] : []));
      const labelled = manifest.dirty.filter((d) => d.rule === 'bad-date').map((d) => d.sourceKey);
      expect(labelled.length).toBeGreaterThan(0);
      expect(reported.sort()).toEqual(labelled.sort());
    });
  });

  it('returns only matters modified since the delta timestamp', async () => {
    await withServer({}, async (server) => {
      const since = '2024-06-01T00:00:00Z';
      const changed = firm.matters.filter((m) => Date.parse(m.updatedAt) >= Date.parse(since)).map((m) => `actionstep:matter:${m.id}`);
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.length).toBeLessThan(firm.matters.length);
      const got = records(await collect(connect(server), 'matters', { since }));
      expect(got.map((r) => r.sourceKey).sort()).toEqual(changed.sort());
      expect(server.requestLog().some((r) => r.path.includes('modifiedTimestamp_gteq=2024-06-01T00%3A00%3A00'))).toBe(true);
    });
  });

  it('refreshes an expired token (rotating refresh tokens) and loses or repeats nothing', async () => {
    await withServer({ faults: [{ kind: 'expire-token', at: 2 }] }, async (server) => {
      const got = records(await collect(connect(server, { pageSize: 5 }), 'matters'));
      expect(new Set(got.map((r) => r.sourceKey)).size).toBe(firm.matters.length);
      expect(got).toHaveLength(firm.matters.length);
      expect(server.requestLog().filter((r) => r.path === '/api/oauth/token')).toHaveLength(2);
    });
  });

  it('waits after a 429 without headers and loses or repeats nothing', async () => {
    await withServer({ faults: [{ kind: 'rate-limit', at: 2, times: 2 }] }, async (server) => {
      const got = records(await collect(connect(server, { pageSize: 5, rateLimit: { requests: 10, windowMs: 1000 } }), 'matters'));
      expect(got).toHaveLength(firm.matters.length);
      expect(server.requestLog().filter((r) => r.status === 429)).toHaveLength(2);
    });
  });

  it('keeps under the session rate: no 429 in the log', async () => {
    // No rate headers to steer by: a token bucket of c per window can send 2c within one window,
    // so the declared rate is half the server's.
    await withServer({ rate: '4/1s' }, async (server) => {
      const got = records(await collect(connect(server, { pageSize: 2, rateLimit: { requests: 2, windowMs: 1000 } }), 'matters'));
      expect(got).toHaveLength(firm.matters.length);
      const api = server.requestLog().filter((r) => r.path.startsWith('/api/rest/'));
      expect(api.length).toBeGreaterThanOrEqual(9);
      expect(api.filter((r) => r.status === 429)).toHaveLength(0);
    });
  });

  it('resumes from the checkpoint of an interrupted extraction', async () => {
    await withServer({}, async (server) => {
      const seen: string[] = [];
      let checkpoint: Checkpoint | undefined;
      // Actionstep rotates refresh tokens: the resumed run must use the newest one
      let refreshToken: string | undefined;
      for await (const m of connect(server, { pageSize: 4, onRefreshToken: (t: string) => (refreshToken = t) }).read('matters')) {
        if (m.kind === 'record') seen.push(m.record.sourceKey);
        if (m.kind === 'checkpoint') {
          checkpoint = m.checkpoint;
          if (seen.length >= 8) break;
        }
      }
      expect(refreshToken).toBeDefined();
      const rest = records(await collect(connect(server, { pageSize: 4, refreshToken }), 'matters', { checkpoint })).map((r) => r.sourceKey);
      const all = [...seen, ...rest];
      expect(all).toHaveLength(firm.matters.length);
      expect(new Set(all).size).toBe(firm.matters.length);
    });
  });

  it('keeps the newest rotated refresh token in the token file, which wins over the configured one', async () => {
    await withServer({}, async (server) => {
      const tokenFile = path.join(mkdtempSync(path.join(tmpdir(), 'actionstep-token-')), 'refresh-token');
      await collect(connect(server, { tokenFile }), 'practice_areas');
      const saved = readFileSync(tokenFile, 'utf8').trim();
      expect(saved).not.toBe('');
      expect(saved).not.toBe(FIXTURE_CLIENT.refreshToken);
      expect((statSync(tokenFile).mode & 0o777).toString(8)).toBe('600');
      // a stale configured token is not used: the file's is
      const again = records(await collect(connect(server, { tokenFile, refreshToken: 'stale' }), 'practice_areas'));
      expect(again).toHaveLength(firm.practiceAreas.length);
      expect(readFileSync(tokenFile, 'utf8').trim()).not.toBe(saved);
    });
  });

  it('stops on a missing scope with an error that names the resource URL and says how to fix it', async () => {
    const server = await startActionstepFixtureServer({ dataDir, rate: '10000/min', deniedResources: ['filenotes'] });
    try {
      const error = await collect(connect(server), 'notes').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'LEX_SOURCE_HTTP_AUTH', location: { url: expect.stringContaining('/api/rest/filenotes') } });
      expect((error as { message: string }).message).toContain('insufficient_scope');
    } finally {
      await server.close();
    }
  });

  it('downloads a document from its file parts', async () => {
    await withServer({}, async (server) => {
      const connector = connect(server);
      const generated = firm.matters.flatMap((m) => matterDetails(firm, m).documents).find((d) => d.content !== null)!;
      const doc = records(await collect(connector, 'documents')).find((d) => d.key.id === String(generated.id))!;
      const chunks: Uint8Array[] = [];
      for await (const chunk of connector.openDocument!(doc as Extract<CanonicalRecord, { type: 'document' }>)) chunks.push(chunk);
      expect(Buffer.concat(chunks).toString('utf8')).toBe(generated.content);
      expect(server.requestLog().some((r) => r.path.includes('/rest/files/DL::Actions::'))).toBe(true);
    });
  });

  it('discovers entities with counts from recordCount, custom field definitions and users', async () => {
    await withServer({}, async (server) => {
      const discovered = await connect(server).discover();
      const counts = Object.fromEntries(discovered.entities.map((e) => [e.name, e.count]));
      for (const [entity, n] of Object.entries(manifest.counts)) expect([entity, counts[entity]]).toEqual([entity, n]);
      expect(discovered.users).toHaveLength(firm.users.length);
      expect(discovered.customFieldDefinitions).toHaveLength(manifest.counts.custom_field_definitions!);
    });
  });

  it('never puts the client secret or tokens in records, issues, errors or console output', async () => {
    const secret = 'actionstep-secret-789';
    const refreshToken = 'actionstep-refresh-012';
    const server = await startActionstepFixtureServer({ dataDir, rate: '10000/min', client: { clientId: 'lex', clientSecret: secret, refreshToken }, faults: [{ kind: 'expire-token', at: 2 }, { kind: 'html-500', at: 3 }, { kind: 'invalid-json', at: 4 }] });
    const issued: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/oauth/token') && response.ok) {
        const grant = (await response.clone().json()) as { access_token: string; refresh_token: string };
        issued.push(grant.access_token, grant.refresh_token);
      }
      return response;
    };
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))));
    try {
      const env = { LEXBRIDGE_ACTIONSTEP_CLIENT_ID: 'lex', LEXBRIDGE_ACTIONSTEP_CLIENT_SECRET: secret, LEXBRIDGE_ACTIONSTEP_REFRESH_TOKEN: refreshToken };
      const output: unknown[] = await collect(createActionstepConnector({ from: server.baseUrl, config: { pageSize: 5, rateLimit: { requests: 10000, windowMs: 60_000 } } }, { env, fetch: recordingFetch }), 'matters');
      // a rejected token request must not echo what was sent
      const failure = await collect(createActionstepConnector({ from: server.baseUrl }, { env: { ...env, LEXBRIDGE_ACTIONSTEP_CLIENT_SECRET: `${secret}-wrong` } }), 'matters').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(Error);
      output.push(String(failure), JSON.stringify(failure), (failure as Error).stack);
      expect(issued.length).toBe(4);
      const text = JSON.stringify(output) + logged.join('\n');
      for (const value of [secret, refreshToken, ...issued]) expect(text).not.toContain(value);
    } finally {
      spies.forEach((s) => s.mockRestore());
      await server.close();
    }
  });
});
