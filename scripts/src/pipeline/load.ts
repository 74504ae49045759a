/**
 * The loader: executes a frozen plan through a `DataverseClient`, step by step, journaling as it
 * goes. Per write step: find which rows already exist and journal their before-images (read
 * before writing), upsert by primary key, journal every result and checkpoint. Data errors are
 * recorded against the record and the run goes on; transient errors are retried by the client,
 * and if they persist the run stops before the step's checkpoint so the next start resumes there.
 *
 * Scheduling (decision 009): steps of one table and phase (a group) run up to `parallelSteps` at
 * a time; a write group starts beside write groups of tables it does not look up, and beside the
 * tail of those it does (once all their steps have started): then each of its rows waits only for
 * the rows it binds to, not for their whole table. Requests are sized to keep the service's
 * request slots busy: a small group's upserts and reads are spread over the free slots, a large
 * group's existence reads go several steps to one `$batch`.
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
   * the requests. One step at a time would leave the service idle between batches. Also the
   * number of steps whose existence is read together, in one `$batch`.
   */
  parallelSteps?: number;
  /**
   * Requests the service wants in flight (Dataverse's `x-ms-dop-hint` is 4 by default). While
   * fewer of the loader's requests are in flight, a group with fewer steps than this spreads its
   * upserts and reads over the free slots, so the dependency chain (accounts → contacts →
   * matters…) does not leave the service idle.
   */
  requestSlots?: number;
  /**
   * Rows of started steps held in memory at once, across all groups (default `ROWS_IN_FLIGHT`):
   * a step waits for room before it reads its ops. Without it, every group that may start holds
   * its parallel steps' ops and request bodies while they wait for the 4 request slots, and
   * memory grows with the firm (1.1 GB at 300k records before this budget).
   */
  rowsInFlight?: number;
}

/** Rows of running steps held at once: 8 full batches of 1,000, or 32 of the bench's 250. */
export const ROWS_IN_FLIGHT = 8_000;

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

/**
 * Fewest rows per request when the loader spreads a step over free request slots: below this
 * the per-request cost dominates even where the slot would otherwise idle.
 */
const MIN_SPLIT_ROWS = 25;

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

/**
 * A step given up because a row it binds to will not be written in this run (that row's step
 * failed for good). Not journaled: the next start runs the step again, after its targets.
 */
class Abandoned extends Error {
  constructor() {
    super('a row this step binds to was not written: its step failed');
    this.name = 'Abandoned';
  }
}

/**
 * The loader's requests, at most `slots` in flight (the client caps them too, in arrival order):
 * the rest wait here and go most urgent first (see `urgency`), so a group that others wait for is
 * never queued behind one that can wait. A request that finds a slot free still goes after
 * whatever else is asked for in the same turn, so it cannot take the slot from a more urgent
 * request asked for a moment later.
 */
class RequestMeter {
  /** Priorities of the requests in flight. */
  private readonly sent: number[] = [];
  private readonly queue: { priority: number; start: () => void }[] = [];
  private waiting: (() => void)[] = [];
  private dispatchScheduled = false;

  constructor(readonly slots: number) {}

  /**
   * Slots a request of this priority may count on: not held by a request at least as urgent, in
   * flight or queued. A less urgent one in flight gives its slot to this one when it is answered.
   */
  free(priority: number): number {
    let taken = 0;
    for (const other of this.sent) if (other <= priority) taken++;
    for (const queued of this.queue) if (queued.priority <= priority) taken++;
    return Math.max(0, this.slots - taken);
  }

