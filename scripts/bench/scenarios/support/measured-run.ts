/**
 * One migration measured end to end on a sandbox with Dataverse's service protection limits and
 * a latency model: Lexbridge's loader executes the plan, then `verify` and `rollback` run on the
 * same run. The load, verify and rollback scenarios all report from this one run (memoised per
 * size), so their ratios compare like with like.
 */
import path from 'node:path';
import type { DataverseClient } from '../../../src/dataverse/client';
import { createHttpClient } from '../../../src/dataverse/http';
import { staticTokenSource } from '../../../src/dataverse/http/auth';
import { Journal, newRunId, runsRoot } from '../../../src/journal/journal';
import { executePlan } from '../../../src/pipeline/load';
import type { TargetOp } from '../../../src/mapping/target-op';
import type { PlanStep } from '../../../src/pipeline/plan';
import { buildStoredPlan } from '../../../src/pipeline/plan-store';
import { upsertBody } from '../../../src/pipeline/row-body';
import { rollbackRun, runRowId, verifyRun } from '../../../src/pipeline/run';
import { DATAVERSE_LIMITS, startSandbox, type ServiceProtectionLimits } from '../../../src/sandbox/server';
import { prepareFirm } from './firm';

/**
 * Time-compressed latency model: Dataverse spends most of a bulk request per row; 1 ms per row
 * and 10 ms per request keep that shape while a 100k-row load takes seconds, not hours.
 */
export const LATENCY = { perRequestMs: 20, perRecordMs: 2 };
/** Rows per UpsertMultiple request and per plan batch (Microsoft: 100–1000 for small rows). */
export const BULK_SIZE = 250;

export interface Ceiling {
  recordsPerSecond: number;
  formula: string;
  binding: string;
}

/**
 * What the limits and the latency allow a client writing B rows per request, sustained (a
 * migration runs far longer than the 300 s window, so the window budgets bind, not the burst):
 *   L = perRequest + B × perRecord                       (seconds per request)
 *   concurrency:     maxConcurrent × B / L
 *   request count:   maxRequests / window × B
 *   execution time:  maxExecution / window × B / L       (= 1200 s / 300 s = 4 requests busy on average)
 * ceiling = the least of the three.
 */
export function loadCeiling(limits: ServiceProtectionLimits, latency: typeof LATENCY, batch: number): Ceiling {
  const L = (latency.perRequestMs + batch * latency.perRecordMs) / 1000;
  const window = limits.windowSeconds;
  const terms = {
    concurrency: (limits.maxConcurrent * batch) / L,
    requests: (limits.maxRequests / window) * batch,
    executionTime: (limits.maxExecutionMs / 1000 / window) * (batch / L),
  };
  const [binding, recordsPerSecond] = Object.entries(terms).sort((a, b) => a[1] - b[1])[0]!;
  const formula =
    `L = ${latency.perRequestMs} ms + ${batch} × ${latency.perRecordMs} ms = ${L * 1000} ms; ` +
    `min(${limits.maxConcurrent}×${batch}/L = ${Math.round(terms.concurrency)}, ` +
    `${limits.maxRequests}/${window}s×${batch} = ${Math.round(terms.requests)}, ` +
    `(${limits.maxExecutionMs / 1000}s/${window}s)×${batch}/L = ${Math.round(terms.executionTime)}) records/s`;
  return { recordsPerSecond, formula, binding };
}

export interface MeasuredRun {
  records: number;
  /** Rows the plan writes (write, link and state ops). */
  operations: number;
  failedOps: number;
  loadMs: number;
  verifyMs: number;
  rollbackMs: number;
  diffs: number;
  rolledBack: boolean;
  throttled: number;
  requests: number;
  /**
   * What the service saw of the load (its request log): requests, and the average of requests
   * in flight there (4 at the ceiling; below it while the loader's turnaround between an answer
   * and its next request, the dependency chain's first links or the last batches leave a slot idle).
   */
  loadProfile: { requests: number; serverBusySlots: number };
  ceiling: Ceiling;
  /** The naive client on the same sandbox: one PATCH per row, one at a time. */
  naive: { rows: number; ms: number };
}

const runs = new Map<number, Promise<MeasuredRun>>();

export function measuredRun(records: number, naiveRows: number): Promise<MeasuredRun> {
  let run = runs.get(records);
  if (!run) {
    run = measure(records, naiveRows);
    runs.set(records, run);
  }
  return run;
}

