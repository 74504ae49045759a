/**
 * JSON value ⇄ SQLite value for one column, with the type checks the Web API applies to a
 * payload. Throws `ValueError` (the caller names the table and turns it into the right
 * Dataverse error).
 */
import type { ColumnDef } from '../../../solution/src/schema/types';
import type { SqlValue } from './storage/store';

export class ValueError extends Error {}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** UTC ISO-8601 without milliseconds, as the Web API returns dates; DateOnly keeps the date. */
export function normalizeDate(value: unknown, dateOnly: boolean): string {
  if (typeof value !== 'string') throw new ValueError(`Cannot convert the literal '${String(value)}' to the expected type 'Edm.DateTimeOffset'.`);
  if (dateOnly && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new ValueError(`Cannot convert the literal '${value}' to the expected type 'Edm.DateTimeOffset'.`);
  const iso = new Date(time).toISOString();
  return dateOnly ? iso.slice(0, 10) : iso.replace(/\.\d{3}Z$/, 'Z');
}

export function toSqlValue(column: ColumnDef, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  const t = column.type;
  const expect = (ok: boolean, edm: string) => {
    if (!ok) throw new ValueError(`Cannot convert the literal '${JSON.stringify(value)}' to the expected type '${edm}'.`);
  };
  switch (t.kind) {
    case 'string':
    case 'memo':
      expect(typeof value === 'string', 'Edm.String');
      return value as string;
    case 'primarykey':
    case 'lookup':
    case 'owner':
      expect(typeof value === 'string' && GUID.test(value), 'Edm.Guid');
      return (value as string).toLowerCase();
    case 'integer':
    case 'choice':
    case 'state':
    case 'status':
      expect(typeof value === 'number' && Number.isInteger(value), 'Edm.Int32');
      return value as number;
    case 'decimal':
    case 'money':
      expect(typeof value === 'number' && Number.isFinite(value), 'Edm.Decimal');
      // Stored at the column's precision, as the platform's decimal columns do.
      return Number((value as number).toFixed(t.precision));
    case 'boolean':
      expect(typeof value === 'boolean', 'Edm.Boolean');
      return value ? 1 : 0;
    case 'datetime':
      return normalizeDate(value, t.behavior === 'DateOnly');
  }
}

export function fromSqlValue(column: ColumnDef, value: SqlValue | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (column.type.kind === 'boolean') return value === 1;
  return value;
}

/** Range and length checks that the platform reports as validation errors. */
export function checkRange(column: ColumnDef, value: SqlValue): string | undefined {
  if (value === null) return undefined;
  const t = column.type;
  if ((t.kind === 'string' || t.kind === 'memo') && typeof value === 'string' && value.length > t.maxLength) return 'length';
  if ((t.kind === 'integer' || t.kind === 'decimal') && typeof value === 'number') {
    if ((t.min !== undefined && value < t.min) || (t.max !== undefined && value > t.max)) return 'range';
  }
  return undefined;
}
