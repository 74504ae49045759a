/**
 * Checks the schema definition before anything is rendered, so a bad definition fails the build
 * with the table/column and the rule instead of failing an import in a customer's tenant.
 * Limits: notes/solution-format.md §6 (alternate keys: Microsoft Learn "Define alternate keys";
 * 15 custom tables: Dynamics 365 licensing guide, Sales Professional).
 */
import { LexError } from '../../scripts/src/errors';
import type { ColumnDef, ColumnKind, PublisherDef, SolutionSchema, TableDef } from './schema/types';

export const MAX_CUSTOM_TABLES = 15;
export const MAX_KEYS_PER_TABLE = 10;
export const MAX_COLUMNS_PER_KEY = 16;
export const MAX_KEY_BYTES = 900;
export const KEYABLE_KINDS: readonly ColumnKind[] = ['string', 'integer', 'decimal', 'datetime', 'lookup', 'choice'];

export type SchemaRule =
  | 'duplicate-table'
  | 'duplicate-column'
  | 'duplicate-key'
  | 'duplicate-choice'
  | 'key-column-type'
  | 'key-column-missing'
  | 'key-limits'
  | 'keys-not-supported'
  | 'prefix'
  | 'custom-table-limit'
  | 'schema-name'
  | 'unknown-choice'
  | 'unknown-lookup-target';

export interface SchemaIssue {
  rule: SchemaRule;
  table?: string;
  column?: string;
  message: string;
}

/** Index size of a key column in SQL Server terms (nvarchar: 2 bytes a character). */
function keyBytes(column: ColumnDef): number {
  switch (column.type.kind) {
    case 'string':
      return column.type.maxLength * 2;
    case 'decimal':
      return 17;
    case 'datetime':
      return 8;
    case 'lookup':
      return 16;
    default:
      return 4;
  }
}

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) dups.add(name);
    seen.add(name);
  }
  return [...dups];
}

export function validateSchema(schema: SolutionSchema, publisher: Pick<PublisherDef, 'prefix'>): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const prefix = `${publisher.prefix}_`;
  const tableNames = new Set(schema.tables.map((t) => t.logicalName));
  const choiceNames = new Set(schema.choices.map((c) => c.name));

  for (const name of duplicates(schema.tables.map((t) => t.logicalName))) {
    issues.push({ rule: 'duplicate-table', table: name, message: `table ${name} is defined more than once` });
  }
  for (const name of duplicates(schema.choices.map((c) => c.name))) {
    issues.push({ rule: 'duplicate-choice', message: `choice ${name} is defined more than once` });
  }
  for (const choice of schema.choices) {
    if (!choice.name.startsWith(prefix)) {
      issues.push({ rule: 'prefix', message: `choice ${choice.name} must start with the publisher prefix "${prefix}"` });
    }
  }

  const custom = schema.tables.filter((t) => t.origin === 'custom');
  if (custom.length > MAX_CUSTOM_TABLES) {
    issues.push({
      rule: 'custom-table-limit',
      message: `${custom.length} custom tables: Dynamics 365 Sales Professional allows at most ${MAX_CUSTOM_TABLES} (${custom.map((t) => t.logicalName).join(', ')})`,
    });
  }

  for (const table of schema.tables) issues.push(...validateTable(table, prefix, tableNames, choiceNames));
  return issues;
}

function validateTable(table: TableDef, prefix: string, tableNames: Set<string>, choiceNames: Set<string>): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const t = table.logicalName;
  const at = (rule: SchemaRule, message: string, column?: string) =>
    issues.push({ rule, table: t, ...(column ? { column } : {}), message: `${t}${column ? `.${column}` : ''}: ${message}` });

  if (table.origin === 'custom' && !t.startsWith(prefix)) at('prefix', `custom table names must start with the publisher prefix "${prefix}"`);
  if (table.schemaName.toLowerCase() !== t) at('schema-name', `schema name ${table.schemaName} does not match the logical name (case-insensitively)`);

  for (const name of duplicates(table.columns.map((c) => c.logicalName))) at('duplicate-column', 'column is defined more than once', name);

  for (const column of table.columns) {
    const c = column.logicalName;
    if (column.origin === 'solution' && !c.startsWith(prefix)) at('prefix', `columns the solution adds must start with the publisher prefix "${prefix}"`, c);
    if (column.schemaName.toLowerCase() !== c) at('schema-name', `schema name ${column.schemaName} does not match the logical name (case-insensitively)`, c);
    if (column.type.kind === 'choice' && !choiceNames.has(column.type.choice)) {
      at('unknown-choice', `refers to choice ${column.type.choice}, which the schema does not define`, c);
    }
    if (column.type.kind === 'lookup') {
      for (const target of column.type.targets) {
        if (!tableNames.has(target)) at('unknown-lookup-target', `looks up table ${target}, which the schema does not define`, c);
      }
    }
  }

  if (table.keys.length > 0 && !table.alternateKeys.supported) {
    at('keys-not-supported', `defines alternate keys but the table cannot carry them (${table.alternateKeys.reason})`);
  }
  if (table.keys.length > MAX_KEYS_PER_TABLE) at('key-limits', `${table.keys.length} alternate keys; at most ${MAX_KEYS_PER_TABLE} per table`);
  for (const name of duplicates(table.keys.map((k) => k.logicalName))) at('duplicate-key', `alternate key ${name} is defined more than once`);

  for (const key of table.keys) {
    if (!key.logicalName.startsWith(prefix)) at('prefix', `alternate key ${key.logicalName} must start with the publisher prefix "${prefix}"`);
    if (key.schemaName.toLowerCase() !== key.logicalName) {
      at('schema-name', `alternate key schema name ${key.schemaName} does not match its logical name ${key.logicalName}`);
    }
    if (key.columns.length > MAX_COLUMNS_PER_KEY) at('key-limits', `alternate key ${key.logicalName} has ${key.columns.length} columns; at most ${MAX_COLUMNS_PER_KEY}`);
    let bytes = 0;
    for (const name of key.columns) {
      const column = table.columns.find((c) => c.logicalName === name);
      if (!column) {
        at('key-column-missing', `alternate key ${key.logicalName} names a column the table does not have`, name);
        continue;
      }
      bytes += keyBytes(column);
      if (!KEYABLE_KINDS.includes(column.type.kind)) {
        at('key-column-type', `alternate key ${key.logicalName} cannot use a ${column.type.kind} column (allowed: ${KEYABLE_KINDS.join(', ')})`, name);
      }
    }
    if (bytes > MAX_KEY_BYTES) at('key-limits', `alternate key ${key.logicalName} is ${bytes} bytes; at most ${MAX_KEY_BYTES}`);
  }
  return issues;
}

/** Throws one LexError listing every issue; the build stops before rendering anything. */
export function assertValidSchema(schema: SolutionSchema, publisher: Pick<PublisherDef, 'prefix'>): void {
  const issues = validateSchema(schema, publisher);
  if (issues.length === 0) return;
  const first = issues[0]!;
  throw new LexError({
    code: 'LEX_SOLUTION_SCHEMA_INVALID',
    message: `the solution schema breaks ${issues.length} rule(s):\n${issues.map((i) => `  [${i.rule}] ${i.message}`).join('\n')}`,
    fix: 'correct the definitions in solution/src/schema/ (tables/*.ts, choices.ts) and build again',
    location: { file: 'solution/src/schema', ...(first.table ? { recordKey: first.table } : {}), ...(first.column ? { field: first.column } : {}) },
  });
}
