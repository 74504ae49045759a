/**
 * Plan → load → verify → rollback through the real HTTP client against the local sandbox: the
 * loop the CLI runs, with a pre-existing row the migration updates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHttpClient, type HttpDataverseClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import { Journal, type RunMode } from '../../scripts/src/journal/journal';
import type { TargetOp } from '../../scripts/src/mapping/target-op';
import { executePlan } from '../../scripts/src/pipeline/load';
import { buildPlan } from '../../scripts/src/pipeline/plan';
import { planRollback } from '../../scripts/src/pipeline/rollback';
import { selectFor, tableOf } from '../../scripts/src/pipeline/row-body';
import { diffRecords, readBack, summariseDiffs } from '../../scripts/src/pipeline/verify';
import { DEFAULT_USERS, startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';
import { op, ref } from './fixtures';

const OWNER = DEFAULT_USERS[1]!.systemuserid;
const HAND_MADE = 'bbbbbbbb-0000-4000-8000-000000000002';

function firm(): TargetOp[] {
  return [
    op('account', 'clio:contact:1', { name: 'Acme Pty Ltd', telephone1: '02 9999 0000', lex_originalcreatedon: '2019-05-01T10:00:00Z' }, { primarycontactid: ref('contact', 'clio:contact:2') }, { ownerId: OWNER }),
    op('contact', 'clio:contact:2', { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: 'ada@example.com' }, { parentcustomerid: ref('account', 'clio:contact:1') }, { ownerId: OWNER }),
    { ...op('account', 'clio:contact:3', { name: 'Globex (matched)', websiteurl: 'https://globex.example' }), id: HAND_MADE, preExisting: true },
    op('lex_matter', 'clio:matter:10', { lex_name: '00010-Acme', lex_matternumber: '00010', lex_opendate: '2024-01-01', lex_estimatedvalue: 1000.5 }, { lex_clientid: ref('account', 'clio:contact:1'), lex_responsibleattorneyid: { table: 'systemuser', id: OWNER } }, { ownerId: OWNER, state: { statecode: 1, statuscode: 2 } }),
    op('lex_timeentry', 'clio:activity:1', { lex_name: 'Research', lex_hours: 1.5, lex_amount: 450, lex_entrydate: '2024-01-02' }, { lex_matterid: ref('lex_matter', 'clio:matter:10'), lex_userid: { table: 'systemuser', id: OWNER } }),
    op('task', 'clio:task:5', { subject: 'File defence' }, { regardingobjectid: ref('lex_matter', 'clio:matter:10') }),
    op('annotation', 'clio:note:7', { subject: 'Call notes', notetext: 'Spoke to client' }, { objectid: ref('lex_matter', 'clio:matter:10') }),
  ];
}

describe('pipeline against the sandbox (HTTP client)', () => {
  let sandbox: RunningSandbox;
  let client: HttpDataverseClient;
  let root: string;
  let n = 0;
  const journal = (mode: RunMode) => Journal.create(root, { runId: `run-${++n}`, mode, source: 'clio', environment: sandbox.apiUrl, profileVersion: 1, profileHash: 'p', planHash: null, watermark: null, parentRunId: null });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, limits: false });
    client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('pipeline-test') });
    root = mkdtempSync(path.join(tmpdir(), 'lex-sandbox-'));
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function snapshot(tables: string[]): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      const rows: unknown[] = [];
      for await (const page of client.query(table, { select: selectFor(tableOf(table)) })) rows.push(...page.map(({ ['@odata.etag']: _, ...r }) => r));
      out[table] = rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    }
    return out;
  }

  it('loads, verifies with 0 diffs, is idempotent, and rolls back to the pre-run snapshot', async () => {
    await client.upsert('account', HAND_MADE, { name: 'Globex (entered by hand)', telephone1: '555-0100', 'ownerid@odata.bind': `/systemusers(${DEFAULT_USERS[0]!.systemuserid})` });
    const tables = ['account', 'contact', 'lex_matter', 'lex_timeentry', 'task', 'annotation'];
    const before = await snapshot(tables);

    const ops = firm();
    const plan = buildPlan(ops, { batchSize: 2 });
    const run = journal('full');
    const result = await executePlan(plan, { client, journal: run });
    const failures = run.operations().filter((o) => o.status === 'failed');
    expect(failures).toEqual([]);
    expect(result.status).toBe('completed');

    const diff = summariseDiffs(diffRecords(ops, await readBack(client, ops)));
    expect(diff).toMatchObject({ records: ops.length, matching: ops.length });
    const account = await client.retrieve('account', ops[0]!.id, { select: ['createdon'] });
    expect(account!.createdon).toBe('2019-05-01T10:00:00Z'); // overriddencreatedon honoured on create

    // A second run of the same plan changes nothing and creates nothing.
    const afterFirst = await snapshot(tables);
    const again = journal('full');
    await executePlan(plan, { client, journal: again });
    expect(again.operations().filter((o) => o.action === 'created')).toEqual([]);
    expect(await snapshot(tables)).toEqual(afterFirst);

    const rollback = planRollback({ runId: run.meta().runId, prepared: run.preparedRows(), beforeImages: run.beforeImages(), operations: run.operations(), laterRuns: [] });
    const undo = journal('rollback');
    await executePlan(rollback.plan, { client, journal: undo });
    expect(undo.operations().filter((o) => o.status === 'failed')).toEqual([]);
    expect(await snapshot(tables)).toEqual(before);
  });
});

describe('pipeline against a sandbox injecting 429, 503 and dropped connections', () => {
  it('completes with nothing lost and nothing duplicated', async () => {
    const sandbox = await startSandbox({ port: 0, limits: false, seed: 11, faults: { throttleRate: 0.04, unavailableRate: 0.03, dropRate: 0.015, dropAfterRate: 0.015, retryAfterSeconds: 0 } });
    const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('fault-test'), retry: { baseDelayMs: 5, maxDelayMs: 20 } });
    const root = mkdtempSync(path.join(tmpdir(), 'lex-faults-'));
    try {
      const ops = Array.from({ length: 60 }, (_, i) => op('contact', `clio:contact:${i}`, { lastname: `Person ${i}`, emailaddress1: `p${i}@example.com` }));
      const journal = Journal.create(root, { runId: 'faulty', mode: 'full', source: 'clio', environment: sandbox.apiUrl, profileVersion: 1, profileHash: 'p', planHash: null, watermark: null, parentRunId: null });
      journal.setExtracted({ contact: 60 });
      const result = await executePlan(buildPlan(ops, { batchSize: 10 }), { client, journal, stepAttempts: 5 });
      expect(result).toMatchObject({ status: 'completed', failedOps: 0 });
      expect(journal.accounting()).toEqual([{ entity: 'contact', extracted: 60, loaded: 60, skipped: 0, failed: 0, holds: true }]);
      expect(summariseDiffs(diffRecords(ops, await readBack(client, ops))).matching).toBe(60);
      let rows = 0;
      for await (const page of client.query('contact', { select: ['contactid'] })) rows += page.length;
      expect(rows).toBe(60);
      expect(sandbox.requestLog().some((r) => r.status === 429 || r.status === 503 || r.status === 0)).toBe(true);
    } finally {
      await client.close();
      await sandbox.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
