/**
 * The run as Dynamics sees it: its `lex_migrationrun` row (status, counts, summary) and, as notes
 * with attachments on that row, the journal file and the HTML report (DESIGN.md: "summary and
 * journal also stored on the lex_migrationrun row"). A file whose Base64 size exceeds the
 * environment's `maxuploadfilesize` is not attached; the summary says so and where it is.
 */
import type { DataverseClient } from '../dataverse/client';
import { LexError } from '../errors';
import type { RunMeta, RunMode } from '../journal/journal';
import { rowId } from '../mapping/target-op';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../preflight/defaults';
import type { RunReport } from '../reports/run-report';
import { findColumn, navigationProperty, schema } from '../../../solution/src/schema';
import { rowReference, tableOf } from './row-body';
import { Tables } from '../../../solution/generated/names';

const run = Tables.lex_migrationrun;

export const runRowId = (runId: string) => rowId(`lexbridge:run:${runId}`);

/** A file of the run, stored on its row as a note attachment, or said not to fit. */
export type RunFile =
  | { file: string; attached: true; annotationId: string; base64Bytes: number }
  | { file: string; attached: false; path: string; base64Bytes: number; maxUploadFileSize: number; reason: string };

export interface RunFileInput {
  /** File name on the note, e.g. `journal.db`. */
  name: string;
  /** Where it is on disk (said in the summary when it cannot be attached). */
  path: string;
  mimeType: string;
  subject: string;
  /** Bytes of the content (Base64 is what `maxuploadfilesize` measures: 4 per 3 of these). */
  bytes: number;
  /** The content, Base64-encoded: read only when it fits, so a big run's journal is never loaded whole. */
  base64: () => string;
}

/** `organization.maxuploadfilesize`, or Dataverse's 5 MB default when it cannot be read. */
export async function readMaxUploadFileSize(client: DataverseClient): Promise<number> {
  try {
    const org = await client.execute<{ value?: { maxuploadfilesize?: number }[] }>('organizations?$select=maxuploadfilesize', undefined, { method: 'GET' });
    const value = org?.value?.[0]?.maxuploadfilesize;
    return typeof value === 'number' && value > 0 ? value : DEFAULT_MAX_UPLOAD_BYTES;
  } catch {
    // Not readable (no privilege, or the sandbox has no organization table): the documented default.
    return DEFAULT_MAX_UPLOAD_BYTES;
  }
}

/**
 * Upserts one note per file on the run's row, by a deterministic id (`lexbridge:run:<id>:<name>`),
 * so a resumed or repeated run replaces its notes instead of adding more.
 */
