/**
 * Table rows: create (POST), retrieve (GET), update/upsert (PATCH with the `If-Match` /
 * `If-None-Match` semantics of "Perform conditional operations"), delete, and the two writes the
 * bulk messages reuse: `createRow` and `updateRow`.
 */
import { randomUUID } from 'node:crypto';
import type { TableDef } from '../../../../solution/src/schema/types';
import { errors } from '../errors';
import { parseUrlAddress, type Address } from '../odata/address';
import { findNavigation } from '../odata/filter-sql';
import { parseQueryOptions } from '../odata/query-options';
import { typeColumn, type StoredRow } from '../storage/store';
import { json, noContent, preferences, type HandlerContext, type SandboxRequest, type SandboxResponse } from './context';
import { checkSelect, etagOf, toEntity } from './entity-json';
import { applyComputedColumns, applyCreateDefaults, applyStateRules, applyUpdateDefaults, readPayload } from './write-rules';

export function parseJsonBody(table: TableDef, body: string): unknown {
  if (!body.trim()) throw errors.payload(table.entitySetName, 'The request body is empty.');
  try {
    return JSON.parse(body);
  } catch (error) {
    throw errors.payload(table.entitySetName, `Microsoft.OData.ODataException: Invalid JSON. ${(error as Error).message}`);
  }
}

/** Insert one row; fails with the documented duplicate errors rather than a SQLite message. */
export function createRow(ctx: HandlerContext, table: TableDef, values: StoredRow, id: string = randomUUID()): string {
  const row: StoredRow = { ...values, [table.primaryIdColumn]: id };
  applyStateRules(table, row, undefined);
  applyCreateDefaults(ctx, table, row);
  applyComputedColumns(table, row, row);
  if (ctx.store.pick(table.logicalName, id, [table.primaryIdColumn])) throw errors.duplicateRecord();
  for (const key of table.keys) {
    if (ctx.store.keyStatus(table.logicalName, key.logicalName) === 'Failed') continue;
    const keyValues = key.columns.map((c) => row[c] ?? null);
    if (keyValues.some((v) => v === null)) continue;
    if (ctx.store.findByKey(table.logicalName, key, keyValues)) throw errors.duplicateKey(key.schemaName, key.columns.join(', '));
  }
  row['versionnumber'] = ctx.store.nextVersion();
  ctx.store.insert(table.logicalName, row);
  return id;
}

export function updateRow(ctx: HandlerContext, table: TableDef, existing: StoredRow, values: StoredRow): void {
  const changes: StoredRow = { ...values };
  delete changes[table.primaryIdColumn];
  applyStateRules(table, changes, existing);
  applyUpdateDefaults(ctx, table, changes);
  applyComputedColumns(table, changes, { ...existing, ...changes });
  const merged = { ...existing, ...changes };
  const id = String(existing[table.primaryIdColumn]);
  for (const key of table.keys) {
    if (!key.columns.some((c) => c in changes) || ctx.store.keyStatus(table.logicalName, key.logicalName) === 'Failed') continue;
    const keyValues = key.columns.map((c) => merged[c] ?? null);
    if (keyValues.some((v) => v === null)) continue;
    const other = ctx.store.findByKey(table.logicalName, key, keyValues);
    if (other && other[table.primaryIdColumn] !== id) throw errors.duplicateKey(key.schemaName, key.columns.join(', '));
  }
  changes['versionnumber'] = ctx.store.nextVersion();
  ctx.store.update(table.logicalName, id, changes);
}

export function findAddressed(ctx: HandlerContext, table: TableDef, address: Address): StoredRow | undefined {
  if (address.kind === 'key' && ctx.store.keyStatus(table.logicalName, address.key.logicalName) === 'Failed') {
    throw errors.keyNotActive(address.key.logicalName, table.logicalName);
  }
  return address.kind === 'id' ? ctx.store.get(table.logicalName, address.id) : ctx.store.findByKey(table.logicalName, address.key, address.values);
}

const notFound = (table: TableDef, address: Address) =>
  address.kind === 'id' ? errors.objectDoesNotExist(table.logicalName, address.id) : errors.recordNotFoundByKey(table.logicalName);

function entityUrl(ctx: HandlerContext, table: TableDef, keyText: string): string {
  return `${ctx.apiUrl}${table.entitySetName}(${keyText})`;
}

/** `If-Match` / `If-None-Match`; the literal `null` means no condition (Microsoft's anti-cache idiom). */
function conditions(headers: Record<string, string>) {
  const ifMatch = headers['if-match'];
  const ifNoneMatch = headers['if-none-match'];
  return {
    ifMatch: ifMatch && ifMatch !== 'null' ? ifMatch : undefined,
    ifNoneMatch: ifNoneMatch && ifNoneMatch !== 'null' ? ifNoneMatch : undefined,
  };
}

function representation(ctx: HandlerContext, table: TableDef, id: string, request: SandboxRequest, status: number): SandboxResponse {
  const options = parseQueryOptions(request.query);
  checkSelect(table, options.select);
  const row = ctx.store.get(table.logicalName, id)!;
  const select = options.select ? `(${options.select.join(',')})` : '';
  const body = { '@odata.context': `${ctx.apiUrl}$metadata#${table.entitySetName}${select}/$entity`, ...toEntity(table, row, options.select) };
  return json(status, body, { ETag: etagOf(row), 'Preference-Applied': 'return=representation' });
}

