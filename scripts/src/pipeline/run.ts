/**
 * The run commands as plain async functions (the CLI only parses flags and prints): start or
 * resume a sample/full/delta run from mapped TargetOps, approve a sample, verify a run, roll a
 * run back. Each journals under `<cwd>/.lexbridge/runs/<runId>/` and writes its report there.
 * Node edge: files and the journal; the engine pieces it calls are pure.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
export { runRowId } from './run-row';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { DataverseClient } from '../dataverse/client';
import { LexError } from '../errors';
import { entityOf, Journal, newRunId, runsRoot, type RunMeta, type RunMode } from '../journal/journal';
import type { TargetOp } from '../mapping/target-op';
import { schema } from '../../../solution/src/schema';
import { buildRunReport, type RunReport } from '../reports/run-report';
import { supplementalOps } from '../reports/supplemental';
import { writeRunReport, writeSupplementalPackage } from '../reports/write';
import type { WorkflowReference } from './from-staging';
import { executePlan, type LoadProgress } from './load';
import { plannedRows } from './plan';
import { buildStoredPlan } from './plan-store';
import { planRollback, rollbackHeapWarning } from './rollback';
import { attachRunFiles, readMaxUploadFileSize, readRunDecisions, recordRunRow, runRowId, type FinishedRun } from './run-row';
import { sampleOps, selectSample, type SampleCandidate } from './sample';
import { diffRecords, diffStatusOps, readBack, verifiedFrom, type Verified } from './verify';

/** Journal step for records the map turned into no row (the plan's own issues are step -1). */
export const MAPPING_FAILURES_STEP = -2;

export interface RunCounts {
  [entity: string]: { extracted: number; loaded: number; skipped: number; failed: number };
}

/** What `run`, `sample`, `delta`, `rollback` and `demo` print with `--json`. */
export interface RunOutcome {
  runId: string;
  mode: RunMode;
  status: RunMeta['status'];
  counts: RunCounts;
  diffs: number;
  report: string;
}

export interface StartRunOptions {
  cwd: string;
  mode: Exclude<RunMode, 'rollback'>;
  source: string;
  environment: string;
  client: DataverseClient;
  /**
   * Every op the confirmed profile maps the staging store to. Iterated more than once (plan,
   * supplemental package), never held: `mapFirm` maps staging afresh on each pass.
   */
  ops: Iterable<TargetOp>;
  /** Records per entity in staging (record accounting). */
  extracted: Readonly<Record<string, number>>;
  /** Records mapping deliberately gave no row, with why. */
  skips?: readonly { sourceKey: string; reason: string }[];
  /** Records the map could not turn into any row (failed records, with why). */
  failures?: readonly { sourceKey: string; code: string; message: string }[];
  /** Records that load without a field the map could not convert, with why. */
  warnings?: readonly { sourceKey: string; code: string; message: string }[];
  profile: { version: number; hash: string };
  /** Sample runs: the records to choose from and how many. */
  sample?: { size: number; candidates: Iterable<SampleCandidate>; seed?: string };
  /** Continue this run from its journal instead of starting a new one. */
  resumeRunId?: string;
  watermark?: string;
  parentRunId?: string;
  batchSize?: number;
  maxUploadFileSize?: number;
  documentUrl?: (op: TargetOp) => string | undefined;
  /** Firm tax id for LAW_FIRM_ID in LEDES files. */
  lawFirmId?: string;
  /** Source workflow definitions, handed over as a rebuild reference. */
  workflows?: readonly WorkflowReference[];
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
}

function countsOf(journal: Journal): RunCounts {
  return Object.fromEntries(journal.accounting().map((a) => [a.entity, { extracted: a.extracted, loaded: a.loaded, skipped: a.skipped, failed: a.failed }]));
}


/**
 * The latest approved sample of this profile version, or a LexError saying how to get one. A
 * sample approved in Dynamics (its run row says Approved, decision 005) counts when `client` is
 * given: the approval is copied into the sample's journal, who and when as the row has them.
 */
