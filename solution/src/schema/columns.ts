/**
 * Small builders that keep the table definitions readable. Schema names are derived from the
 * display name (`Matter Number` → `lex_MatterNumber`) and checked against the logical name by
 * `validateSchema`, so a typo cannot give a column two spellings.
 */
import type { ColumnDef, ColumnType, KeyDef, RequiredLevel, TableDef } from './types';

export interface ColumnOptions {
  description?: string;
  required?: RequiredLevel;
  schemaName?: string;
  readOnly?: boolean;
}

function pascal(words: string): string {
  return words
    .replace(/[^A-Za-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `lex_matternumber` + `Matter Number` → `lex_MatterNumber`; other names keep their own case. */
export function deriveSchemaName(logicalName: string, displayName: string): string {
  const sep = logicalName.indexOf('_');
  if (sep < 0) return logicalName;
  const prefix = logicalName.slice(0, sep + 1);
  const candidate = prefix + pascal(displayName);
  return candidate.toLowerCase() === logicalName ? candidate : logicalName;
}

function make(origin: ColumnDef['origin']) {
  return (logicalName: string, displayName: string, type: ColumnType, options: ColumnOptions = {}): ColumnDef => ({
    logicalName,
    schemaName: options.schemaName ?? deriveSchemaName(logicalName, displayName),
    displayName,
    description: options.description ?? displayName,
    type,
    required: options.required ?? 'none',
    origin,
    ...(options.readOnly ? { readOnly: true } : {}),
  });
}

/** A column Lexbridge adds to a table. */
export const column = make('solution');
/** A column every Dataverse environment already has on a native table. */
export const platformColumn = make('platform');

export const text = (maxLength: number, format: 'text' | 'email' | 'phone' | 'url' = 'text'): ColumnType => ({
  kind: 'string',
  maxLength,
  format,
});
export const memo = (maxLength: number, format: 'text' | 'json' = 'text'): ColumnType => ({ kind: 'memo', maxLength, format });
export const integer = (min = -2147483648, max = 2147483647): ColumnType => ({ kind: 'integer', min, max });
export const decimal = (precision: number, min = -100000000000, max = 100000000000): ColumnType => ({
  kind: 'decimal',
  precision,
  min,
  max,
});
export const money = (precision = 2): ColumnType => ({ kind: 'money', precision });
export const dateOnly = (): ColumnType => ({ kind: 'datetime', behavior: 'DateOnly' });
export const dateTime = (): ColumnType => ({ kind: 'datetime', behavior: 'UserLocal' });
export const yesNo = (defaultValue = false, trueLabel = 'Yes', falseLabel = 'No'): ColumnType => ({
  kind: 'boolean',
  trueLabel,
  falseLabel,
  defaultValue,
});
export const choice = (name: string): ColumnType => ({ kind: 'choice', choice: name });
export const lookup = (targets: readonly string[], navigation?: Record<string, string>): ColumnType => ({
  kind: 'lookup',
  targets,
  ...(navigation ? { navigation } : {}),
});

export function key(logicalName: string, displayName: string, columns: readonly string[]): KeyDef {
  return { logicalName, schemaName: deriveSchemaName(logicalName, displayName), displayName, columns };
}

/**
 * The single-valued navigation property used in `<nav>@odata.bind` and `$expand` for a lookup
 * column and one of its targets. Default rule (Microsoft Learn, "Associate table rows on
 * create"): a single-target lookup is addressed by its schema name (custom) or logical name
 * (platform); a polymorphic one appends `_<target>`. Platform lookups with other names say so
 * in `navigation`.
 */
export function navigationProperty(column: ColumnDef, target: string): string {
  if (column.type.kind !== 'lookup') throw new Error(`${column.logicalName} is not a lookup column`);
  const explicit = column.type.navigation?.[target];
  if (explicit) return explicit;
  const base = column.origin === 'solution' ? column.schemaName : column.logicalName;
  return column.type.targets.length > 1 ? `${base}_${target}` : base;
}

export function findColumn(table: TableDef, logicalName: string): ColumnDef | undefined {
  return table.columns.find((c) => c.logicalName === logicalName);
}
