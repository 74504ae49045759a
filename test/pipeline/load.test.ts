import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Journal } from '../../scripts/src/journal/journal';
import { rowId } from '../../scripts/src/mapping/target-op';
import { executePlan } from '../../scripts/src/pipeline/load';
import { buildPlan } from '../../scripts/src/pipeline/plan';
import { op, smallFirm, USER_ID } from './fixtures';
import { MemoryClient } from './memory-client';

describe('executePlan', () => {
  let root: string;
  let n = 0;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lex-load-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const journal = () => Journal.create(root, { runId: `run-${++n}`, mode: 'full', source: 'clio', environment: 'memory', profileVersion: 1, profileHash: 'p', planHash: null, watermark: null, parentRunId: null });

  it('loads every table in order, binds lookups by id, links the cycle, sets non-default states', async () => {
    const client = new MemoryClient();
    const j = journal();
    const result = await executePlan(buildPlan(smallFirm(), { batchSize: 2 }), { client, journal: j });
    expect(result).toEqual({ status: 'completed', stepsRun: 8, stepsSkipped: 0, failedOps: 0 });

    const account = client.row('account', rowId('clio:contact:1'))!;
    expect(account.values.primarycontactid).toBe(rowId('clio:contact:2'));
    expect(account.lookupTables.primarycontactid).toBe('contact');
    const contact = client.row('contact', rowId('clio:contact:2'))!;
    expect(contact.lookupTables.parentcustomerid).toBe('account');
    const matter = client.row('lex_matter', rowId('clio:matter:10'))!;
    expect(matter.values).toMatchObject({ lex_matternumber: '00010', ownerid: USER_ID, statecode: 1, statuscode: 2 });
    expect(j.operations().every((o) => o.status === 'ok')).toBe(true);
    expect(j.operations().filter((o) => o.action === 'created')).toHaveLength(6);
  });

  it('asks which tables take UpsertMultiple first of all, before any read or write waits on the answer', async () => {
    const calls: string[] = [];
    const client = new MemoryClient();
    const asked = Object.assign(client, {
      supportsBulk: async (table: string) => (calls.push(`supportsBulk ${table}`), true),
    });
    for (const method of ['queryMany', 'upsertMany'] as const) {
      const original = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
      Object.assign(client, { [method]: (...args: unknown[]) => (calls.push(method), original(...args)) });
    }
    await executePlan(buildPlan(smallFirm(), { batchSize: 2 }), { client: asked, journal: journal() });
    expect(calls[0]).toMatch(/^supportsBulk /);
    expect(calls.filter((c) => c.startsWith('supportsBulk'))).toHaveLength(1);
  });

  it('holds at most rowsInFlight rows of running steps, across groups, and still loads every table in dependency order', async () => {
    const firm = [...smallFirm(), ...Array.from({ length: 9 }, (_, i) => op('contact', `clio:contact:${30 + i}`, { lastname: `P${i}` })), ...Array.from({ length: 7 }, (_, i) => op('task', `clio:task:${40 + i}`, { subject: `T${i}` }))];
    const reference = new MemoryClient();
    await executePlan(buildPlan(firm, { batchSize: 2 }), { client: reference, journal: journal() });

    const client = new MemoryClient();
    let writing = 0;
    let most = 0;
    const upsertMany = client.upsertMany.bind(client);
    client.upsertMany = async (table, items) => {
      writing += items.length;
      most = Math.max(most, writing);
      await new Promise((resolve) => setTimeout(resolve, 2));
      try {
        return await upsertMany(table, items);
      } finally {
        writing -= items.length;
      }
    };
    const j = journal();
    const result = await executePlan(buildPlan(firm, { batchSize: 2 }), { client, journal: j, rowsInFlight: 4 });
    expect(result.status).toBe('completed');
    expect(result.failedOps).toBe(0);
    expect(most).toBeLessThanOrEqual(4);
    expect(client.snapshot()).toEqual(reference.snapshot());
    expect(Object.keys(client.snapshot())).toEqual(expect.arrayContaining(['account', 'contact', 'lex_matter', 'task']));
  });

  it('closes opportunities and cases with the documented messages, once: rows already in their state are left alone, others reopened first', async () => {
    const client = new MemoryClient();
    const won = op('opportunity', 'clio:matter:20#opportunity', { name: 'Won matter' }, {}, { state: { statecode: 1, statuscode: 3 } });
    const lost = op('opportunity', 'clio:matter:21#opportunity', { name: 'Lost matter' }, {}, { state: { statecode: 2, statuscode: 4 } });
    const resolved = op('incident', 'clio:matter:22#incident', { title: 'Resolved matter' }, {}, { state: { statecode: 1, statuscode: 5 } });
    const load = async () => {
      const j = journal();
      await executePlan(buildPlan([won, lost, resolved]), { client, journal: j });
      return j.operations().filter((o) => o.action === 'state');
    };
    // Reads of current states (the id, statecode and statuscode only), by table.
    const stateReads: string[] = [];
    const query = client.query.bind(client);
    client.query = (table, options) => {
      if (options?.select?.length === 3 && options.select.includes('statecode')) stateReads.push(table);
      return query(table, options);
    };
    const first = await load();
    expect(first.every((o) => o.status === 'ok')).toBe(true);
    // Rows this run created are open: nothing to read before closing them.
    expect(stateReads).toEqual([]);
    // Opportunities and cases close side by side (state groups of different tables overlap): any order.
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect([...client.messages].sort(byName)).toEqual([
      { name: 'WinOpportunity', body: { OpportunityClose: { subject: 'Closed by Lexbridge migration', 'opportunityid@odata.bind': `/opportunities(${won.id})` }, Status: 3 } },
      { name: 'LoseOpportunity', body: { OpportunityClose: { subject: 'Closed by Lexbridge migration', 'opportunityid@odata.bind': `/opportunities(${lost.id})` }, Status: 4 } },
      { name: 'CloseIncident', body: { IncidentResolution: { subject: 'Closed by Lexbridge migration', 'incidentid@odata.bind': `/incidents(${resolved.id})` }, Status: 5 } },
    ].sort(byName));

    // A second run (the full run after its sample, or `npm start` again): Dataverse refuses to
    // close a closed row, so nothing is sent and the state still counts as done.
    client.messages.length = 0;
    const second = await load();
    expect(second.map((o) => o.status)).toEqual(['ok', 'ok', 'ok']);
    expect(client.messages).toEqual([]);
    expect(stateReads.sort()).toEqual(['incident', 'opportunity']);

    // Someone closed one the other way in Dynamics: it is reopened, then closed as the source says.
    client.row('opportunity', won.id)!.values = { ...client.row('opportunity', won.id)!.values, statecode: 2, statuscode: 5 };
    expect((await load()).every((o) => o.status === 'ok')).toBe(true);
    expect(client.messages.map((m) => m.name)).toEqual(['WinOpportunity']);
    expect(client.row('opportunity', won.id)!.values).toMatchObject({ statecode: 1, statuscode: 3 });
  });

  it('sends overriddencreatedon on create only', async () => {
    const client = new MemoryClient();
    const created = op('account', 'clio:contact:50', { name: 'Old Firm', lex_originalcreatedon: '2015-03-01T00:00:00Z' });
    await executePlan(buildPlan([created]), { client, journal: journal() });
    expect(client.row('account', created.id)!.values.overriddencreatedon).toBe('2015-03-01T00:00:00Z');

    const existing = op('account', 'clio:contact:51', { name: 'Hand Made', lex_originalcreatedon: '2015-03-01T00:00:00Z' });
    client.seed('account', existing.id, { name: 'Hand made by the firm' });
    await executePlan(buildPlan([existing]), { client, journal: journal() });
    expect(client.row('account', existing.id)!.values.overriddencreatedon).toBeUndefined();
  });

  it('journals the before-image of a pre-existing row before writing, and marks it updated', async () => {
    const client = new MemoryClient();
    const matched = { ...op('contact', 'clio:contact:2', { firstname: 'Ada', lastname: 'Lovelace' }), id: 'aaaaaaaa-0000-4000-8000-000000000001', preExisting: true };
    client.seed('account', 'bbbbbbbb-0000-4000-8000-000000000002', { name: 'Firm-made account' });
    client.seed('contact', matched.id, { firstname: 'A.', lastname: 'Lovelace', emailaddress1: 'old@example.com' }, { parentcustomerid: { table: 'account', id: 'bbbbbbbb-0000-4000-8000-000000000002' } });
    const j = journal();
    await executePlan(buildPlan([matched]), { client, journal: j });
    const [image] = j.beforeImages();
    expect(image).toMatchObject({ table: 'contact', id: matched.id, row: { firstname: 'A.', emailaddress1: 'old@example.com', _parentcustomerid_value: 'bbbbbbbb-0000-4000-8000-000000000002', '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account' } });
    expect(j.operations()[0]).toMatchObject({ action: 'updated', status: 'ok' });
    expect(client.row('contact', matched.id)!.values.firstname).toBe('Ada');
  });

  it('records a data error against its record only, and the run goes on', async () => {
    const client = new MemoryClient();
    client.reject = (_table, row) => (row.lastname === 'Bad' ? 'A validation error occurred: lastname' : undefined);
    const ops = [op('contact', 'clio:contact:1', { lastname: 'Good' }), op('contact', 'clio:contact:2', { lastname: 'Bad' }), op('contact', 'clio:contact:3', { lastname: 'Fine' })];
    const j = journal();
    j.setExtracted({ contact: 3 });
    const result = await executePlan(buildPlan(ops), { client, journal: j });
    expect(result.failedOps).toBe(1);
    expect(client.row('contact', rowId('clio:contact:3'))).toBeDefined();
    const failed = j.operations().filter((o) => o.status === 'failed');
    expect(failed).toEqual([expect.objectContaining({ sourceKey: 'clio:contact:2', errorCode: 'LEX_DATAVERSE_REJECTED' })]);
    expect(j.accounting()).toEqual([{ entity: 'contact', extracted: 3, loaded: 2, skipped: 0, failed: 1, holds: true }]);
  });

  it('journals ops the plan left out as failed records', async () => {
    const j = journal();
    await executePlan(buildPlan([op('lex_nonsense', 'clio:thing:1')]), { client: new MemoryClient(), journal: j });
    expect(j.operations()).toEqual([expect.objectContaining({ sourceKey: 'clio:thing:1', status: 'failed', errorCode: 'LEX_PLAN_UNKNOWN_TABLE', step: -1 })]);
  });

  it('stops on a persistent transient error before the checkpoint, and resumes to the same end state', async () => {
    const plan = buildPlan(smallFirm(), { batchSize: 1 });
    const reference = new MemoryClient();
    await executePlan(plan, { client: reference, journal: journal() });

    for (const killAt of [1, 3, 6, 8]) {
      const client = new MemoryClient();
      const j = journal();
      client.transientFailures = 0;
      // Let killAt-1 writes through, then the connection drops for good.
      const original = client.upsertMany.bind(client);
      let calls = 0;
      client.upsertMany = async (table, items) => {
        if (++calls === killAt) client.transientFailures = 1;
        return original(table, items);
      };
      await expect(executePlan(plan, { client, journal: j, stepAttempts: 1 })).rejects.toMatchObject({ code: 'LEX_LOAD_INTERRUPTED', transient: true });
      client.upsertMany = original;
      const resumed = await executePlan(plan, { client, journal: Journal.open(root, j.meta().runId) });
      expect(resumed.status).toBe('completed');
      expect(resumed.stepsSkipped).toBe(killAt - 1);
      expect(client.snapshot()).toEqual(reference.snapshot());
      expect(j.operations().filter((o) => o.action === 'created')).toHaveLength(6);
    }
  });

  it('keeps created-vs-updated right when a step is re-run after a write that landed before the crash', async () => {
    const plan = buildPlan([op('account', 'clio:contact:1', { name: 'Acme' })]);
    const client = new MemoryClient();
    const j = journal();
    const original = client.upsertMany.bind(client);
    client.upsertMany = async (table, items) => {
      await original(table, items); // the write lands…
      throw new (await import('../../scripts/src/dataverse/errors')).DataverseError({ status: 0, message: 'connection dropped' }); // …but the answer is lost
    };
    await expect(executePlan(plan, { client, journal: j, stepAttempts: 1 })).rejects.toMatchObject({ code: 'LEX_LOAD_INTERRUPTED' });
    client.upsertMany = original;
    await executePlan(plan, { client, journal: j });
    expect(j.operations()).toEqual([expect.objectContaining({ action: 'created', status: 'ok' })]);
    expect(j.beforeImages()).toEqual([]);
  });

  it('re-runs a step once the client gives up on a transient error, and still ends complete', async () => {
    const client = new MemoryClient();
    client.transientFailures = 2;
    const j = journal();
    const result = await executePlan(buildPlan(smallFirm()), { client, journal: j });
    expect(result.status).toBe('completed');
    expect(j.operations().filter((o) => o.action === 'created')).toHaveLength(6);
  });

  it('stops cleanly at a checkpoint when aborted: steps in flight finish, no new one starts, the next start resumes', async () => {
    const controller = new AbortController();
    const j = journal();
    const plan = buildPlan(smallFirm(), { batchSize: 1 });
    const client = new MemoryClient();
    const result = await executePlan(plan, {
      client,
      journal: j,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stepsDone === 2) controller.abort();
      },
    });
    // Steps of a dependent table may already be in flight beside the first ones: they finish too.
    expect(result.status).toBe('stopped');
    expect(result.stepsRun).toBeGreaterThanOrEqual(2);
    expect(result.stepsRun).toBeLessThan(plan.steps.length);
    expect(j.doneSteps().size).toBe(result.stepsRun);
    const resumed = await executePlan(plan, { client, journal: j });
    expect(resumed).toEqual({ status: 'completed', stepsRun: plan.steps.length - result.stepsRun, stepsSkipped: result.stepsRun, failedOps: 0 });
  });
});