  /** Resolves when one of the loader's requests is answered. */
  answered(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sends `request` when a slot is free and no more urgent request waits (lower `priority` is more urgent). */
  send<T>(priority: number, request: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.sent.push(priority);
        Promise.resolve()
          .then(request)
          .then(resolve, reject)
          .finally(() => {
            this.sent.splice(this.sent.indexOf(priority), 1);
            const waiting = this.waiting;
            this.waiting = [];
            for (const wake of waiting) wake();
            this.dispatch();
          });
      };
      // Behind every request at least as urgent, ahead of the others.
      let at = this.queue.length;
      while (at > 0 && this.queue[at - 1]!.priority > priority) at--;
      this.queue.splice(at, 0, { priority, start });
      if (!this.dispatchScheduled) {
        this.dispatchScheduled = true;
        setTimeout(() => {
          this.dispatchScheduled = false;
          this.dispatch();
        }, 0);
      }
    });
  }

  private dispatch(): void {
    while (this.sent.length < this.slots && this.queue.length) this.queue.shift()!.start();
  }
}

interface Gate {
  /** The row's step failed for good: rows binding to it must not be written in this run. */
  aborted: boolean;
  settled: Promise<void>;
  release: () => void;
}

/**
 * Rows of started write steps that are not written yet, by table and id. A row that binds to
 * one of them waits for it; a row whose targets are all written (or in finished steps) goes.
 */
class RowGates {
  private readonly tables = new Map<string, Map<string, Gate>>();

  open(table: string, ops: readonly TargetOp[]): Gate[] {
    let rows = this.tables.get(table);
    if (!rows) this.tables.set(table, (rows = new Map()));
    return ops.map((op) => {
      let release!: () => void;
      const settled = new Promise<void>((resolve) => (release = resolve));
      const gate = { aborted: false, settled, release };
      rows.set(op.id.toLowerCase(), gate);
      return gate;
    });
  }

  /** The row has its final result (written, or failed on its own data): rows binding to it may go. */
  settle(table: string, id: string): void {
    const rows = this.tables.get(table);
    const gate = rows?.get(id.toLowerCase());
    if (!gate || gate.aborted) return;
    rows!.delete(id.toLowerCase());
    gate.release();
  }

  /** The rows of a step that gave up: kept, so that every row binding to them is abandoned too. */
  abort(gates: readonly Gate[]): void {
    for (const gate of gates) {
      gate.aborted = true;
      gate.release();
    }
  }

  /** What `op` still waits for; throws `Abandoned` when a target will not be written. */
  pendingFor(op: TargetOp): Promise<void>[] {
    const waits: Promise<void>[] = [];
    for (const target of Object.values(op.lookups)) {
      if (!target) continue;
      const gate = this.tables.get(target.table)?.get(target.id.toLowerCase());
      if (!gate) continue;
      if (gate.aborted) throw new Abandoned();
      waits.push(gate.settled);
    }
    return waits;
  }
}

/** What every step needs to run. */
interface StepContext {
  client: DataverseClient;
  from: SolutionSchema;
  meter: RequestMeter;
  /**
   * Rows of tables closed by a message (opportunity, incident) that this call's write steps
   * created: they are open, so their state step need not read them (unless it runs again).
   */
  createdOpen: Map<string, Set<string>>;
  gates: RowGates;
}

/** A group of steps scheduled: when all its steps have started (true, false if it stopped before), and when it is over. */
interface RunningGroup {
  head: PlanStep;
  admitted: Promise<boolean>;
  finished: Promise<void>;
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
  const slots = options.requestSlots ?? 4;
  const context: StepContext = { client, from, meter: new RequestMeter(slots), gates: new RowGates(), createdOpen: new Map() };
  // A plan kept on disk reads a step's ops each time they are asked for: a running step's are
  // read once, when it starts (with room in the budget), and kept until it is done.
  const opsRead = new Map<number, readonly TargetOp[]>();
  const opsOf = (step: PlanStep) => {
    let ops = opsRead.get(step.index);
    if (!ops) opsRead.set(step.index, (ops = step.ops));
    return ops;
  };
  // Reading existence ahead needs only ids: a step not yet running is read for them, not kept.
  const idsOf = (step: PlanStep) => opsRead.get(step.index)?.map((op) => op.id) ?? step.ids ?? step.ops.map((op) => op.id);
  const existence = new ExistenceReads(context, journal, idsOf, options.existenceChunk ?? READ_CHUNK);
  const budget = new RowBudget(options.rowsInFlight ?? ROWS_IN_FLIGHT);
  // Which tables take UpsertMultiple, asked before anything else: the first write needs it.
  const firstWrite = plan.steps.find((s) => s.phase !== 'delete' && !done.has(s.index));
  if (firstWrite && client.supportsBulk) void context.meter.send(-Infinity, () => client.supportsBulk!(firstWrite.table)).catch(() => undefined);
  let failure: { error: unknown } | undefined;
  const stop = () => !!failure || !!options.signal?.aborted;

