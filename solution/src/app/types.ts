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

/**
 * A web resource function registered on a form event of a table's main form, e.g. the matter
 * form's OnLoad `Lexbridge.MatterForm.onLoad`. Rendered as FormXml `formLibraries` + `events`.
 */
export interface FormEventHandler {
  table: string;
  /** FormXml event name: `onload`, `onsave`. */
  event: 'onload' | 'onsave';
  /** The web resource holding the function, e.g. `lex_/scripts/matterform.js`. */
  library: string;
  functionName: string;
  passExecutionContext: boolean;
}

/** A JavaScript function a command or an enable rule calls, with the form context (`PrimaryControl`). */
export interface RibbonFunction {
  library: string;
  functionName: string;
}

/**
 * A button on a table's main-form command bar: its action and the custom enable rules that
 * decide whether it is enabled. Rendered as the table's `RibbonDiffXml`.
 */
export interface RibbonCommand {
  table: string;
  /** Short name, unique per table: `ApproveSample` → ids `lex.lex_migrationrun.ApproveSample.*`. */
  name: string;
  label: string;
  tooltip: string;
  /** Position among the form's Save group buttons. */
  sequence: number;
  /** A Fluent icon name for the modern command bar. */
  modernImage?: string;
  action: RibbonFunction;
  enableRules: readonly RibbonFunction[];
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
