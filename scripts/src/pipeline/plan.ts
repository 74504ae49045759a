/**
 * The plan: what a run will write, in which order, in which batches — decided before the first
 * write and frozen, so `lexbridge plan` shows exactly what `lexbridge run` does and the journal
 * can name the plan it executed by hash. Pure: no I/O.
 */
import { LexError } from '../errors';
import type { LookupValue, TargetOp } from '../mapping/target-op';
import { schema as defaultSchema } from '../../../solution/src/schema';
import type { SolutionSchema, TableDef } from '../../../solution/src/schema';
import { canonicalJson, sha256Hex } from '../hash';

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
  ops: readonly TargetOp[];
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
}

export interface PlanOptions {
  batchSize?: number;
  schema?: SolutionSchema;
  maxUploadFileSize?: number;
  /** Where an oversized document stays (its source URL); without one the document is an issue. */
  documentUrl?: (op: TargetOp) => string | undefined;
  /** Rows to delete after everything else (rollback): ops with no columns, in reverse load order. */
  deletes?: readonly TargetOp[];
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

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Builds the frozen plan from the mapping's output. Never throws for bad ops: they become issues. */
export function buildPlan(input: readonly TargetOp[], options: PlanOptions = {}): Plan {
  const from = options.schema ?? defaultSchema;
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new LexError({ code: 'LEX_PLAN_BATCH_SIZE', message: `Batch size ${batchSize} is out of range`, fix: 'Use --batch-size between 1 and 1000 (Dataverse bulk messages take up to 1000 rows).' });
  }
  const maxUpload = options.maxUploadFileSize ?? DEFAULT_MAX_UPLOAD_FILE_SIZE;
  const order = tableLoadOrder(from);
  const position = new Map(order.map((t, i) => [t, i]));
  const issues: PlanIssue[] = [];
  const flaggedDocuments: Plan['flaggedDocuments'][number][] = [];
  const seen = new Set<string>();
  const ops: TargetOp[] = [];

  for (const original of input) {
    let op = original;
    if (op.table === 'annotation' && base64Length(op.columns.documentbody) > maxUpload) {
      const url = options.documentUrl?.(op);
      const size = base64Length(op.columns.documentbody);
      if (!url) {
        issues.push(planIssue(op, 'LEX_PLAN_DOCUMENT_TOO_LARGE', `Document is ${size} bytes as Base64, over maxuploadfilesize (${maxUpload}), and has no source URL to link to`, 'Raise "Maximum file size" in the Power Platform admin centre (Email settings) and pass --max-upload-size, or make the document reachable by URL.'));
        continue;
      }
      flaggedDocuments.push({ targetKey: op.targetKey, sourceKey: op.sourceKey, base64Size: size, url });
      op = documentLocationFor(op, url);
    }
    const issue = checkOp(op, from.tables.find((t) => t.logicalName === op.table));
    if (issue) {
      issues.push(issue);
      continue;
    }
    const rowKey = `${op.table}:${op.id}`;
    if (seen.has(rowKey)) {
      issues.push(planIssue(op, 'LEX_PLAN_DUPLICATE_ROW', `Two records map to the same ${op.table} row ${op.id}`, 'Fix the mapping profile or the source duplicates so each target row comes from one record.'));
      continue;
    }
    seen.add(rowKey);
    ops.push(op);
  }

  const deferred = new Set<string>();
  const writes = new Map<string, TargetOp[]>();
  const links = new Map<string, TargetOp[]>();
  const states = new Map<string, TargetOp[]>();
  // Append in place: copying the list on every push made planning quadratic (100k rows: 20 s).
  const push = (m: Map<string, TargetOp[]>, table: string, op: TargetOp) => {
    const list = m.get(table);
    if (list) list.push(op);
    else m.set(table, [op]);
  };

  for (const op of [...ops].sort((a, b) => (a.targetKey < b.targetKey ? -1 : a.targetKey > b.targetKey ? 1 : 0))) {
    const here = position.get(op.table)!;
    const now: Record<string, LookupValue | null> = {};
    const later: Record<string, LookupValue | null> = {};
    for (const [name, value] of Object.entries(op.lookups)) {
      // A target in the same or a later table may not exist yet: bind it once everything is written.
      if (value && (position.get(value.table) ?? -1) >= here) {
        later[name] = value;
        deferred.add(`${op.table}.${name}`);
      } else now[name] = value;
    }
    const table = from.tables.find((t) => t.logicalName === op.table)!;
    const { state, ...rest } = op;
    const needsStateStep = state !== undefined && !isDefaultState(table, state);
    push(writes, op.table, { ...rest, lookups: now, ...(state && !needsStateStep ? { state } : {}) });
    if (Object.keys(later).length) push(links, op.table, { table: op.table, targetKey: op.targetKey, sourceKey: op.sourceKey, id: op.id, ...(op.preExisting ? { preExisting: true } : {}), columns: {}, lookups: later });
    if (needsStateStep) push(states, op.table, { table: op.table, targetKey: op.targetKey, sourceKey: op.sourceKey, id: op.id, ...(op.preExisting ? { preExisting: true } : {}), columns: {}, lookups: {}, state });
  }

  const deletes = new Map<string, TargetOp[]>();
  for (const d of [...(options.deletes ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1))) push(deletes, d.table, { ...d, columns: {}, lookups: {} });
  const tableOrder = order.filter((t) => writes.has(t) || deletes.has(t));
  const steps: PlanStep[] = [];
  for (const [phase, byTable] of [['write', writes], ['link', links], ['state', states]] as const) {
    for (const table of tableOrder) {
      for (const batch of chunk(byTable.get(table) ?? [], batchSize)) steps.push({ index: steps.length, phase, table, ops: batch });
    }
  }
  for (const table of [...order].reverse()) {
    for (const batch of chunk(deletes.get(table) ?? [], batchSize)) steps.push({ index: steps.length, phase: 'delete', table, ops: batch });
  }
  const rowsPerTable = Object.fromEntries(tableOrder.map((t) => [t, (writes.get(t)?.length ?? 0) + (deletes.get(t)?.length ?? 0)]));
  const body = { batchSize, steps, issues, flaggedDocuments };
  return deepFreeze({
    tableOrder,
    batchSize,
    steps,
    rowsPerTable,
    deferredLookups: [...deferred].sort(),
    flaggedDocuments,
    issues,
    hash: sha256Hex(canonicalJson(body)),
  });
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
    const count = (phase: PlanPhase) => plan.steps.filter((s) => s.table === table && s.phase === phase).reduce((n, s) => n + s.ops.length, 0);
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
