import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Journal, type RunMode } from '../../scripts/src/journal/journal';
import { rowId } from '../../scripts/src/mapping/target-op';
import { executePlan } from '../../scripts/src/pipeline/load';
import { buildPlan } from '../../scripts/src/pipeline/plan';
import { planRollback, rollbackHeapWarning } from '../../scripts/src/pipeline/rollback';
import { diffRecords, readBack, summariseDiffs } from '../../scripts/src/pipeline/verify';
import { op, ref, smallFirm, USER_ID } from './fixtures';
import { MemoryClient } from './memory-client';

const FIRM_ACCOUNT = 'bbbbbbbb-0000-4000-8000-000000000002';
const FIRM_CONTACT = 'aaaaaaaa-0000-4000-8000-000000000001';
/** Every user-owned row has an owner; the firm's own rows belong to someone other than the migration's owner. */
const FIRM_USER = { table: 'systemuser', id: 'cccccccc-0000-4000-8000-000000000003' };

describe('planRollback', () => {
  let root: string;
  let n = 0;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lex-rollback-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const journal = (mode: RunMode = 'full') => Journal.create(root, { runId: `run-${++n}`, mode, source: 'clio', environment: 'memory', profileVersion: 1, profileHash: 'p', planHash: null, watermark: null, parentRunId: null });
  const inputFrom = (j: Journal, laterRuns: { runId: string; touched: { table: string; id: string }[] }[] = [], force = false) => ({
    runId: j.meta().runId,
    prepared: j.preparedRows(),
    beforeImages: j.beforeImages(),
    operations: j.operations(),
    laterRuns,
    force,
  });

  /** A firm whose Dynamics already holds an account and a contact the migration matches and updates. */
  function firmWithPreExistingRows(client: MemoryClient) {
    client.seed('account', FIRM_ACCOUNT, { name: 'Acme (entered by hand)', telephone1: '555-0100', statecode: 1, statuscode: 2 }, { ownerid: FIRM_USER });
    client.seed('contact', FIRM_CONTACT, { firstname: 'A.', lastname: 'Lovelace', emailaddress1: 'old@example.com' }, { parentcustomerid: { table: 'account', id: FIRM_ACCOUNT }, ownerid: FIRM_USER });
    const ops = smallFirm().filter((o) => o.table !== 'contact');
    ops.push({ ...op('contact', 'clio:contact:2', { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: 'ada@example.com' }, { parentcustomerid: ref('account', 'clio:contact:1') }), id: FIRM_CONTACT, preExisting: true });
    ops.push({ ...op('account', 'clio:contact:77', { name: 'Acme Pty Ltd', telephone1: null }), id: FIRM_ACCOUNT, preExisting: true, ownerId: USER_ID });
    // the account's primary contact is the matched one
    ops[ops.findIndex((o) => o.targetKey === 'clio:contact:1')] = op('account', 'clio:contact:1', { name: 'Acme Holdings' }, { primarycontactid: { table: 'contact', id: FIRM_CONTACT } });
    return ops;
  }

  it('returns the environment to its exact pre-run state: created rows deleted, updated rows restored', async () => {
    const client = new MemoryClient();
    const ops = firmWithPreExistingRows(client);
    const before = client.snapshot();
    const run = journal();
    await executePlan(buildPlan(ops, { batchSize: 2 }), { client, journal: run });
    expect(client.row('contact', FIRM_CONTACT)!.values.emailaddress1).toBe('ada@example.com');

    const rollback = planRollback(inputFrom(run));
    expect(rollback.restores.map((r) => r.id).sort()).toEqual([FIRM_ACCOUNT, FIRM_CONTACT].sort());
    expect(rollback.deletes).toHaveLength(5);
    const phases = rollback.plan.steps.map((s) => `${s.phase}:${s.table}`);
    expect(phases.filter((p) => p.startsWith('delete'))).toEqual(['delete:annotation', 'delete:task', 'delete:lex_timeentry', 'delete:lex_matter', 'delete:account']);
    expect(phases).toContain('state:account'); // the hand-made account was inactive

    const undo = journal('rollback');
    await executePlan(rollback.plan, { client, journal: undo });
    expect(client.snapshot()).toEqual(before);

    // The verification a rollback ends with: restored rows match their before-images, deleted rows are gone.
    expect(summariseDiffs(diffRecords(rollback.restores, await readBack(client, rollback.restores))).matching).toBe(2);
    expect((await readBack(client, rollback.deletes)).size).toBe(0);
  });

  it('deletes rows of a step that was prepared but never checkpointed (killed mid-write)', async () => {
    const client = new MemoryClient();
    const run = journal();
    const plan = buildPlan([op('account', 'clio:contact:1', { name: 'Acme' }), op('contact', 'clio:contact:2', { lastname: 'L' })]);
    const original = client.upsertMany.bind(client);
    client.upsertMany = async (table, items) => {
      await original(table, items);
      if (table === 'contact') throw new (await import('../../scripts/src/dataverse/errors')).DataverseError({ status: 0, message: 'killed' });
      return items.map((i) => ({ ok: true as const, recordKey: String(i.key) }));
    };
    await expect(executePlan(plan, { client, journal: run, stepAttempts: 1 })).rejects.toMatchObject({ code: 'LEX_LOAD_INTERRUPTED' });
    client.upsertMany = original;
    const rollback = planRollback(inputFrom(run));
    await executePlan(rollback.plan, { client, journal: journal('rollback') });
    expect(client.snapshot()).toEqual({});
  });

  it('refuses when a later run wrote the same rows, with --force as the fix; goes ahead with force', async () => {
    const client = new MemoryClient();
    const run = journal();
    await executePlan(buildPlan(smallFirm()), { client, journal: run });
    const later = [{ runId: 'run-later', touched: [{ table: 'lex_matter', id: rowId('clio:matter:10') }] }];
    expect(() => planRollback(inputFrom(run, later))).toThrow(expect.objectContaining({ code: 'LEX_ROLLBACK_LATER_RUN', fix: expect.stringContaining('--force') }));
    const forced = planRollback(inputFrom(run, later, true));
    expect(forced.conflicts).toEqual([{ runId: 'run-later', table: 'lex_matter', id: rowId('clio:matter:10') }]);
    await executePlan(forced.plan, { client, journal: journal('rollback') });
    expect(client.snapshot()).toEqual({});
  });

  it('is idempotent: a resumed rollback treats already-deleted rows as done', async () => {
    const client = new MemoryClient();
    const run = journal();
    await executePlan(buildPlan(smallFirm()), { client, journal: run });
    expect(run.preparedCount()).toBe(run.preparedRows().length);
    const rollback = planRollback(inputFrom(run));
    await executePlan(rollback.plan, { client, journal: journal('rollback') });
    const again = journal('rollback');
    const result = await executePlan(rollback.plan, { client, journal: again });
    expect(result.failedOps).toBe(0);
    expect(again.operations().every((o) => o.status === 'ok')).toBe(true);
  });
});

describe('rollbackHeapWarning (a rollback still plans in memory)', () => {
  const MB = 1024 * 1024;

  it('warns where the measured sizes ran out of a 256 MB heap budget, and says the fix', () => {
    const warning = rollbackHeapWarning('full-1', 287_000, 256 * MB);
    expect(warning).toContain('287,000 rows');
    expect(warning).toContain('256 MB');
    expect(warning).toContain('without --max-old-space-size');
    expect(warning).toContain('Nothing is changed before planning finishes');
  });

  it('stays quiet where the measured sizes fit, and without a budget on a large machine', () => {
    expect(rollbackHeapWarning('full-1', 95_701, 256 * MB)).toBeUndefined();
    expect(rollbackHeapWarning('full-1', 1_000_000, 4096 * MB)).toBeUndefined();
  });
});

