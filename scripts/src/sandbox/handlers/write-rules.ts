/**
 * From a JSON payload to the values to store, with the platform's rules: declared properties
 * only, `<nav>@odata.bind` to an existing row (by id, by alternate key, or `$n` in a change set),
 * owners must be enabled users, lengths and ranges, statecode/statuscode pairs, and
 * `overriddencreatedon` becoming `createdon` on create.
 */
import type { ColumnDef, TableDef } from '../../../../solution/src/schema/types';
import { errors } from '../errors';
import { parseAddress, parseEntityReference } from '../odata/address';
import { findNavigation } from '../odata/filter-sql';
import { typeColumn, type StoredRow } from '../storage/store';
import { checkRange, toSqlValue, ValueError } from '../values';
import type { HandlerContext } from './context';

export const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Find the row a reference names, or fail with the documented error for its form. */
export function resolveReference(ctx: HandlerContext, reference: string, expectedTable?: string, columns?: (table: TableDef) => readonly string[]): { table: TableDef; row: StoredRow } {
  // The whole row unless the caller names the columns it needs.
  const read = (table: TableDef, id: string) => (columns ? ctx.store.pick(table.logicalName, id, columns(table)) : ctx.store.get(table.logicalName, id));
  if (reference.startsWith('$')) {
    const target = ctx.contentIds?.get(reference.slice(1));
    if (!target) throw errors.contentIdMissing(reference);
    const row = read(target.table, target.id);
    if (!row) throw errors.objectDoesNotExist(target.table.schemaName, target.id);
    return { table: target.table, row };
  }
  const parsed = parseEntityReference(reference);
  if (!parsed) throw errors.badRequest(`The reference '${reference}' is not a valid entity URL.`, '0x80048d19');
  const table = ctx.store.tableBySet(parsed.entitySet);
  if (!table) throw errors.resourceNotFound(parsed.entitySet);
  if (expectedTable && table.logicalName !== expectedTable) {
    throw errors.badRequest(`The reference '${reference}' names a ${table.logicalName}, but the navigation property expects a ${expectedTable}.`, '0x80048d19');
  }
  const address = parseAddress(parsed.keyText, table);
  if (address.kind === 'id') {
    const row = read(table, address.id);
    if (!row) throw errors.objectDoesNotExist(table.schemaName, address.id);
    return { table, row };
  }
  if (ctx.store.keyStatus(table.logicalName, address.key.logicalName) === 'Failed') throw errors.keyNotActive(address.key.logicalName, table.logicalName);
  const row = ctx.store.findByKey(table.logicalName, address.key, address.values);
  if (!row) throw errors.recordNotFoundByKey(table.logicalName);
  return { table, row };
}

/** What a bind reads of the row it points at: its id, and whether a user is disabled. */
const bindColumns = (table: TableDef) => (table.logicalName === 'systemuser' ? [table.primaryIdColumn, 'isdisabled'] : [table.primaryIdColumn]);

const SERVER_MANAGED = new Set(['createdon', 'modifiedon', 'createdby', 'modifiedby', 'versionnumber']);

export interface PayloadValues {
  values: StoredRow;
  /** The primary key when the payload carries it. */
  id?: string;
}

