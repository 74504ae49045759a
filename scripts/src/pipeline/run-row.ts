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
  /** The content, Base64-encoded (what `maxuploadfilesize` measures). */
  base64: string;
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
    const size = f.base64.length;
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
        documentbody: f.base64,
        [`${navigationProperty(objectid, 'lex_migrationrun')}@odata.bind`]: rowReference('lex_migrationrun', runRowId(runId)),
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
    lex_name: `${meta.runId} (${meta.mode})`,
    lex_runkey: meta.runId,
    lex_mode: choiceValue('lex_runmode', MODE_LABEL[meta.mode]),
    lex_startedon: meta.startedOn,
    lex_profileversion: meta.profileVersion,
  };
  const parent = findColumn(tableOf('lex_migrationrun'), 'lex_parentrunid')!;
  if (meta.parentRunId) base[`${navigationProperty(parent, 'lex_migrationrun')}@odata.bind`] = rowReference('lex_migrationrun', runRowId(meta.parentRunId));
  if (!finished) {
    await client.upsert('lex_migrationrun', runRowId(meta.runId), { ...base, lex_runstatus: choiceValue('lex_runstatus', 'Running') });
    return;
  }
  const { report } = finished;
  const status = meta.status === 'running' ? 'Running' : meta.status === 'failed' ? 'Failed' : report.operations.failed ? 'Completed With Errors' : 'Completed';
  const row: Record<string, unknown> = {
    ...base,
    lex_runstatus: choiceValue('lex_runstatus', status),
    lex_completedon: meta.completedOn,
    lex_watermark: meta.watermark,
    lex_counts: JSON.stringify(report.counts),
    lex_summary: JSON.stringify({ journal: finished.journalPath, files: finished.files, operations: report.operations, diff: report.diff, errors: report.errors.map((e) => ({ code: e.code, count: e.count })) }),
    lex_diffcount: report.diff ? report.diff.differing + report.diff.missing : 0,
    lex_errorcount: report.operations.failed,
    lex_planhash: meta.planHash,
    lex_approvedby: meta.approvedBy,
    lex_approvedon: meta.approvedOn,
    lex_reportpath: finished.reportPath,
  };
  await client.upsert('lex_migrationrun', runRowId(meta.runId), row);
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

const DECISION_COLUMNS = ['lex_runkey', 'lex_runstatus', 'lex_approvedby', 'lex_approvedon', 'lex_rollbackrequestedby', 'lex_rollbackrequestedon'];
const DECIDED_STATUSES = ['Approved', 'Rollback Requested', 'Rolled Back'] as const;

function decisionsOf(row: Record<string, unknown>, runId: string): RunRowDecisions {
  const text = (column: string) => (typeof row[column] === 'string' && row[column] !== '' ? (row[column] as string) : null);
  const status = DECIDED_STATUSES.find((label) => choiceValue('lex_runstatus', label) === row['lex_runstatus']) ?? 'other';
  return {
    runId: text('lex_runkey') ?? runId,
    status,
    approvedBy: text('lex_approvedby'),
    approvedOn: text('lex_approvedon'),
    rollbackRequestedBy: text('lex_rollbackrequestedby'),
    rollbackRequestedOn: text('lex_rollbackrequestedon'),
  };
}

/** The run's row as Dynamics has it now, or `undefined` when the environment has no row for the run. */
export async function readRunDecisions(client: DataverseClient, runId: string): Promise<RunRowDecisions | undefined> {
  const row = await client.retrieve('lex_migrationrun', runRowId(runId), { select: DECISION_COLUMNS });
  return row ? decisionsOf(row, runId) : undefined;
}

/** Runs whose rollback someone requested in Dynamics, oldest request first. */
export async function readRollbackRequests(client: DataverseClient): Promise<RunRowDecisions[]> {
  const out: RunRowDecisions[] = [];
  const filter = `lex_runstatus eq ${choiceValue('lex_runstatus', 'Rollback Requested')}`;
  for await (const page of client.query('lex_migrationrun', { select: DECISION_COLUMNS, filter })) out.push(...page.map((row) => decisionsOf(row, String(row['lex_runkey'] ?? ''))));
  return out.sort((a, b) => (a.rollbackRequestedOn ?? '').localeCompare(b.rollbackRequestedOn ?? ''));
}

/** Records an approval given in the CLI on the row too, so Dynamics shows the same state. */
export async function recordApprovalOnRow(client: DataverseClient, runId: string, by: string, on: string): Promise<void> {
  await client.update('lex_migrationrun', runRowId(runId), { lex_runstatus: choiceValue('lex_runstatus', 'Approved'), lex_approvedby: by, lex_approvedon: on });
}

/** A requested rollback carried out: the rolled-back run's row says so. */
export async function markRolledBack(client: DataverseClient, runId: string): Promise<void> {
  await client.update('lex_migrationrun', runRowId(runId), { lex_runstatus: choiceValue('lex_runstatus', 'Rolled Back') });
}
