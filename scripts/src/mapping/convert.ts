/**
 * Converting a source value to what a target column takes, driven by the column's type in the
 * schema. Each converter returns the value or a `Rejection` (a reason), never throws: the engine
 * turns rejections into data errors on the record.
 */
import type { ChoiceDef, ColumnDef } from '../../../solution/src/schema';
import type { ColumnValue } from './target-op';

export class Rejection {
  constructor(
    readonly reason: string,
    readonly code = 'LEX_MAP_BAD_VALUE',
  ) {}
}

export type Converter = (value: unknown) => ColumnValue | Rejection;

const MONEY_NOISE = /[\s,$€£¥A-Za-z]/g;

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  let text = value.trim();
  // Accounting negatives: (1,234.50)
  const negative = /^\(.*\)$/.test(text);
  if (negative) text = text.slice(1, -1);
  text = text.replace(MONEY_NOISE, '');
  if (text === '' || !/^[-+]?\d*\.?\d+(e[-+]?\d+)?$/i.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? (negative ? -n : n) : undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:$|\s)/;

/** ISO 8601 (date or date-time) or M/D/YYYY (Clio's US exports) → Date. */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` that names a real day, checked without building a Date (the common case, kept cheap). */
export function isCalendarDay(text: string): boolean {
  if (text.length !== 10 || text[4] !== '-' || text[7] !== '-') return false;
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && !leap ? 28 : DAYS_IN_MONTH[m - 1]!);
}

export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const us = US_DATE.exec(text);
  if (us) {
    const [, m, d, y] = us;
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    return date.getUTCMonth() === Number(m) - 1 ? date : undefined;
  }
  const iso = ISO_DATE.exec(text);
  if (!iso) return undefined;
  const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject 2024-02-31 and the like, which Date silently rolls over.
  if (text.length === 10 && date.getUTCDate() !== Number(iso[3])) return undefined;
  return date;
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'billable', 'on', 'x']);
const FALSE = new Set(['false', 'no', 'n', '0', 'non-billable', 'off', '']);

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `"${text.slice(0, 57)}…"` : `"${text}"`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function converterFor(column: ColumnDef, choices: readonly ChoiceDef[], truncate = false): Converter {
  const type = column.type;
  switch (type.kind) {
    case 'string':
    case 'memo': {
      const max = type.maxLength;
      const isJson = type.kind === 'memo' && type.format === 'json';
      const isEmail = type.kind === 'string' && type.format === 'email';
      return (value) => {
        const text = typeof value === 'string' ? value : isJson || typeof value === 'object' ? JSON.stringify(value) : String(value);
        if (isEmail && !EMAIL.test(text)) return new Rejection(`${describe(value)} is not an email address`);
        if (text.length <= max) return text;
        if (truncate && !isJson) return text.slice(0, max);
        return new Rejection(`${text.length} characters, the column takes ${max}`, 'LEX_MAP_TOO_LONG');
      };
    }
    case 'integer':
      return (value) => {
        const n = toNumber(value);
        if (n === undefined || !Number.isInteger(n)) return new Rejection(`${describe(value)} is not a whole number`);
        if ((type.min !== undefined && n < type.min) || (type.max !== undefined && n > type.max))
          return new Rejection(`${n} is outside ${type.min}…${type.max}`);
        return n;
      };
    case 'decimal':
    case 'money': {
      const f = 10 ** type.precision;
      const range = type.kind === 'decimal' ? type : undefined;
      return (value) => {
        const n = toNumber(value);
        if (n === undefined) return new Rejection(`${describe(value)} is not a number`);
        if (range && ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)))
          return new Rejection(`${n} is outside ${range.min}…${range.max}`);
        return Math.round(n * f) / f;
      };
    }
    case 'datetime': {
      const dateOnly = type.behavior === 'DateOnly';
      return (value) => {
        if (dateOnly && typeof value === 'string' && isCalendarDay(value)) return value;
        const date = toDate(value);
        if (!date) return new Rejection(`${describe(value)} is not a date (use ISO 8601, YYYY-MM-DD or M/D/YYYY)`);
        // DateOnly keeps the calendar date the source shows, whatever the time zone.
        if (dateOnly) return typeof value === 'string' && ISO_DATE.test(value) ? value.slice(0, 10) : date.toISOString().slice(0, 10);
        return date.toISOString();
      };
    }
    case 'boolean':
      return (value) => {
        if (typeof value === 'boolean') return value;
        const text = String(value).trim().toLowerCase();
        if (TRUE.has(text)) return true;
        if (FALSE.has(text)) return false;
        return new Rejection(`${describe(value)} is not yes/no`);
      };
    case 'choice': {
      const def = choices.find((c) => c.name === type.choice);
      const byText = new Map<string, number>();
      for (const o of def?.options ?? []) {
        byText.set(o.name.toLowerCase(), o.value);
        byText.set(o.label.toLowerCase(), o.value);
      }
      const values = new Set(def?.options.map((o) => o.value));
      return (value) => {
        if (typeof value === 'number' && values.has(value)) return value;
        const hit = byText.get(String(value).trim().toLowerCase());
        if (hit !== undefined) return hit;
        return new Rejection(
          `${describe(value)} is not an option of ${type.choice} (${def?.options.map((o) => o.label).join(', ')})`,
          'LEX_MAP_UNMAPPED_VALUE',
        );
      };
    }
    default:
      return () => new Rejection(`column ${column.logicalName} (${type.kind}) is not written through "columns"`, 'LEX_PROFILE_INVALID');
  }
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'string') return false;
  // Runs for every value mapped: a string starting with a visible ASCII character is not blank,
  // and saying so needs no trimmed copy.
  const first = value.charCodeAt(0);
  if (first > 0x20 && first < 0x7f) return false;
  return value.trim() === '';
}
