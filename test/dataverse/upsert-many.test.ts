/**
 * How `upsertMany` chooses and sizes its requests, over a scripted transport: bulk support is
 * asked of `sdkmessagefilters` once per client for every schema table (one query per message),
 * and a table without UpsertMultiple gets `$batch` requests of the same rows per request.
 * Against the sandbox: test/dataverse/contract.ts.
 */
import type { WebApiRequest, WebApiResponse } from '../../scripts/src/dataverse/transport';
import { WebApiClient } from '../../scripts/src/dataverse/web-api-client';
import { rowId } from '../../scripts/src/mapping/target-op';

const api = 'http://127.0.0.1:1/api/data/v9.2/';

/** Which tables list which message, as the catalogue query answers. */
const catalogue: Record<string, string[]> = { CreateMultiple: ['lex_matter', 'account'], UpdateMultiple: ['lex_matter', 'account', 'contact'] };

function reply(request: WebApiRequest): WebApiResponse {
  if (request.path.startsWith('sdkmessagefilters')) {
    const filter = decodeURIComponent(/\$filter=([^&]*)/.exec(request.path)![1]!);
    const message = /sdkmessageid\/name eq '(\w+)'/.exec(filter)![1]!;
    const asked = [...filter.matchAll(/"(\w+)"/g)].map((m) => m[1]!);
    const value = (catalogue[message] ?? []).filter((t) => asked.includes(t)).map((t) => ({ primaryobjecttypecode: t }));
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value }) };
  }
  if (request.path === '$batch') {
    const parts = (request.body!.match(/^PATCH /gm) ?? []).map(() => '--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n\r\n');
    return { status: 200, headers: { 'content-type': 'multipart/mixed; boundary=b' }, body: `${parts.join('')}--b--\r\n` };
  }
  return { status: 204, headers: {}, body: '' };
}

function recording(options: { bulkSize?: number } = {}) {
  const sent: WebApiRequest[] = [];
  const client = new WebApiClient({ apiUrl: api, ...options, transport: async (request) => (sent.push(request), reply(request)) });
  return { client, sent };
}

const items = (table: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: rowId(`${table}:${i}`), row: { name: `${table} ${i}` }, recordKey: `${table}:${i}` }));

describe('WebApiClient.upsertMany', () => {
  it('asks sdkmessagefilters once for every table, and uses UpsertMultiple only where both messages are listed', async () => {
    const { client, sent } = recording();
    await Promise.all([client.upsertMany('lex_matter', items('lex_matter', 2)), client.upsertMany('contact', items('contact', 2))]);
    await client.upsertMany('account', items('account', 2));
    await client.upsertMany('opportunity', items('opportunity', 2));
    const probes = sent.filter((r) => r.path.startsWith('sdkmessagefilters'));
    expect(probes).toHaveLength(2);
    // Every schema table is in the one question, not just the first one written.
    for (const probe of probes) for (const table of ['lex_matter', 'account', 'contact', 'opportunity', 'task']) expect(decodeURIComponent(probe.path)).toContain(`"${table}"`);
    const writes = sent.filter((r) => r.method === 'POST').map((r) => r.path);
    expect(writes.sort()).toEqual(['$batch', '$batch', 'accounts/Microsoft.Dynamics.CRM.UpsertMultiple', 'lex_matters/Microsoft.Dynamics.CRM.UpsertMultiple']);
  });

  it('asks again after a transient failure instead of keeping it', async () => {
    let failNext = true;
    const sent: string[] = [];
    const client = new WebApiClient({
      apiUrl: api,
      transport: async (request) => {
        sent.push(request.path);
        if (request.path.startsWith('sdkmessagefilters') && failNext) return { status: 503, headers: {}, body: '' };
        return reply(request);
      },
    });
    await expect(client.upsertMany('lex_matter', items('lex_matter', 1))).rejects.toMatchObject({ status: 503, transient: true });
    failNext = false;
    expect((await client.upsertMany('lex_matter', items('lex_matter', 1)))[0]).toMatchObject({ ok: true });
    expect(sent.at(-1)).toBe('lex_matters/Microsoft.Dynamics.CRM.UpsertMultiple');
  });

  it('sends a table without UpsertMultiple bulkSize upserts per $batch, as it sends bulkSize rows per UpsertMultiple', async () => {
    const { client, sent } = recording({ bulkSize: 250 });
    expect((await client.upsertMany('opportunity', items('opportunity', 600))).every((r) => r.ok)).toBe(true);
    const batches = sent.filter((r) => r.path === '$batch').map((r) => r.body!.match(/^PATCH /gm)!.length);
    expect(batches).toEqual([250, 250, 100]);
    await client.upsertMany('lex_matter', items('lex_matter', 600));
    expect(sent.filter((r) => r.path.endsWith('UpsertMultiple')).map((r) => (JSON.parse(r.body!) as { Targets: unknown[] }).Targets.length)).toEqual([250, 250, 100]);
  });
});
