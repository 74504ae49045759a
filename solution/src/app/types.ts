/**
 * Forms, views, the app and the roles as data. Renderers turn these into customizations.xml;
 * nothing here knows XML. Ids are deterministic (see ../ids.ts).
 */

export interface FormSection {
  id: string;
  name: string;
  label: string;
  /** Column logical names, one cell per row. */
  fields: readonly string[];
}

export interface FormTab {
  id: string;
  name: string;
  label: string;
  sections: readonly FormSection[];
}

export interface FormDef {
  id: string;
  table: string;
  type: 'main';
  name: string;
  description: string;
  tabs: readonly FormTab[];
}

/**
 * A code component (PCF) shown instead of a field's default control on a table's main form,
 * e.g. the RecordDiff control on `lex_sourcesnapshot`. Passed by later stages through
 * `packSolution({ extraComponents: [{ formBindings }] })`.
 */
export interface FormControlBinding {
  table: string;
  field: string;
  /** The control's full name, `<prefix>_<namespace>.<constructor>`. */
  control: string;
  /** The manifest property bound to the field. */
  property: string;
  /** The property's manifest `of-type`; derived from the column type when absent. */
  propertyType?: string;
  /** Other static parameters: name → value (written with `static="true"`). */
  parameters?: Readonly<Record<string, string>>;
}

/** savedquery querytype values (Microsoft Learn, savedquery table: QueryType). */
export const QueryType = { Public: 0, AdvancedFind: 1, QuickFind: 4, Lookup: 64 } as const;
export type QueryTypeValue = (typeof QueryType)[keyof typeof QueryType];

export interface ViewColumn {
  name: string;
  width: number;
}

export interface ViewDef {
  id: string;
  table: string;
  name: string;
  queryType: QueryTypeValue;
  isDefault: boolean;
  columns: readonly ViewColumn[];
  /** Active rows only (statecode = 0). */
  activeOnly: boolean;
  orderBy: string;
  /** Quick find: the columns the search box matches with `like`. */
  quickFindFields?: readonly string[];
}

export interface SiteMapSubArea {
  id: string;
  table: string;
  title: string;
}

export interface SiteMapGroup {
  id: string;
  title: string;
  subAreas: readonly SiteMapSubArea[];
}

export interface SiteMapArea {
  id: string;
  title: string;
  groups: readonly SiteMapGroup[];
}

export interface AppDef {
  /** Apps are identified by unique name in solutions; the 9.0 schema has no app id element. */
  uniqueName: string;
  displayName: string;
  description: string;
  siteMapUniqueName: string;
  areas: readonly SiteMapArea[];
  /** Tables whose forms and views the app includes. */
  tables: readonly string[];
  roles: readonly string[];
}

/** Role privilege depth (customizations.xml RolePrivilege/@level). */
export type PrivilegeLevel = 'Basic' | 'Local' | 'Deep' | 'Global';
export type PrivilegeAction = 'Create' | 'Read' | 'Write' | 'Delete' | 'Append' | 'AppendTo' | 'Assign' | 'Share';

export interface RolePrivilege {
  /** `prv<Action><entity privilege name>`, e.g. `prvReadlex_Matter`, `prvReadAccount`. */
  name: string;
  level: PrivilegeLevel;
}

export interface RoleDef {
  id: string;
  name: string;
  description: string;
  privileges: readonly RolePrivilege[];
}

/** Everything the app layer contributes to the solution. */
export interface AppComponents {
  forms: readonly FormDef[];
  views: readonly ViewDef[];
  roles: readonly RoleDef[];
  app: AppDef;
}