export function createRecord(ctx: HandlerContext, table: TableDef, request: SandboxRequest): SandboxResponse {
  const payload = readPayload(ctx, table, parseJsonBody(table, request.body));
  const id = createRow(ctx, table, payload.values, payload.id);
  ctx.lastWrite = { table, id };
  if (preferences(request.headers).get('return') === 'representation') return { ...representation(ctx, table, id, request, 201), records: 1 };
  return { ...noContent({ 'OData-EntityId': entityUrl(ctx, table, id) }), records: 1 };
}

export function upsertRecord(ctx: HandlerContext, table: TableDef, keyText: string, request: SandboxRequest): SandboxResponse {
  const address = parseUrlAddress(keyText, table);
  const { ifMatch, ifNoneMatch } = conditions(request.headers);
  const payload = readPayload(ctx, table, parseJsonBody(table, request.body));
  const existing = findAddressed(ctx, table, address);
  const wantsBody = preferences(request.headers).get('return') === 'representation';
  let id: string;
  let status: number;
  if (existing) {
    if (ifNoneMatch === '*') throw errors.alreadyExists();
    if (ifMatch && ifMatch !== '*' && ifMatch !== etagOf(existing)) throw errors.versionMismatch();
    // Addressed by key: key values in the body are removed before the update (Learn, "Use Upsert").
    if (address.kind === 'key') for (const c of address.key.columns) delete payload.values[c];
    updateRow(ctx, table, existing, payload.values);
    id = String(existing[table.primaryIdColumn]);
    status = 200;
  } else {
    if (ifMatch) throw notFound(table, address);
    const values = { ...payload.values };
    if (address.kind === 'key') {
      // Key values present in the body win on create; absent ones are copied from the URL.
      address.key.columns.forEach((c, i) => {
        if (values[c] === undefined) values[c] = address.values[i] ?? null;
      });
      id = createRow(ctx, table, values, payload.id);
    } else {
      id = createRow(ctx, table, values, address.id);
    }
    status = 201;
  }
  ctx.lastWrite = { table, id };
  if (wantsBody) return { ...representation(ctx, table, id, request, status), records: 1 };
  return { ...noContent({ 'OData-EntityId': entityUrl(ctx, table, address.kind === 'id' ? address.id : address.text) }), records: 1 };
}

export function retrieveRecord(ctx: HandlerContext, table: TableDef, keyText: string, request: SandboxRequest): SandboxResponse {
  const address = parseUrlAddress(keyText, table);
  const options = parseQueryOptions(request.query);
  checkSelect(table, options.select);
  const row = findAddressed(ctx, table, address);
  if (!row) throw notFound(table, address);
  const { ifNoneMatch } = conditions(request.headers);
  if (ifNoneMatch && ifNoneMatch === etagOf(row) && options.expand.length === 0) return { status: 304, headers: { ETag: etagOf(row) } };
  const annotations = (preferences(request.headers).get('odata.include-annotations') ?? '') !== '';
  const select = options.select ? `(${options.select.join(',')})` : '';
  const entity = toEntity(table, row, options.select, annotations);
  expandInto(ctx, table, row, entity, options.expand);
  return json(200, { '@odata.context': `${ctx.apiUrl}$metadata#${table.entitySetName}${select}/$entity`, ...entity }, { ETag: etagOf(row) });
}

export function deleteRecord(ctx: HandlerContext, table: TableDef, keyText: string, request: SandboxRequest): SandboxResponse {
  const address = parseUrlAddress(keyText, table);
  const row = findAddressed(ctx, table, address);
  if (!row) throw notFound(table, address);
  const { ifMatch } = conditions(request.headers);
  if (ifMatch && ifMatch !== '*' && ifMatch !== etagOf(row)) throw errors.versionMismatch();
  ctx.store.remove(table.logicalName, String(row[table.primaryIdColumn]));
  return { ...noContent(), records: 1 };
}

/** `$expand` of single-valued navigation properties: the related row (or null) inline. */
export function expandInto(
  ctx: HandlerContext,
  table: TableDef,
  row: StoredRow,
  entity: Record<string, unknown>,
  expand: { navigation: string; select?: string[] }[],
): void {
  for (const option of expand) {
    const nav = findNavigationOrFail(table, option.navigation);
    const target = ctx.store.table(nav.target);
    if (!target) throw errors.resourceNotFound(nav.target);
    checkSelect(target, option.select);
    const id = row[nav.column.logicalName];
    const type = row[typeColumn(nav.column.logicalName)];
    const related = typeof id === 'string' && type === nav.target ? ctx.store.get(target.logicalName, id) : undefined;
    entity[option.navigation] = related ? toEntity(target, related, option.select) : null;
  }
}

function findNavigationOrFail(table: TableDef, navigation: string) {
  const nav = findNavigation(table, navigation);
  if (!nav) throw errors.propertyNotFound(navigation, table.logicalName);
  return nav;
}