  const runOne = async (planned: PlanStep, group: GroupReads) => {
    const ops = opsOf(planned);
    const step: PlanStep = { index: planned.index, phase: planned.phase, table: planned.table, size: planned.size, ops };
    // Registered before the first await, so a group started beside this one sees these rows.
    const gates = step.phase === 'write' ? context.gates.open(step.table, ops) : [];
    let completed = false;
    try {
      const results = await runStepWithRetry(step, options.stepAttempts ?? 3, (attempt) => runStep(step, context, group, attempt));
      journal.completeStep(step.index, results);
      completed = true;
      failedOps += results.filter((r) => r.status === 'failed').length;
      stepsRun++;
      opsDone += step.size;
      options.onProgress?.({ stepsDone: stepsRun + stepsSkipped, stepsTotal: plan.steps.length, opsDone, opsTotal, step });
    } finally {
      opsRead.delete(step.index);
      if (!completed) context.gates.abort(gates);
      else if (gates.length) for (const op of ops) context.gates.settle(step.table, op.id);
    }
  };
  // Groups (consecutive steps of one table and phase) are scheduled in plan order, each waiting
  // only for the groups before it that it depends on: a write group starts beside the write groups
  // of tables it does not look up, and beside the tail of those it does (once all their steps have
  // started: its rows then wait for their own targets, row by row), so the accounts → contacts →
  // matters chain overlaps. A state group waits for its own table and for the writes of tables
  // that look it up; state groups of other tables run together. Every other phase waits for all
  // before it.
  const running: RunningGroup[] = [];
  const groups = sameTableRuns(plan.steps);
  const priorities = urgency(groups, from);
  for (const [position, group] of groups.entries()) {
    const priority = priorities[position]!;
    const head = group[0]!;
    const pending: PlanStep[] = [];
    for (const step of group) {
      if (done.has(step.index)) {
        stepsSkipped++;
        opsDone += step.size;
      } else pending.push(step);
    }
    if (!pending.length) continue;
    const waits = running.filter((other) => dependsOn(head, other.head, from)).map((other) => (other.head.phase === 'write' && head.phase === 'write' && other.head.table !== head.table ? other.admitted : other.finished.then(() => true)));
    const reads = new GroupReads(existence, pending, shapeOf(pending, slots), parallel, priority);
    // While a write group waits, its first steps read which of their rows exist (and journal
    // them): those reads touch only its own table, which no group before it writes.
    const early =
      head.phase === 'write' && waits.length && !running.some((other) => other.head.table === head.table)
        ? reads.readWindow(0).catch(() => undefined)
        : // A state group's rows to close are read once its own table is written, while the tables
          // that bind to them still load.
          head.phase === 'state' && waits.length
          ? Promise.all(running.filter((other) => other.head.table === head.table).map((other) => other.finished))
              .then(() => reads.readStatesAhead(pending.slice(0, parallel)))
              .catch(() => undefined)
          : undefined;
    // It starts once its waits are over, early read or not: its steps wait for their own reads.
    void early;
    const start = Promise.all(waits).then((ready) => {
      // A group that stopped before starting all its steps leaves rows this one may bind to unknown.
      return stop() || ready.includes(false) ? undefined : inParallel(pending, parallel, (step) => runOne(step, reads), stop, (step) => budget.acquire(step.size));
    });
    running.push({
      head,
      admitted: start.then((started) => started?.admitted ?? false),
      finished: start
        .then((started) => started?.finished)
        // An abandoned step only follows another step's failure, which is the one to report.
        .catch((error: unknown) => {
          if (!(error instanceof Abandoned)) failure ??= { error };
        }),
    });
  }
  await Promise.all(running.map((r) => r.finished));
  if (failure) throw failure.error;
  if (stepsRun + stepsSkipped < plan.steps.length) return { status: 'stopped', stepsRun, stepsSkipped, failedOps };
  return { status: 'completed', stepsRun, stepsSkipped, failedOps };
}

