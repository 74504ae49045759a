/**
 * The `DataverseClient` contract: one suite, run against every adapter (http.contract.test.ts,
 * xrm.contract.test.ts), each over a fresh sandbox. Expectations are Microsoft Learn's
 * documented behaviour (reference/notes/dataverse-webapi.md), not the sandbox's.
 */
import { bindLookup, DataverseError, type DataverseClient, type Row } from '../../scripts/src/dataverse/client';
import { rowId } from '../../scripts/src/mapping/target-op';

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at?: number;
}

export interface ContractSession {
  client: DataverseClient;
  /** Requests the sandbox saw, oldest first. */
  requests(): LoggedRequest[];
  close(): Promise<void>;
}

export interface ContractHarness {
  adapter: string;
  /** A fresh sandbox (sandbox options passed through) and a client of this adapter on it. */
  start(sandboxOptions?: Record<string, unknown>): Promise<ContractSession>;
  /** Sandbox options under which every few requests get 429 with `Retry-After: 2`. */
  throttled: Record<string, unknown>;
}

/** A seeded sandbox user that is disabled (scripts/src/sandbox/default-users.json). */
const DISABLED_USER = '8d2e1c3a-51b0-4c6e-9f1a-0b7d4e2a6c05';
const ACTIVE_USER = '8d2e1c3a-51b0-4c6e-9f1a-0b7d4e2a6c01';

const matter = (n: number, name = `Matter ${n}`): { key: string; row: Row; recordKey: string } => {
  const sourceKey = `contract:matter:${n}`;
  return { key: rowId(sourceKey), row: { lex_name: name, lex_sourcekey: sourceKey }, recordKey: sourceKey };
};

async function all(pages: AsyncIterable<Row[]>): Promise<Row[][]> {
  const out: Row[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

async function rowsWithSourceKey(client: DataverseClient, table: string, sourceKey: string): Promise<Row[]> {
  return (await all(client.query(table, { select: ['lex_sourcekey', 'lex_name'], filter: `lex_sourcekey eq '${sourceKey}'` }))).flat();
}

async function failureOf(promise: Promise<unknown>): Promise<DataverseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataverseError) return error;
    throw error;
  }
  throw new Error('expected a DataverseError, the call succeeded');
}