export async function requireApprovedSample(cwd: string, profile: { version: number; hash: string }, client?: DataverseClient): Promise<RunMeta> {
  const root = runsRoot(cwd);
  const samples = Journal.list(root)
    .map((id) => {
      const j = Journal.open(root, id);
      try {
        return j.meta();
      } finally {
        j.close();
      }
    })
    .filter((m) => m.mode === 'sample' && m.status === 'completed' && m.profileVersion === profile.version && m.profileHash === profile.hash);
  let latest = samples.filter((m) => m.approvedBy).pop();
  if (!latest && client) {
    for (const sample of [...samples].reverse()) {
      const row = await readRunDecisions(client, sample.runId);
      if (row?.approvedBy && row.approvedOn && row.status === 'Approved') {
        latest = approveRun(cwd, sample.runId, row.approvedBy, new Date(row.approvedOn));
        break;
      }
    }
  }
  if (!latest) {
    throw new LexError({
      code: 'LEX_RUN_NOT_APPROVED',
      message: `No approved sample for profile version ${profile.version} (${profile.hash.slice(0, 12)})`,
      fix: 'Run `lexbridge sample`, review its report, then approve it in Dynamics (Approve sample) or with `lexbridge approve <runId>`; a changed profile needs a new sample.',
    });
  }
  return latest;
}

