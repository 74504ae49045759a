/**
 * `DataverseClient`: the one contract the loader, verifier and rollback use to talk to
 * Dataverse. Two adapters implement it — HTTP Web API on undici (`http/`, Node) and
 * `Xrm.WebApi` (`xrm/`, inside Dynamics) — and one contract suite (test/dataverse/contract.ts)
 * runs against both. Pure: no Node-only imports, because it also runs in PCF controls.
 *
 * Tables are logical names from solution/src/schema; entity sets and navigation properties are
 * derived from it, never typed by hand.
 */
import { findColumn, navigationProperty, tableByLogicalName, type TableDef } from '../../../solution/src/schema';
import { DataverseError } from './errors';

export { DataverseError } from './errors';

export type KeyValue = string | number;
/** A row addressed by its primary key (a GUID) or by the column values of an alternate key. */
export type RowKey = string | Readonly<Record<string, KeyValue>>;
/** A row as the Web API takes and returns it: column logical names, `<nav>@odata.bind`, annotations. */
export type Row = Record<string, unknown>;

export interface RetrieveOptions {
  select?: readonly string[];
  /** `$expand` on single-valued navigation properties, e.g. `lex_ClientId_account($select=name)`. */
  expand?: string;
}

export interface QueryOptions extends RetrieveOptions {
  /** OData `$filter` text. */
  filter?: string;
  orderby?: string;
  top?: number;
  /** Rows per page (`Prefer: odata.maxpagesize`, at most 5000). */
  pageSize?: number;
}

/** One query of `queryMany`. */
export interface QueryRequest {
  table: string;
  options?: QueryOptions;
}

export interface WriteOptions {
  /** `If-Match`: `*` (update only, never create) or an ETag (optimistic concurrency). */
  ifMatch?: string;
  /** `If-None-Match: *`: create only, never update. */
  ifNoneMatch?: string;
  /** Carried into any error, e.g. `clio:matter:123`. */
  recordKey?: string;
}

export interface UpsertItem {
  key: RowKey;
  row: Row;
  recordKey?: string;
}

export type RowResult =
  | { ok: true; recordKey: string; id?: string }
  | { ok: false; recordKey: string; error: DataverseError };

/** One write in a `$batch`: the unit of `writeBatch` and of rollback plans. */
export type WriteOp =
  | { kind: 'create'; table: string; row: Row; recordKey?: string }
  | { kind: 'update' | 'upsert'; table: string; key: RowKey; row: Row; recordKey?: string; ifMatch?: string; ifNoneMatch?: string }
  | { kind: 'delete'; table: string; key: RowKey; recordKey?: string };

export interface BatchOptions {
  /** One change set: all writes or none (at most 1000). Otherwise each write stands alone. */
  atomic: boolean;
}

export interface EntityKeyDefinition {
  logicalName: string;
  keyAttributes: string[];
  /** `Pending`, `InProgress`, `Active` or `Failed`: keys are usable when `Active`. */
  status: string;
}

export interface EntityDefinition {
  logicalName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  metadataId: string;
  attributes: string[];
  keys: EntityKeyDefinition[];
}

export interface ExecuteOptions {
  /** Bind the action to a table's entity set (`accounts/Microsoft.Dynamics.CRM.X`). */
  boundTo?: string;
  /** `GET` for functions such as `WhoAmI`; actions are `POST`. */
  method?: 'GET' | 'POST';
}

/** One action call in `executeMany` (POST, unbound unless `boundTo` names a table). */
export interface ActionCall {
  name: string;
  body?: Row;
  boundTo?: string;
  /** Carried into its result and any error, e.g. `clio:matter:123`. */
  recordKey?: string;
}