export async function attachRunFiles(client: DataverseClient, runId: string, files: readonly RunFileInput[], maxUploadFileSize: number): Promise<RunFile[]> {
  const objectid = findColumn(tableOf('annotation'), 'objectid')!;
  const out: RunFile[] = [];
  for (const f of files) {
    const size = 4 * Math.ceil(f.bytes / 3);
    if (size > maxUploadFileSize) {
      out.push({ file: f.name, attached: false, path: f.path, base64Bytes: size, maxUploadFileSize, reason: `its Base64 size ${size.toLocaleString('en-US')} bytes exceeds maxuploadfilesize ${maxUploadFileSize.toLocaleString('en-US')}` });
      continue;
    }
    const annotationId = rowId(`lexbridge:run:${runId}:${f.name}`);
    try {
      await client.upsert('annotation', annotationId, {
        subject: f.subject,
        notetext: `Lexbridge run ${runId}: ${f.name} (on disk at ${f.path})`,
        filename: f.name,
        mimetype: f.mimeType,
        documentbody: f.base64(),
        [`${navigationProperty(objectid, run.logicalName)}@odata.bind`]: rowReference(run.logicalName, runRowId(runId)),
      });
      out.push({ file: f.name, attached: true, annotationId, base64Bytes: size });
    } catch (error) {
      // The run's outcome does not depend on its notes (an environment may not allow notes on the
      // run table): say why the file is not on the row, and where it is.
      if (error instanceof LexError && error.transient) throw error;
      out.push({ file: f.name, attached: false, path: f.path, base64Bytes: size, maxUploadFileSize, reason: `the note could not be written: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return out;
}

/** Choice value by label, from the schema (never typed by hand). */
function choiceValue(choice: string, label: string): number {
  const option = schema.choices.find((c) => c.name === choice)?.options.find((o) => o.label === label);
  if (!option) throw new Error(`${choice} has no option "${label}"`);
  return option.value;
}

const MODE_LABEL: Record<RunMode, string> = { sample: 'Sample', full: 'Full', delta: 'Delta', rollback: 'Rollback' };

export interface FinishedRun {
  reportPath: string;
  report: RunReport;
  /** The journal's path as the summary names it. */
  journalPath: string;
  files: readonly RunFile[];
}

/** The run's summary on its `lex_migrationrun` row, so admins see it inside Dynamics. */
export async function recordRunRow(client: DataverseClient, meta: RunMeta, finished: FinishedRun | null): Promise<void> {
  const base: Record<string, unknown> = {
    [run.columns.lex_name]: `${meta.runId} (${meta.mode})`,
    [run.columns.lex_runkey]: meta.runId,
    [run.columns.lex_mode]: choiceValue('lex_runmode', MODE_LABEL[meta.mode]),
    [run.columns.lex_startedon]: meta.startedOn,
    [run.columns.lex_profileversion]: meta.profileVersion,
  };
  const parent = findColumn(tableOf(run.logicalName), run.columns.lex_parentrunid)!;
  if (meta.parentRunId) base[`${navigationProperty(parent, run.logicalName)}@odata.bind`] = rowReference(run.logicalName, runRowId(meta.parentRunId));
  if (!finished) {
    await client.upsert(run.logicalName, runRowId(meta.runId), { ...base, [run.columns.lex_runstatus]: choiceValue('lex_runstatus', 'Running') });
    return;
  }
  const { report } = finished;
  const status = meta.status === 'running' ? 'Running' : meta.status === 'failed' ? 'Failed' : report.operations.failed ? 'Completed With Errors' : 'Completed';
  const row: Record<string, unknown> = {
    ...base,
    [run.columns.lex_runstatus]: choiceValue('lex_runstatus', status),
    [run.columns.lex_completedon]: meta.completedOn,
    [run.columns.lex_watermark]: meta.watermark,
    [run.columns.lex_counts]: JSON.stringify(report.counts),
    [run.columns.lex_summary]: JSON.stringify({ journal: finished.journalPath, files: finished.files, operations: report.operations, diff: report.diff, errors: report.errors.map((e) => ({ code: e.code, count: e.count })) }),
    [run.columns.lex_diffcount]: report.diff ? report.diff.differing + report.diff.missing : 0,
    [run.columns.lex_errorcount]: report.operations.failed,
    [run.columns.lex_planhash]: meta.planHash,
    [run.columns.lex_approvedby]: meta.approvedBy,
    [run.columns.lex_approvedon]: meta.approvedOn,
    [run.columns.lex_reportpath]: finished.reportPath,
  };
  await client.upsert(run.logicalName, runRowId(meta.runId), row);
}

/**
 * What people decided about a run inside Dynamics (decision 005): the RunMonitor control and the
 * run command bar approve a sample or request a rollback by writing these columns on its row.
 */
export interface RunRowDecisions {
  runId: string;
  status: 'Approved' | 'Rollback Requested' | 'Rolled Back' | 'other';
  approvedBy: string | null;
  approvedOn: string | null;
  rollbackRequestedBy: string | null;
  rollbackRequestedOn: string | null;
}

const DECISION_COLUMNS = [run.columns.lex_runkey, 'lex_runstatus', run.columns.lex_approvedby, run.columns.lex_approvedon, run.columns.lex_rollbackrequestedby, run.columns.lex_rollbackrequestedon];
const DECIDED_STATUSES = ['Approved', 'Rollback Requested', 'Rolled Back'] as const;

function decisionsOf(row: Record<string, unknown>, runId: string): RunRowDecisions {
  const text = (column: string) => (typeof row[column] === 'string' && row[column] !== '' ? (row[column] as string) : null);
  const status = DECIDED_STATUSES.find((label) => choiceValue('lex_runstatus', label) === row[run.columns.lex_runstatus]) ?? 'other';
  return {
    runId: text(run.columns.lex_runkey) ?? runId,
    status,
    approvedBy: text(run.columns.lex_approvedby),
    approvedOn: text(run.columns.lex_approvedon),
    rollbackRequestedBy: text(run.columns.lex_rollbackrequestedby),
    rollbackRequestedOn: text(run.columns.lex_rollbackrequestedon),
  };
}

/** The run's row as Dynamics has it now, or `undefined` when the environment has no row for the run. */
export async function readRunDecisions(client: DataverseClient, runId: string): Promise<RunRowDecisions | undefined> {
  const row = await client.retrieve(run.logicalName, runRowId(runId), { select: DECISION_COLUMNS });
  return row ? decisionsOf(row, runId) : undefined;
}

/** Runs whose rollback someone requested in Dynamics, oldest request first. */
export async function readRollbackRequests(client: DataverseClient): Promise<RunRowDecisions[]> {
  const out: RunRowDecisions[] = [];
  const filter = `${run.columns.lex_runstatus} eq ${choiceValue('lex_runstatus', 'Rollback Requested')}`;
  for await (const page of client.query(run.logicalName, { select: DECISION_COLUMNS, filter })) out.push(...page.map((row) => decisionsOf(row, String(row[run.columns.lex_runkey] ?? ''))));
  return out.sort((a, b) => (a.rollbackRequestedOn ?? '').localeCompare(b.rollbackRequestedOn ?? ''));
}

/** Records an approval given in the CLI on the row too, so Dynamics shows the same state. */
export async function recordApprovalOnRow(client: DataverseClient, runId: string, by: string, on: string): Promise<void> {
  await client.update(run.logicalName, runRowId(runId), { [run.columns.lex_runstatus]: choiceValue('lex_runstatus', 'Approved'), [run.columns.lex_approvedby]: by, [run.columns.lex_approvedon]: on });
}

/** A requested rollback carried out: the rolled-back run's row says so. */
export async function markRolledBack(client: DataverseClient, runId: string): Promise<void> {
  await client.update(run.logicalName, runRowId(runId), { [run.columns.lex_runstatus]: choiceValue('lex_runstatus', 'Rolled Back') });
}
