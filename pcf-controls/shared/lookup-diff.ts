/**
 * RecordDiff's lookups, pure. A mapped lookup (`lex_clientid` from `clientRef`) has no value of
 * its own in the snapshot, which is the source's raw payload: it names the referenced record
 * ("Client Id": "1" and "Client": "Solon Barton" in a Clio CSV export; `"client": {"id": 1}` from
 * Clio's API). The engine binds the lookup to that record's row, whose id is deterministic
 * (`rowId` of its target key, `clio:contact:1`), so the comparison is by id against `_x_value`,
 * as `lexbridge verify` compares a planned lookup. A row adopted in pre-flight keeps its own id:
 * its `lex_sourcekey` says whose row it is. Users are not rows Lexbridge creates but Dynamics
 * users resolved by email (by name when the source has none), so a user lookup is compared by
 * the email or name of the systemuser it points at.
 */
import type { LookupMap, Profile } from '../../scripts/src/mapping/profile';
import { rowId, SETUP_KEYS } from '../../scripts/src/mapping/target-op';
import { tableByLogicalName, type ColumnDef } from '../../solution/src/schema';
import { formatted, type Row } from './data';
import { fieldFor, normalise, rawNamesSharingFirstWord, unique } from './snapshot-fields';

/** What a lookup's source record says about the record it references. */
export interface SourceReference {
  /** The snapshot has a field for it (possibly empty). */
  found: boolean;
  /** The referenced record's id in the source ("1"), or its whole source key when the snapshot is canonical. */
  id?: string;
  sourceKey?: string;
  name?: string;
  email?: string;
  /** The snapshot fields read, to show and to leave out of "Source only". */
  fields: string[];
}

/** The row a lookup points at, as read by id (lower case) when the row's own annotations do not say enough. */
export interface ReferencedRow {
  name?: string;
  email?: string;
  sourceKey?: string;
}
export type ReferencedRows = ReadonlyMap<string, ReferencedRow>;

/** A pointed-at row to read, and which of its columns hold what `ReferencedRow` needs. */
export interface ReferenceRead {
  table: string;
  id: string;
  columns: { name: string; email?: string; sourceKey?: string };
}

export type LookupStatus = 'match' | 'differs' | 'notInSource' | 'unchecked';

export interface LookupComparison {
  column: string;
  label: string;
  sourcePath: string;
  source: string;
  target: string;
  status: LookupStatus;
  /** Top-level snapshot fields the reference was read from. */
  fields: string[];
}


type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number';
const text = (v: unknown): string | undefined => (isScalar(v) && String(v).trim() !== '' ? String(v).trim() : undefined);
const emailOrName = (v: string | undefined) => (v?.includes('@') ? { email: v } : v ? { name: v } : {});

