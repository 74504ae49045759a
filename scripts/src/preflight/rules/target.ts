/**
 * The environment the profile writes to: tables and columns it needs (from EntityDefinitions),
 * and the custom-table ceiling of the licence.
 */
import { schema, type SolutionSchema } from '../../../../solution/src/schema';
import { CUSTOM_FIELDS_JSON, PROVENANCE } from '../../mapping/columns';
import type { Profile } from '../../mapping/profile';
import type { EnvironmentFacts } from '../checks';
import type { FindingSink } from '../findings';

/** Columns each target table of the profile needs in the environment. */
export function requiredColumns(profile: Profile, solution: SolutionSchema = schema): Map<string, Set<string>> {
  const needed = new Map<string, Set<string>>();
  const need = (table: string, column: string) => {
    let set = needed.get(table);
    if (!set) needed.set(table, (set = new Set()));
    set.add(column);
  };
  for (const { targets } of Object.values(profile.entities)) {
    for (const t of targets) {
      const def = solution.tables.find((x) => x.logicalName === t.table);
      for (const c of Object.keys(t.columns)) need(t.table, c);
      for (const c of Object.keys(t.lookups)) need(t.table, c);
      if (t.status?.column) need(t.table, t.status.column);
      if (t.customFields && def?.columns.some((c) => c.logicalName === CUSTOM_FIELDS_JSON)) need(t.table, CUSTOM_FIELDS_JSON);
      if (t.provenance ?? def?.provenance) for (const c of [PROVENANCE.sourceKey, PROVENANCE.sourceSystem, PROVENANCE.sourceId, PROVENANCE.snapshot]) need(t.table, c);
    }
  }
  for (const target of Object.values(profile.customFields)) if ('column' in target) need(target.table, target.column);
  return needed;
}

export function checkTarget(environment: EnvironmentFacts, profile: Profile, customTableLimit: number, solution: SolutionSchema, add: FindingSink): void {
  const ours = solution.tables.filter((t) => t.origin === 'custom').map((t) => t.logicalName);
  if (environment.tables) {
    const needed = requiredColumns(profile, solution);
    const missingOurs = [...needed.keys()].filter((t) => ours.includes(t) && !environment.tables!.has(t));
    if (missingOurs.length)
      add({
        rule: 'missing-table',
        severity: 'blocking',
        location: { table: missingOurs.join(', ') },
        message: `the Lexbridge tables ${missingOurs.join(', ')} are not in the environment`,
        fix: 'Import the Lexbridge solution first: `lexbridge solution deploy --env <url|name>` (or import Lexbridge_managed.zip in the maker portal).',
      });
    for (const [table, columns] of needed) {
      const present = environment.tables.get(table);
      if (!present) {
        if (!ours.includes(table))
          add({ rule: 'missing-table', severity: 'blocking', location: { table }, message: `table ${table} is not in the environment`, fix: `Enable the app that provides ${table} (Dynamics 365 Sales), or remove it from the profile.` });
        continue;
      }
      for (const column of columns) {
        if (present.has(column)) continue;
        add({
          rule: 'missing-column',
          severity: 'blocking',
          location: { table, column },
          message: `${table}.${column}, which the profile writes, is not in the environment`,
          fix: 'Import the current Lexbridge solution (it adds the lex_ columns), create the column, or remove it from the profile.',
        });
      }
    }
  }
  if (environment.customTables) {
    const all = new Set([...environment.customTables, ...ours]);
    const limit = customTableLimit;
    const existing = environment.customTables.filter((t) => !ours.includes(t));
    add({
      rule: 'custom-table-limit',
      severity: all.size > limit ? 'blocking' : 'info',
      location: {},
      message:
        `${all.size} custom tables with Lexbridge's ${ours.length} (${existing.length} already in the environment${existing.length ? `: ${existing.slice(0, 10).join(', ')}${existing.length > 10 ? ', …' : ''}` : ''})` +
        (Number.isFinite(limit) ? ` against the licence's ${limit}` : ''),
      fix: all.size > limit ? 'Sales Professional allows 15 custom tables: retire unused custom tables, or license Sales Enterprise (no limit).' : 'None needed.',
    });
  }
}