export async function startRun(options: StartRunOptions): Promise<RunOutcome> {
  const root = runsRoot(options.cwd);
  if (options.mode !== 'sample' && !options.resumeRunId) await requireApprovedSample(options.cwd, options.profile, options.client);

  let ops: Iterable<TargetOp> = options.ops;
  let warnings = options.warnings ?? [];
  const skips = [...(options.skips ?? [])];
  if (options.mode === 'sample') {
    if (!options.sample) throw new LexError({ code: 'LEX_RUN_SAMPLE_SIZE', message: 'A sample run needs a size and the records to choose from', fix: 'Pass --size <n> to `lexbridge sample`.' });
    const candidates = [...options.sample.candidates];
    const chosen = selectSample(candidates, { size: options.sample.size, ...(options.sample.seed ? { seed: options.sample.seed } : {}) });
    // A sample is small: its ops (and the rows they point at) are picked from all of them in memory.
    const sampled = sampleOps([...options.ops], chosen);
    ops = sampled;
    const inSample = new Set(sampled.map((o) => o.sourceKey));
    for (const c of candidates) if (!inSample.has(c.sourceKey)) skips.push({ sourceKey: c.sourceKey, reason: 'not in sample' });
    warnings = warnings.filter((w) => inSample.has(w.sourceKey));
  }
  const journal = options.resumeRunId
    ? Journal.open(root, options.resumeRunId)
    : Journal.create(root, {
        runId: newRunId(options.mode),
        mode: options.mode,
        source: options.source,
        environment: options.environment,
        profileVersion: options.profile.version,
        profileHash: options.profile.hash,
        planHash: null,
        watermark: options.watermark ?? null,
        parentRunId: options.parentRunId ?? null,
      });
  try {
    const runId = journal.meta().runId;
    // Every migrated row says which run last wrote it; the run's own row must exist first.
    await recordRunRow(options.client, journal.meta(), null);
    // The plan goes to a file beside the journal as it is built: the ops are never all in memory.
    const plan = buildStoredPlan(stampRun(ops, runId), path.dirname(journal.file), {
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.maxUploadFileSize ? { maxUploadFileSize: options.maxUploadFileSize } : {}),
      ...(options.documentUrl ? { documentUrl: options.documentUrl } : {}),
    });
    journal.setExtracted(options.extracted);
    for (const s of skips) journal.recordSkip(s.sourceKey, s.reason);
    for (const w of warnings) journal.recordWarning(w.sourceKey, w.code, w.message);
    if (options.failures?.length && !journal.doneSteps().has(MAPPING_FAILURES_STEP)) {
      journal.completeStep(MAPPING_FAILURES_STEP, options.failures.map((f) => ({ table: '', targetKey: f.sourceKey, sourceKey: f.sourceKey, targetId: '', action: 'planned', status: 'failed', errorCode: f.code, errorMessage: f.message })));
    }
    const result = await executePlan(plan, { client: options.client, journal, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    if (result.status === 'stopped') return outcome(journal, null, 'running');

    const diffs = await verifyRows(options.client, plannedRows(plan));
    const holds = journal.accounting().every((a) => a.holds);
    const meta = journal.updateMeta({ status: holds ? 'completed' : 'failed', completedOn: new Date().toISOString() });
    const report = writeReports(journal, diffs, ops, options.lawFirmId, options.workflows);
    await recordRunRow(options.client, meta, await storeRunFiles(options.client, journal, report, options.maxUploadFileSize));
    return outcome(journal, diffs, meta.status, report.reportPath);
  } finally {
    journal.close();
  }
}

/** Adds `lex_migrationrunid` to every op whose table carries provenance, as the ops stream past. */
function* stampRun(ops: Iterable<TargetOp>, runId: string): Iterable<TargetOp> {
  const stamped = new Set(schema.tables.filter((t) => t.columns.some((c) => c.logicalName === 'lex_migrationrunid')).map((t) => t.logicalName));
  const ref = { table: 'lex_migrationrun', id: runRowId(runId), sourceKey: `lexbridge:run:${runId}` };
  for (const op of ops) yield stamped.has(op.table) ? { ...op, lookups: { ...op.lookups, lex_migrationrunid: ref } } : op;
}

/** Rows read back and diffed per chunk, so a verify holds a chunk of rows, not the whole run. */
const VERIFY_CHUNK = 2000;

/** Reads rows back, diffs them, and marks each matter's `lex_diffstatus`, a chunk at a time. */
async function verifyRows(client: DataverseClient, rows: Iterable<TargetOp>): Promise<Verified> {
  const result: Verified = { records: 0, differences: [] };
  const check = async (chunk: TargetOp[]) => {
    const diffs = diffRecords(chunk, await readBack(client, chunk));
    const marks = diffStatusOps(diffs);
    if (marks.length) await client.upsertMany('lex_matter', marks.map((m) => ({ key: m.id, row: { ...m.columns }, recordKey: m.sourceKey })));
    const found = verifiedFrom(diffs);
    result.records += found.records;
    result.differences.push(...found.differences);
  };
  let chunk: TargetOp[] = [];
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length === VERIFY_CHUNK) {
      await check(chunk);
      chunk = [];
    }
  }
  if (chunk.length) await check(chunk);
  return result;
}

function reportFor(journal: Journal, diffs: Verified | null): RunReport {
  const meta = journal.meta();
  const root = path.dirname(path.dirname(journal.file));
  const rollbackRun = Journal.list(root)
    .map((id) => {
      const j = Journal.open(root, id);
      try {
        return j.meta();
      } finally {
        j.close();
      }
    })
    .find((m) => m.mode === 'rollback' && m.parentRunId === meta.runId);
  return buildRunReport({
    meta,
    accounting: journal.accounting(),
    operations: journal.eachOperation(),
    warnings: journal.warnings(),
    ...(diffs ? { verified: diffs } : {}),
    ...(rollbackRun ? { rollback: { status: rollbackRun.status === 'completed' ? 'rolled back' : 'rollback incomplete', byRunId: rollbackRun.runId } } : {}),
  });
}

function writeReports(journal: Journal, diffs: Verified | null, ops: Iterable<TargetOp> | null, lawFirmId = '', workflows: readonly WorkflowReference[] = []): { reportPath: string; report: RunReport } {
  const dir = path.dirname(journal.file);
  const report = reportFor(journal, diffs);
  const written = writeRunReport(dir, report, journal.eachOperation(true));
  if (ops) writeSupplementalPackage(dir, [...supplementalOps(ops)], lawFirmId, workflows);
  return { reportPath: written.html, report };
}

