/**
 * The plan: what a run will write, in which order, in which batches — decided before the first
 * write and frozen, so `lexbridge plan` shows exactly what `lexbridge run` does and the journal
 * can name the plan it executed by hash. Pure: no I/O.
 */
import { LexError } from '../errors';
import type { LookupValue, TargetOp } from '../mapping/target-op';
import { schema as defaultSchema } from '../../../solution/src/schema';
import type { SolutionSchema, TableDef } from '../../../solution/src/schema';
import { canonicalJson, sha256Hasher, type Hasher } from '../hash';

/**
 * Tie-break between tables whose dependencies are equally satisfied, and which table gives way
 * in a cycle (account ↔ contact: accounts first, their primary contact set in the link pass).
 */
export const PREFERRED_TABLE_ORDER: readonly string[] = [
  'systemuser',
  'transactioncurrency',
  'pricelevel',
  'connectionrole',
  'lex_mappingprofile',
  'lex_migrationrun',
  'account',
  'contact',
  'lex_matter',
  'opportunity',
  'incident',
  'connection',
  'lex_timeentry',
  'invoice',
  'invoicedetail',
  'lex_trustsnapshot',
  'lex_milestone',
  'task',
  'appointment',
  'phonecall',
  'email',
  'annotation',
  'sharepointdocumentlocation',
];

/** Default `organization.maxuploadfilesize`: 5 MB, measured on the Base64 text (reference/notes/solution-format.md). */
export const DEFAULT_MAX_UPLOAD_FILE_SIZE = 5_242_880;

export type PlanPhase = 'write' | 'link' | 'state' | 'delete';

/**
 * One batch. `write` upserts columns and the lookups whose targets load earlier; `link` sets
 * the lookups deferred by self-references and cycles; `state` moves rows to a non-default
 * statecode/statuscode after they exist (the documented way: an update, or a message);
 * `delete` removes rows (rollback), in reverse load order.
 */
export interface PlanStep {
  index: number;
  phase: PlanPhase;
  table: string;
  /** Rows in the batch (without reading them). */
  size: number;
  /**
   * The batch's ops. A plan kept on disk (`plan-store.ts`) reads them from its file each time
   * this is read, so nothing holds a million-row plan in memory: read it once per step.
   */
  readonly ops: readonly TargetOp[];
  /** The batch's row ids alone, where that is cheaper than its ops (a plan on disk reads one column). */
  readonly ids?: readonly string[];
}

export interface PlanIssue {
  code: string;
  message: string;
  fix: string;
  targetKey: string;
  sourceKey: string;
}

export interface Plan {
  /** Tables in load order (only those the plan writes). */
  tableOrder: readonly string[];
  batchSize: number;
  steps: readonly PlanStep[];
  /** Rows per table (distinct target rows, not steps). */
  rowsPerTable: Readonly<Record<string, number>>;
  /** `table.column` lookups set in the link pass. */
  deferredLookups: readonly string[];
  /** Documents too large for a note, written as document locations instead (link kept). */
  flaggedDocuments: readonly { targetKey: string; sourceKey: string; base64Size: number; url: string }[];
  /** Ops left out, each with why; the loader journals them as failed records. */
  issues: readonly PlanIssue[];
  hash: string;
  /** Set when the ops live in a file beside the journal (`plan-store.ts`), not in `steps`. */
  opsFile?: string;
}

export interface PlanOptions {
  batchSize?: number;
  schema?: SolutionSchema;
  maxUploadFileSize?: number;
  /** Where an oversized document stays (its source URL); without one the document is an issue. */
  documentUrl?: (op: TargetOp) => string | undefined;
  /** Rows to delete after everything else (rollback): ops with no columns, in reverse load order. */
  deletes?: Iterable<TargetOp>;
  /**
   * The SHA-256 to hash the plan with: pure JS by default (`hash.ts`); the CLI passes Node's
   * native one, the same digest several times faster on a plan of a million rows.
   */
  hasher?: () => Hasher;
}