/** A referenced record given inline (`{"id": 1, "name": "Solon Barton"}`). */
function fromObject(value: Json): Omit<SourceReference, 'found' | 'fields'> {
  const id = text(value['id']);
  const name = text(value['name']);
  const email = text(value['email']);
  return { ...(id ? { id } : {}), ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

/**
 * Where the snapshot names the record a lookup's `from` path references. A canonical snapshot has
 * the path itself (`clientRef`: a source key). A raw payload has, for the path's stem (`client`):
 * an object with that name, an id field (`Client Id`, `client_id`, `clientPartyId`) and a name
 * field (`Client`); failing those, the one raw name sharing its first word (`Responsible Attorney`).
 */
export function sourceReference(snapshot: Json, path: string): SourceReference {
  const segments = path.split('.');
  let holder: Json = snapshot;
  const prefix: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    const field = fieldFor(holder, segment);
    const next = field === undefined ? undefined : holder[field];
    if (field === undefined || !isObject(next)) return { found: false, fields: [] };
    prefix.push(field);
    holder = next;
  }
  const last = segments[segments.length - 1]!;
  const at = (field: string) => [...prefix, field].join('.');
  if (last in holder) {
    const value = holder[last];
    if (isObject(value)) return { found: true, ...fromObject(value), fields: [at(last)] };
    const key = text(value);
    return { found: true, ...(key ? { sourceKey: key } : {}), fields: [at(last)] };
  }
  const stem = normalise(last.replace(/Ref$/, ''));
  const keys = Object.keys(holder);
  const object = unique(keys.filter((k) => normalise(k) === stem && isObject(holder[k])));
  if (object !== undefined) return { found: true, ...fromObject(holder[object] as Json), fields: [at(object)] };
  const idField = unique(keys.filter((k) => normalise(k) !== stem && normalise(k).startsWith(stem) && normalise(k).endsWith('id') && !isObject(holder[k])));
  const nameField = unique(keys.filter((k) => normalise(k) === stem && !isObject(holder[k])));
  if (idField !== undefined || nameField !== undefined) {
    const id = idField === undefined ? undefined : text(holder[idField]);
    const named = nameField === undefined ? undefined : text(holder[nameField]);
    return { found: true, ...(id ? { id } : {}), ...emailOrName(named), fields: [idField, nameField].filter((f): f is string => f !== undefined).map(at) };
  }
  const loose = unique(rawNamesSharingFirstWord(keys, last));
  if (loose === undefined) return { found: false, fields: [] };
  const value = holder[loose];
  return { found: true, ...(isObject(value) ? fromObject(value) : emailOrName(text(value))), fields: [at(loose)] };
}

interface Expectation {
  /** The reference is empty and nothing stands in for it: the lookup should be empty too. */
  empty: boolean;
  /** Source keys of the records whose row the lookup should point at, and those rows' target keys. */
  sourceKeys: string[];
  targetKeys: string[];
  name?: string;
  email?: string;
}

/**
 * The rows a reference binds to, as the engine binds it (engine.ts, resolveLookup): a record's
 * primary row (source key + that target's suffix), among the profile's record types writing a
 * table the lookup can point at; the fallback client for an empty client.
 */
function expectation(profile: Profile, spec: LookupMap, column: ColumnDef | undefined, system: string | undefined, reference: SourceReference): Expectation {
  const named = { ...(reference.name ? { name: reference.name } : {}), ...(reference.email ? { email: reference.email } : {}) };
  const none = { sourceKeys: [], targetKeys: [] };
  if (spec.user) return { empty: !reference.id && !reference.sourceKey && !reference.name && !reference.email, ...none, ...named };
  if (!reference.id && !reference.sourceKey) {
    if (spec.fallbackClient && profile.fallbackClient) return { empty: false, sourceKeys: [], targetKeys: [SETUP_KEYS.fallbackClient], name: profile.fallbackClient.name };
    return { empty: !reference.name, ...none, ...named };
  }
  const tables = spec.table ? [spec.table] : column?.type.kind === 'lookup' ? column.type.targets : [];
  const typeOfKey = reference.sourceKey?.split(':')[1];
  const sourceKeys = new Set<string>();
  const targetKeys = new Set<string>();
  for (const [type, { targets }] of Object.entries(profile.entities)) {
    if (typeOfKey !== undefined && type !== typeOfKey) continue;
    const sourceKey = reference.sourceKey ?? (system ? `${system}:${type}:${reference.id}` : undefined);
    if (sourceKey === undefined) continue;
    for (const target of targets) {
      if (target.each || !tables.includes(target.table)) continue;
      sourceKeys.add(sourceKey);
      targetKeys.add(sourceKey + (spec.suffix ?? target.suffix ?? ''));
    }
  }
  return { empty: false, sourceKeys: [...sourceKeys], targetKeys: [...targetKeys], ...named };
}

const sameText = (a: string, b: string) => a.trim().replace(/\s+/g, ' ').toLowerCase() === b.trim().replace(/\s+/g, ' ').toLowerCase();

function statusOf(expected: Expectation, actualId: string | undefined, pointed: ReferencedRow): LookupStatus {
  if (!actualId) return expected.empty ? 'match' : 'differs';
  if (expected.empty) return 'differs';
  if (expected.targetKeys.length) {
    if (expected.targetKeys.some((key) => rowId(key) === actualId)) return 'match';
    return pointed.sourceKey !== undefined && expected.sourceKeys.includes(pointed.sourceKey) ? 'match' : 'differs';
  }
  if (expected.email && pointed.email) return sameText(expected.email, pointed.email) ? 'match' : 'differs';
  if (expected.name && pointed.name) return sameText(expected.name, pointed.name) ? 'match' : 'differs';
  return 'unchecked';
}

/** The lookups of a profile target that come from the source record (not siblings, fixed rows or connection roles). */
function sourceLookups(lookups: Record<string, LookupMap>): [string, LookupMap & { from: string }][] {
  return Object.entries(lookups).filter((e): e is [string, LookupMap & { from: string }] => e[1].from !== undefined && !e[1].connectionRole && !e[1].sibling && !e[1].key);
}

interface Prepared {
  column: string;
  /** The profile's path to the reference (`clientRef`), shown when the snapshot has no field for it. */
  from: string;
  def: ColumnDef | undefined;
  reference: SourceReference;
  expected: Expectation;
  actualId: string | undefined;
  /** The pointed-at row's table: the row's `lookuplogicalname` annotation, or the column's only target. */
  actualTable: string | undefined;
}

function prepare(table: string, snapshot: Json, row: Row, profile: Profile, lookups: Record<string, LookupMap>): Prepared[] {
  const def = tableByLogicalName(table);
  const ownKey = typeof row['lex_sourcekey'] === 'string' ? row['lex_sourcekey'] : typeof snapshot['sourceKey'] === 'string' ? snapshot['sourceKey'] : undefined;
  const system = ownKey?.split(':')[0];
  return sourceLookups(lookups).map(([column, spec]) => {
    const columnDef = def?.columns.find((c) => c.logicalName === column);
    const reference = sourceReference(snapshot, spec.from);
    const property = `_${column}_value`;
    const actual = row[property];
    const actualId = typeof actual === 'string' && actual ? actual.toLowerCase() : undefined;
    const annotated = row[`${property}@Microsoft.Dynamics.CRM.lookuplogicalname`];
    const targets = columnDef?.type.kind === 'lookup' ? columnDef.type.targets : [];
    const actualTable = typeof annotated === 'string' ? annotated : targets.length === 1 ? targets[0] : undefined;
    return { column, from: spec.from, def: columnDef, reference, expected: expectation(profile, spec, columnDef, system, reference), actualId, actualTable };
  });
}

/**
 * The pointed-at rows worth reading: for a name the row's annotations do not give (the sandbox
 * returns no FormattedValue), a user's email when the source gives one, and the source key of a
 * row whose id is not the expected one (a row adopted in pre-flight).
 */
export function referencesToRead(table: string, snapshot: Json, row: Row, profile: Profile, lookups: Record<string, LookupMap>): ReferenceRead[] {
  const reads = new Map<string, ReferenceRead>();
  for (const p of prepare(table, snapshot, row, profile, lookups)) {
    if (!p.actualId || !p.actualTable || reads.has(p.actualId)) continue;
    const target = tableByLogicalName(p.actualTable);
    if (!target) continue;
    const hasColumn = (name: string) => target.columns.some((c) => c.logicalName === name);
    const needsName = formatted(row, `_${p.column}_value`) === undefined;
    const needsEmail = Boolean(p.expected.email) && hasColumn('internalemailaddress');
    const needsSourceKey = p.expected.targetKeys.length > 0 && !p.expected.targetKeys.some((key) => rowId(key) === p.actualId) && hasColumn('lex_sourcekey');
    if (!needsName && !needsEmail && !needsSourceKey) continue;
    reads.set(p.actualId, {
      table: p.actualTable,
      id: p.actualId,
      columns: { name: target.primaryNameColumn, ...(needsEmail ? { email: 'internalemailaddress' } : {}), ...(needsSourceKey ? { sourceKey: 'lex_sourcekey' } : {}) },
    });
  }
  return [...reads.values()];
}

/** Each source lookup of the target: the referenced record as the source names it, the row Dynamics points at, and whether they are the same. */
export function compareLookups(table: string, snapshot: Json, row: Row, profile: Profile, lookups: Record<string, LookupMap>, referenced: ReferencedRows): LookupComparison[] {
  return prepare(table, snapshot, row, profile, lookups).map((p) => {
    const read = (p.actualId && referenced.get(p.actualId)) || {};
    const name = formatted(row, `_${p.column}_value`) ?? read.name;
    const pointed: ReferencedRow = { ...read, ...(name !== undefined ? { name } : {}) };
    const { reference, expected } = p;
    const sourcePath = reference.fields.join(' · ') || p.from;
    const source = reference.name ?? reference.email ?? reference.id ?? reference.sourceKey ?? '';
    const target = p.actualId ? (pointed.name ?? p.actualId) : '';
    // Not found means the heuristics found no field, not that the source has none: nothing to compare.
    const status = reference.found ? statusOf(expected, p.actualId, pointed) : 'notInSource';
    return { column: p.column, label: p.def?.displayName ?? p.column, sourcePath, source, target, status, fields: reference.fields.map((f) => f.split('.')[0]!) };
  });
}