/**
 * The journal (as it stands at the end of the run) and the HTML report, as notes on the run's
 * row when they fit the environment's attachment limit; the summary says which did not, and where they are.
 */
async function storeRunFiles(client: DataverseClient, journal: Journal, written: { reportPath: string; report: RunReport }, maxUploadFileSize?: number): Promise<FinishedRun> {
  const runId = journal.meta().runId;
  const journalPath = path.relative(process.cwd(), journal.file);
  const files = await attachRunFiles(
    client,
    runId,
    [
      { name: 'journal.db', path: journalPath, mimeType: 'application/vnd.sqlite3', subject: `Run journal ${runId}`, bytes: journal.byteSize(), base64: () => journal.serialize().toString('base64') },
      { name: 'report.html', path: path.relative(process.cwd(), written.reportPath), mimeType: 'text/html', subject: `Run report ${runId}`, bytes: statSync(written.reportPath).size, base64: () => readFileSync(written.reportPath).toString('base64') },
    ],
    maxUploadFileSize ?? (await readMaxUploadFileSize(client)),
  );
  return { ...written, journalPath, files };
}

/** The rolled-back run's report, re-rendered with its rollback status (its diff and failures kept). */
function refreshRollbackStatus(dir: string, rollback: RunReport['rollback']): void {
  const file = path.join(dir, 'report.json');
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  const journal = Journal.open(path.dirname(dir), path.basename(dir));
  try {
    writeRunReport(dir, { ...report, rollback }, journal.eachOperation(true));
  } finally {
    journal.close();
  }
}

function outcome(journal: Journal, diffs: Verified | null, status: RunMeta['status'], report = ''): RunOutcome {
  const meta = journal.meta();
  return { runId: meta.runId, mode: meta.mode, status, counts: countsOf(journal), diffs: diffs?.differences.length ?? 0, report };
}

/** `lexbridge approve <runId>`: who approved a sample, and when. */
export function approveRun(cwd: string, runId: string, by: string, now = new Date()): RunMeta {
  const journal = Journal.open(runsRoot(cwd), runId);
  try {
    const meta = journal.meta();
    if (meta.mode !== 'sample' || meta.status !== 'completed') {
      throw new LexError({ code: 'LEX_APPROVE_NOT_A_SAMPLE', message: `Run ${runId} is a ${meta.status} ${meta.mode} run; only a completed sample can be approved`, fix: 'Approve the sample run you reviewed (see `lexbridge runs`).' });
    }
    return journal.approve(by, now.toISOString());
  } finally {
    journal.close();
  }
}

/** `lexbridge verify <runId>`: full read-back diff of a run, and its report refreshed. */
export async function verifyRun(cwd: string, runId: string, client: DataverseClient): Promise<RunOutcome> {
  const journal = Journal.open(runsRoot(cwd), runId);
  try {
    const plan = journal.plan();
    if (!plan) throw new LexError({ code: 'LEX_VERIFY_NO_PLAN', message: `Run ${runId} has no plan in its journal`, fix: 'The run never started loading; run it again.' });
    // Rows that failed to load are already failed records; verify what the run says it wrote.
    const rows = (function* () {
      for (const row of plannedRows(plan)) if (journal.wroteRow(row.table, row.id)) yield row;
    })();
    const diffs = await verifyRows(client, rows);
    const report = writeReports(journal, diffs, null);
    return outcome(journal, diffs, journal.meta().status, report.reportPath);
  } finally {
    journal.close();
  }
}

export interface RollbackOptions {
  cwd: string;
  /** Attachment limit for the run's notes; default: read from the environment. */
  maxUploadFileSize?: number;
  runId: string;
  client: DataverseClient;
  environment: string;
  force?: boolean;
  /** Who asked for the rollback in Dynamics, and when (journaled on the rollback run). */
  requested?: { by: string; on: string };
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
}

