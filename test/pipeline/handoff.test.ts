/**
 * Dynamics → CLI hand-off against the sandbox (decision 005): a sample approved with the run
 * command bar's own function (the write RunMonitor makes) is accepted by `approve --env` and by
 * the full run's gate; a rollback requested the same way is carried out by
 * `rollback --requested`, with the requester journaled and the run row marked Rolled Back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { approveSample, requestRollback } from '../../plugins-ts/src/run-commands';
import type { XrmLike } from '../../plugins-ts/src/xrm-like';
import { MIGRATION_ADMIN_ROLE } from '../../pcf-controls/shared/roles';
import type { Row } from '../../pcf-controls/shared/data';
import { createHttpClient, type HttpDataverseClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import { Journal, runsRoot } from '../../scripts/src/journal/journal';
import { approveWithEnvironment, rollbackRequested } from '../../scripts/src/pipeline/handoff';
import { runRowId, startRun } from '../../scripts/src/pipeline/run';
import { DEFAULT_USERS, startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';
import { Choices } from '../../solution/generated/names';
import { op, ref } from './fixtures';

const ADMIN = DEFAULT_USERS[0]!;
const S = Choices.lex_runstatus;

function firm() {
  return [1, 2, 3].flatMap((i) => [
    op('account', `clio:contact:${i}`, { name: `Client ${i}` }),
    op('lex_matter', `clio:matter:${i}`, { lex_name: `0000${i}-Client`, lex_matternumber: `0000${i}` }, { lex_clientid: ref('account', `clio:contact:${i}`) }),
  ]);
}
const candidates = firm().map((o) => ({ sourceKey: o.sourceKey, entity: o.sourceKey.split(':')[1]! }));
const extracted = { contact: 3, matter: 3 };
const profile = { version: 1, hash: 'handoff-profile' };

/** Xrm as the run form gives it to the command-bar functions, its WebApi on the sandbox. */
function sandboxXrm(client: HttpDataverseClient): XrmLike {
  const select = (options?: string) => new URLSearchParams((options ?? '').replace(/^\?/, '')).get('$select')?.split(',');
  return {
    WebApi: {
      retrieveRecord: async (table: string, id: string, options?: string) => {
        const columns = select(options);
        return (await client.retrieve(table, id, columns ? { select: columns } : {})) as Row;
      },
      retrieveMultipleRecords: async () => ({ entities: [] }),
      updateRecord: (table: string, id: string, data: Row) => client.update(table, id, data),
      createRecord: async (table: string, data: Row) => ({ id: await client.create(table, data) }),
    },
    Navigation: {
      openConfirmDialog: (async () => ({ confirmed: true })) as unknown as XrmLike['Navigation']['openConfirmDialog'],
      openAlertDialog: (async () => undefined) as unknown as XrmLike['Navigation']['openAlertDialog'],
    },
    Utility: { getGlobalContext: () => ({ userSettings: { userId: `{${ADMIN.systemuserid.toUpperCase()}}`, roles: { get: () => [MIGRATION_ADMIN_ROLE] } } }) },
  };
}

/** The run form as the command bar passes it (PrimaryControl): its row's id, status and mode. */
async function runForm(client: HttpDataverseClient, runId: string) {
  const row = (await client.retrieve('lex_migrationrun', runRowId(runId), { select: ['lex_runstatus', 'lex_mode'] }))!;
  return {
    getAttribute: (name: string) => (name in row ? { getValue: () => row[name] } : null),
    data: { entity: { getId: () => `{${runRowId(runId).toUpperCase()}}` }, refresh: async () => undefined },
  } as unknown as Parameters<typeof approveSample>[0];
}

