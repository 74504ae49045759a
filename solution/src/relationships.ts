/**
 * The one-to-many relationships behind the solution's lookup columns, named once here so that
 * customizations.xml and the metadata Web API requests create the same relationships.
 */
import type { ColumnDef, SolutionSchema, TableDef } from './schema/types';

export interface RelationshipDef {
  /** `lex_<target>_<table>_<column without prefix>`: unique in the org, prefixed, deterministic. */
  name: string;
  /** The table holding the lookup column (many side). */
  referencing: TableDef;
  column: ColumnDef;
  /** The table looked up (one side). */
  referenced: TableDef;
  /** Several targets (Customer: account + contact) share one lookup column. */
  polymorphic: boolean;
}

export function relationshipName(prefix: string, table: string, column: string, target: string): string {
  const bare = column.startsWith(`${prefix}_`) ? column.slice(prefix.length + 1) : column;
  return `${prefix}_${target}_${table}_${bare}`;
}

/** Relationships the solution adds: one per target of every lookup column with origin `solution`. */
export function solutionRelationships(schema: SolutionSchema, prefix: string): RelationshipDef[] {
  const byName = new Map(schema.tables.map((t) => [t.logicalName, t]));
  const out: RelationshipDef[] = [];
  for (const table of schema.tables) {
    for (const column of table.columns) {
      if (column.origin !== 'solution' || column.type.kind !== 'lookup') continue;
      for (const target of column.type.targets) {
        const referenced = byName.get(target);
        if (!referenced) continue; // validateSchema reports unknown targets
        out.push({
          name: relationshipName(prefix, table.logicalName, column.logicalName, target),
          referencing: table,
          column,
          referenced,
          polymorphic: column.type.targets.length > 1,
        });
      }
    }
  }
  return out;
}
