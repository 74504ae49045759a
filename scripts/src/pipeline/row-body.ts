/**
 * From a TargetOp to the JSON body the Web API takes, and from a row the Web API returns back to
 * a TargetOp (for restoring before-images). Names come from the schema: navigation properties
 * via `navigationProperty`, entity sets from the table definitions. Pure: no I/O.
 */
import { LexError } from '../errors';
import type { ColumnValue, LookupValue, TargetOp } from '../mapping/target-op';
import { navigationProperty, schema as defaultSchema, tableByLogicalName } from '../../../solution/src/schema';
import type { ColumnDef, SolutionSchema, TableDef } from '../../../solution/src/schema';

export type Row = Record<string, unknown>;

export function tableOf(name: string, from: SolutionSchema = defaultSchema): TableDef {
  const table = tableByLogicalName(name, from);
  if (!table) throw new LexError({ code: 'LEX_PLAN_UNKNOWN_TABLE', message: `Table "${name}" is not in the Lexbridge schema`, fix: 'Use a table defined in solution/src/schema.' });
  return table;
}

/** `/accounts(<id>)`: the reference a lookup binds to. */
export function rowReference(table: string, id: string, from: SolutionSchema = defaultSchema): string {
  return `/${tableOf(table, from).entitySetName}(${id})`;
}

/** `_parentcustomerid_value`: how the Web API returns a lookup. */
export const lookupProperty = (column: string) => `_${column}_value`;
export const LOOKUP_TABLE_ANNOTATION = '@Microsoft.Dynamics.CRM.lookuplogicalname';

export interface BodyOptions {
  /** The row does not exist yet: `overriddencreatedon` is only honoured on create. */
  isNew: boolean;
  schema?: SolutionSchema;
}

/**
 * The upsert body for an op. On create, the original creation date goes to `overriddencreatedon`
 * (Dataverse then shows it as `createdon`); on update it is left out, since the platform ignores it.
 */
export function upsertBody(op: TargetOp, options: BodyOptions): Row {
  const from = options.schema ?? defaultSchema;
  const table = tableOf(op.table, from);
  const has = (name: string) => table.columns.some((c) => c.logicalName === name);
  const body: Row = {};
  for (const [name, value] of Object.entries(op.columns)) {
    if (name === 'overriddencreatedon' && !options.isNew) continue;
    body[name] = value;
  }
  if (options.isNew && has('overriddencreatedon') && body.overriddencreatedon === undefined && typeof op.columns.lex_originalcreatedon === 'string') {
    body.overriddencreatedon = op.columns.lex_originalcreatedon;
  }
  for (const [name, value] of Object.entries(op.lookups)) {
    const column = table.columns.find((c) => c.logicalName === name)!;
    // Documented way to clear a lookup: the column itself set to null.
    if (value === null) body[name] = null;
    else body[`${navigationProperty(column, value.table)}@odata.bind`] = rowReference(value.table, value.id, from);
  }
  if (op.ownerId && has('ownerid')) body['ownerid@odata.bind'] = rowReference('systemuser', op.ownerId, from);
  if (op.state) {
    body.statecode = op.state.statecode;
    body.statuscode = op.state.statuscode;
  }
  return body;
}

/** What a before-image reads: every column the loader can write back, lookups as `_x_value`. */
export function restorableColumns(table: TableDef): ColumnDef[] {
  return table.columns.filter(
    (c) => !c.readOnly && c.type.kind !== 'primarykey' && c.logicalName !== 'overriddencreatedon',
  );
}

export function selectFor(table: TableDef): string[] {
  return [table.primaryIdColumn, ...restorableColumns(table).map((c) => (c.type.kind === 'lookup' || c.type.kind === 'owner' ? lookupProperty(c.logicalName) : c.logicalName))];
}

/**
 * A before-image back as an op that writes every restorable column to its old value. Lookups
 * need their table: single-target lookups know it, polymorphic ones read the
 * `lookuplogicalname` annotation the loader keeps in the image.
 */
export function opFromRow(tableName: string, id: string, row: Row, from: SolutionSchema = defaultSchema): TargetOp {
  const table = tableOf(tableName, from);
  const columns: Record<string, ColumnValue> = {};
  const lookups: Record<string, LookupValue | null> = {};
  let ownerId: string | undefined;
  let state: TargetOp['state'];
  for (const column of restorableColumns(table)) {
    const kind = column.type.kind;
    if (kind === 'owner') {
      const value = row[lookupProperty(column.logicalName)];
      if (typeof value === 'string') ownerId = value;
      continue;
    }
    if (kind === 'state' || kind === 'status') continue;
    if (column.type.kind === 'lookup') {
      const property = lookupProperty(column.logicalName);
      if (!(property in row)) continue;
      const value = row[property];
      if (typeof value !== 'string') {
        lookups[column.logicalName] = null;
        continue;
      }
      const targets = column.type.targets;
      const target = targets.length === 1 ? targets[0]! : row[`${property}${LOOKUP_TABLE_ANNOTATION}`];
      if (typeof target !== 'string') {
        throw new LexError({ code: 'LEX_ROLLBACK_LOOKUP_TABLE', message: `The before-image of ${tableName} ${id} does not say which table ${column.logicalName} points at`, fix: 'The journal is incomplete for this row; restore the lookup by hand, or run rollback with --force to restore the other columns.', location: { recordKey: `${tableName}:${id}`, field: column.logicalName } });
      }
      lookups[column.logicalName] = { table: target, id: value };
      continue;
    }
    if (column.logicalName in row) columns[column.logicalName] = (row[column.logicalName] ?? null) as ColumnValue;
  }
  if (typeof row.statecode === 'number' && typeof row.statuscode === 'number') state = { statecode: row.statecode, statuscode: row.statuscode };
  return {
    table: tableName,
    targetKey: `${tableName}:${id}`,
    sourceKey: `restore:${tableName}:${id}`,
    id,
    preExisting: true,
    columns,
    lookups,
    ...(ownerId ? { ownerId } : {}),
    ...(state ? { state } : {}),
  };
}
