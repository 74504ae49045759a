/**
 * Reading one CSV row's cells as typed values. A cell that cannot be read yields an issue that
 * names file, line, column and fix, and the field is left empty; the row still becomes a record.
 */
import { LexError } from '../../errors';
import type { DirtRule } from '../../model/quality';

export interface CellIssue {
  error: LexError;
  rule?: DirtRule;
}

export type DateOrder = 'MDY' | 'DMY';

export class Row {
  readonly issues: CellIssue[] = [];
  constructor(
    readonly file: string,
    readonly line: number,
    private readonly cells: Map<string, string>,
    private readonly headers: Map<string, string>,
    readonly recordKey: string,
    private readonly dateOrder: DateOrder = 'MDY',
  ) {}

  /** Trimmed text, or undefined when the column is absent or the cell blank. */
  text(field: string): string | undefined {
    const value = this.cells.get(field)?.trim();
    return value ? value : undefined;
  }

  number(field: string): number | undefined {
    const value = this.text(field);
    if (value === undefined) return undefined;
    const n = Number(value.replace(/[$,\s]/g, '').replace(/^\((.*)\)$/, '-$1'));
    if (Number.isFinite(n)) return n;
    this.problem(field, value, 'is not a number', 'Use digits with a dot for decimals (1234.50).', 'LEX_SOURCE_CSV_BAD_NUMBER');
    return undefined;
  }

  bool(field: string): boolean | undefined {
    const value = this.text(field)?.toLowerCase();
    if (value === undefined) return undefined;
    if (['true', 'yes', 'y', '1'].includes(value)) return true;
    if (['false', 'no', 'n', '0'].includes(value)) return false;
    this.problem(field, value, 'is not yes/no', 'Use true/false or yes/no.', 'LEX_SOURCE_CSV_BAD_BOOLEAN');
    return undefined;
  }

  /** A value from a fixed list (case-insensitive); anything else is an issue and null. */
  choice<T extends string>(field: string, values: Record<string, T>): T | null | undefined {
    const value = this.text(field);
    if (value === undefined) return undefined;
    const mapped = values[value.toLowerCase()];
    if (mapped !== undefined) return mapped;
    this.problem(field, value, 'is not a known value', `Use one of: ${[...new Set(Object.keys(values))].join(', ')}; or add a value map for it in the profile.`, 'LEX_SOURCE_CSV_UNKNOWN_VALUE');
    return null;
  }

  /** A day: ISO `YYYY-MM-DD` or the firm's `MM/DD/YYYY` (DD/MM/YYYY with dateOrder DMY). */
  date(field: string): string | null | undefined {
    const value = this.text(field);
    if (value === undefined) return undefined;
    const day = parseDay(value, this.dateOrder);
    if (day) return day;
    this.problem(field, value, 'is not a date', `Use ${this.dateOrder === 'MDY' ? 'MM/DD/YYYY' : 'DD/MM/YYYY'} or YYYY-MM-DD with a real calendar day.`, 'LEX_SOURCE_CSV_BAD_DATE', 'bad-date');
    return null;
  }

  /** An instant: ISO 8601, or a day with an optional `HH:mm[:ss]` time (read as UTC). */
  instant(field: string, timeField?: string): string | null | undefined {
    const value = this.text(field);
    if (value === undefined) return undefined;
    const [dayPart = '', timePart] = timeField ? [value, this.text(timeField)] : value.split(/[ T](?=\d{1,2}:)/);
    if (!timeField && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString().replace('.000Z', 'Z');
    const day = parseDay(dayPart.trim(), this.dateOrder);
    const time = timePart === undefined ? '00:00:00' : /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(timePart.trim());
    if (day && time) {
      const [h = '0', m = '0', s = '0'] = typeof time === 'string' ? time.split(':') : time.slice(1);
      if (Number(h) < 24 && Number(m) < 60 && Number(s) < 60) return `${day}T${h.padStart(2, '0')}:${m.padStart(2, '0')}:${(s ?? '0').padStart(2, '0')}Z`;
    }
    this.problem(field, timeField ? `${value} ${timePart ?? ''}`.trim() : value, 'is not a date and time', 'Use MM/DD/YYYY HH:mm or ISO 8601.', 'LEX_SOURCE_CSV_BAD_DATE', 'bad-date');
    return null;
  }

  private problem(field: string, value: string, what: string, fix: string, code: string, rule?: DirtRule): void {
    const header = this.headers.get(field) ?? field;
    this.issues.push({
      rule,
      error: new LexError({
        code,
        message: `"${value}" in column "${header}" ${what}`,
        fix: `${fix} The record is kept with this field empty.`,
        location: { file: this.file, line: this.line, recordKey: this.recordKey, field: header },
      }),
    });
  }
}

export function parseDay(value: string, order: DateOrder): string | undefined {
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const slashed = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (slashed) {
    const [a, b] = [Number(slashed[1]), Number(slashed[2])];
    [y, m, d] = order === 'MDY' ? [Number(slashed[3]), a, b] : [Number(slashed[3]), b, a];
  } else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

/**
 * OWASP "CSV injection": a cell starting with = + - @ (or tab/CR) runs as a formula when the
 * file is opened in a spreadsheet. Numbers and phone numbers (`-70`, `+1 555 0100`) are not.
 */
export function looksLikeFormula(value: string): boolean {
  if (/^[=@\t\r]/.test(value)) return true;
  return /^[+-]/.test(value) && !/^[+-][\d\s().-]*$/.test(value);
}
