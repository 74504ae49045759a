/**
 * The loader: executes a frozen plan through a `DataverseClient`, step by step, journaling as it
 * goes. Per write step: find which rows already exist and journal their before-images (read
 * before writing), upsert by primary key, journal every result and checkpoint. Data errors are
 * recorded against the record and the run goes on; transient errors are retried by the client,
 * and if they persist the run stops before the step's checkpoint so the next start resumes there.
 */
import type { DataverseClient, RowResult, UpsertItem } from '../dataverse/client';
import { LexError } from '../errors';
import type { Journal, OperationAction, OperationRecord } from '../journal/journal';
import type { TargetOp } from '../mapping/target-op';
import { schema as defaultSchema } from '../../../solution/src/schema';
import type { SolutionSchema, TableDef } from '../../../solution/src/schema';
import type { Plan, PlanStep } from './plan';
import { LOOKUP_TABLE_ANNOTATION, lookupProperty, rowReference, selectFor, tableOf, upsertBody, type Row } from './row-body';

/** What the loader needs of a journal (the SQLite one in the CLI). */
export type LoadJournal = Pick<Journal, 'savePlan' | 'prepared' | 'prepare' | 'completeStep' | 'doneSteps'>;

export interface LoadProgress {
  stepsDone: number;
  stepsTotal: number;
  opsDone: number;
  opsTotal: number;
  step: PlanStep;
}

export interface LoadOptions {
  client: DataverseClient;
  journal: LoadJournal;
  schema?: SolutionSchema;
  /** Ctrl-C: stop after the current step's checkpoint. */
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  /** Ids per existence query (default `READ_CHUNK`): the ids go in the URL (32 KB limit). */
  existenceChunk?: number;
  /**
   * Attempts per step when the client gives up on a transient error. Re-running a step is safe:
   * writes are upserts by id and the step's existence map is already journaled.
   */
  stepAttempts?: number;
  /**
   * Steps of one table and phase in flight at once. They touch disjoint rows (self-references
   * wait for the link phase), so they can overlap; the client's adaptive parallelism still caps
   * the requests. One step at a time would leave the service idle between batches.
   */
  parallelSteps?: number;
  /**
   * Requests the service wants in flight (Dataverse's `x-ms-dop-hint` is 4 by default). A group
   * with fewer write steps than this splits each step's upsert into that many requests, so the
   * dependency chain (accounts → contacts → matters…) does not leave the service idle.
   */
  requestSlots?: number;
}

export interface LoadResult {
  status: 'completed' | 'stopped';
  stepsRun: number;
  stepsSkipped: number;
  failedOps: number;
}

/**
 * Ids per `In(...)` read. Each id costs 45 characters of URL once encoded (`%22<guid>%22%2C`), so
 * 250 ids take about 11 KB, a third of the 32 KB Dataverse accepts, in 2.5× fewer reads than 100.
 */
export const READ_CHUNK = 250;

/** Step index the journal uses for ops the plan left out. */
export const PLAN_ISSUES_STEP = -1;

type StepResult = Omit<OperationRecord, 'step' | 'at'>;

function isTransient(error: unknown): boolean {
  return error instanceof LexError && error.transient;
}

function errorFields(error: unknown): { errorCode: string; errorMessage: string } {
  if (error instanceof LexError) return { errorCode: error.code, errorMessage: `${error.message}. Fix: ${error.fix}` };
  return { errorCode: 'LEX_LOAD_UNEXPECTED', errorMessage: error instanceof Error ? error.message : String(error) };
}

function interrupted(step: PlanStep, cause: unknown): LexError {
  return new LexError({
    code: 'LEX_LOAD_INTERRUPTED',
    message: `Step ${step.index} (${step.phase} ${step.table}) could not reach Dataverse after retries`,
    fix: 'Check the connection and service protection limits, then run the same command again: it resumes from the last checkpoint.',
    transient: true,
    cause,
  });
}