/**
 * Where planning keeps the rows it has accepted until it cuts them into steps: memory for
 * `buildPlan`, a SQLite file for a full run (`plan-store.ts`). Each phase and table hands its
 * rows back in a fixed order — targetKey, then id (deletes: id) — whatever order they came in.
 */
export interface PlanRowStore {
  /** Adds a row; false when the phase already has a row of that table with that id. */
  add(phase: PlanPhase, op: TargetOp): boolean;
  /** The rows of one phase and table in order, cut into batches; `step` turns one into a plan step. */
  batches(phase: PlanPhase, table: string, size: number): Iterable<{ ops: readonly TargetOp[]; step: (index: number) => PlanStep }>;
}

/**
 * Load order of every table in the schema, derived from its lookup columns: a table comes after
 * every table it points at, except where a cycle forces one edge to wait for the link pass.
 */
export function tableLoadOrder(from: SolutionSchema = defaultSchema): string[] {
  const rank = (t: string) => {
    const i = PREFERRED_TABLE_ORDER.indexOf(t);
    return i < 0 ? PREFERRED_TABLE_ORDER.length : i;
  };
  const byPreference = (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
  const dependsOn = new Map<string, Set<string>>();
  for (const table of from.tables) {
    const deps = new Set<string>();
    for (const column of table.columns) {
      if (column.type.kind !== 'lookup' || column.readOnly) continue;
      for (const target of column.type.targets) if (target !== table.logicalName) deps.add(target);
    }
    dependsOn.set(table.logicalName, deps);
  }
  const placed: string[] = [];
  const remaining = new Set(dependsOn.keys());
  while (remaining.size) {
    const ready = [...remaining].filter((t) => [...dependsOn.get(t)!].every((d) => !remaining.has(d)));
    // A cycle: the preferred table goes first; its lookups into the cycle are deferred.
    const next = (ready.length ? ready : [...remaining]).sort(byPreference)[0]!;
    placed.push(next);
    remaining.delete(next);
  }
  return placed;
}

function planIssue(op: TargetOp, code: string, message: string, fix: string): PlanIssue {
  return { code, message, fix, targetKey: op.targetKey, sourceKey: op.sourceKey };
}

/** Checks one op against the schema; returns why it cannot be written, or undefined. */
function checkOp(op: TargetOp, table: TableDef | undefined): PlanIssue | undefined {
  if (!table) {
    return planIssue(op, 'LEX_PLAN_UNKNOWN_TABLE', `Table "${op.table}" is not in the Lexbridge schema`, 'Map the record to a table defined in solution/src/schema, or fix the mapping profile.');
  }
  for (const name of Object.keys(op.columns)) {
    const column = table.columns.find((c) => c.logicalName === name);
    if (!column || column.type.kind === 'lookup') {
      return planIssue(op, 'LEX_PLAN_UNKNOWN_COLUMN', `Column "${name}" is not a writable column of ${op.table}`, 'Fix the mapping profile so it only writes columns defined in solution/src/schema.');
    }
    if (column.readOnly) {
      return planIssue(op, 'LEX_PLAN_READONLY_COLUMN', `Column "${op.table}.${name}" is set by the platform and cannot be written`, 'Remove this column from the mapping profile.');
    }
  }
  for (const [name, value] of Object.entries(op.lookups)) {
    const column = table.columns.find((c) => c.logicalName === name);
    if (!column || column.type.kind !== 'lookup' || column.readOnly) {
      return planIssue(op, 'LEX_PLAN_UNKNOWN_LOOKUP', `Lookup "${name}" is not a writable lookup of ${op.table}`, 'Fix the mapping profile so lookups use the lookup columns defined in solution/src/schema.');
    }
    if (value && !column.type.targets.includes(value.table)) {
      return planIssue(op, 'LEX_PLAN_LOOKUP_TARGET', `Lookup "${op.table}.${name}" cannot point at a ${value.table} (allowed: ${column.type.targets.join(', ')})`, 'Fix the mapping profile so this lookup points at one of its allowed tables.');
    }
  }
  return undefined;
}

/** The state a new row gets without being told: the table's first state and its first status. */
export function isDefaultState(table: TableDef, state: { statecode: number; statuscode: number }): boolean {
  const first = table.states?.[0];
  return !first || (state.statecode === first.value && state.statuscode === first.statuses[0]?.value);
}

function base64Length(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The order each phase hands its rows back in, whatever order they were mapped in. */
export function compareRows(phase: PlanPhase): (a: TargetOp, b: TargetOp) => number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return phase === 'delete' ? (a, b) => cmp(a.id, b.id) : (a, b) => cmp(a.targetKey, b.targetKey) || cmp(a.id, b.id);
}

/** Rows kept in memory, frozen: what `buildPlan` plans with (tests, rollback, `lexbridge plan`). */
export class MemoryRowStore implements PlanRowStore {
  private readonly rows = new Map<string, Map<string, TargetOp>>();

  add(phase: PlanPhase, op: TargetOp): boolean {
    const key = `${phase}:${op.table}`;
    let table = this.rows.get(key);
    if (!table) this.rows.set(key, (table = new Map()));
    if (table.has(op.id)) return false;
    table.set(op.id, op);
    return true;
  }

  *batches(phase: PlanPhase, table: string, size: number): Iterable<{ ops: readonly TargetOp[]; step: (index: number) => PlanStep }> {
    const list = [...(this.rows.get(`${phase}:${table}`)?.values() ?? [])].sort(compareRows(phase));
    for (let i = 0; i < list.length; i += size) {
      const ops = deepFreeze(list.slice(i, i + size));
      yield { ops, step: (index) => ({ index, phase, table, size: ops.length, ops }) };
    }
  }
}

/**
 * Plans one op at a time, so a run's ops can stream from the map into a `PlanRowStore` without
 * ever being held together: `add` checks an op and splits it into its write, link and state
 * rows; `finish` cuts each phase and table into batches in load order and hashes them as it goes.
 * Never throws for bad ops: they become issues.
 */
export class PlanBuilder {
  private readonly from: SolutionSchema;
  private readonly batchSize: number;
  private readonly maxUpload: number;
  private readonly order: string[];
  private readonly position: Map<string, number>;
  private readonly tables: Map<string, TableDef>;
  private readonly issues: PlanIssue[] = [];
  private readonly flaggedDocuments: Plan['flaggedDocuments'][number][] = [];
  private readonly deferred = new Set<string>();
  private readonly rows = new Map<string, number>();
  private readonly phaseTables = { write: new Set<string>(), link: new Set<string>(), state: new Set<string>(), delete: new Set<string>() };

  constructor(
    private readonly store: PlanRowStore,
    private readonly options: Omit<PlanOptions, 'deletes'> = {},
  ) {
    this.from = options.schema ?? defaultSchema;
    this.batchSize = options.batchSize ?? 100;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > 1000) {
      throw new LexError({ code: 'LEX_PLAN_BATCH_SIZE', message: `Batch size ${this.batchSize} is out of range`, fix: 'Use --batch-size between 1 and 1000 (Dataverse bulk messages take up to 1000 rows).' });
    }
    this.maxUpload = options.maxUploadFileSize ?? DEFAULT_MAX_UPLOAD_FILE_SIZE;
    this.order = tableLoadOrder(this.from);
    this.position = new Map(this.order.map((t, i) => [t, i]));
    this.tables = new Map(this.from.tables.map((t) => [t.logicalName, t]));
  }

  private keep(phase: PlanPhase, op: TargetOp): boolean {
    if (!this.store.add(phase, op)) return false;
    this.phaseTables[phase].add(op.table);
    if (phase === 'write' || phase === 'delete') this.rows.set(op.table, (this.rows.get(op.table) ?? 0) + 1);
    return true;
  }

  /** One mapped op: planned as a write (plus link and state rows where needed), or an issue. */
  add(original: TargetOp): void {
    let op = original;
    if (op.table === 'annotation' && base64Length(op.columns.documentbody) > this.maxUpload) {
      const url = this.options.documentUrl?.(op);
      const size = base64Length(op.columns.documentbody);
      if (!url) {
        this.issues.push(planIssue(op, 'LEX_PLAN_DOCUMENT_TOO_LARGE', `Document is ${size} bytes as Base64, over maxuploadfilesize (${this.maxUpload}), and has no source URL to link to`, 'Raise "Maximum file size" in the Power Platform admin centre (Email settings) and pass --max-upload-size, or make the document reachable by URL.'));
        return;
      }
      this.flaggedDocuments.push({ targetKey: op.targetKey, sourceKey: op.sourceKey, base64Size: size, url });
      op = documentLocationFor(op, url);
    }
    const table = this.tables.get(op.table);
    const issue = checkOp(op, table);
    if (issue) {
      this.issues.push(issue);
      return;
    }
    const here = this.position.get(op.table)!;
    const now: Record<string, LookupValue | null> = {};
    const later: Record<string, LookupValue | null> = {};
    for (const [name, value] of Object.entries(op.lookups)) {
      // A target in the same or a later table may not exist yet: bind it once everything is written.
      if (value && (this.position.get(value.table) ?? -1) >= here) later[name] = value;
      else now[name] = value;
    }
    const { state, ...rest } = op;
    const needsStateStep = state !== undefined && !isDefaultState(table!, state);
    if (!this.keep('write', { ...rest, lookups: now, ...(state && !needsStateStep ? { state } : {}) })) {
      this.issues.push(planIssue(op, 'LEX_PLAN_DUPLICATE_ROW', `Two records map to the same ${op.table} row ${op.id}`, 'Fix the mapping profile or the source duplicates so each target row comes from one record.'));
      return;
    }
    const bare = { table: op.table, targetKey: op.targetKey, sourceKey: op.sourceKey, id: op.id, ...(op.preExisting ? { preExisting: true } : {}), columns: {}, lookups: {} };
    if (Object.keys(later).length) {
      for (const name of Object.keys(later)) this.deferred.add(`${op.table}.${name}`);
      this.keep('link', { ...bare, lookups: later });
    }
    if (needsStateStep) this.keep('state', { ...bare, state });
  }

  /** A row to delete (rollback): after everything else, in reverse load order. */
  delete(op: TargetOp): void {
    this.keep('delete', { ...op, columns: {}, lookups: {} });
  }

  /** Cuts the rows into steps, in load order, and hashes the plan: batch size, steps, issues. */
  finish(extra: Partial<Pick<Plan, 'opsFile'>> = {}): Plan {
    const hash = (this.options.hasher ?? sha256Hasher)();
    hash.update(`{"batchSize":${this.batchSize},"steps":[`);
    const steps: PlanStep[] = [];
    const cut = (phase: PlanPhase, table: string) => {
      for (const batch of this.store.batches(phase, table, this.batchSize)) {
        const index = steps.length;
        hash.update(`${index ? ',' : ''}${canonicalJson({ index, phase, table, ops: batch.ops })}`);
        steps.push(batch.step(index));
      }
    };
    const tableOrder = this.order.filter((t) => this.phaseTables.write.has(t) || this.phaseTables.delete.has(t));
    for (const phase of ['write', 'link', 'state'] as const) for (const table of tableOrder) if (this.phaseTables[phase].has(table)) cut(phase, table);
    for (const table of [...this.order].reverse()) if (this.phaseTables.delete.has(table)) cut('delete', table);
    hash.update(`],"issues":${canonicalJson(this.issues)},"flaggedDocuments":${canonicalJson(this.flaggedDocuments)}}`);
    return deepFreeze({
      tableOrder,
      batchSize: this.batchSize,
      steps,
      rowsPerTable: Object.fromEntries(tableOrder.map((t) => [t, this.rows.get(t) ?? 0])),
      deferredLookups: [...this.deferred].sort(),
      flaggedDocuments: this.flaggedDocuments,
      issues: this.issues,
      hash: hash.hex(),
      ...extra,
    });
  }
}