/** `rollbackHeapWarning` for this process and the run's journal (`lexbridge rollback` prints it first). */
export function rollbackHeapCheck(cwd: string, runId: string): string | undefined {
  const journal = Journal.open(runsRoot(cwd), runId);
  try {
    return rollbackHeapWarning(runId, journal.preparedCount(), getHeapStatistics().heap_size_limit);
  } finally {
    journal.close();
  }
}

/**
 * `lexbridge rollback <runId>`: restores before-images, deletes created rows, journals itself as
 * a rollback run, and ends by checking the touched rows match their pre-run state.
 */
export async function rollbackRun(options: RollbackOptions): Promise<RunOutcome & { verified: boolean }> {
  const root = runsRoot(options.cwd);
  const target = Journal.open(root, options.runId);
  let input;
  try {
    const meta = target.meta();
    const others = Journal.list(root)
      .filter((id) => id !== options.runId)
      .map((id) => {
        const j = Journal.open(root, id);
        try {
          return j.meta();
        } finally {
          j.close();
        }
      });
    // Runs already undone, and the rollbacks that undid them, no longer hold rows.
    const undone = new Set(others.filter((m) => m.mode === 'rollback' && m.status === 'completed' && m.parentRunId).map((m) => m.parentRunId!));
    const later = others
      .filter((m) => m.startedOn > meta.startedOn && !undone.has(m.runId) && !(m.mode === 'rollback' && (m.parentRunId === options.runId || undone.has(m.parentRunId ?? ''))))
      .map((m) => {
        const j = Journal.open(root, m.runId);
        try {
          return { runId: m.runId, touched: j.touchedRows() };
        } finally {
          j.close();
        }
      });
    input = { runId: options.runId, prepared: target.preparedRows(), beforeImages: target.beforeImages(), operations: target.operations(), laterRuns: later, force: !!options.force };
  } finally {
    target.close();
  }
  const rollback = planRollback(input);
  const journal = Journal.create(root, {
    runId: newRunId('rollback'),
    mode: 'rollback',
    source: 'journal',
    environment: options.environment,
    profileVersion: null,
    profileHash: null,
    planHash: rollback.plan.hash,
    watermark: null,
    parentRunId: options.runId,
    ...(options.requested ? { requestedBy: options.requested.by, requestedOn: options.requested.on } : {}),
  });
  try {
    // The rollback's own run row first, as for any run: its notes (journal, report) hang on it.
    await recordRunRow(options.client, journal.meta(), null);
    // Accounting for a rollback: every source record whose rows it undoes (engine setup rows are not records).
    const extracted: Record<string, number> = {};
    const records = new Set([...rollback.restores, ...rollback.deletes].map((op) => op.sourceKey).filter((k) => !k.startsWith('lexbridge:')));
    for (const key of records) extracted[entityOf(key)] = (extracted[entityOf(key)] ?? 0) + 1;
    journal.setExtracted(extracted);
    const result = await executePlan(rollback.plan, { client: options.client, journal, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    if (result.status === 'stopped') return { ...outcome(journal, null, 'running'), verified: false };
    const restored = diffRecords(rollback.restores, await readBack(options.client, rollback.restores));
    const leftOver = await readBack(options.client, rollback.deletes);
    const verified = restored.every((d) => d.status === 'match') && leftOver.size === 0;
    const meta = journal.updateMeta({ status: verified && result.failedOps === 0 ? 'completed' : 'failed', completedOn: new Date().toISOString() });
    const report = writeReports(journal, verifiedFrom(restored), null);
    await recordRunRow(options.client, meta, await storeRunFiles(options.client, journal, report, options.maxUploadFileSize));
    refreshRollbackStatus(path.join(root, options.runId), { status: meta.status === 'completed' ? 'rolled back' : 'rollback incomplete', byRunId: meta.runId });
    return { ...outcome(journal, verifiedFrom(restored), meta.status, report.reportPath), verified };
  } finally {
    journal.close();
  }
}
