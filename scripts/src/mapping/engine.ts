/**
 * The mapping engine: `mapRecord(record, profile, context)` turns one canonical record into the
 * target operations the profile describes. Pure and allocation-light: a profile is compiled
 * once (paths split, converters built from the schema's column types) and reused for every
 * record. Bad data never throws: it becomes a LexError on the record, naming the field and why.
 *
 * A row fails (is left out) when a required value or lookup is missing or its status has no
 * map; an optional column whose value cannot be converted is left out of the row and reported.
 */
import { LexError } from '../errors';
import { CUSTOM_FIELDS_JSON, PROVENANCE } from './columns';
import { compiledProfile, SOURCE_SYSTEM_LABEL, type CompiledLookup, type CompiledProfile, type CompiledTarget } from './compile';
import { isEmpty, Rejection, type Converter } from './convert';
import type { FieldMap, Profile } from './profile';
import { rowId, SETUP_KEYS, type ColumnValue, type LookupValue, type TargetOp } from './target-op';

export { SETUP_KEYS };

export { compilePath, compileProfile, compiledProfile, type CompiledProfile } from './compile';

/** What the engine needs from a canonical record (the model's records all have this). */
export interface MappableRecord {
  type: string;
  sourceKey: string;
  key: { system: string; type: string; id: string };
  updatedAt?: string;
  sourceUrl?: string;
  raw?: unknown;
  [field: string]: unknown;
}

export interface CustomFieldEntry {
  name: string;
  value: unknown;
}

/** Everything outside the record that mapping needs; built by `createContext` (context.ts). */
export interface MappingContext {
  /** Another source record by key (practice areas, users), for `ref->field` paths. */
  record(sourceKey: string): MappableRecord | undefined;
  /** The row a source record maps to first (clients: account or contact), or a pre-existing match. */
  target(sourceKey: string): { table: string; id: string; preExisting?: boolean } | undefined;
  /** A source user's systemuserid, when an enabled Dynamics user has the same email. */
  user(userSourceKey: string): string | undefined;
  fallbackOwnerId?: string;
  /** Custom field values of a record, by field name. */
  customFields(parentSourceKey: string): readonly CustomFieldEntry[];
  /** Id of a row that existed before the migration, matched in pre-flight. */
  preExisting(targetKey: string): string | undefined;
}

export interface MapResult {
  ops: TargetOp[];
  errors: LexError[];
  /** Why the record gives no row of its own (users are resolved, not migrated). */
  skipped?: string;
}



/**
 * A data error is about the record, not the code: a stack trace would only name engine internals,
 * and capturing one cost several times more than mapping the record. Built without frames.
 */
function dataError(code: string, record: MappableRecord, field: string, message: string, fix: string): LexError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new LexError({ code, message, fix, location: { recordKey: record.sourceKey, field } });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Where a matter projects besides lex_matter, from its practice area. */
export function projectionsOf(record: MappableRecord, profile: CompiledProfile, context: MappingContext): readonly string[] {
  const p = profile.projections;
  if (!p) return [];
  const area = p.field(record, undefined, context);
  if (typeof area === 'string') {
    const hit = p.byArea.get(area.trim().toLowerCase());
    if (hit) return hit;
  }
  return p.fallback;
}

function targetApplies(target: CompiledTarget, record: MappableRecord, context: MappingContext, projections: readonly string[]): boolean {
  if (target.when && !target.when(record, context)) return false;
  if (target.spec.projection && !projections.includes(target.spec.projection)) return false;
  return true;
}

/** The first row a record gives (its "primary" target): what lookups to this record bind to. */
export function primaryTarget(
  record: MappableRecord,
  profile: Profile,
  context: MappingContext,
): { table: string; targetKey: string } | undefined {
  const c = compiledProfile(profile);
  const targets = c.entities.get(record.type);
  if (!targets) return undefined;
  const projections = record.type === (profile.matterStrategy?.entity ?? 'matter') ? projectionsOf(record, c, context) : [];
  for (const t of targets) {
    if (t.each || !targetApplies(t, record, context, projections)) continue;
    return { table: t.table.logicalName, targetKey: record.sourceKey + t.suffix };
  }
  return undefined;
}