export async function executePlan(plan: Plan, options: LoadOptions): Promise<LoadResult> {
  const { client, journal } = options;
  const from = options.schema ?? defaultSchema;
  journal.savePlan(plan);
  const done = journal.doneSteps();
  if (!done.has(PLAN_ISSUES_STEP) && plan.issues.length) {
    journal.completeStep(
      PLAN_ISSUES_STEP,
      plan.issues.map((i) => ({ table: '', targetKey: i.targetKey, sourceKey: i.sourceKey, targetId: '', action: 'planned', status: 'failed', errorCode: i.code, errorMessage: `${i.message}. Fix: ${i.fix}` })),
    );
  }
  const opsTotal = plan.steps.reduce((n, s) => n + s.size, 0);
  let opsDone = 0;
  let stepsRun = 0;
  let stepsSkipped = 0;
  let failedOps = 0;
  const parallel = options.parallelSteps ?? 8;
  const existenceChunk = options.existenceChunk ?? READ_CHUNK;
  /** A write step's existence map: journaled by an earlier attempt or read now (and journaled). */
  const prepared = (step: PlanStep) => journal.prepared(step.index) ?? prepareStep(step, tableOf(step.table, from), client, journal, from, existenceChunk);
  const slots = options.requestSlots ?? 4;
  const runOne = async (planned: PlanStep, split: number) => {
    // A plan kept on disk reads a step's ops each time they are asked for: read them once here.
    const step: PlanStep = { ...planned, ops: planned.ops };
    const results = await runStepWithRetry(step, options.stepAttempts ?? 3, () => runStep(step, client, from, prepared, split));
    journal.completeStep(step.index, results);
    failedOps += results.filter((r) => r.status === 'failed').length;
    stepsRun++;
    opsDone += step.size;
    options.onProgress?.({ stepsDone: stepsRun + stepsSkipped, stepsTotal: plan.steps.length, opsDone, opsTotal, step });
  };
  // Groups (consecutive steps of one table and phase) run in plan order, but a write group starts
  // beside the write groups still running unless its table looks up one of theirs: independent
  // tables (tasks, emails, notes…) load together. State groups of other tables run together too
  // (each changes only its own table's rows). Every other phase waits for all before it.
  const running: { group: readonly PlanStep[]; finished: Promise<void> }[] = [];
  let failure: { error: unknown } | undefined;
  const stop = () => !!failure || !!options.signal?.aborted;
  for (const group of sameTableRuns(plan.steps)) {
    const head = group[0]!;
    const blockers = running.filter(({ group: [other] }) => !canOverlap(head, other!, from));
    // While a write group waits for the tables it looks up, its first steps read which of their
    // rows exist (and journal them): those reads touch only its own table, which no running group
    // writes, and they would otherwise sit on the critical path between dependent tables.
    const early =
      head.phase === 'write' && blockers.length && !running.some(({ group: [other] }) => other!.table === head.table)
        ? Promise.all(group.filter((step) => !done.has(step.index)).slice(0, parallel).map((step) => Promise.resolve().then(() => prepared(step)).catch(() => undefined)))
        : undefined;
    await Promise.all([...blockers.map((b) => b.finished), early]);
    if (stop()) break;
    const pending: PlanStep[] = [];
    for (const step of group) {
      if (done.has(step.index)) {
        stepsSkipped++;
        opsDone += step.size;
      } else pending.push(step);
    }
    const split = Math.max(1, Math.floor(slots / Math.max(1, pending.length)));
    const finished = inParallel(pending, parallel, (step) => runOne(step, split), stop).catch((error: unknown) => {
      failure ??= { error };
    });
    running.push({ group, finished });
  }
  await Promise.all(running.map((r) => r.finished));
  if (failure) throw failure.error;
  if (stepsRun + stepsSkipped < plan.steps.length) return { status: 'stopped', stepsRun, stepsSkipped, failedOps };
  return { status: 'completed', stepsRun, stepsSkipped, failedOps };
}

/** Whether a group headed by `step` may start while the group headed by `other` is still running. */
function canOverlap(step: PlanStep, other: PlanStep, from: SolutionSchema): boolean {
  if (step.phase === 'write' && other.phase === 'write') return !looksUp(step.table, other.table, from);
  return step.phase === 'state' && other.phase === 'state' && step.table !== other.table;
}

/** Whether rows of `table` may bind a lookup to rows of `other` (so must wait for them). */
function looksUp(table: string, other: string, from: SolutionSchema): boolean {
  return tableOf(table, from).columns.some((c) => c.type.kind === 'lookup' && c.type.targets.includes(other));
}

/** Consecutive steps with the same phase and table: the units that may overlap. */
function sameTableRuns(steps: readonly PlanStep[]): PlanStep[][] {
  const runs: PlanStep[][] = [];
  for (const step of steps) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.phase === step.phase && last[0]!.table === step.table) last.push(step);
    else runs.push([step]);
  }
  return runs;
}

/**
 * Runs `work` over `items`, at most `limit` at a time, in order of start. Stops taking new items
 * once `stop()` says so or one fails; waits for those in flight, then rethrows the first failure,
 * so every step that finished is checkpointed before the error surfaces.
 */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, stop: () => boolean): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure && !stop()) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}

async function runStepWithRetry(step: PlanStep, attempts: number, run: () => Promise<StepResult[]>): Promise<StepResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
    }
  }
}

