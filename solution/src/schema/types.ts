/**
 * The shape of the Lexbridge data model, defined once. Everything else — customizations.xml,
 * the metadata Web API requests, the sandbox's tables and $metadata, the generated column-name
 * module — is rendered from values of these types.
 */

export type RequiredLevel = 'none' | 'recommended' | 'required';

/** Dataverse DateTimeBehavior: how the platform stores and shows the value. */
export type DateTimeBehavior = 'UserLocal' | 'DateOnly' | 'TimeZoneIndependent';

export type ColumnType =
  | { kind: 'string'; maxLength: number; format?: 'text' | 'email' | 'phone' | 'url' }
  | { kind: 'memo'; maxLength: number; format?: 'text' | 'json' }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'decimal'; precision: number; min?: number; max?: number }
  | { kind: 'money'; precision: number }
  | { kind: 'datetime'; behavior: DateTimeBehavior }
  | { kind: 'boolean'; trueLabel: string; falseLabel: string; defaultValue: boolean }
  | { kind: 'choice'; choice: string }
  /** Single-valued lookup. Two or more targets make it polymorphic (Customer when account+contact). */
  | {
      kind: 'lookup';
      targets: readonly string[];
      /**
       * Single-valued navigation property per target, for platform lookups whose names do not
       * follow the default rule (see `navigationProperty` in columns.ts).
       */
      navigation?: Readonly<Record<string, string>>;
    }
  | { kind: 'primarykey' }
  | { kind: 'owner' }
  | { kind: 'state' }
  | { kind: 'status' };

export type ColumnKind = ColumnType['kind'];

export interface ColumnDef {
  logicalName: string;
  schemaName: string;
  displayName: string;
  description: string;
  type: ColumnType;
  required: RequiredLevel;
  /**
   * `solution`: Lexbridge adds this column (it is packed and deployed).
   * `platform`: the column exists in every Dataverse environment; Lexbridge only reads/writes it.
   */
  origin: 'solution' | 'platform';
  /** The platform computes it (fullname, createdon, …): never written by the loader. */
  readOnly?: boolean;
}

export interface KeyDef {
  logicalName: string;
  schemaName: string;
  displayName: string;
  columns: readonly string[];
}

export interface TableDef {
  logicalName: string;
  schemaName: string;
  displayName: string;
  pluralDisplayName: string;
  description: string;
  entitySetName: string;
  primaryIdColumn: string;
  primaryNameColumn: string;
  ownership: 'UserOwned' | 'OrganizationOwned';
  /** `custom`: the solution creates the table. `native`: a Dataverse/Dynamics table we extend or only use. */
  origin: 'custom' | 'native';
  /** Activity tables share activitypointer's id (`activityid`) and `regardingobjectid`. */
  isActivity?: boolean;
  /**
   * Whether the platform lets this table carry an alternate key. When false, the reason and how
   * migrated rows are found instead (deterministic ids, the journal).
   */
  alternateKeys: { supported: true } | { supported: false; reason: string };
  /** Whether migrated rows of this table carry the provenance columns. */
  provenance: boolean;
  columns: readonly ColumnDef[];
  keys: readonly KeyDef[];
  /** statecode values and the statuscode values valid in each; absent for tables without state. */
  states?: readonly StateDef[];
  /**
   * Documented platform rule that a plain update cannot reach some states (opportunity Won/Lost
   * need WinOpportunity/LoseOpportunity, incident Resolved needs CloseIncident).
   */
  statesNeedingMessage?: Readonly<Record<number, string>>;
}

export interface StateDef {
  value: number;
  name: string;
  /** The default status reason is the first. */
  statuses: readonly { value: number; name: string }[];
}

export interface ChoiceOption {
  value: number;
  label: string;
  /** Stable name for generated code: `Open`, `OnHold`. */
  name: string;
}

export interface ChoiceDef {
  name: string;
  displayName: string;
  description: string;
  options: readonly ChoiceOption[];
}

export interface PublisherDef {
  uniqueName: string;
  displayName: string;
  description: string;
  prefix: string;
  optionValuePrefix: number;
}

/** The whole data model: what `solution/` defines and every renderer consumes. */
export interface SolutionSchema {
  tables: readonly TableDef[];
  choices: readonly ChoiceDef[];
}