export function mapRecord(record: MappableRecord, profile: Profile, context: MappingContext): MapResult {
  const c = compiledProfile(profile);
  const targets = c.entities.get(record.type);
  if (!targets) {
    const reason = profile.skip[record.type];
    if (reason !== undefined) return { ops: [], errors: [], skipped: reason };
    return {
      ops: [],
      errors: [
        dataError(
          'LEX_MAP_ENTITY_NOT_MAPPED',
          record,
          'type',
          `the profile has no map for "${record.type}" records`,
          `Add "${record.type}" to "entities" (or to "skip" with a reason) in the mapping profile.`,
        ),
      ],
    };
  }
  const errors: LexError[] = [];
  const ops: TargetOp[] = [];
  const projections = record.type === (profile.matterStrategy?.entity ?? 'matter') ? projectionsOf(record, c, context) : [];
  // Ids first, so rows of one record can point at each other (lex_matter → its opportunity).
  const siblings = new Map<string, string>();
  const applicable: CompiledTarget[] = [];
  const identities: (RowIdentity | undefined)[] = [];
  for (const t of targets) {
    if (!targetApplies(t, record, context, projections)) continue;
    applicable.push(t);
    if (!t.each) {
      const identity = identify(record.sourceKey + t.suffix, context);
      identities.push(identity);
      siblings.set(t.table.logicalName, identity.id);
    } else identities.push(undefined);
  }
  for (let n = 0; n < applicable.length; n++) {
    const t = applicable[n]!;
    if (t.each) {
      const items = t.each(record, undefined, context);
      if (!Array.isArray(items)) continue;
      for (let i = 0; i < items.length; i++) {
        const item: unknown = items[i];
        const n = (item as { lineNumber?: unknown } | null)?.lineNumber;
        const op = buildOp(t, record, item, `${record.sourceKey}${t.suffix}${typeof n === 'number' ? n : i + 1}`, c, context, siblings, errors);
        if (op) ops.push(op);
      }
    } else {
      const identity = identities[n]!;
      const op = buildOp(t, record, undefined, identity.targetKey, c, context, siblings, errors, identity);
      if (op) ops.push(op);
    }
  }
  return { ops, errors };
}

function buildOp(
  t: CompiledTarget,
  record: MappableRecord,
  item: unknown,
  targetKey: string,
  c: CompiledProfile,
  context: MappingContext,
  siblings: Map<string, string>,
  errors: LexError[],
  /** Known for a record's own rows (computed before its siblings); an array item's row gets it here once it has not failed. */
  identity?: RowIdentity,
): TargetOp | undefined {
  const table = t.table.logicalName;
  let failed = false;
  const columns: Record<string, ColumnValue> = {};
  for (const col of t.columns) {
    let value = col.get(record, item, context);
    if (col.map.valueMap && !isEmpty(value)) {
      const key = String(value);
      if (key in col.map.valueMap) value = col.map.valueMap[key];
      else {
        const folded = Object.keys(col.map.valueMap).find((k) => k.toLowerCase() === key.toLowerCase());
        if (folded !== undefined) value = col.map.valueMap[folded];
      }
    }
    if (isEmpty(value)) value = col.map.default;
    if (isEmpty(value)) {
      if (col.map.required) {
        failed = true;
        errors.push(
          dataError('LEX_MAP_REQUIRED_MISSING', record, fieldName(col.map), `${table}.${col.column} is required and the record has no value`, 'Fill the field in the source, or give the column a "default" in the mapping profile.'),
        );
      }
      continue;
    }
    const converted = col.convert(value);
    if (converted instanceof Rejection) {
      if (col.map.required) failed = true;
      errors.push(
        dataError(
          converted.code,
          record,
          fieldName(col.map),
          `${table}.${col.column}: ${converted.reason}`,
          converted.code === 'LEX_MAP_TOO_LONG'
            ? `Shorten the value in the source, or set "truncate": true on ${table}.${col.column} in the mapping profile.`
            : converted.code === 'LEX_MAP_UNMAPPED_VALUE'
              ? `Add the value to "valueMap" of ${table}.${col.column} in the mapping profile.`
              : 'Correct the value in the source (or map the field elsewhere in the profile).',
        ),
      );
      continue;
    }
    columns[col.column] = converted;
  }

  const lookups: Record<string, LookupValue | null> = {};
  for (const l of t.lookups) {
    const resolved = resolveLookup(l, record, item, c, context, siblings, errors, table);
    if (resolved === 'failed') failed = true;
    else if (resolved) lookups[l.column] = resolved;
  }

  let state: TargetOp['state'];
  if (t.status) {
    const raw = t.status.get(record, item, context);
    if (!isEmpty(raw)) {
      const value = t.status.values.get(String(raw).trim().toLowerCase());
      if (!value) {
        failed = true;
        errors.push(
          dataError(
            'LEX_MAP_UNMAPPED_STATUS',
            record,
            t.status.from,
            `status "${String(raw)}" has no entry in status map "${t.status.map}"`,
            `Add "${String(raw)}" to "statusMaps.${t.status.map}" in the mapping profile (choice and statecode/statuscode per table).`,
          ),
        );
      } else {
        const s = value.states[table];
        if (s) state = s;
        if (t.status.column && t.status.convert && value.choice !== undefined) {
          const v = t.status.convert(value.choice);
          if (v instanceof Rejection) errors.push(dataError(v.code, record, t.status.from, `${table}.${t.status.column}: ${v.reason}`, `Fix "statusMaps.${t.status.map}" in the mapping profile.`));
          else columns[t.status.column] = v;
        }
      }
    }
  }

  if (t.customFields) addCustomFields(t, record, context, columns, errors);
  if (failed) return undefined;
  if (t.provenance) addProvenance(t, record, item === undefined ? record.sourceKey : targetKey, item === undefined, columns);
  if (t.createdOn && c.createdOn && item === undefined) addCreatedOn(t.createdOn, c.createdOn(record, undefined, context), record, c.profile.originalCreatedOn!, columns, errors);

  let ownerId: string | undefined;
  if (t.owner) {
    const ref = t.owner(record, item, context);
    ownerId = (typeof ref === 'string' ? context.user(ref) : undefined) ?? context.fallbackOwnerId;
  }
  const { id, preExisting } = identity ?? identify(targetKey, context);
  const op: TargetOp = { table, targetKey, sourceKey: record.sourceKey, id, columns, lookups };
  if (preExisting) op.preExisting = true;
  if (ownerId) op.ownerId = ownerId;
  if (state) op.state = state;
  return op;
}