async function measure(records: number, naiveRows: number): Promise<MeasuredRun> {
  const prepared = await prepareFirm(records);
  const limits = DATAVERSE_LIMITS;
  const sandbox = await startSandbox({ port: 0, limits, latency: LATENCY });
  const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('bench'), bulkSize: BULK_SIZE, maxParallel: limits.maxConcurrent });
  const cwd = prepared.dir;
  try {
    const runId = newRunId('full');
    const journal = Journal.create(runsRoot(cwd), {
      runId,
      mode: 'full',
      source: 'clio',
      environment: sandbox.apiUrl,
      profileVersion: prepared.profile.version,
      profileHash: prepared.profile.hash!,
      planHash: null,
      watermark: null,
      parentRunId: null,
    });
    // Planned as a run plans: into a file beside the journal, each step read back when it runs.
    const plan = buildStoredPlan(prepared.firm.ops, path.dirname(journal.file), { batchSize: BULK_SIZE });
    const operations = plan.steps.reduce((n, s) => n + s.size, 0);
    // The naive client first, on the fresh sandbox, so it pays no throttling the loader's run
    // leaves in the window: the plan's first rows (dependency order, so lookups resolve), each
    // its own upsert PATCH, awaited before the next. Its rows are then deleted (children first),
    // so the loader starts, as at cutover, on an environment without the run's rows: otherwise
    // it would read and journal their before-images, a cost of this bench and not of a migration.
    const firstRows = firstWrites(plan.steps, naiveRows);
    let t = performance.now();
    for (const op of firstRows) await client.upsert(op.table, op.id, upsertBody(op, { isNew: true }));
    const naive = { rows: firstRows.length, ms: performance.now() - t };
    await deleteRows(client, firstRows);

    journal.setExtracted(prepared.firm.extracted);
    // The run's own row, which `rollback` links its run to (startRun writes it; the bench drives the loader directly).
    await client.upsert('lex_migrationrun', runRowId(runId), { lex_name: `${runId} (full)`, lex_runkey: runId });
    const logged = sandbox.requestLog().length;
    t = performance.now();
    const loaded = await executePlan(plan, { client, journal });
    const loadMs = performance.now() - t;
    const loadLog = sandbox.requestLog().slice(logged);
    const loadProfile = { requests: loadLog.length, serverBusySlots: loadLog.reduce((n, r) => n + r.durationMs, 0) / loadMs };
    journal.updateMeta({ status: 'completed', completedOn: new Date().toISOString() });
    journal.close();

    t = performance.now();
    const verified = await verifyRun(cwd, runId, client);
    const verifyMs = performance.now() - t;
    t = performance.now();
    const undone = await rollbackRun({ cwd, runId, client, environment: sandbox.apiUrl });
    const rollbackMs = performance.now() - t;
    const log = sandbox.requestLog();

    return {
      records: prepared.records,
      operations,
      failedOps: loaded.failedOps,
      loadMs,
      verifyMs,
      rollbackMs,
      diffs: verified.diffs,
      rolledBack: undone.verified,
      throttled: log.filter((r) => r.status === 429).length,
      requests: log.length,
      loadProfile,
      ceiling: loadCeiling(limits, LATENCY, BULK_SIZE),
      naive,
    };
  } finally {
    await client.close();
    await sandbox.close();
    prepared.dispose();
  }
}

/** Deletes `rows` table by table, in reverse plan order, so no row outlives one that binds to it. */
async function deleteRows(client: DataverseClient, rows: readonly TargetOp[]): Promise<void> {
  const tables = [...new Set(rows.map((op) => op.table))].reverse();
  for (const table of tables) {
    const failed = (await client.deleteMany(table, rows.filter((op) => op.table === table).map((op) => op.id))).filter((r) => !r.ok);
    if (failed.length) throw new Error(`the naive client's ${table} rows could not be deleted: ${failed.length} failed`);
  }
}

/** The first `count` rows the plan writes, in plan order (reading only the steps needed). */
function firstWrites(steps: readonly PlanStep[], count: number) {
  const rows = [];
  for (const step of steps) {
    if (rows.length >= count) break;
    if (step.phase === 'write') rows.push(...step.ops.slice(0, count - rows.length));
  }
  return rows;
}