/**
 * Whether a group headed by `step` waits for the earlier group headed by `other`. Write groups
 * wait for write groups of tables they look up (until all their steps have started: rows then
 * wait row by row) and of their own table. A state change touches only its own table's rows, but
 * a closed row may refuse rows that bind to it (a resolved case takes no new activities): a state
 * group waits for its own table and for the writes of tables that look its table up. Everything
 * else waits for all before it.
 */
function dependsOn(step: PlanStep, other: PlanStep, from: SolutionSchema): boolean {
  if (other.table === step.table) return true;
  if (step.phase === 'write' && other.phase === 'write') return looksUp(step.table, other.table, from);
  if (step.phase === 'state' && other.phase === 'state') return false;
  if (step.phase === 'state' && (other.phase === 'write' || other.phase === 'link')) return looksUp(other.table, step.table, from);
  return true;
}

/**
 * Each group's urgency (lower is more urgent): minus the rows on the longest chain of groups that
 * wait for it, itself included. Serving the longest chain first keeps the tail short: the matter
 * → bill → time entry chain goes before connections nothing waits for.
 */
function urgency(groups: readonly PlanStep[][], from: SolutionSchema): number[] {
  const chain = groups.map((group) => group.reduce((n, s) => n + s.size, 0));
  for (let g = groups.length - 1; g >= 0; g--) {
    let longest = 0;
    for (let h = g + 1; h < groups.length; h++) if (dependsOn(groups[h]![0]!, groups[g]![0]!, from)) longest = Math.max(longest, chain[h]!);
    chain[g] = chain[g]! + longest;
  }
  return chain.map((rows) => -rows);
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
 * How a group may spread over the request slots: a group with fewer steps than slots gives each
 * step a share of them in proportion to its rows (so 250 + 65 rows on 4 slots go as 3 + 1
 * requests), a larger group fills the slots with whole steps. `steps` is the group's pending steps.
 */
interface GroupShape {
  /** Requests each step may spread over, by step index. */
  spread: ReadonlyMap<number, number>;
  /** Whether the group is small enough to spread its reads too. */
  small: boolean;
}

function shapeOf(steps: readonly PlanStep[], slots: number): GroupShape {
  const small = steps.length < slots;
  const rows = steps.reduce((n, s) => n + s.size, 0);
  const spread = new Map(steps.map((s) => [s.index, small ? Math.max(1, Math.round((slots * s.size) / Math.max(1, rows))) : 1]));
  return { spread, small };
}

/** `items` in at most `parts` parts of near-equal size, none under MIN_SPLIT_ROWS (unless alone). */
function spreadOver<T>(items: readonly T[], parts: number): T[][] {
  const count = Math.max(1, Math.min(parts, Math.floor(items.length / MIN_SPLIT_ROWS)));
  const size = Math.ceil(items.length / count);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Runs `work` over `items`, at most `limit` at a time, in order of start. Stops taking new items
 * once `stop()` says so or one fails; waits for those in flight, then rethrows the first failure,
 * so every step that finished is checkpointed before the error surfaces. `admitted` tells when
 * every item has started (true), or that the run stopped before some did (false).
 */
function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, stop: () => boolean, room: (item: T) => Promise<() => void> = async () => () => undefined): { admitted: Promise<boolean>; finished: Promise<void> } {
  let next = 0;
  let roomed = 0;
  let failure: { error: unknown } | undefined;
  let admit!: (all: boolean) => void;
  const admitted = new Promise<boolean>((resolve) => (admit = resolve));
  const take = (): T | undefined => {
    if (next < items.length && !failure && !stop()) return items[next++]!;
    // Stopped before taking them all: never all admitted. (Taken all: the last to get room admits.)
    if (next < items.length) admit(false);
    return undefined;
  };
  const worker = async () => {
    for (let item = take(); item !== undefined; item = take()) {
      // Admitted once it has room: a group that waits for this one's steps to have started finds
      // their rows registered, never rows of a step still waiting for room.
      const release = await room(item);
      if (++roomed === items.length) admit(true);
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      } finally {
        release();
      }
    }
  };
  const finished = Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker)).then(() => {
    admit(roomed === items.length);
    if (failure) throw failure.error;
  });
  return { admitted, finished };
}