export function readPayload(ctx: HandlerContext, table: TableDef, body: unknown): PayloadValues {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.payload(table.entitySetName, 'The request body must be a JSON object.');
  const values: StoredRow = {};
  let id: string | undefined;
  for (const [name, raw] of Object.entries(body as Record<string, unknown>)) {
    if (name.endsWith('@odata.bind')) {
      const nav = name.slice(0, -'@odata.bind'.length);
      const found = findNavigation(table, nav);
      if (!found) throw errors.undeclaredProperty(table.entitySetName, nav);
      if (found.column.readOnly || SERVER_MANAGED.has(found.column.logicalName)) {
        throw errors.payload(table.entitySetName, `The property '${nav}' is read-only (set by the platform).`);
      }
      if (raw === null) {
        values[found.column.logicalName] = null;
        values[typeColumn(found.column.logicalName)] = null;
        continue;
      }
      if (typeof raw !== 'string') throw errors.payload(table.entitySetName, `The value of '${name}' must be an entity URL string.`);
      const target = resolveReference(ctx, raw, found.target, bindColumns);
      if (found.column.type.kind === 'owner' && target.row['isdisabled'] === 1) throw errors.userDisabled(String(target.row['systemuserid']));
      values[found.column.logicalName] = target.row[target.table.primaryIdColumn] ?? null;
      values[typeColumn(found.column.logicalName)] = target.table.logicalName;
      continue;
    }
    if (name.includes('@')) continue; // instance annotations such as @odata.type, @odata.etag
    const column = table.columns.find((c) => c.logicalName === name);
    if (!column) throw errors.invalidProperty(name, table.logicalName);
    if ((column.type.kind === 'lookup' || column.type.kind === 'owner') && raw !== null && typeof raw === 'object') {
      throw errors.notImplemented(`deep insert (a related row inline in '${name}'); create it first and use @odata.bind`);
    }
    if (column.type.kind === 'lookup' || column.type.kind === 'owner') {
      // Documented way to clear a lookup: `"parentaccountid": null`. Any other value needs a bind.
      if (raw !== null) throw errors.invalidProperty(name, table.logicalName);
      values[column.logicalName] = null;
      values[typeColumn(column.logicalName)] = null;
      continue;
    }
    if (column.readOnly || SERVER_MANAGED.has(name)) throw errors.payload(table.entitySetName, `The property '${name}' is read-only (set by the platform).`);
    const value = convert(table, column, raw);
    if (column.type.kind === 'choice' && value !== null) checkChoice(ctx, table, column, value as number);
    if (column.type.kind === 'primarykey') {
      id = value as string;
      continue;
    }
    values[name] = value;
  }
  return id === undefined ? { values } : { values, id };
}

/** A choice value must be one of its option set's values (the platform rejects others). */
function checkChoice(ctx: HandlerContext, table: TableDef, column: ColumnDef, value: number): void {
  if (column.type.kind !== 'choice') return;
  const choice = ctx.store.choice(column.type.choice);
  if (!choice || choice.options.some((o) => o.value === value)) return;
  throw errors.badRequest(
    `A validation error occurred. The value ${value} of '${column.logicalName}' on record of type '${table.logicalName}' is outside the valid range. Accepted Values: ${choice.options.map((o) => o.value).join(',')}`,
    '0x80044331',
  );
}

function convert(table: TableDef, column: ColumnDef, raw: unknown) {
  let value;
  try {
    value = toSqlValue(column, raw);
  } catch (error) {
    if (error instanceof ValueError) throw errors.payload(table.entitySetName, `Microsoft.OData.ODataException: ${error.message} (property '${column.logicalName}')`);
    throw error;
  }
  const problem = checkRange(column, value);
  if (problem === 'length') throw errors.tooLong(column.logicalName, table.logicalName, (column.type as { maxLength: number }).maxLength);
  if (problem === 'range') throw errors.badRequest(`A validation error occurred. The value ${String(value)} of '${column.logicalName}' on record of type '${table.logicalName}' is outside the valid range.`, '0x80044331');
  return value;
}

/** Tables the platform creates in their first state only (activities, invoice). */
const createsOpenOnly = (table: TableDef) => table.isActivity === true || table.logicalName === 'invoice';

