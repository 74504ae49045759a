/**
 * RecordDiff's model, pure: the source snapshot (`lex_sourcesnapshot`, the source record as
 * JSON) and the Dynamics row, compared through the confirmed profile's column and lookup maps.
 * Equality is the verifier's own (`sameValue`: money precision, date-only, JSON columns; lookups
 * by row id, `lookup-diff.ts`), so the control and `lexbridge verify` never disagree about what
 * "differs" means.
 */
import { sameValue } from '../../scripts/src/pipeline/verify';
import { converterFor, isEmpty, Rejection } from '../../scripts/src/mapping/convert';
import type { FieldMap, LookupMap, Profile, TargetMap } from '../../scripts/src/mapping/profile';
import { schema, tableByLogicalName, type ColumnDef } from '../../solution/src/schema';
import { formatted, type Row } from './data';
import { compareLookups, referencesToRead, type ReferenceRead, type ReferencedRows } from './lookup-diff';
import { fieldFor } from './snapshot-fields';

/** `unchecked`: a lookup whose source names its record only by a source id Dynamics knows nothing of (a Clio API user id). */
export type DiffRowStatus = 'match' | 'differs' | 'notInSource' | 'sourceOnly' | 'unchecked';

export interface DiffRow {
  /** Target column logical name; for source-only rows, the source field name. */
  key: string;
  label: string;
  /** Where the value comes from in the source record. */
  sourcePath: string;
  source: string;
  target: string;
  status: DiffRowStatus;
}

export interface RecordDiffModel {
  rows: DiffRow[];
  differing: number;
  /** The snapshot could not be read (empty or not JSON). */
  snapshotMissing: boolean;
}

/** A dotted path in the snapshot, and the source field names it went through. */
function resolvePath(snapshot: Record<string, unknown>, path: string): { found: boolean; value: unknown; via: string } {
  // The snapshot is the raw payload: `$raw.Estimated Fee` is its "Estimated Fee".
  if (path.startsWith('$raw.')) return resolvePath(snapshot, path.slice('$raw.'.length));
  if (path.startsWith('$')) return { found: false, value: undefined, via: path };
  // `practiceAreaRef->name` reads another record; a raw payload usually names it inline ("Practice Area").
  if (path.includes('->')) return resolvePath(snapshot, path.split('->')[0]!.replace(/Ref$/, ''));
  let current: unknown = snapshot;
  const via: string[] = [];
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return { found: false, value: undefined, via: path };
    const object = current as Record<string, unknown>;
    const field = fieldFor(object, segment);
    if (field === undefined) return { found: false, value: undefined, via: path };
    via.push(field);
    current = object[field];
  }
  return { found: true, value: current, via: via.join('.') };
}

/** The value a field map takes from the snapshot (first alternative of `a|b` that is there; concatenation for arrays). */
function sourceValue(snapshot: Record<string, unknown>, map: FieldMap): { found: boolean; value: unknown; path: string; used: string[] } {
  if (map.value !== undefined) return { found: true, value: map.value, path: '(constant)', used: [] };
  const paths = map.from === undefined ? [] : Array.isArray(map.from) ? map.from : [map.from];
  const parts: unknown[] = [];
  const shown: string[] = [];
  const used: string[] = [];
  let found = false;
  for (const path of paths) {
    const alternative = path.split('|').map((p) => resolvePath(snapshot, p)).find((r) => r.found);
    shown.push(alternative?.via ?? path);
    if (!alternative) continue;
    found = true;
    used.push(alternative.via.split('.')[0]!);
    if (alternative.value !== null && alternative.value !== undefined && alternative.value !== '') parts.push(alternative.value);
  }
  const joined = paths.length > 1 ? parts.map(String).join(map.separator ?? ' ') : parts[0];
  const value = joined === undefined || joined === '' ? (map.default ?? null) : joined;
  return { found, value, path: shown.join(' + '), used };
}

/** Source value → what the column stores: the profile's value map, then the engine's own converter for the column type. */
function expectedValue(column: ColumnDef | undefined, map: FieldMap, value: unknown): unknown {
  let v = value;
  if (map.valueMap && v !== null && v !== undefined) {
    const key = Object.keys(map.valueMap).find((k) => k.toLowerCase() === String(v).toLowerCase());
    if (key !== undefined) v = map.valueMap[key];
  }
  if (!column || isEmpty(v)) return v;
  const converted = converterFor(column, schema.choices, map.truncate)(v);
  // A value the engine would reject cannot match anything stored: compare it as it is.
  return converted instanceof Rejection ? v : converted;
}