/**
 * Room for the rows of running steps, first come first served. A step larger than the whole
 * budget goes alone. No deadlock: a step waits only for rows of steps that already have room
 * (groups that bind to a group start once all its steps have room).
 */
class RowBudget {
  private used = 0;
  private readonly queue: { rows: number; go: () => void }[] = [];

  constructor(private readonly limit: number) {}

  acquire(rows: number): Promise<() => void> {
    return new Promise((resolve) => {
      this.queue.push({ rows, go: () => resolve(this.releaser(rows)) });
      this.dispatch();
    });
  }

  private releaser(rows: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= rows;
      this.dispatch();
    };
  }

  private dispatch(): void {
    while (this.queue.length && (this.used === 0 || this.used + this.queue[0]!.rows <= this.limit)) {
      const first = this.queue.shift()!;
      this.used += first.rows;
      first.go();
    }
  }
}

async function runStepWithRetry(step: PlanStep, attempts: number, run: (attempt: number) => Promise<StepResult[]>): Promise<StepResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
    }
  }
}

async function runStep(step: PlanStep, context: StepContext, group: GroupReads, attempt: number): Promise<StepResult[]> {
  const table = tableOf(step.table, context.from);
  const spread = group.shape.spread.get(step.index) ?? 1;
  const { priority } = group;
  try {
    switch (step.phase) {
      case 'write': {
        const existed = await group.of(step);
        const results = await upsertStep(step, context, (op) => upsertBody(op, { isNew: !existed.get(op.id), schema: context.from }), (op) => (existed.get(op.id) ? 'updated' : 'created'), spread, priority);
        if (table.statesNeedingMessage) {
          let created = context.createdOpen.get(step.table);
          if (!created) context.createdOpen.set(step.table, (created = new Set()));
          results.forEach((r, i) => r.status === 'ok' && r.action === 'created' && created.add(step.ops[i]!.id.toLowerCase()));
        }
        return results;
      }
      case 'link':
        return await upsertStep(step, context, (op) => upsertBody(op, { isNew: false, schema: context.from }), () => 'linked', spread, priority);
      case 'state':
        return await stateStep(step, table, context, spread, priority, attempt === 1 ? group.takeStates(step) : undefined, attempt === 1);
      case 'delete':
        return await deleteStep(step, context, priority);
    }
  } catch (error) {
    if (isTransient(error)) throw interrupted(step, error);
    throw error;
  }
}

/**
 * Which rows of write steps exist, with their current values, journaled before anything is
 * written (before-images, for exact rollback). Polymorphic lookups are kept with the table they
 * point at, so the before-image can be written back exactly.
 */
class ExistenceReads {
  private readonly reading = new Map<number, Promise<Map<string, boolean>>>();

  constructor(
    readonly context: StepContext,
    private readonly journal: LoadJournal,
    readonly idsOf: (step: PlanStep) => readonly string[],
    private readonly chunk: number,
  ) {}

  /** Whether the step's existence is journaled or being read. */
  known(step: PlanStep): boolean {
    return this.reading.has(step.index) || this.journal.prepared(step.index) !== undefined;
  }

  /** The step's existence map: being read (then taken), or journaled. */
  async take(step: PlanStep): Promise<Map<string, boolean> | undefined> {
    const reading = this.reading.get(step.index);
    if (!reading) return this.journal.prepared(step.index);
    try {
      return await reading;
    } finally {
      this.reading.delete(step.index);
    }
  }