/** statecode/statuscode: defaults, pairs from the schema, and states that need their own message. */
export function applyStateRules(table: TableDef, values: StoredRow, existing: StoredRow | undefined): void {
  if (!table.states) return;
  const given = (name: string) => (name in values && values[name] !== null ? (values[name] as number) : undefined);
  const incomingState = given('statecode');
  const incomingStatus = given('statuscode');
  if (existing && incomingState === undefined && incomingStatus === undefined) return;
  const firstState = table.states[0]!;
  if (!existing && createsOpenOnly(table) && incomingState !== undefined && incomingState !== firstState.value) {
    // Activities and invoices are created in their first state; the state is changed by an update.
    throw errors.invalidStatus(incomingStatus ?? incomingState, table.schemaName, firstState.name.replace(/\s/g, ''), table.logicalName);
  }
  const stateValue = incomingState ?? (existing?.['statecode'] as number | undefined) ?? 0;
  const state = table.states.find((s) => s.value === stateValue);
  if (!state) throw errors.badRequest(`${stateValue} is not a valid state code on ${table.logicalName}.`, '0x80048408');
  const stateChanged = existing ? existing['statecode'] !== stateValue : stateValue !== 0;
  const statusValue =
    incomingStatus ?? (stateChanged || !existing ? state.statuses[0]!.value : (existing['statuscode'] as number));
  if (!state.statuses.some((s) => s.value === statusValue)) throw errors.invalidStatus(statusValue, table.schemaName, state.name.replace(/\s/g, ''), table.logicalName);
  const message = table.statesNeedingMessage?.[stateValue];
  if (message && stateChanged) throw errors.stateNeedsMessage(table.logicalName, state.name, message);
  values['statecode'] = stateValue;
  values['statuscode'] = statusValue;
}

const has = (table: TableDef, name: string) => table.columns.some((c) => c.logicalName === name);

/** Platform columns set on create: dates, creator, owner, and the `overriddencreatedon` swap. */
export function applyCreateDefaults(ctx: HandlerContext, table: TableDef, values: StoredRow): void {
  const now = nowIso();
  if (has(table, 'createdon')) {
    const overridden = values['overriddencreatedon'];
    // Dataverse stores the supplied date as createdon and the actual time as overriddencreatedon.
    values['createdon'] = typeof overridden === 'string' ? overridden : now;
    if (typeof overridden === 'string') values['overriddencreatedon'] = now;
  }
  if (has(table, 'modifiedon')) values['modifiedon'] = now;
  for (const name of ['createdby', 'modifiedby']) {
    if (has(table, name)) {
      values[name] = ctx.callerId;
      values[typeColumn(name)] = 'systemuser';
    }
  }
  if (has(table, 'ownerid') && (values['ownerid'] === undefined || values['ownerid'] === null)) {
    values['ownerid'] = ctx.callerId;
    values[typeColumn('ownerid')] = 'systemuser';
  }
}

export function applyUpdateDefaults(ctx: HandlerContext, table: TableDef, values: StoredRow): void {
  // overriddencreatedon is only honoured on create; the platform ignores it on update.
  delete values['overriddencreatedon'];
  if (has(table, 'modifiedon')) values['modifiedon'] = nowIso();
  if (has(table, 'modifiedby')) {
    values['modifiedby'] = ctx.callerId;
    values[typeColumn('modifiedby')] = 'systemuser';
  }
  if ('ownerid' in values && values['ownerid'] === null) throw errors.badRequest('ownerid cannot be cleared; assign the row to another user instead.');
}

/**
 * Columns the platform computes and the migration reads back: `fullname` from first and last
 * name (contact, systemuser), and a note's `isdocument`/`filesize` from its attachment.
 */
export function applyComputedColumns(table: TableDef, target: StoredRow, merged: StoredRow): void {
  const computed = (name: string) => table.columns.some((c) => c.logicalName === name && c.readOnly);
  if (computed('fullname') && ('firstname' in target || 'lastname' in target)) {
    target['fullname'] = [merged['firstname'], merged['lastname']].filter((v) => typeof v === 'string' && v).join(' ') || null;
  }
  // Also on a create without an attachment: the platform stores false, never null (a later update would differ).
  if (computed('isdocument') && ('documentbody' in target || merged['isdocument'] == null)) {
    const body = merged['documentbody'];
    target['isdocument'] = typeof body === 'string' && body ? 1 : 0;
    if (computed('filesize')) target['filesize'] = typeof body === 'string' && body ? Buffer.from(body, 'base64').length : null;
  }
}
