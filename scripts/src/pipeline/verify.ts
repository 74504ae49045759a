/**
 * The verifier: compares what the map says a row should hold (the TargetOps) with the row read
 * back from Dataverse, field by field. The comparison is pure; it forgives only what the platform
 * itself changes (money and decimal precision, date-only columns, seconds on date-times, empty
 * strings stored as null, lookups returned as `_x_value`, `overriddencreatedon` shown as
 * `createdon`). Reading back goes through the `DataverseClient` interface only.
 */
import type { DataverseClient } from '../dataverse/client';
import type { TargetOp } from '../mapping/target-op';
import { schema as defaultSchema } from '../../../solution/src/schema';
import type { ColumnDef, SolutionSchema } from '../../../solution/src/schema';
import { canonicalJson } from '../hash';
import { lookupProperty, tableOf, type Row } from './row-body';

export type FieldStatus = 'match' | 'differs' | 'missing';

export interface FieldDiff {
  field: string;
  expected: unknown;
  actual: unknown;
  status: FieldStatus;
}

export interface RecordDiff {
  table: string;
  targetKey: string;
  sourceKey: string;
  id: string;
  /** `missing`: no row with this id; `differs`: at least one field differs or is missing. */
  status: FieldStatus;
  fields: FieldDiff[];
}

export const rowKey = (table: string, id: string) => `${table}:${id.toLowerCase()}`;