function display(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function choiceLabel(column: ColumnDef | undefined, value: unknown): string | undefined {
  if (column?.type.kind !== 'choice') return undefined;
  const choice = schema.choices.find((c) => c.name === (column.type as { choice: string }).choice);
  return choice?.options.find((o) => o.value === Number(value))?.label;
}

/** The profile target that writes rows of `table` from a whole record (not bill lines). */
export function targetFor(
  profile: Profile,
  table: string,
): { entity: string; columns: Record<string, FieldMap>; lookups: Record<string, LookupMap>; status?: TargetMap['status'] } | undefined {
  for (const [entity, { targets }] of Object.entries(profile.entities)) {
    const target = targets.find((t) => t.table === table && !t.each);
    if (target) return { entity, columns: target.columns, lookups: target.lookups ?? {}, ...(target.status ? { status: target.status } : {}) };
  }
  return undefined;
}

/** The status column as the profile's status map sets it ("Closed" → Closed), as a field map the comparison understands. */
function statusFieldMap(profile: Profile, status: NonNullable<TargetMap['status']>): FieldMap {
  const valueMap: Record<string, string> = {};
  for (const [source, value] of Object.entries(profile.statusMaps[status.map] ?? {})) if (value.choice !== undefined) valueMap[source] = value.choice;
  return { from: status.from, valueMap };
}

export function parseSnapshot(json: string | null | undefined): Record<string, unknown> | undefined {
  if (!json) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The rows the lookups of this table point at that RecordDiff must read before it can compare
 * them (names the response did not annotate, users' emails, adopted rows' source keys).
 */
export function lookupReads(table: string, snapshotJson: string | null | undefined, row: Row, profile: Profile | undefined): ReferenceRead[] {
  const snapshot = parseSnapshot(snapshotJson);
  const target = profile ? targetFor(profile, table) : undefined;
  return snapshot && profile && target ? referencesToRead(table, snapshot, row, profile, target.lookups) : [];
}

/** `referenced`: what `lookupReads` asked for, by row id (lower case); rows left out are compared on what the row itself says. */
export function buildRecordDiff(table: string, snapshotJson: string | null | undefined, row: Row, profile: Profile | undefined, referenced: ReferencedRows = new Map()): RecordDiffModel {
  const snapshot = parseSnapshot(snapshotJson);
  if (!snapshot) return { rows: [], differing: 0, snapshotMissing: true };
  const def = tableByLogicalName(table);
  const target = profile ? targetFor(profile, table) : undefined;
  const rows: DiffRow[] = [];
  const used = new Set<string>();
  const maps: [string, FieldMap][] = Object.entries(target?.columns ?? {});
  if (profile && target?.status?.column) maps.push([target.status.column, statusFieldMap(profile, target.status)]);
  for (const [name, map] of maps) {
    const column = def?.columns.find((c) => c.logicalName === name);
    const source = sourceValue(snapshot, map);
    for (const field of source.used) used.add(field);
    const actual = row[name];
    const shownTarget = formatted(row, name) ?? choiceLabel(column, actual) ?? display(actual);
    if (!source.found) {
      rows.push({ key: name, label: column?.displayName ?? name, sourcePath: source.path, source: '', target: shownTarget, status: 'notInSource' });
      continue;
    }
    const expected = expectedValue(column, map, source.value);
    const status = sameValue(column, expected, actual) ? 'match' : 'differs';
    rows.push({ key: name, label: column?.displayName ?? name, sourcePath: source.path, source: display(source.value), target: shownTarget, status });
  }
  if (profile && target) {
    for (const lookup of compareLookups(table, snapshot, row, profile, target.lookups, referenced)) {
      for (const field of lookup.fields) used.add(field);
      rows.push({ key: lookup.column, label: lookup.label, sourcePath: lookup.sourcePath, source: lookup.source, target: lookup.target, status: lookup.status });
    }
  }
  // Everything else the source held, so a reviewer sees the whole record, mapped or not.
  for (const [field, value] of Object.entries(snapshot)) {
    if (used.has(field) || value === null || value === '' || typeof value === 'object') continue;
    rows.push({ key: `source:${field}`, label: field, sourcePath: field, source: display(value), target: '', status: 'sourceOnly' });
  }
  return { rows, differing: rows.filter((r) => r.status === 'differs').length, snapshotMissing: false };
}

/** Columns the profile marks `lock: true` for this table: read-only on a migrated row's form. */
export const lockedColumns = (profile: Profile, table: string): string[] =>
  Object.entries(targetFor(profile, table)?.columns ?? {})
    .filter(([, map]) => map.lock)
    .map(([column]) => column);