export function dataverseClientContract(harness: ContractHarness): void {
  describe(`DataverseClient contract (${harness.adapter})`, () => {
    let session: ContractSession;
    let client: DataverseClient;

    beforeAll(async () => {
      session = await harness.start();
      client = session.client;
    });
    afterAll(async () => {
      await session?.close();
    });

    it('upserts the same row twice and ends with one row, updated', async () => {
      const m = matter(1);
      await client.upsert('lex_matter', m.key, m.row);
      await client.upsert('lex_matter', m.key, { ...m.row, lex_name: 'Matter 1 (renamed)' });
      const rows = await rowsWithSourceKey(client, 'lex_matter', m.recordKey);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.lex_name).toBe('Matter 1 (renamed)');
      expect((await client.retrieve('lex_matter', m.key, { select: ['lex_name'] }))?.lex_name).toBe('Matter 1 (renamed)');
    });

    it('upsertMany twice loads each row once, with per-row results', async () => {
      const items = [2, 3, 4].map((n) => matter(n));
      const first = await client.upsertMany('lex_matter', items);
      const second = await client.upsertMany('lex_matter', items.map((i) => ({ ...i, row: { ...i.row, lex_name: `${i.row.lex_name} v2` } })));
      expect(first.map((r) => r.ok)).toEqual([true, true, true]);
      expect(second.map((r) => [r.ok, r.recordKey])).toEqual(items.map((i) => [true, i.recordKey]));
      for (const item of items) {
        const rows = await rowsWithSourceKey(client, 'lex_matter', item.recordKey);
        expect(rows.map((r) => r.lex_name)).toEqual([`${item.row.lex_name} v2`]);
      }
    });

    it('upsertMany uses UpsertMultiple where sdkmessagefilters lists the table, $batch where it does not', async () => {
      const seen = session.requests().length;
      await client.upsertMany('lex_matter', [matter(40), matter(41)]);
      const opportunity = { key: rowId('contract:opportunity:1'), row: { name: 'Contract opportunity' }, recordKey: 'contract:opportunity:1' };
      expect(await client.upsertMany('opportunity', [opportunity])).toEqual([{ ok: true, recordKey: 'contract:opportunity:1', id: opportunity.key }]);
      const writes = session.requests().slice(seen).filter((r) => r.method === 'POST').map((r) => r.path.replace(/^.*\/api\/data\/v9\.2\//, ''));
      expect(writes).toEqual(['lex_matters/Microsoft.Dynamics.CRM.UpsertMultiple', '$batch']);
      expect(await client.retrieve('opportunity', opportunity.key, { select: ['name'] })).toMatchObject({ name: 'Contract opportunity' });
    });

    it('queryMany answers several queries in one $batch request, every page of each, in order', async () => {
      const items = [50, 51, 52].map((n) => matter(n));
      await client.upsertMany('lex_matter', items);
      const seen = session.requests().length;
      const ids = (keys: string[]) => `Microsoft.Dynamics.CRM.In(PropertyName='lex_matterid',PropertyValues=[${keys.map((k) => `"${k}"`).join(',')}])`;
      const [two, none, one] = await client.queryMany([
        { table: 'lex_matter', options: { select: ['lex_name'], filter: ids([items[0]!.key, items[1]!.key]), pageSize: 1 } },
        { table: 'opportunity', options: { select: ['name'], filter: `name eq 'no such opportunity'` } },
        { table: 'lex_matter', options: { select: ['lex_name'], filter: ids([items[2]!.key]) } },
      ]);
      expect(two!.map((r) => r.lex_name).sort()).toEqual(['Matter 50', 'Matter 51']);
      expect(none).toEqual([]);
      expect(one!.map((r) => r.lex_name)).toEqual(['Matter 52']);
      // One $batch, then the second page of the first query (a page holds one row) on its own.
      const sent = session.requests().slice(seen).map((r) => `${r.method} ${r.path.replace(/^.*\/api\/data\/v9\.2\//, '').split('?')[0]}`);
      expect(sent).toEqual(['POST $batch', 'GET lex_matters']);
    });

    // Key values with / < > * % & : \ ? + cannot address a row in a URL (Learn, "Work with alternate keys"), so no colon here.
    it('addresses a row by its alternate key', async () => {
      await client.upsert('lex_matter', { lex_sourcekey: "contract-matter-o'brien" }, { lex_name: "O'Brien" });
      const row = await client.retrieve('lex_matter', { lex_sourcekey: "contract-matter-o'brien" }, { select: ['lex_name', 'lex_sourcekey'] });
      expect(row).toMatchObject({ lex_name: "O'Brien", lex_sourcekey: "contract-matter-o'brien" });
    });

    it('returns undefined for a row that does not exist', async () => {
      expect(await client.retrieve('lex_matter', rowId('contract:matter:never'))).toBeUndefined();
    });

    it('binding a lookup by a missing alternate key fails with RecordNotFoundByEntityKey (0x80060891), naming the record', async () => {
      const entry = {
        lex_name: 'Orphan entry',
        lex_sourcekey: 'contract:timeentry:1',
        ...bindLookup('lex_timeentry', 'lex_matterid', 'lex_matter', { lex_sourcekey: 'contract:matter:missing' }),
      };
      const error = await failureOf(client.upsert('lex_timeentry', rowId('contract:timeentry:1'), entry, { recordKey: 'contract:timeentry:1' }));
      expect(error.dataverseCode).toBe('0x80060891');
      expect(error.status).toBe(404);
      expect(error.transient).toBe(false);
      expect(error.recordKey).toBe('contract:timeentry:1');
      expect(error.fix).toMatch(/load the referenced record first/);
    });

    it('upsertMany reports a bad row and still loads the good ones', async () => {
      const good = matter(5);
      const bad = {
        key: rowId('contract:timeentry:2'),
        recordKey: 'contract:timeentry:2',
        row: { lex_name: 'Bad', lex_sourcekey: 'contract:timeentry:2', ...bindLookup('lex_timeentry', 'lex_matterid', 'lex_matter', { lex_sourcekey: 'contract:matter:missing' }) },
      };
      const okEntry = {
        key: rowId('contract:timeentry:3'),
        recordKey: 'contract:timeentry:3',
        row: { lex_name: 'Good', lex_sourcekey: 'contract:timeentry:3', ...bindLookup('lex_timeentry', 'lex_matterid', 'lex_matter', good.key) },
      };
      await client.upsert('lex_matter', good.key, good.row);
      const results = await client.upsertMany('lex_timeentry', [bad, okEntry]);
      expect(results[0]).toMatchObject({ ok: false, recordKey: 'contract:timeentry:2' });
      expect(results[0]!.ok === false && results[0]!.error.dataverseCode).toBe('0x80060891');
      expect(results[1]).toMatchObject({ ok: true, recordKey: 'contract:timeentry:3' });
      expect(await client.retrieve('lex_timeentry', okEntry.key)).toBeDefined();
      expect(await client.retrieve('lex_timeentry', bad.key)).toBeUndefined();
    });

    it('a change set with one bad request leaves nothing written', async () => {
      const a = matter(10);
      const b = matter(11);
      const results = await client.writeBatch(
        [
          { kind: 'upsert', table: 'lex_matter', key: a.key, row: a.row, recordKey: a.recordKey },
          {
            kind: 'upsert',
            table: 'lex_timeentry',
            key: rowId('contract:timeentry:4'),
            row: { lex_name: 'Bad', ...bindLookup('lex_timeentry', 'lex_matterid', 'lex_matter', rowId('contract:matter:absent')) },
            recordKey: 'contract:timeentry:4',
          },
          { kind: 'upsert', table: 'lex_matter', key: b.key, row: b.row, recordKey: b.recordKey },
        ],
        { atomic: true },
      );
      expect(results.map((r) => r.ok)).toEqual([false, false, false]);
      expect(results[1]!.ok === false && results[1]!.error.dataverseCode).toBe('0x80040217');
      expect(results[0]!.ok === false && results[0]!.error.message).toMatch(/rolled back because contract:timeentry:4 failed/);
      expect(await client.retrieve('lex_matter', a.key)).toBeUndefined();
      expect(await client.retrieve('lex_matter', b.key)).toBeUndefined();
    });

    it('a disabled user cannot own records (403, 0x80040225)', async () => {
      const m = matter(20);
      const error = await failureOf(
        client.upsert('lex_matter', m.key, { ...m.row, ...bindLookup('lex_matter', 'ownerid', 'systemuser', DISABLED_USER) }, { recordKey: m.recordKey }),
      );
      expect(error.dataverseCode).toBe('0x80040225');
      expect(error.status).toBe(403);
      expect(error.recordKey).toBe(m.recordKey);
      await client.upsert('lex_matter', m.key, { ...m.row, ...bindLookup('lex_matter', 'ownerid', 'systemuser', ACTIVE_USER) });
      expect((await client.retrieve('lex_matter', m.key, { select: ['_ownerid_value'] }))?._ownerid_value).toBe(ACTIVE_USER);
    });

    it('create-only and update-only conditions fail as documented (412 / 404)', async () => {
      const m = matter(30);
      await client.upsert('lex_matter', m.key, m.row, { ifNoneMatch: '*' });
      const exists = await failureOf(client.upsert('lex_matter', m.key, m.row, { ifNoneMatch: '*' }));
      expect(exists.status).toBe(412);
      const missing = await failureOf(client.update('lex_matter', rowId('contract:matter:ghost'), { lex_name: 'Ghost' }));
      expect(missing.status).toBe(404);
      expect(missing.dataverseCode).toBe('0x80040217');
      expect(await client.retrieve('lex_matter', rowId('contract:matter:ghost'))).toBeUndefined();
    });

    it('rejects a stale ETag (optimistic concurrency)', async () => {
      const m = matter(31);
      await client.upsert('lex_matter', m.key, m.row);
      const etag = String((await client.retrieve('lex_matter', m.key, { select: ['lex_name'] }))!['@odata.etag']);
      await client.update('lex_matter', m.key, { lex_name: 'changed meanwhile' });
      const error = await failureOf(client.update('lex_matter', m.key, { lex_name: 'stale write' }, { ifMatch: etag }));
      expect(error.status).toBe(412);
    });

    it('creates, pages through a query, and deletes', async () => {
      const ids: string[] = [];
      for (let n = 0; n < 5; n++) ids.push(await client.create('lex_milestone', { lex_name: `Contract step ${n}`, lex_sourcekey: `contract:milestone:${n}` }));
      expect(new Set(ids).size).toBe(5);
      const pages = await all(client.query('lex_milestone', { select: ['lex_name'], filter: "startswith(lex_name,'Contract step')", orderby: 'lex_name desc', pageSize: 2 }));
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()[0]!.lex_name).toBe('Contract step 4');
      const deleted = await client.deleteMany('lex_milestone', ids);
      expect(deleted.every((r) => r.ok)).toBe(true);
      expect((await all(client.query('lex_milestone', { filter: "startswith(lex_name,'Contract step')" }))).flat()).toHaveLength(0);
    });

    it('reads a table definition with its alternate key', async () => {
      const definition = await client.entityDefinition('lex_matter');
      expect(definition).toMatchObject({ logicalName: 'lex_matter', entitySetName: 'lex_matters', primaryIdAttribute: 'lex_matterid' });
      expect(definition!.attributes).toEqual(expect.arrayContaining(['lex_name', 'lex_sourcekey']));
      expect(definition!.keys.map((k) => k.keyAttributes)).toContainEqual(['lex_sourcekey']);
      expect(await client.entityDefinition('lex_nosuchtable')).toBeUndefined();
    });

    it('executeMany sends close messages in one $batch, each standing alone, results in order', async () => {
      const opportunities = [1, 2, 3].map((n) => ({ key: rowId(`contract:won:${n}`), row: { name: `Won ${n}` }, recordKey: `contract:won:${n}` }));
      await client.upsertMany('opportunity', opportunities);
      const win = (key: string, status: number, recordKey: string) => ({
        name: 'WinOpportunity',
        body: { OpportunityClose: { subject: 'Won', 'opportunityid@odata.bind': `/opportunities(${key})` }, Status: status },
        recordKey,
      });
      const seen = session.requests().length;
      const results = await client.executeMany([
        win(opportunities[0]!.key, 3, 'won:1'),
        win(opportunities[1]!.key, 4, 'won:2 bad status'),
        win(rowId('contract:won:missing'), 3, 'won:missing'),
        win(opportunities[2]!.key, 3, 'won:3'),
      ]);
      const posts = session.requests().slice(seen).filter((r) => r.method === 'POST').map((r) => r.path.replace(/^.*\/api\/data\/v9\.2\//, ''));
      expect(posts).toEqual(['$batch']);
      expect(results.map((r) => [r.recordKey, r.ok])).toEqual([['won:1', true], ['won:2 bad status', false], ['won:missing', false], ['won:3', true]]);
      const failures = results.flatMap((r) => (r.ok ? [] : [r.error]));
      expect(failures.map((e) => [e.status, e.recordKey])).toEqual([[400, 'won:2 bad status'], [404, 'won:missing']]);
      const states = await Promise.all(opportunities.map((o) => client.retrieve('opportunity', o.key, { select: ['statecode'] })));
      expect(states.map((row) => row?.statecode)).toEqual([1, 0, 1]);
      expect(await client.executeMany([])).toEqual([]);
    });

    it('executes a function (WhoAmI)', async () => {
      const me = await client.execute<{ UserId: string }>('WhoAmI', undefined, { method: 'GET' });
      expect(me?.UserId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe(`DataverseClient contract under throttling (${harness.adapter})`, () => {
    it('honours 429 Retry-After: 2 and still completes the load', async () => {
      const throttled = await harness.start(harness.throttled);
      try {
        const items = Array.from({ length: 30 }, (_, i) => matter(100 + i));
        const results: boolean[] = [];
        for (let i = 0; i < items.length; i += 5) {
          results.push(...(await throttled.client.upsertMany('lex_matter', items.slice(i, i + 5))).map((r) => r.ok));
        }
        expect(results.every(Boolean)).toBe(true);
        const log = throttled.requests();
        const throttled429 = log.filter((r) => r.status === 429);
        expect(throttled429.length).toBeGreaterThan(0);
        // Each throttled request was sent again only after the 2 seconds the service asked for.
        for (const refused of throttled429) {
          const retry = log.find((r) => r.at! > refused.at! && r.method === refused.method && r.path === refused.path);
          expect(retry).toBeDefined();
          expect(retry!.at! - refused.at!).toBeGreaterThanOrEqual(1900);
        }
        const loaded = (await all(throttled.client.query('lex_matter', { select: ['lex_sourcekey'], filter: "startswith(lex_sourcekey,'contract:matter:1')" }))).flat();
        expect(loaded).toHaveLength(30);
      } finally {
        await throttled.close();
      }
    }, 120_000);
  });
}
