/**
 * The Lexbridge data model: custom tables, the native tables we use, global choices. Import
 * from here; never type a table or column name by hand (use `solution/generated/names.ts`).
 */
import { choices } from './choices';
import { customTables } from './tables/custom';
import { nativeTables } from './tables/native';
import type { SolutionSchema, TableDef } from './types';

export const schema: SolutionSchema = { tables: [...customTables, ...nativeTables], choices };

export function tableByLogicalName(logicalName: string, from: SolutionSchema = schema): TableDef | undefined {
  return from.tables.find((t) => t.logicalName === logicalName);
}

export * from './types';
export { navigationProperty, findColumn } from './columns';
