/**
 * The model-driven app "Lexbridge" and its site map: Migration (runs, profiles) for admins and
 * Matters (matters, time entries, trust snapshots, milestones) for reviewers.
 */
import { Tables } from '../../generated/names';
import type { SolutionSchema } from '../schema/types';
import type { AppDef, RoleDef, SiteMapSubArea } from './types';

export const APP_UNIQUE_NAME = 'lex_Lexbridge';

export function buildApp(schema: SolutionSchema, roles: readonly RoleDef[]): AppDef {
  const title = (logicalName: string) => schema.tables.find((t) => t.logicalName === logicalName)?.pluralDisplayName ?? logicalName;
  const sub = (table: string): SiteMapSubArea => ({ id: `lex_sub_${table}`, table, title: title(table) });
  const areas = [
    { id: 'lex_area_migration', title: 'Migration', groups: [{ id: 'lex_grp_migration', title: 'Migration', subAreas: [sub(Tables.lex_migrationrun.logicalName), sub(Tables.lex_mappingprofile.logicalName)] }] },
    {
      id: 'lex_area_matters',
      title: 'Matters',
      groups: [
        {
          id: 'lex_grp_matters',
          title: 'Matters',
          subAreas: [sub(Tables.lex_matter.logicalName), sub(Tables.lex_timeentry.logicalName), sub(Tables.lex_trustsnapshot.logicalName), sub(Tables.lex_milestone.logicalName)],
        },
      ],
    },
  ];
  return {
    uniqueName: APP_UNIQUE_NAME,
    displayName: 'Lexbridge',
    description: 'Review migrated matters, follow migration runs and manage mapping profiles.',
    siteMapUniqueName: APP_UNIQUE_NAME,
    areas,
    tables: areas.flatMap((a) => a.groups.flatMap((g) => g.subAreas.map((s) => s.table))),
    roles: roles.map((r) => r.id),
  };
}