  /**
   * Reads the steps' rows and journals each step's existence and images. One `$batch` for all
   * (READ_CHUNK ids per query), or, for a small group while request slots are free, smaller
   * queries side by side: the slots would otherwise idle.
   */
  read(steps: readonly PlanStep[], small: boolean, priority: number): Promise<void> {
    const maps = this.readNow(steps, small, priority);
    steps.forEach((step, i) => {
      const map = maps.then((all) => all[i]!);
      map.catch(() => this.reading.delete(step.index));
      this.reading.set(step.index, map);
    });
    return maps.then(() => undefined);
  }

  private async readNow(steps: readonly PlanStep[], small: boolean, priority: number): Promise<Map<string, boolean>[]> {
    const table = tableOf(steps[0]!.table, this.context.from);
    const { client, meter, from } = this.context;
    const stepIds = steps.map((step) => this.idsOf(step));
    const ids = stepIds.flat();
    const query = (part: readonly string[]) => ({
      table: table.logicalName,
      options: { select: selectFor(table), filter: `Microsoft.Dynamics.CRM.In(PropertyName='${table.primaryIdColumn}',PropertyValues=[${part.map((id) => `"${id}"`).join(',')}])`, pageSize: 5000 },
    });
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += this.chunk) chunks.push(ids.slice(i, i + this.chunk));
    const free = small ? meter.free(priority) : 0;
    const rows =
      free > chunks.length
        ? (await Promise.all(spreadOver(ids, free).map((part) => meter.send(priority, () => client.queryMany([query(part)]))))).flat(2)
        : (await meter.send(priority, () => client.queryMany(chunks.map(query)))).flat();
    const found = new Map<string, Row>();
    for (const row of rows) found.set(String(row[table.primaryIdColumn]).toLowerCase(), row);
    const maps: Map<string, boolean>[] = [];
    for (const [i, step] of steps.entries()) {
      const images: { id: string; row: Row }[] = [];
      for (const id of stepIds[i]!) {
        const row = found.get(id.toLowerCase());
        if (row) images.push({ id: id.toLowerCase(), row: await withLookupTables(table, row, client, from) });
      }
      const existence = new Map(stepIds[i]!.map((id) => [id, found.has(id.toLowerCase())]));
      this.journal.prepare(step.index, step.table, existence, images);
      maps.push(existence);
    }
    return maps;
  }
}

/**
 * A write group's existence reads, a window of steps at a time (the group's parallel steps): the
 * first step to need its map reads its window in one go, and when the first step of a window
 * asks, the next window is read ahead, so the reads stay off the writes' path.
 */
class GroupReads {
  private readonly position: Map<number, number>;
  /** First step of a window read → where the next window starts. */
  private readonly nextWindow = new Map<number, number>();
  private readonly states = new Map<number, Promise<CurrentStates>>();

  constructor(
    private readonly reads: ExistenceReads,
    private readonly steps: readonly PlanStep[],
    readonly shape: GroupShape,
    private readonly window: number,
    /** The group's place in the plan: its requests' urgency. */
    readonly priority: number,
  ) {
    this.position = new Map(steps.map((s, i) => [s.index, i]));
  }

  /** Reads the next `window` steps from position `from` that are neither journaled nor being read. */
  readWindow(from: number): Promise<void> {
    const picked: PlanStep[] = [];
    let i = from;
    for (; i < this.steps.length && picked.length < this.window; i++) if (!this.reads.known(this.steps[i]!)) picked.push(this.steps[i]!);
    if (!picked.length) return Promise.resolve();
    this.nextWindow.set(picked[0]!.index, i);
    // Just ahead of the group's own queued writes: a read is cheap, and the steps it is for wait on it.
    return this.reads.read(picked, this.shape.small, this.priority - 0.5);
  }

