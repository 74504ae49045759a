/**
 * Groups that overlap: a write group starts beside the last steps of a group it looks up, and
 * each of its rows waits only for the row it binds to; a row whose target's step fails for good
 * is not written and its step is not checkpointed, so the next start writes it after its target.
 * A state group waits for the tables that look its table up, not for the others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataverseError, type RowResult, type UpsertItem } from '../../scripts/src/dataverse/client';
import { Journal } from '../../scripts/src/journal/journal';
import { rowId } from '../../scripts/src/mapping/target-op';
import { executePlan } from '../../scripts/src/pipeline/load';
import { buildPlan } from '../../scripts/src/pipeline/plan';
import { op, ref } from './fixtures';
import { MemoryClient } from './memory-client';

/** A promise and the function that settles it. */
function latch(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('executePlan overlapping groups', () => {
  let root: string;
  let n = 0;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lex-overlap-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const journal = () => Journal.create(root, { runId: `run-${++n}`, mode: 'full', source: 'clio', environment: 'memory', profileVersion: 1, profileHash: 'p', planHash: null, watermark: null, parentRunId: null });

  /** An account, 30 contacts that bind to nothing and one that binds to the account. */
  const firm = () => [
    op('account', 'clio:contact:1', { name: 'Acme Pty Ltd' }),
    ...Array.from({ length: 30 }, (_, i) => op('contact', `clio:contact:${100 + i}`, { lastname: `Free ${i}` })),
    op('contact', 'clio:contact:2', { lastname: 'Lovelace' }, { parentcustomerid: ref('account', 'clio:contact:1') }),
  ];

  /** Writes as a list of "table:rows" in the order they reached the client, accounts held until `release`. */
  function recording(client: MemoryClient, hold: Promise<void>): string[] {
    const writes: string[] = [];
    const upsertMany = client.upsertMany.bind(client);
    client.upsertMany = async (table: string, items: readonly UpsertItem[]): Promise<RowResult[]> => {
      if (table === 'account') await hold;
      const results = await upsertMany(table, items);
      writes.push(`${table}:${items.length}`);
      return results;
    };
    return writes;
  }

  it('writes rows that bind to nothing pending while the group they look up finishes, and the others after their targets', async () => {
    const client = new MemoryClient();
    const accountsHeld = latch();
    const writes = recording(client, accountsHeld.opened);
    const run = executePlan(buildPlan(firm(), { batchSize: 50 }), { client, journal: journal() });
    // The free contacts do not wait for the account; the one that binds to it does.
    while (!writes.some((w) => w.startsWith('contact:'))) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(writes).toEqual(['contact:30']);
    accountsHeld.open();
    expect(await run).toEqual({ status: 'completed', stepsRun: 2, stepsSkipped: 0, failedOps: 0 });
    expect(writes).toEqual(['contact:30', 'account:1', 'contact:1']);
    expect(client.row('contact', rowId('clio:contact:2'))!.values.parentcustomerid).toBe(rowId('clio:contact:1'));
  });

  it('does not write a row whose target failed for good, leaves its step unchecked, and the next start writes it', async () => {
    const client = new MemoryClient();
    const j = journal();
    const plan = buildPlan(firm(), { batchSize: 50 });
    const accountsFail = latch();
    const writes = recording(client, accountsFail.opened);
    const upsertMany = client.upsertMany.bind(client);
    let down = true;
    client.upsertMany = async (table: string, items: readonly UpsertItem[]) => {
      if (table === 'account' && down) {
        await accountsFail.opened;
        throw new DataverseError({ status: 503, message: 'service unavailable' });
      }
      return upsertMany(table, items);
    };
    const run = executePlan(plan, { client, journal: j, stepAttempts: 1 }).catch((error: unknown) => error);
    while (!writes.length) await new Promise((resolve) => setTimeout(resolve, 5));
    accountsFail.open();
    expect(await run).toMatchObject({ code: 'LEX_LOAD_INTERRUPTED' });
    // The free contacts landed, but the step was given up before its checkpoint: nothing journaled.
    expect(writes).toEqual(['contact:30']);
    expect(client.row('contact', rowId('clio:contact:2'))).toBeUndefined();
    expect(j.doneSteps().size).toBe(0);
    expect(j.operations()).toEqual([]);

    down = false;
    expect(await executePlan(plan, { client, journal: j })).toEqual({ status: 'completed', stepsRun: 2, stepsSkipped: 0, failedOps: 0 });
    expect(client.row('contact', rowId('clio:contact:2'))!.values.parentcustomerid).toBe(rowId('clio:contact:1'));
    // The free contacts the first attempt wrote still count as created by this run (for rollback).
    expect(j.operations().filter((o) => o.table === 'contact').every((o) => o.action === 'created' && o.status === 'ok')).toBe(true);
  });

  it('runs a state group once the tables that look its table up are written, not after every table', async () => {
    const client = new MemoryClient();
    const notesHeld = latch();
    const order: string[] = [];
    const upsertMany = client.upsertMany.bind(client);
    client.upsertMany = async (table: string, items: readonly UpsertItem[]) => {
      if (table === 'annotation') await notesHeld.opened;
      const results = await upsertMany(table, items);
      order.push(`${table}${items.some((i) => 'statecode' in i.row) ? ' state' : ''}`);
      return results;
    };
    const matter = op('lex_matter', 'clio:matter:10', { lex_name: '00010' }, {}, { state: { statecode: 1, statuscode: 2 } });
    const task = op('task', 'clio:task:5', { subject: 'File defence' }, { regardingobjectid: ref('lex_matter', 'clio:matter:10') }, { state: { statecode: 1, statuscode: 5 } });
    // Notes look up matters, not tasks.
    const note = op('annotation', 'clio:note:7', { subject: 'Call notes' }, { objectid: ref('lex_matter', 'clio:matter:10') });
    const run = executePlan(buildPlan([matter, task, note]), { client, journal: journal() });
    while (!order.includes('task state')) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).not.toContain('lex_matter state');
    notesHeld.open();
    expect(await run).toMatchObject({ status: 'completed', failedOps: 0 });
    expect(order.slice(order.indexOf('annotation'))).toContain('lex_matter state');
  });
});
