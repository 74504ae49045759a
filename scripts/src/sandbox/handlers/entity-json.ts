/**
 * A stored row as the Web API returns it: `@odata.etag`, lookups as `_x_value` (with
 * `lookuplogicalname` annotations when asked for), booleans as booleans, `$select` honoured.
 */
import type { TableDef } from '../../../../solution/src/schema/types';
import { resolveProperty } from '../odata/filter-sql';
import { typeColumn, type StoredRow } from '../storage/store';
import { fromSqlValue } from '../values';

export const etagOf = (row: StoredRow) => `W/"${row['versionnumber']}"`;

const propertyName = (logicalName: string, isLookup: boolean) => (isLookup ? `_${logicalName}_value` : logicalName);

/** Checks `$select` names up front, so an unknown one fails before anything runs. */
export function checkSelect(table: TableDef, select: string[] | undefined): void {
  for (const name of select ?? []) resolveProperty(table, name);
}

export function toEntity(table: TableDef, row: StoredRow, select?: string[], annotations = false): Record<string, unknown> {
  const entity: Record<string, unknown> = { '@odata.etag': etagOf(row) };
  const wanted = select && select.length ? new Set(select) : undefined;
  for (const column of table.columns) {
    const isLookup = column.type.kind === 'lookup' || column.type.kind === 'owner';
    const name = propertyName(column.logicalName, isLookup);
    if (wanted && !wanted.has(name) && column.logicalName !== table.primaryIdColumn) continue;
    const value = fromSqlValue(column, row[column.logicalName]);
    entity[name] = value;
    if (isLookup && annotations && value !== null) {
      entity[`${name}@Microsoft.Dynamics.CRM.lookuplogicalname`] = row[typeColumn(column.logicalName)];
    }
  }
  return entity;
}