interface RowIdentity {
  targetKey: string;
  id: string;
  /** The id is that of a row matched in pre-flight. */
  preExisting: boolean;
}

/** One pre-existing lookup and at most one hash per row. */
function identify(targetKey: string, context: MappingContext): RowIdentity {
  const existing = context.preExisting(targetKey);
  return { targetKey, id: existing ?? rowId(targetKey), preExisting: Boolean(existing) };
}

/**
 * Ids of the rows a profile names by a fixed key (price list, connection roles, fallback client):
 * the same few keys for every record, hashed once per process.
 */
const constantIds = new Map<string, string>();
function constantRowId(key: string): string {
  let id = constantIds.get(key);
  if (id === undefined) constantIds.set(key, (id = rowId(key)));
  return id;
}

function fieldName(map: FieldMap): string {
  if (map.from === undefined) return '(constant)';
  return Array.isArray(map.from) ? map.from.join('+') : map.from;
}

function resolveLookup(
  l: CompiledLookup,
  record: MappableRecord,
  item: unknown,
  c: CompiledProfile,
  context: MappingContext,
  siblings: Map<string, string>,
  errors: LexError[],
  table: string,
): LookupValue | undefined | 'failed' {
  const spec = l.spec;
  if (spec.key) return { table: l.targets[0]!, id: context.preExisting(spec.key) ?? constantRowId(spec.key) };
  if (spec.sibling) {
    const id = siblings.get(spec.sibling);
    return id ? { table: spec.sibling, id } : undefined;
  }
  const value = l.get?.(record, item, context);
  if (spec.connectionRole) {
    if (isEmpty(value)) return undefined;
    const role = c.roles.get(String(value).trim().toLowerCase());
    if (!role)
      return lookupFailure(l, record, table, errors, 'LEX_MAP_UNMAPPED_ROLE', `participant role "${String(value)}" has no connection role`, `Add "${String(value)}" to "connectionRoles" in the mapping profile.`);
    return { table: 'connectionrole', id: constantRowId(SETUP_KEYS.connectionRole(role)) };
  }
  if (spec.user) {
    if (isEmpty(value))
      return spec.required ? lookupFailure(l, record, table, errors, 'LEX_MAP_REQUIRED_MISSING', 'the record has no user', 'Assign a user in the source (seed 002: entries without a user do not import), or remove the record.') : undefined;
    const id = context.user(String(value));
    if (id) return { table: 'systemuser', id, sourceKey: String(value) };
    if (context.fallbackOwnerId) return { table: 'systemuser', id: context.fallbackOwnerId, sourceKey: String(value) };
    return lookupFailure(l, record, table, errors, 'LEX_MAP_USER_UNRESOLVED', `user ${String(value)} has no enabled Dynamics user with the same email`, 'Create the user in Dynamics, or set "owners.fallbackOwnerEmail" in the mapping profile.');
  }
  if (isEmpty(value)) {
    if (spec.fallbackClient && c.profile.fallbackClient) return { table: 'account', id: context.preExisting(SETUP_KEYS.fallbackClient) ?? constantRowId(SETUP_KEYS.fallbackClient) };
    if (spec.required)
      return lookupFailure(l, record, table, errors, 'LEX_MAP_REQUIRED_MISSING', 'the record has no reference', 'Fill the reference in the source, or (for matter clients) set "fallbackClient" in the mapping profile.');
    return undefined;
  }
  const sourceKey = String(value);
  const hit = spec.suffix ? undefined : context.target(sourceKey);
  if (hit && l.targets.includes(hit.table) && (!spec.table || spec.table === hit.table)) return { table: hit.table, id: hit.id, sourceKey };
  if (hit)
    return lookupFailure(l, record, table, errors, 'LEX_MAP_LOOKUP_WRONG_TABLE', `${sourceKey} maps to ${hit.table}, which ${l.column} cannot point to here (${spec.table ?? l.targets.join(', ')})`, 'Correct the reference in the source, or the lookup in the mapping profile.');
  if (spec.suffix) {
    const key = sourceKey + spec.suffix;
    return { table: spec.table ?? l.targets[0]!, id: context.preExisting(key) ?? rowId(key), sourceKey };
  }
  // Staging holds every extracted record, so a reference outside the index points at nothing:
  // binding it would fail the row at load time; leaving it empty loads the row without the link.
  return lookupFailure(l, record, table, errors, 'LEX_MAP_ORPHAN', `${sourceKey} is not among the extracted records`, 'Extract the referenced record too, or correct the reference in the source; the row loads without this link.');
}