  /**
   * A state group's current states of the rows it closes, read ahead for its first steps (once
   * their table is written, while other tables still load). Taken once: a retried step reads again.
   */
  readStatesAhead(steps: readonly PlanStep[]): Promise<void> {
    const { client, from, meter, createdOpen } = this.reads.context;
    for (const step of steps) {
      const table = tableOf(step.table, from);
      const created = createdOpen.get(step.table);
      const byMessage = step.ops.filter((op) => table.statesNeedingMessage?.[op.state!.statecode] && !created?.has(op.id.toLowerCase()));
      if (!byMessage.length) continue;
      const read = meter.send(this.priority, () => currentStates(step.table, table, byMessage, client));
      read.catch(() => this.states.delete(step.index));
      this.states.set(step.index, read);
    }
    return Promise.all(this.states.values()).then(() => undefined);
  }

  takeStates(step: PlanStep): Promise<CurrentStates> | undefined {
    const read = this.states.get(step.index);
    this.states.delete(step.index);
    return read;
  }

  async of(step: PlanStep): Promise<Map<string, boolean>> {
    const next = this.nextWindow.get(step.index);
    if (next !== undefined) {
      this.nextWindow.delete(step.index);
      void this.readWindow(next).catch(() => undefined);
    }
    if (!this.reads.known(step)) await this.readWindow(this.position.get(step.index) ?? 0);
    const existence = await this.reads.take(step);
    if (!existence) throw new Error(`step ${step.index}: existence neither journaled nor read`);
    return existence;
  }
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

/**
 * Upserts a step's rows. Each row goes once the rows it binds to are written (at once, unless a
 * group it looks up is still finishing), in requests spread over up to `spread` free slots. While
 * some of its rows still wait, the ready ones go only when a request slot is free and there are
 * at least MIN_SPLIT_ROWS of them: queued behind busy slots they would gain nothing, and waiting
 * lets them go together in fewer requests.
 */
async function upsertStep(step: PlanStep, context: StepContext, body: (op: TargetOp) => Row, action: (op: TargetOp) => OperationAction, spread: number, priority: number): Promise<StepResult[]> {
  const { client, meter, gates } = context;
  const ops = step.ops;
  const items: UpsertItem[] = ops.map((op) => ({ key: op.id, row: body(op), recordKey: op.sourceKey }));
  const results: (RowResult | undefined)[] = new Array(ops.length);
  const send = async (rows: readonly number[]) => {
    await Promise.all(
      spreadOver(rows, Math.min(spread, meter.free(priority))).map(async (part) => {
        let answers = await meter.send(priority, () => client.upsertMany(step.table, part.map((i) => items[i]!)));
        // Bulk writes are all-or-nothing on standard tables: one bad row fails its neighbours.
        // Write the failed ones alone, so only the bad rows are recorded as failed.
        const failed = answers.map((r, k) => (r.ok ? -1 : k)).filter((k) => k >= 0);
        if (failed.length > 1) {
          answers = [...answers];
          for (const k of failed) answers[k] = (await meter.send(priority, () => client.upsertMany(step.table, [items[part[k]!]!])))[0]!;
        }
        part.forEach((i, k) => {
          results[i] = answers[k];
          // A row with its final result lets the rows binding to it go (a transient failure is
          // not final: the step runs again).
          if (answers[k] && (answers[k].ok || !answers[k].error.transient)) gates.settle(step.table, ops[i]!.id);
        });
      }),
    );
  };
  const sends: Promise<void>[] = [];
  let waiting = ops.map((_, i) => i);
  let ready: number[] = [];
  for (;;) {
    const blocked: number[] = [];
    const waits: Promise<void>[] = [];
    for (const i of waiting) {
      const pending = gates.pendingFor(ops[i]!);
      if (pending.length) {
        blocked.push(i);
        waits.push(...pending);
      } else ready.push(i);
    }
    waiting = blocked;
    if (ready.length && (!waiting.length || (meter.free(priority) > 0 && ready.length >= MIN_SPLIT_ROWS))) {
      sends.push(send(ready));
      ready = [];
    }
    if (!waiting.length) break;
    await Promise.race(ready.length >= MIN_SPLIT_ROWS ? [...waits, meter.answered()] : waits);
  }
  await Promise.all(sends);
  return ops.map((op, i) => toRecord(op, action(op), results[i]));
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
async function stateStep(step: PlanStep, table: TableDef, context: StepContext, spread: number, priority: number, readAhead: Promise<CurrentStates> | undefined, firstAttempt: boolean): Promise<StepResult[]> {
  const { client, meter } = context;
  const plain = step.ops.filter((op) => !table.statesNeedingMessage?.[op.state!.statecode]);
  const byMessage = step.ops.filter((op) => table.statesNeedingMessage?.[op.state!.statecode]);
  const results = new Map<TargetOp, StepResult>();
  const updates = spreadOver(plain, Math.min(spread, meter.free(priority))).map(async (part) => {
    const answers = await meter.send(priority, () => client.upsertMany(step.table, part.map((op) => ({ key: op.id, row: { statecode: op.state!.statecode, statuscode: op.state!.statuscode }, recordKey: op.sourceKey }))));
    part.forEach((op, i) => results.set(op, toRecord(op, 'state', answers[i])));
  });
  await Promise.all([...updates, byMessage.length ? closeRows(step.table, table, byMessage, results, context, spread, priority, readAhead, firstAttempt) : undefined]);
  return step.ops.map((op) => results.get(op)!);
}

/** Rows whose state needs a message: each closed (after a reopen where needed), its result into `results`. */
async function closeRows(tableName: string, table: TableDef, byMessage: readonly TargetOp[], results: Map<TargetOp, StepResult>, context: StepContext, spread: number, priority: number, readAhead: Promise<CurrentStates> | undefined, firstAttempt: boolean): Promise<void> {
  const { client, meter, from } = context;
  // Dataverse closes only open rows, so a row a sample or an interrupted run already closed is
  // left as it is: reaching its target state is what this step is for. Rows this call created
  // are open (unless this step ran before): only the others are read.
  const created = firstAttempt ? context.createdOpen.get(tableName) : undefined;
  const toRead = created ? byMessage.filter((op) => !created.has(op.id.toLowerCase())) : byMessage;
  const current = toRead.length ? ((await readAhead?.catch(() => undefined)) ?? (await meter.send(priority, () => currentStates(tableName, table, toRead, client)))) : new Map() as CurrentStates;
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
    const reopened = await meter.send(priority, () => client.upsertMany(tableName, toReopen.map((op) => ({ key: op.id, row: { statecode: openState }, recordKey: op.sourceKey }))));
    toReopen.forEach((op, i) => {
      const result = reopened[i];
      if (!result?.ok) results.set(op, toRecord(op, 'state', result));
    });
  }
  // These messages have no bulk form, so they go in $batch requests, each call standing alone:
  // one request per batch instead of one per row, and one bad row does not stop the others.
  const toClose = pending.filter((op) => !results.has(op));
  await Promise.all(
    spreadOver(toClose, Math.min(spread, meter.free(priority))).map(async (part) => {
      const closed = await meter.send(priority, () =>
        client.executeMany(
          part.map((op) => {
            const message = table.statesNeedingMessage![op.state!.statecode]!;
            return { name: message, body: stateMessageBody(message, op, from), recordKey: op.sourceKey };
          }),
        ),
      );
      part.forEach((op, i) => results.set(op, toRecord(op, 'state', closed[i])));
    }),
  );
}

type CurrentStates = Map<string, { statecode: unknown; statuscode: unknown }>;

async function currentStates(tableName: string, table: TableDef, ops: readonly TargetOp[], client: DataverseClient): Promise<CurrentStates> {
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

async function deleteStep(step: PlanStep, context: StepContext, priority: number): Promise<StepResult[]> {
  const results = await context.meter.send(priority, () => context.client.deleteMany(step.table, step.ops.map((op) => op.id)));
  return step.ops.map((op, i) => {
    const result = results[i];
    // Already gone (a resumed rollback deleted it before the crash): the goal is reached.
    if (result && !result.ok && result.error.status === 404) return toRecord(op, 'deleted', { ok: true, recordKey: op.sourceKey });
    return toRecord(op, 'deleted', result);
  });
}
