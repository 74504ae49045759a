/**
 * The six steps through the run functions the CLI calls, against the sandbox: sample → approve →
 * full run → verify → rollback, with record accounting, the approval gate and the run row.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHttpClient, type HttpDataverseClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import { DataverseError } from '../../scripts/src/dataverse/errors';
import { Journal, runsRoot } from '../../scripts/src/journal/journal';
import type { TargetOp } from '../../scripts/src/mapping/target-op';
import { diffStatusValue } from '../../scripts/src/pipeline/verify';
import { approveRun, rollbackRun, runRowId, startRun, verifyRun } from '../../scripts/src/pipeline/run';
import { DEFAULT_USERS, startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';
import { op, ref } from './fixtures';

const OWNER = DEFAULT_USERS[1]!.systemuserid;

function firm(): TargetOp[] {
  const ops: TargetOp[] = [];
  for (let i = 1; i <= 4; i++) {
    ops.push(op('account', `clio:contact:${i}`, { name: `Client ${i}` }, {}, { ownerId: OWNER }));
    ops.push(op('lex_matter', `clio:matter:${i}`, { lex_name: `0000${i}-Client`, lex_matternumber: `0000${i}` }, { lex_clientid: ref('account', `clio:contact:${i}`) }, { ownerId: OWNER }));
    ops.push(op('lex_timeentry', `clio:activity:${i}`, { lex_name: `Work ${i}`, lex_hours: i, lex_amount: i * 300 }, { lex_matterid: ref('lex_matter', `clio:matter:${i}`) }));
  }
  return ops;
}
const candidates = firm().map((o) => ({ sourceKey: o.sourceKey, entity: o.sourceKey.split(':')[1]! }));
const extracted = { contact: 4, matter: 4, activity: 4 };
const profile = { version: 1, hash: 'profile-hash-1' };

describe('sample → approve → run → verify → rollback', () => {
  let sandbox: RunningSandbox;
  let client: HttpDataverseClient;
  let cwd: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, limits: false });
    client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('run-test') });
    cwd = mkdtempSync(path.join(tmpdir(), 'lex-run-'));
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    rmSync(cwd, { recursive: true, force: true });
  });
  const base = () => ({ cwd, source: 'clio', environment: sandbox.apiUrl, client, ops: firm(), extracted, profile });

  it('walks the six steps', async () => {
    await expect(startRun({ ...base(), mode: 'full' })).rejects.toMatchObject({ code: 'LEX_RUN_NOT_APPROVED' });

    const sample = await startRun({ ...base(), mode: 'sample', sample: { size: 2, candidates } });
    expect(sample).toMatchObject({ mode: 'sample', status: 'completed', diffs: 0 });
    // Sampled records bring the records they point at; everything else is skipped, and it all adds up.
    const totals = Object.values(sample.counts).reduce((t, c) => ({ loaded: t.loaded + c.loaded, skipped: t.skipped + c.skipped, failed: t.failed + c.failed }), { loaded: 0, skipped: 0, failed: 0 });
    expect(totals.loaded).toBeGreaterThanOrEqual(2);
    expect(totals.loaded).toBeLessThan(12);
    expect(totals.loaded + totals.skipped + totals.failed).toBe(12);
    expect(readFileSync(sample.report, 'utf8')).toContain('holds for every entity');

    expect(() => approveRun(cwd, 'nope', 'a@b.c')).toThrow(expect.objectContaining({ code: 'LEX_JOURNAL_NOT_FOUND' }));
    expect(approveRun(cwd, sample.runId, 'admin@firm.example').approvedBy).toBe('admin@firm.example');
    await expect(startRun({ ...base(), mode: 'full', profile: { version: 2, hash: 'other' } })).rejects.toMatchObject({ code: 'LEX_RUN_NOT_APPROVED' });

    const full = await startRun({ ...base(), mode: 'full' });
    expect(full).toMatchObject({ mode: 'full', status: 'completed', diffs: 0 });
    expect(full.counts.matter).toEqual({ extracted: 4, loaded: 4, skipped: 0, failed: 0 });
    const runRow = await client.retrieve('lex_migrationrun', runRowId(full.runId), { select: ['lex_runkey', 'lex_diffcount', 'lex_reportpath'] });
    expect(runRow).toMatchObject({ lex_runkey: full.runId, lex_diffcount: 0, lex_reportpath: full.report });
    const matterId = firm().find((o) => o.table === 'lex_matter')!.id;
    expect(await client.retrieve('lex_matter', matterId, { select: ['lex_diffstatus', '_lex_migrationrunid_value'] })).toMatchObject({ lex_diffstatus: diffStatusValue('match'), _lex_migrationrunid_value: runRowId(full.runId) });
    expect(existsSync(path.join(runsRoot(cwd), full.runId, 'supplemental', 'trust-balances.csv'))).toBe(true);

    // Someone edits a matter in Dynamics: verify finds exactly that.
    await client.update('lex_matter', matterId, { lex_matternumber: 'EDITED' });
    const verified = await verifyRun(cwd, full.runId, client);
    expect(verified.diffs).toBe(1);
    expect(await client.retrieve('lex_matter', matterId, { select: ['lex_diffstatus'] })).toMatchObject({ lex_diffstatus: diffStatusValue('differs') });
    await client.update('lex_matter', matterId, { lex_matternumber: '00001' });

    // The sample's rows were written again by the full run: rolling the sample back first is refused.
    await expect(rollbackRun({ cwd, runId: sample.runId, client, environment: sandbox.apiUrl })).rejects.toMatchObject({ code: 'LEX_ROLLBACK_LATER_RUN' });

    const undoFull = await rollbackRun({ cwd, runId: full.runId, client, environment: sandbox.apiUrl });
    expect(undoFull).toMatchObject({ mode: 'rollback', status: 'completed', verified: true });
    expect(JSON.parse(readFileSync(path.join(runsRoot(cwd), full.runId, 'report.json'), 'utf8')).rollback).toEqual({ status: 'rolled back', byRunId: undoFull.runId });
    let accounts = 0;
    for await (const page of client.query('account', { select: ['accountid'] })) accounts += page.length;
    const sampleJournal = Journal.open(runsRoot(cwd), sample.runId);
    const sampledAccounts = sampleJournal.createdRows().filter((r) => r.table === 'account').length;
    sampleJournal.close();
    expect(accounts).toBe(sampledAccounts); // back to the sample's state

    const undoSample = await rollbackRun({ cwd, runId: sample.runId, client, environment: sandbox.apiUrl });
    expect(undoSample).toMatchObject({ status: 'completed', verified: true });
    for (const table of ['account', 'lex_matter', 'lex_timeentry']) {
      let rows = 0;
      for await (const page of client.query(table, {})) rows += page.length;
      expect(rows).toBe(0);
    }
    expect(Journal.list(runsRoot(cwd))).toHaveLength(4);
  });
});

describe('the journal and the report on the run row', () => {
  let sandbox: RunningSandbox;
  let client: HttpDataverseClient;
  let cwd: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, limits: false });
    client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('run-files') });
    cwd = mkdtempSync(path.join(tmpdir(), 'lex-run-files-'));
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    rmSync(cwd, { recursive: true, force: true });
  });
  const sample = (extra: { maxUploadFileSize?: number } = {}) => startRun({ cwd, source: 'clio', environment: sandbox.apiUrl, client, ops: firm(), extracted, profile, mode: 'sample', sample: { size: 2, candidates }, ...extra });
  const notesOn = async (runId: string) => {
    const rows: Record<string, unknown>[] = [];
    for await (const page of client.query('annotation', { select: ['filename', 'mimetype', 'documentbody'], filter: `_objectid_value eq ${runRowId(runId)}` })) rows.push(...page);
    return rows.sort((a, b) => String(a['filename']).localeCompare(String(b['filename'])));
  };
  const summaryOf = async (runId: string) => JSON.parse(String((await client.retrieve('lex_migrationrun', runRowId(runId), { select: ['lex_summary'] }))!['lex_summary'])) as { files: Record<string, unknown>[] };

  it('attaches both as notes when they fit maxuploadfilesize (the 5 MB default when the environment does not say)', async () => {
    const run = await sample();
    const notes = await notesOn(run.runId);
    expect(notes.map((n) => [n['filename'], n['mimetype']])).toEqual([['journal.db', 'application/vnd.sqlite3'], ['report.html', 'text/html']]);
    // The attached journal is a whole SQLite journal of this run, readable as such.
    const copy = path.join(cwd, 'attached-journal.db');
    writeFileSync(copy, Buffer.from(String(notes[0]!['documentbody']), 'base64'));
    const attached = Journal.open(runsRoot(cwd), copy);
    expect(attached.meta()).toMatchObject({ runId: run.runId, status: 'completed' });
    expect(attached.operations().length).toBeGreaterThan(0);
    attached.close();
    expect(Buffer.from(String(notes[1]!['documentbody']), 'base64').toString('utf8')).toBe(readFileSync(run.report, 'utf8'));
    expect((await summaryOf(run.runId)).files).toEqual([expect.objectContaining({ file: 'journal.db', attached: true }), expect.objectContaining({ file: 'report.html', attached: true })]);
  });

  it('finishes the run when the environment refuses the notes, and says why they are not on the row', async () => {
    const refusing = Object.create(client) as HttpDataverseClient;
    refusing.upsert = async (table, key, row) => {
      if (table === 'annotation') throw new DataverseError({ status: 400, dataverseCode: '0x80048d19', message: 'notes are not enabled for this table' });
      return client.upsert(table, key, row);
    };
    const run = await startRun({ cwd, source: 'clio', environment: sandbox.apiUrl, client: refusing, ops: firm(), extracted, profile, mode: 'sample', sample: { size: 2, candidates } });
    expect(run.status).toBe('completed');
    expect((await summaryOf(run.runId)).files).toEqual([
      expect.objectContaining({ file: 'journal.db', attached: false, reason: expect.stringContaining('notes are not enabled') }),
      expect.objectContaining({ file: 'report.html', attached: false }),
    ]);
  });

  it('says which file did not fit, its size and where it is, instead of attaching it', async () => {
    const run = await sample({ maxUploadFileSize: 1000 });
    expect(await notesOn(run.runId)).toEqual([]);
    const journalFile = path.relative(process.cwd(), path.join(runsRoot(cwd), run.runId, 'journal.db'));
    expect((await summaryOf(run.runId)).files).toEqual([
      expect.objectContaining({ file: 'journal.db', attached: false, path: journalFile, maxUploadFileSize: 1000, reason: expect.stringContaining('exceeds maxuploadfilesize') }),
      expect.objectContaining({ file: 'report.html', attached: false, path: path.relative(process.cwd(), run.report) }),
    ]);
  });
});