async function runStep(step: PlanStep, client: DataverseClient, from: SolutionSchema, prepared: (step: PlanStep) => Map<string, boolean> | Promise<Map<string, boolean>>, split: number): Promise<StepResult[]> {
  const table = tableOf(step.table, from);
  try {
    switch (step.phase) {
      case 'write': {
        const existed = await prepared(step);
        return await upsertStep(step, client, (op) => upsertBody(op, { isNew: !existed.get(op.id), schema: from }), (op) => (existed.get(op.id) ? 'updated' : 'created'), split);
      }
      case 'link':
        return await upsertStep(step, client, (op) => upsertBody(op, { isNew: false, schema: from }), () => 'linked');
      case 'state':
        return await stateStep(step, table, client, from);
      case 'delete':
        return await deleteStep(step, client);
    }
  } catch (error) {
    if (isTransient(error)) throw interrupted(step, error);
    throw error;
  }
}

/**
 * Reads which of the step's rows exist, with their current values, and journals both before
 * anything is written. Polymorphic lookups are kept with the table they point at, so the
 * before-image can be written back exactly.
 */
async function prepareStep(step: PlanStep, table: TableDef, client: DataverseClient, journal: LoadJournal, from: SolutionSchema, existenceChunk: number): Promise<Map<string, boolean>> {
  const ids = step.ops.map((op) => op.id);
  const found = new Map<string, Row>();
  const parts: string[][] = [];
  for (let i = 0; i < ids.length; i += existenceChunk) parts.push(ids.slice(i, i + existenceChunk));
  // The chunks are independent reads: send them together, the client caps parallelism.
  await Promise.all(
    parts.map(async (part) => {
      const filter = `Microsoft.Dynamics.CRM.In(PropertyName='${table.primaryIdColumn}',PropertyValues=[${part.map((id) => `"${id}"`).join(',')}])`;
      for await (const page of client.query(step.table, { select: selectFor(table), filter, pageSize: 5000 })) {
        for (const row of page) found.set(String(row[table.primaryIdColumn]).toLowerCase(), row);
      }
    }),
  );
  const images: { id: string; row: Row }[] = [];
  for (const [id, row] of found) images.push({ id, row: await withLookupTables(table, row, client, from) });
  const existence = new Map(ids.map((id) => [id, found.has(id.toLowerCase())]));
  journal.prepare(step.index, step.table, existence, images);
  return existence;
}

/** Adds the `lookuplogicalname` annotation to polymorphic lookups that lack it, by finding the row. */
async function withLookupTables(table: TableDef, row: Row, client: DataverseClient, from: SolutionSchema): Promise<Row> {
  const image: Row = { ...row };
  delete image['@odata.etag'];
  for (const column of table.columns) {
    if (column.type.kind !== 'lookup' || column.type.targets.length < 2) continue;
    const property = lookupProperty(column.logicalName);
    const id = image[property];
    if (typeof id !== 'string' || typeof image[`${property}${LOOKUP_TABLE_ANNOTATION}`] === 'string') continue;
    for (const target of column.type.targets) {
      const targetDef = tableOf(target, from);
      const hit = await client.retrieve(target, id, { select: [targetDef.primaryIdColumn] });
      if (hit) {
        image[`${property}${LOOKUP_TABLE_ANNOTATION}`] = target;
        break;
      }
    }
  }
  return image;
}

/** Fewest rows per request when a step's upsert is split: below this the per-request cost dominates. */
const MIN_SPLIT_ROWS = 50;