export interface DataverseClient {
  /** One row, or `undefined` when no row has that key. */
  retrieve(table: string, key: RowKey, options?: RetrieveOptions): Promise<Row | undefined>;
  /** Pages of rows, following `@odata.nextLink`. */
  query(table: string, options?: QueryOptions): AsyncIterable<Row[]>;
  /**
   * Several queries in one `$batch` request (GET parts, split at 1000), each answered with all
   * its rows (further pages followed one by one): one request instead of one per query, for the
   * loader's existence reads. One result per query, in order; a failed query throws.
   */
  queryMany(requests: readonly QueryRequest[]): Promise<Row[][]>;
  /** Creates a row and returns its id. */
  create(table: string, row: Row, options?: WriteOptions): Promise<string>;
  /** Updates an existing row (`If-Match: *` unless an ETag is given); never creates. */
  update(table: string, key: RowKey, row: Row, options?: WriteOptions): Promise<void>;
  /** Creates or updates the row with this key. */
  upsert(table: string, key: RowKey, row: Row, options?: WriteOptions): Promise<void>;
  /**
   * Upserts many rows; one result per item, in order. Uses `UpsertMultiple` where the table
   * supports it (checked in `sdkmessagefilters`), `$batch` otherwise.
   */
  upsertMany(table: string, items: readonly UpsertItem[]): Promise<RowResult[]>;
  /**
   * Whether `upsertMany` on `table` uses `UpsertMultiple`. A client that asks the environment
   * (once, for every table) has it: a loader asks first, beside its first reads, so the answer
   * is not on the first write's path.
   */
  supportsBulk?(table: string): Promise<boolean>;
  deleteMany(table: string, keys: readonly RowKey[]): Promise<RowResult[]>;
  /** Mixed writes in `$batch` (split at 1000), atomic as one change set or independent. */
  writeBatch(ops: readonly WriteOp[], options: BatchOptions): Promise<RowResult[]>;
  /** The table's definition in this environment, or `undefined` when it has none. */
  entityDefinition(table: string): Promise<EntityDefinition | undefined>;
  /** An action (POST) or function (GET), unbound or bound to a table. */
  execute<T = unknown>(name: string, body?: Row, options?: ExecuteOptions): Promise<T | undefined>;
  /**
   * Many actions, each standing alone, in `$batch` requests (`odata.continue-on-error`): one
   * request per batch instead of one per call, for messages with no bulk form (WinOpportunity,
   * CloseIncident). One result per call, in order; a failed call does not stop the others.
   */
  executeMany(calls: readonly ActionCall[]): Promise<RowResult[]>;
}

/** The schema's definition of a table the client may write; unknown names are a clear error. */
export function tableDef(table: string): TableDef {
  const def = tableByLogicalName(table);
  if (!def) {
    throw new DataverseError({
      status: 400,
      message: `table "${table}" is not in the Lexbridge schema (solution/src/schema)`,
      transient: false,
    });
  }
  return def;
}

/** `(guid)` or `(col='v',n=1)`: the key segment of a row's URL. Quotes in values are doubled. */
export function formatKey(key: RowKey): string {
  if (typeof key === 'string') return `(${key.replace(/[{}]/g, '')})`;
  const parts = Object.entries(key).map(([column, value]) =>
    typeof value === 'number' ? `${column}=${value}` : `${column}='${encodeURIComponent(value.replace(/'/g, "''"))}'`,
  );
  if (parts.length === 0) throw new Error('an alternate key needs at least one column');
  return `(${parts.join(',')})`;
}

/** `lex_matters(…)`: a row's path relative to the Web API root. */
export function rowPath(table: string, key: RowKey): string {
  return `${tableDef(table).entitySetName}${formatKey(key)}`;
}

/**
 * `{ "<nav>@odata.bind": "/<set>(<key>)" }` for a lookup (or owner) column pointing at a row
 * of `target`; the navigation property comes from the schema.
 */
export function bindLookup(table: string, column: string, target: string, key: RowKey): Row {
  const def = findColumn(tableDef(table), column);
  if (!def) throw new Error(`${table}.${column} is not in the schema`);
  const nav = def.type.kind === 'owner' ? column : navigationProperty(def, target);
  if (def.type.kind === 'lookup' && !def.type.targets.includes(target)) {
    throw new Error(`${table}.${column} cannot point at ${target} (targets: ${def.type.targets.join(', ')})`);
  }
  return { [`${nav}@odata.bind`]: `/${rowPath(target, key)}` };
}

/** A readable name for a row key, used when the caller gives no record key. */
export function describeKey(key: RowKey): string {
  return typeof key === 'string' ? key : Object.entries(key).map(([c, v]) => `${c}=${v}`).join(',');
}
