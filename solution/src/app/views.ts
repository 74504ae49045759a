/**
 * The views each custom table needs in a model-driven app: the default public view (active
 * rows), the lookup view, the advanced-find view and the quick-find view — the set every table
 * created in the maker portal starts with.
 */
import { Tables } from '../../generated/names';
import { componentId } from '../ids';
import type { SolutionSchema, TableDef } from '../schema/types';
import { QueryType, type ViewColumn, type ViewDef } from './types';

const T = Tables;

/** The columns shown in grids, after the primary name. */
const LIST_COLUMNS: Record<string, readonly string[]> = {
  [T.lex_matter.logicalName]: [T.lex_matter.columns.lex_matternumber, T.lex_matter.columns.lex_clientid, T.lex_matter.columns.lex_status, T.lex_matter.columns.lex_opendate, T.lex_matter.columns.lex_reviewstatus],
  [T.lex_timeentry.logicalName]: [T.lex_timeentry.columns.lex_matterid, T.lex_timeentry.columns.lex_entrydate, T.lex_timeentry.columns.lex_entrytype, T.lex_timeentry.columns.lex_hours, T.lex_timeentry.columns.lex_amount],
  [T.lex_trustsnapshot.logicalName]: [T.lex_trustsnapshot.columns.lex_matterid, T.lex_trustsnapshot.columns.lex_clientid, T.lex_trustsnapshot.columns.lex_balance, T.lex_trustsnapshot.columns.lex_asof],
  [T.lex_milestone.logicalName]: [T.lex_milestone.columns.lex_matterid, T.lex_milestone.columns.lex_sequence, T.lex_milestone.columns.lex_milestonestatus],
  [T.lex_migrationrun.logicalName]: [T.lex_migrationrun.columns.lex_mode, T.lex_migrationrun.columns.lex_runstatus, T.lex_migrationrun.columns.lex_startedon, T.lex_migrationrun.columns.lex_errorcount],
  [T.lex_mappingprofile.logicalName]: [T.lex_mappingprofile.columns.lex_sourcesystem, T.lex_mappingprofile.columns.lex_version, T.lex_mappingprofile.columns.lex_profilestatus],
};

/** What the search box matches, besides the primary name. */
const QUICK_FIND: Record<string, readonly string[]> = {
  [T.lex_matter.logicalName]: [T.lex_matter.columns.lex_matternumber, T.lex_matter.columns.lex_sourcekey],
  [T.lex_timeentry.logicalName]: [T.lex_timeentry.columns.lex_sourcekey],
  [T.lex_trustsnapshot.logicalName]: [T.lex_trustsnapshot.columns.lex_trustaccount],
  [T.lex_milestone.logicalName]: [],
  [T.lex_migrationrun.logicalName]: [T.lex_migrationrun.columns.lex_runkey],
  [T.lex_mappingprofile.logicalName]: [],
};

export function viewsFor(table: TableDef): ViewDef[] {
  const t = table.logicalName;
  const name = table.primaryNameColumn;
  const grid: ViewColumn[] = [{ name, width: 300 }, ...(LIST_COLUMNS[t] ?? []).map((c) => ({ name: c, width: 150 })), { name: 'createdon', width: 125 }];
  const view = (key: string, label: string, queryType: ViewDef['queryType'], extra: Partial<ViewDef> = {}): ViewDef => ({
    id: componentId('view', `${t}/${key}`),
    table: t,
    name: label,
    queryType,
    isDefault: true,
    columns: grid,
    activeOnly: true,
    orderBy: name,
    ...extra,
  });
  return [
    view('active', `Active ${table.pluralDisplayName}`, QueryType.Public),
    view('lookup', `${table.displayName} Lookup View`, QueryType.Lookup, { columns: grid.slice(0, 2) }),
    view('advancedfind', `${table.displayName} Advanced Find View`, QueryType.AdvancedFind, { activeOnly: false }),
    view('quickfind', `Quick Find Active ${table.pluralDisplayName}`, QueryType.QuickFind, { quickFindFields: [name, ...(QUICK_FIND[t] ?? [])] }),
  ];
}

export function buildViews(schema: SolutionSchema): ViewDef[] {
  return schema.tables.filter((t) => t.origin === 'custom').flatMap(viewsFor);
}