async function upsertStep(step: PlanStep, client: DataverseClient, body: (op: TargetOp) => Row, action: (op: TargetOp) => OperationAction, split = 1): Promise<StepResult[]> {
  const items: UpsertItem[] = step.ops.map((op) => ({ key: op.id, row: body(op), recordKey: op.sourceKey }));
  const size = Math.max(MIN_SPLIT_ROWS, Math.ceil(items.length / split));
  const parts: UpsertItem[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  let results = (await Promise.all(parts.map((part) => client.upsertMany(step.table, part)))).flat();
  // Bulk writes are all-or-nothing on standard tables: one bad row fails its neighbours. Write the
  // failed ones alone, so only the bad rows are recorded as failed.
  const failed = results.map((r, i) => (r.ok ? -1 : i)).filter((i) => i >= 0);
  if (failed.length > 1) {
    results = [...results];
    for (const i of failed) results[i] = (await client.upsertMany(step.table, [items[i]!]))[0]!;
  }
  return step.ops.map((op, i) => toRecord(op, action(op), results[i]));
}

function toRecord(op: TargetOp, action: OperationAction, result: RowResult | undefined): StepResult {
  const base = { table: op.table, targetKey: op.targetKey, sourceKey: op.sourceKey, targetId: op.id, action };
  if (!result) return { ...base, status: 'failed', errorCode: 'LEX_LOAD_NO_RESULT', errorMessage: 'The client returned no result for this row' };
  if (result.ok) return { ...base, status: 'ok' };
  if (result.error.transient) throw result.error;
  return { ...base, status: 'failed', ...errorFields(result.error) };
}

/**
 * Non-default states: a plain update of statecode/statuscode, except where the platform needs
 * a message (opportunity Won/Lost, incident Resolved).
 */
async function stateStep(step: PlanStep, table: TableDef, client: DataverseClient, from: SolutionSchema): Promise<StepResult[]> {
  const plain = step.ops.filter((op) => !table.statesNeedingMessage?.[op.state!.statecode]);
  const byMessage = step.ops.filter((op) => table.statesNeedingMessage?.[op.state!.statecode]);
  const results = new Map<TargetOp, StepResult>();
  const updates = await client.upsertMany(step.table, plain.map((op) => ({ key: op.id, row: { statecode: op.state!.statecode, statuscode: op.state!.statuscode }, recordKey: op.sourceKey })));
  plain.forEach((op, i) => results.set(op, toRecord(op, 'state', updates[i])));
  // Dataverse closes only open rows, so a row a sample or an interrupted run already closed is
  // left as it is: reaching its target state is what this step is for.
  const current = await currentStates(step.table, table, byMessage, client);
  const pending = byMessage.filter((op) => {
    const now = current.get(op.id.toLowerCase());
    const done = now?.statecode === op.state!.statecode && now?.statuscode === op.state!.statuscode;
    if (done) results.set(op, toRecord(op, 'state', { ok: true, recordKey: op.sourceKey }));
    return !done;
  });
  // Closed the other way since (Won where the source says Lost, a case cancelled in Dynamics):
  // the messages close open rows only, so reopen those first, with a plain update, as Learn allows.
  const openState = table.states?.[0]?.value ?? 0;
  const toReopen = pending.filter((op) => {
    const now = current.get(op.id.toLowerCase())?.statecode;
    return now !== undefined && now !== null && now !== openState;
  });
  if (toReopen.length) {
    const reopened = await client.upsertMany(step.table, toReopen.map((op) => ({ key: op.id, row: { statecode: openState }, recordKey: op.sourceKey })));
    toReopen.forEach((op, i) => {
      const result = reopened[i];
      if (!result?.ok) results.set(op, toRecord(op, 'state', result));
    });
  }
  // These messages have no bulk form, so they go in $batch requests, each call standing alone:
  // one request per batch instead of one per row, and one bad row does not stop the others.
  const toClose = pending.filter((op) => !results.has(op));
  const closed = await client.executeMany(
    toClose.map((op) => {
      const message = table.statesNeedingMessage![op.state!.statecode]!;
      return { name: message, body: stateMessageBody(message, op, from), recordKey: op.sourceKey };
    }),
  );
  toClose.forEach((op, i) => results.set(op, toRecord(op, 'state', closed[i])));
  return step.ops.map((op) => results.get(op)!);
}

async function currentStates(tableName: string, table: TableDef, ops: TargetOp[], client: DataverseClient): Promise<Map<string, { statecode: unknown; statuscode: unknown }>> {
  const states = new Map<string, { statecode: unknown; statuscode: unknown }>();
  // Chunked so the In(...) filter keeps the URL well under Dataverse's length limit.
  for (let i = 0; i < ops.length; i += READ_CHUNK) {
    const ids = ops.slice(i, i + READ_CHUNK).map((op) => `"${op.id}"`);
    const filter = `Microsoft.Dynamics.CRM.In(PropertyName='${table.primaryIdColumn}',PropertyValues=[${ids.join(',')}])`;
    for await (const page of client.query(tableName, { select: [table.primaryIdColumn, 'statecode', 'statuscode'], filter, pageSize: 5000 })) {
      for (const row of page) states.set(String(row[table.primaryIdColumn]).toLowerCase(), { statecode: row.statecode, statuscode: row.statuscode });
    }
  }
  return states;
}

/** Request bodies as Microsoft Learn documents WinOpportunity, LoseOpportunity and CloseIncident. */
function stateMessageBody(message: string, op: TargetOp, from: SolutionSchema): Row {
  const status = op.state!.statuscode;
  if (message === 'CloseIncident') {
    return { IncidentResolution: { subject: 'Closed by Lexbridge migration', 'incidentid@odata.bind': rowReference('incident', op.id, from) }, Status: status };
  }
  return { OpportunityClose: { subject: 'Closed by Lexbridge migration', 'opportunityid@odata.bind': rowReference('opportunity', op.id, from) }, Status: status };
}

async function deleteStep(step: PlanStep, client: DataverseClient): Promise<StepResult[]> {
  const results = await client.deleteMany(step.table, step.ops.map((op) => op.id));
  return step.ops.map((op, i) => {
    const result = results[i];
    // Already gone (a resumed rollback deleted it before the crash): the goal is reached.
    if (result && !result.ok && result.error.status === 404) return toRecord(op, 'deleted', { ok: true, recordKey: op.sourceKey });
    return toRecord(op, 'deleted', result);
  });
}
