/**
 * RecordDiff's model, pure: the source snapshot (`lex_sourcesnapshot`, the source record as
 * JSON) and the Dynamics row, compared through the confirmed profile's column maps. Equality is
 * the verifier's own (`sameValue`: money precision, date-only, JSON columns), so the control and
 * `lexbridge verify` never disagree about what "differs" means.
 */
import { sameValue } from '../../scripts/src/pipeline/verify';
import { converterFor, isEmpty, Rejection } from '../../scripts/src/mapping/convert';
import type { FieldMap, Profile, TargetMap } from '../../scripts/src/mapping/profile';
import { schema, tableByLogicalName, type ColumnDef } from '../../solution/src/schema';
import { formatted, type Row } from './data';

export type DiffRowStatus = 'match' | 'differs' | 'notInSource' | 'sourceOnly';

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

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const firstWord = (name: string) => (name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().match(/[a-z0-9]+/) ?? [''])[0]!;

/** Raw payload names have separators ("Open Date", "open_date"); canonical ones are camelCase and match exactly. */
const RAW_NAME = /[\s_-]/;
const sharesStem = (a: string, b: string) => a.length >= 4 && (a.startsWith(b) || b.startsWith(a));

/**
 * The snapshot's field for one path segment. Snapshots hold the source's raw payload, whose
 * names differ from the canonical ones the profile uses ("Matter Number" for `number`, "Open
 * Date" for `openedOn`), so after the exact name: same name ignoring case and separators, then
 * a name ending in the segment, then a raw name sharing its first word. Only an unambiguous match counts,
 * and the row shows which source field was used.
 */
function fieldFor(object: Record<string, unknown>, segment: string): string | undefined {
  if (segment in object) return segment;
  const keys = Object.keys(object);
  const target = normalise(segment);
  const unique = (found: string[]) => (found.length === 1 ? found[0] : undefined);
  const word = firstWord(segment);
  return (
    unique(keys.filter((k) => normalise(k) === target)) ??
    unique(keys.filter((k) => normalise(k).endsWith(target))) ??
    (word.length >= 4 ? unique(keys.filter((k) => RAW_NAME.test(k) && sharesStem(firstWord(k), word))) : undefined)
  );
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
export function targetFor(profile: Profile, table: string): { entity: string; columns: Record<string, FieldMap>; status?: TargetMap['status'] } | undefined {
  for (const [entity, { targets }] of Object.entries(profile.entities)) {
    const target = targets.find((t) => t.table === table && !t.each);
    if (target) return { entity, columns: target.columns, ...(target.status ? { status: target.status } : {}) };
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

export function buildRecordDiff(table: string, snapshotJson: string | null | undefined, row: Row, profile: Profile | undefined): RecordDiffModel {
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