/** Builds the frozen plan in memory from the mapping's output. Never throws for bad ops: they become issues. */
export function buildPlan(input: Iterable<TargetOp>, options: PlanOptions = {}): Plan {
  const { deletes, ...rest } = options;
  const builder = new PlanBuilder(new MemoryRowStore(), rest);
  for (const op of input) builder.add(op);
  for (const op of deletes ?? []) builder.delete(op);
  return builder.finish();
}

/**
 * The rows a plan leaves behind, one op per row: write + deferred lookups + state merged. Each
 * phase of a table holds its rows in the same key order, so the three merge as they stream, a
 * step at a time: a million-row plan is never read whole.
 */
export function* plannedRows(plan: Plan): Generator<TargetOp> {
  const order = compareRows('write');
  for (const table of plan.tableOrder) {
    const phase = function* (name: PlanPhase) {
      for (const step of plan.steps) if (step.phase === name && step.table === table) yield* step.ops;
    };
    const links = phase('link');
    const states = phase('state');
    let link = links.next();
    let state = states.next();
    for (const write of phase('write')) {
      let row = write;
      while (!link.done && order(link.value, write) < 0) link = links.next();
      if (!link.done && link.value.id === write.id) {
        row = { ...row, lookups: { ...row.lookups, ...link.value.lookups } };
        link = links.next();
      }
      while (!state.done && order(state.value, write) < 0) state = states.next();
      if (!state.done && state.value.id === write.id) {
        row = { ...row, state: state.value.state! };
        state = states.next();
      }
      yield row;
    }
  }
}