function round(value: number, precision: number): number {
  const f = 10 ** precision;
  return Math.round(value * f) / f;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** Equal as the platform stores them. */
export function sameValue(column: ColumnDef | undefined, expected: unknown, actual: unknown): boolean {
  const empty = (v: unknown) => v === null || v === undefined || v === '';
  if (empty(expected) || empty(actual)) return empty(expected) && empty(actual);
  const type = column?.type;
  switch (type?.kind) {
    case 'money':
    case 'decimal': {
      const [e, a] = [asNumber(expected), asNumber(actual)];
      return e !== undefined && a !== undefined && round(e, type.precision) === round(a, type.precision);
    }
    case 'integer':
    case 'choice':
    case 'state':
    case 'status':
      return asNumber(expected) === asNumber(actual);
    case 'boolean':
      return Boolean(expected) === Boolean(actual);
    case 'datetime': {
      if (type.behavior === 'DateOnly') return String(expected).slice(0, 10) === String(actual).slice(0, 10);
      const [e, a] = [Date.parse(String(expected)), Date.parse(String(actual))];
      return Number.isFinite(e) && Number.isFinite(a) && Math.floor(e / 1000) === Math.floor(a / 1000);
    }
    case 'memo':
      if (type.format === 'json') {
        const [e, a] = [parseJson(expected), parseJson(actual)];
        if (e !== undefined && a !== undefined) return canonicalJson(e) === canonicalJson(a);
      }
      return expected === actual;
    case 'lookup':
    case 'owner':
    case 'primarykey':
      return String(expected).toLowerCase() === String(actual).toLowerCase();
    default:
      return expected === actual;
  }
}

/** Compares one op with its row (undefined when the row is not there). */
export function diffRecord(op: TargetOp, row: Row | undefined, from: SolutionSchema = defaultSchema): RecordDiff {
  const table = tableOf(op.table, from);
  const column = (name: string) => table.columns.find((c) => c.logicalName === name);
  const expected: { field: string; property: string; value: unknown; column: ColumnDef | undefined }[] = [];
  for (const [name, value] of Object.entries(op.columns)) {
    // The platform shows the overridden creation date as createdon; on rows that existed before it never applies.
    if (name === 'overriddencreatedon') {
      if (!op.preExisting) expected.push({ field: name, property: 'createdon', value, column: column(name) });
      continue;
    }
    expected.push({ field: name, property: name, value, column: column(name) });
  }
  for (const [name, value] of Object.entries(op.lookups)) expected.push({ field: name, property: lookupProperty(name), value: value?.id ?? null, column: column(name) });
  if (op.ownerId) expected.push({ field: 'ownerid', property: lookupProperty('ownerid'), value: op.ownerId, column: column('ownerid') });
  if (op.state) {
    expected.push({ field: 'statecode', property: 'statecode', value: op.state.statecode, column: column('statecode') });
    expected.push({ field: 'statuscode', property: 'statuscode', value: op.state.statuscode, column: column('statuscode') });
  }
  const base = { table: op.table, targetKey: op.targetKey, sourceKey: op.sourceKey, id: op.id };
  if (!row) return { ...base, status: 'missing', fields: expected.map((e) => ({ field: e.field, expected: e.value, actual: undefined, status: 'missing' })) };
  const fields: FieldDiff[] = expected.map((e) => {
    if (!(e.property in row)) return { field: e.field, expected: e.value, actual: undefined, status: 'missing' };
    const actual = row[e.property];
    return { field: e.field, expected: e.value, actual, status: sameValue(e.column, e.value, actual) ? 'match' : 'differs' };
  });
  return { ...base, status: fields.every((f) => f.status === 'match') ? 'match' : 'differs', fields };
}

/** Per record, per field: expected, actual, status. `rows` is keyed by `rowKey(table, id)`. */
export function diffRecords(ops: readonly TargetOp[], rows: ReadonlyMap<string, Row>, from: SolutionSchema = defaultSchema): RecordDiff[] {
  return ops.map((op) => diffRecord(op, rows.get(rowKey(op.table, op.id)), from));
}

export interface DiffSummary {
  records: number;
  matching: number;
  differing: number;
  missing: number;
  /** Fields that differ most often, worst first. */
  worstFields: { table: string; field: string; differs: number; missing: number }[];
}

export function summariseDiffs(diffs: readonly RecordDiff[]): DiffSummary {
  const byField = new Map<string, { table: string; field: string; differs: number; missing: number }>();
  for (const d of diffs) {
    for (const f of d.fields) {
      if (f.status === 'match') continue;
      const key = `${d.table}.${f.field}`;
      const entry = byField.get(key) ?? { table: d.table, field: f.field, differs: 0, missing: 0 };
      entry[f.status === 'differs' ? 'differs' : 'missing']++;
      byField.set(key, entry);
    }
  }
  return {
    records: diffs.length,
    matching: diffs.filter((d) => d.status === 'match').length,
    differing: diffs.filter((d) => d.status === 'differs').length,
    missing: diffs.filter((d) => d.status === 'missing').length,
    worstFields: [...byField.values()].sort((a, b) => b.differs + b.missing - (a.differs + a.missing) || (a.field < b.field ? -1 : 1)),
  };
}

/**
 * A verify's outcome, kept small for a big run: how many records were read back and diffed, and
 * only the ones that did not match (a matching record needs no more than its count).
 */
export interface Verified {
  records: number;
  differences: RecordDiff[];
}

export function verifiedFrom(diffs: readonly RecordDiff[]): Verified {
  return { records: diffs.length, differences: diffs.filter((d) => d.status !== 'match') };
}

export function summariseVerified(result: Verified): DiffSummary {
  const summary = summariseDiffs(result.differences);
  return { ...summary, records: result.records, matching: result.records - summary.differing - summary.missing };
}

/** The `lex_diffstatus` choice value for a result (Match / Differs / Error), from the schema. */
export function diffStatusValue(status: FieldStatus, from: SolutionSchema = defaultSchema): number {
  const choice = from.choices.find((c) => c.name === 'lex_diffstatus');
  const name = status === 'match' ? 'Match' : status === 'differs' ? 'Differs' : 'Error';
  const option = choice?.options.find((o) => o.name === name);
  if (!option) throw new Error(`lex_diffstatus has no option ${name}`);
  return option.value;
}

/** Ops that write each matter's diff result to `lex_diffstatus`, for the reviewer in Dynamics. */
export function diffStatusOps(diffs: readonly RecordDiff[], from: SolutionSchema = defaultSchema): TargetOp[] {
  return diffs
    .filter((d) => d.table === 'lex_matter' && d.status !== 'missing')
    .map((d) => ({ table: 'lex_matter', targetKey: d.targetKey, sourceKey: d.sourceKey, id: d.id, columns: { lex_diffstatus: diffStatusValue(d.status, from) }, lookups: {} }));
}

/** The properties to read back for a table's ops. */
export function readBackSelect(ops: readonly TargetOp[], from: SolutionSchema = defaultSchema): string[] {
  const select = new Set<string>();
  for (const op of ops) {
    select.add(tableOf(op.table, from).primaryIdColumn);
    for (const name of Object.keys(op.columns)) select.add(name === 'overriddencreatedon' ? 'createdon' : name);
    for (const name of Object.keys(op.lookups)) select.add(lookupProperty(name));
    if (op.ownerId) select.add(lookupProperty('ownerid'));
    if (op.state) ['statecode', 'statuscode'].forEach((s) => select.add(s));
  }
  return [...select].sort();
}

/** Reads back the rows of `ops`, by id, a chunk at a time. */
export async function readBack(client: DataverseClient, ops: readonly TargetOp[], from: SolutionSchema = defaultSchema, chunk = 100): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>();
  const byTable = new Map<string, TargetOp[]>();
  // Append in place: copying the list per op made read-back quadratic in a table's size.
  for (const op of ops) {
    const list = byTable.get(op.table);
    if (list) list.push(op);
    else byTable.set(op.table, [op]);
  }
  const reads: Promise<void>[] = [];
  for (const [table, tableOps] of byTable) {
    const def = tableOf(table, from);
    const select = readBackSelect(tableOps, from);
    // Chunks are independent reads: send them together, the client's adaptive parallelism caps them.
    for (let i = 0; i < tableOps.length; i += chunk) {
      const ids = tableOps.slice(i, i + chunk).map((o) => `"${o.id}"`);
      const filter = `Microsoft.Dynamics.CRM.In(PropertyName='${def.primaryIdColumn}',PropertyValues=[${ids.join(',')}])`;
      reads.push(
        (async () => {
          for await (const page of client.query(table, { select, filter, pageSize: 5000 })) {
            for (const row of page) rows.set(rowKey(table, String(row[def.primaryIdColumn])), row);
          }
        })(),
      );
    }
  }
  await Promise.all(reads);
  return rows;
}