describe('Dynamics → CLI hand-off', () => {
  let sandbox: RunningSandbox;
  let client: HttpDataverseClient;
  let cwd: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, limits: false });
    client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('handoff-test') });
    cwd = mkdtempSync(path.join(tmpdir(), 'lex-handoff-'));
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    rmSync(cwd, { recursive: true, force: true });
  });
  const base = () => ({ cwd, source: 'clio', environment: sandbox.apiUrl, client, ops: firm(), extracted, profile });
  const meta = (runId: string) => {
    const j = Journal.open(runsRoot(cwd), runId);
    try {
      return j.meta();
    } finally {
      j.close();
    }
  };

  let sampleId = '';
  let fullId = '';

  it('a sample not approved anywhere: the full run and `approve --env` without --by both refuse, saying how to approve', async () => {
    sampleId = (await startRun({ ...base(), mode: 'sample', sample: { size: 1, candidates } })).runId;
    await expect(startRun({ ...base(), mode: 'full' })).rejects.toMatchObject({ code: 'LEX_RUN_NOT_APPROVED' });
    await expect(approveWithEnvironment(cwd, sampleId, client)).rejects.toMatchObject({ code: 'LEX_APPROVE_NOT_IN_DYNAMICS', fix: expect.stringContaining('Approve sample') });
    expect(meta(sampleId).approvedBy).toBeNull();
  });

  it('approved in Dynamics: `approve --env` takes who and when from the row into the journal', async () => {
    expect(await approveSample(await runForm(client, sampleId), sandboxXrm(client))).toBe('done');
    const row = (await client.retrieve('lex_migrationrun', runRowId(sampleId), { select: ['lex_runstatus', 'lex_approvedby', 'lex_approvedon'] }))!;
    expect(row).toMatchObject({ lex_runstatus: S.Approved, lex_approvedby: ADMIN.internalemailaddress });

    const approved = await approveWithEnvironment(cwd, sampleId, client);
    expect(approved).toMatchObject({ approvedIn: 'dynamics', approvedBy: ADMIN.internalemailaddress });
    expect(Date.parse(approved.approvedOn!)).toBe(Date.parse(String(row['lex_approvedon'])));
    expect(meta(sampleId).approvedBy).toBe(ADMIN.internalemailaddress);
  });

  it('`run` accepts a sample approved in Dynamics without `approve`, when the journal has the same profile version and hash', async () => {
    // A second sample, approved only on its row.
    const second = (await startRun({ ...base(), mode: 'sample', sample: { size: 1, candidates }, profile: { version: 2, hash: 'handoff-profile-2' } })).runId;
    await expect(startRun({ ...base(), mode: 'full', profile: { version: 2, hash: 'handoff-profile-2' } })).rejects.toMatchObject({ code: 'LEX_RUN_NOT_APPROVED' });
    await approveSample(await runForm(client, second), sandboxXrm(client));
    // Same version, other hash: the row's approval is for a different map.
    await expect(startRun({ ...base(), mode: 'full', profile: { version: 2, hash: 'changed' } })).rejects.toMatchObject({ code: 'LEX_RUN_NOT_APPROVED' });
    const full = await startRun({ ...base(), mode: 'full', profile: { version: 2, hash: 'handoff-profile-2' } });
    expect(full.status).toBe('completed');
    expect(meta(second).approvedBy).toBe(ADMIN.internalemailaddress);
    fullId = full.runId;
  });

  it('a rollback requested in Dynamics: `rollback --requested` rolls the run back, journals the requester and marks the row Rolled Back', async () => {
    expect(await rollbackRequested({ cwd, client, environment: sandbox.apiUrl })).toEqual([]);
    expect(await requestRollback(await runForm(client, fullId), sandboxXrm(client))).toBe('done');

    const results = await rollbackRequested({ cwd, client, environment: sandbox.apiUrl });
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result).toMatchObject({ runId: fullId, done: true, requestedBy: ADMIN.internalemailaddress });
    if (!result?.done) throw new Error('not rolled back');
    expect(result.outcome.verified).toBe(true);
    expect(meta(result.outcome.runId)).toMatchObject({ mode: 'rollback', parentRunId: fullId, requestedBy: ADMIN.internalemailaddress, status: 'completed' });
    expect(await client.retrieve('lex_migrationrun', runRowId(fullId), { select: ['lex_runstatus'] })).toMatchObject({ lex_runstatus: S.RolledBack });
    // The full run's rows are gone (the samples' rows stay: they belong to their own runs).
    const matters: unknown[] = [];
    for await (const page of client.query('lex_matter', { filter: `_lex_migrationrunid_value eq ${runRowId(fullId)}` })) matters.push(...page);
    expect(matters).toEqual([]);
    // Nothing is requested any more.
    expect(await rollbackRequested({ cwd, client, environment: sandbox.apiUrl })).toEqual([]);
  });

  it('a requested rollback whose journal is not in this folder is left requested, saying where to run it', async () => {
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'lex-handoff-elsewhere-'));
    try {
      await requestRollback(await runForm(client, sampleId), sandboxXrm(client));
      const [result] = await rollbackRequested({ cwd: elsewhere, client, environment: sandbox.apiUrl });
      expect(result).toMatchObject({ runId: sampleId, done: false, reason: expect.stringContaining('journal is not in'), fix: expect.stringContaining('folder the run was started from') });
      expect(await client.retrieve('lex_migrationrun', runRowId(sampleId), { select: ['lex_runstatus'] })).toMatchObject({ lex_runstatus: S.RollbackRequested });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