/** An oversized note becomes a document location: the file stays at its source, the link is kept. */
function documentLocationFor(op: TargetOp, url: string): TargetOp {
  const name = String(op.columns.filename ?? op.columns.subject ?? 'Document').slice(0, 160);
  const regarding = op.lookups.objectid;
  return {
    table: 'sharepointdocumentlocation',
    targetKey: op.targetKey,
    sourceKey: op.sourceKey,
    id: op.id,
    columns: { name, absoluteurl: url, description: `Too large for a note (maxuploadfilesize); kept at its source. ${op.columns.subject ?? ''}`.trim() },
    lookups: regarding ? { regardingobjectid: regarding } : {},
    ...(op.ownerId ? { ownerId: op.ownerId } : {}),
  };
}

/** What `lexbridge plan` prints: nothing is written. */
export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  const rows = Object.values(plan.rowsPerTable).reduce((a, b) => a + b, 0);
  lines.push(`Plan ${plan.hash.slice(0, 12)}: ${rows} rows in ${plan.steps.length} batches of up to ${plan.batchSize}`);
  lines.push('');
  lines.push('Load order:');
  plan.tableOrder.forEach((table, i) => {
    const count = (phase: PlanPhase) => plan.steps.filter((s) => s.table === table && s.phase === phase).reduce((n, s) => n + s.size, 0);
    const extra = [count('link') ? `${count('link')} linked after` : '', count('state') ? `${count('state')} state changes` : '', count('delete') ? `${count('delete')} deleted` : ''].filter(Boolean);
    lines.push(`  ${String(i + 1).padStart(2)}. ${table.padEnd(28)} ${String(plan.rowsPerTable[table]).padStart(7)} rows${extra.length ? ` (${extra.join(', ')})` : ''}`);
  });
  if (plan.deferredLookups.length) lines.push('', `Set in a second pass (self-references and cycles): ${plan.deferredLookups.join(', ')}`);
  if (plan.flaggedDocuments.length) lines.push('', `Documents over maxuploadfilesize, linked as document locations: ${plan.flaggedDocuments.length}`);
  if (plan.issues.length) {
    lines.push('', `Left out (${plan.issues.length}):`);
    for (const issue of plan.issues.slice(0, 20)) lines.push(`  ${issue.code}: ${issue.message} (record ${issue.sourceKey}). Fix: ${issue.fix}`);
    if (plan.issues.length > 20) lines.push(`  … and ${plan.issues.length - 20} more`);
  }
  return lines.join('\n');
}