/** Records a lookup that cannot bind; a required one fails the row. (A function, not a closure: this runs per lookup.) */
function lookupFailure(l: CompiledLookup, record: MappableRecord, table: string, errors: LexError[], code: string, message: string, fix: string): 'failed' | undefined {
  errors.push(dataError(code, record, l.spec.from ?? l.column, `${table}.${l.column}: ${message}`, fix));
  return l.spec.required ? 'failed' : undefined;
}

function addCustomFields(t: CompiledTarget, record: MappableRecord, context: MappingContext, columns: Record<string, ColumnValue>, errors: LexError[]): void {
  const entries = context.customFields(record.sourceKey);
  if (entries.length === 0) return;
  let json: Record<string, unknown> | undefined;
  for (const entry of entries) {
    const explicit = t.customFields!.explicit.get(entry.name.toLowerCase());
    if (explicit) {
      if (isEmpty(entry.value)) continue;
      const v = explicit.convert(entry.value);
      if (v instanceof Rejection) {
        errors.push(dataError(v.code, record, `custom field "${entry.name}"`, `${t.table.logicalName}.${explicit.column}: ${v.reason}`, 'Correct the value in the source, or map the custom field to the JSON column in the profile.'));
        (json ??= {})[entry.name] = entry.value;
      } else columns[explicit.column] = v;
    } else (json ??= {})[entry.name] = entry.value;
  }
  if (json && t.customFields!.json) {
    const v = t.customFields!.json(json);
    if (!(v instanceof Rejection)) columns[CUSTOM_FIELDS_JSON] = v;
  }
}

let lastSnapshot: { record: MappableRecord | undefined; json: string } = { record: undefined, json: '' };

/** The source's creation time: the loader also sends it as overriddencreatedon when it creates the row. */
function addCreatedOn(convert: Converter, value: unknown, record: MappableRecord, field: string, columns: Record<string, ColumnValue>, errors: LexError[]): void {
  if (isEmpty(value)) return;
  const v = convert(value);
  if (v instanceof Rejection)
    errors.push(dataError(v.code, record, field, `${PROVENANCE.originalCreatedOn}: ${v.reason}`, 'Correct the creation date in the source, or point "originalCreatedOn" in the profile at another field; the row keeps the migration date.'));
  else columns[PROVENANCE.originalCreatedOn] = v;
}

/** Rows from array items (bill lines) carry their own target key as source key: it must be unique per table. */
function addProvenance(t: CompiledTarget, record: MappableRecord, sourceKey: string, snapshot: boolean, columns: Record<string, ColumnValue>): void {
  columns[PROVENANCE.sourceKey] = sourceKey;
  columns[PROVENANCE.sourceId] = record.key.id;
  const label = SOURCE_SYSTEM_LABEL[record.key.system];
  if (t.sourceSystem && label) {
    const v = t.sourceSystem(label);
    if (!(v instanceof Rejection)) columns[PROVENANCE.sourceSystem] = v;
  }
  if (record.sourceUrl) columns[PROVENANCE.sourceUrl] = record.sourceUrl;
  if (snapshot && t.snapshotMax) {
    // One record often gives several rows (matter → lex_matter + opportunity): serialise it once.
    if (record !== lastSnapshot.record) lastSnapshot = { record, json: JSON.stringify(record.raw ?? record) };
    const json = lastSnapshot.json;
    // A snapshot too large for the column is dropped, not cut: half a JSON document helps no diff.
    if (json.length <= t.snapshotMax) columns[PROVENANCE.snapshot] = json;
  }
}
