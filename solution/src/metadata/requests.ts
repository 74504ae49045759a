/**
 * The supported path: the same schema rendered as metadata Web API requests that create the
 * choices, tables, columns, relationships and alternate keys in an environment (Microsoft
 * documents hand-written entity definitions in customizations.xml as unsupported).
 *
 * Contract (stable: `lexbridge solution deploy` and the sandbox's metadata endpoints consume it):
 *   MetadataRequest = {
 *     method: 'POST' | 'PUT';
 *     path: string;                     // relative to /api/data/v9.2/, e.g. "EntityDefinitions"
 *     headers: Record<string, string>;  // always MSCRM.SolutionUniqueName and Content-Type
 *     body: unknown;                    // JSON body as Microsoft Learn documents it
 *     describes: { kind; table?; name } // what the request creates, for progress and errors
 *   }
 * Sent one at a time, in array order: choices → tables (with their primary name column) →
 * columns → lookups (relationships) → alternate keys → PublishXml. Metadata writes are
 * serialised per org (EntityCustomizationLockException 0x80090412), so never in parallel.
 *
 * Sources: Microsoft Learn "Create and update column definitions using the Web API",
 * "Create and update table relationships using the Web API", "Define alternate keys",
 * CreateCustomerRelationships action reference, "Publish customizations"; notes/dataverse-webapi.md §8.
 */
import type { PacConfig } from '../config';
import { solutionRelationships, type RelationshipDef } from '../relationships';
import type { ChoiceDef, ColumnDef, KeyDef, RequiredLevel, SolutionSchema, TableDef } from '../schema/types';
import { el, serializeXml } from '../xml/element';

export type MetadataKind = 'choice' | 'table' | 'column' | 'key' | 'relationship' | 'publish';

export interface MetadataRequest {
  method: 'POST' | 'PUT';
  /** Relative to `/api/data/v9.2/`. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
  describes: { kind: MetadataKind; table?: string; name: string };
}

const LANGUAGE_CODE = 1033;
const NS = 'Microsoft.Dynamics.CRM';

/** `Label` with one `LocalizedLabel`, the shape every metadata display name and description takes. */
export function label(text: string): unknown {
  return {
    '@odata.type': `${NS}.Label`,
    LocalizedLabels: [{ '@odata.type': `${NS}.LocalizedLabel`, Label: text, LanguageCode: LANGUAGE_CODE }],
  };
}

const REQUIRED_LEVEL: Record<RequiredLevel, string> = { none: 'None', recommended: 'Recommended', required: 'ApplicationRequired' };

function requiredLevel(level: RequiredLevel): unknown {
  return { Value: REQUIRED_LEVEL[level], CanBeChanged: true, ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings' };
}

function common(column: ColumnDef): Record<string, unknown> {
  return {
    SchemaName: column.schemaName,
    DisplayName: label(column.displayName),
    Description: label(column.description),
    RequiredLevel: requiredLevel(column.required),
  };
}

const STRING_FORMAT = { text: 'Text', email: 'Email', phone: 'Phone', url: 'Url' } as const;

/** The attribute body for a non-lookup column, `@odata.type` per kind. */
export function attributeBody(column: ColumnDef): Record<string, unknown> | undefined {
  const t = column.type;
  const base = common(column);
  switch (t.kind) {
    case 'string':
      return { '@odata.type': `${NS}.StringAttributeMetadata`, AttributeType: 'String', AttributeTypeName: { Value: 'StringType' }, ...base, MaxLength: t.maxLength, FormatName: { Value: STRING_FORMAT[t.format ?? 'text'] } };
    case 'memo':
      // JSON columns are plain multi-line text to Dataverse; Lexbridge parses them.
      return { '@odata.type': `${NS}.MemoAttributeMetadata`, AttributeType: 'Memo', AttributeTypeName: { Value: 'MemoType' }, ...base, Format: 'TextArea', MaxLength: t.maxLength };
    case 'integer':
      return { '@odata.type': `${NS}.IntegerAttributeMetadata`, AttributeType: 'Integer', AttributeTypeName: { Value: 'IntegerType' }, ...base, Format: 'None', MinValue: t.min ?? -2147483648, MaxValue: t.max ?? 2147483647 };
    case 'decimal':
      return { '@odata.type': `${NS}.DecimalAttributeMetadata`, AttributeType: 'Decimal', AttributeTypeName: { Value: 'DecimalType' }, ...base, Precision: t.precision, MinValue: t.min ?? -100000000000, MaxValue: t.max ?? 100000000000 };
    case 'money':
      // PrecisionSource 2: use the currency's precision.
      return { '@odata.type': `${NS}.MoneyAttributeMetadata`, AttributeType: 'Money', AttributeTypeName: { Value: 'MoneyType' }, ...base, Precision: t.precision, PrecisionSource: 2, MinValue: -922337203685477, MaxValue: 922337203685477 };
    case 'datetime':
      return {
        '@odata.type': `${NS}.DateTimeAttributeMetadata`,
        AttributeType: 'DateTime',
        AttributeTypeName: { Value: 'DateTimeType' },
        ...base,
        Format: t.behavior === 'DateOnly' ? 'DateOnly' : 'DateAndTime',
        DateTimeBehavior: { Value: t.behavior },
      };
    case 'boolean':
      return {
        '@odata.type': `${NS}.BooleanAttributeMetadata`,
        AttributeType: 'Boolean',
        AttributeTypeName: { Value: 'BooleanType' },
        ...base,
        DefaultValue: t.defaultValue,
        OptionSet: {
          '@odata.type': `${NS}.BooleanOptionSetMetadata`,
          OptionSetType: 'Boolean',
          TrueOption: { Value: 1, Label: label(t.trueLabel) },
          FalseOption: { Value: 0, Label: label(t.falseLabel) },
        },
      };
    case 'choice':
      return {
        '@odata.type': `${NS}.PicklistAttributeMetadata`,
        AttributeType: 'Picklist',
        AttributeTypeName: { Value: 'PicklistType' },
        ...base,
        'GlobalOptionSet@odata.bind': `/GlobalOptionSetDefinitions(Name='${t.choice}')`,
      };
    default:
      // Lookups become relationships; key, owner, state and status columns come with the table.
      return undefined;
  }
}

function choiceRequest(choice: ChoiceDef, headers: Record<string, string>): MetadataRequest {
  return {
    method: 'POST',
    path: 'GlobalOptionSetDefinitions',
    headers,
    body: {
      '@odata.type': `${NS}.OptionSetMetadata`,
      Name: choice.name,
      DisplayName: label(choice.displayName),
      Description: label(choice.description),
      OptionSetType: 'Picklist',
      IsGlobal: true,
      Options: choice.options.map((o) => ({ Value: o.value, Label: label(o.label) })),
    },
    describes: { kind: 'choice', name: choice.name },
  };
}

function tableRequest(table: TableDef, headers: Record<string, string>): MetadataRequest {
  const primaryName = table.columns.find((c) => c.logicalName === table.primaryNameColumn);
  if (!primaryName) throw new Error(`${table.logicalName} has no primary name column ${table.primaryNameColumn}`);
  return {
    method: 'POST',
    path: 'EntityDefinitions',
    headers,
    body: {
      '@odata.type': `${NS}.EntityMetadata`,
      SchemaName: table.schemaName,
      // The schema fixes the entity set; Dataverse would otherwise derive its own plural
      // (lex_timeentry -> lex_timeentries) and every URL the loader builds would miss.
      // Learn, EntityMetadata.EntitySetName: "For custom entities, you can change the name of the entity set used."
      EntitySetName: table.entitySetName,
      DisplayName: label(table.displayName),
      DisplayCollectionName: label(table.pluralDisplayName),
      Description: label(table.description),
      OwnershipType: table.ownership,
      IsActivity: false,
      HasNotes: true,
      HasActivities: true,
      ChangeTrackingEnabled: true,
      PrimaryNameAttribute: primaryName.logicalName,
      Attributes: [{ ...attributeBody(primaryName), IsPrimaryName: true }],
    },
    describes: { kind: 'table', table: table.logicalName, name: table.logicalName },
  };
}

const entityPath = (table: TableDef) => `EntityDefinitions(LogicalName='${table.logicalName}')`;

function lookupBody(column: ColumnDef, odataType: string): Record<string, unknown> {
  return { '@odata.type': `${NS}.${odataType}`, AttributeType: 'Lookup', AttributeTypeName: { Value: 'LookupType' }, ...common(column) };
}

const CASCADE = { Assign: 'NoCascade', Delete: 'RemoveLink', Merge: 'NoCascade', Reparent: 'NoCascade', Share: 'NoCascade', Unshare: 'NoCascade' };

function relationshipRequest(rel: RelationshipDef, headers: Record<string, string>): MetadataRequest {
  return {
    method: 'POST',
    path: 'RelationshipDefinitions',
    headers,
    body: {
      '@odata.type': `${NS}.OneToManyRelationshipMetadata`,
      SchemaName: rel.name,
      ReferencedEntity: rel.referenced.logicalName,
      ReferencedAttribute: rel.referenced.primaryIdColumn,
      ReferencingEntity: rel.referencing.logicalName,
      CascadeConfiguration: CASCADE,
      Lookup: lookupBody(rel.column, 'LookupAttributeMetadata'),
    },
    describes: { kind: 'relationship', table: rel.referencing.logicalName, name: rel.name },
  };
}

/**
 * A Customer lookup (account + contact) is one column with two relationships, created by the
 * documented CreateCustomerRelationships action (Microsoft Learn, Web API reference:
 * "CreateCustomerRelationships Action": Lookup = ComplexLookupAttributeMetadata,
 * OneToManyRelationships = Collection(ComplexOneToManyRelationshipMetadata), SolutionUniqueName).
 */
function customerRequest(rels: RelationshipDef[], solution: string, headers: Record<string, string>): MetadataRequest {
  const first = rels[0]!;
  return {
    method: 'POST',
    path: 'CreateCustomerRelationships',
    headers,
    body: {
      Lookup: lookupBody(first.column, 'ComplexLookupAttributeMetadata'),
      OneToManyRelationships: rels.map((r) => ({
        SchemaName: r.name,
        ReferencedEntity: r.referenced.logicalName,
        ReferencedAttribute: r.referenced.primaryIdColumn,
        ReferencingEntity: r.referencing.logicalName,
        CascadeConfiguration: CASCADE,
      })),
      SolutionUniqueName: solution,
    },
    describes: { kind: 'relationship', table: first.referencing.logicalName, name: first.column.logicalName },
  };
}

function keyRequest(table: TableDef, key: KeyDef, headers: Record<string, string>): MetadataRequest {
  return {
    method: 'POST',
    path: `${entityPath(table)}/Keys`,
    headers,
    body: { '@odata.type': `${NS}.EntityKeyMetadata`, SchemaName: key.schemaName, DisplayName: label(key.displayName), KeyAttributes: [...key.columns] },
    describes: { kind: 'key', table: table.logicalName, name: key.logicalName },
  };
}

/** Every request, in the order they must be sent. */
export function renderMetadataRequests(schema: SolutionSchema, config: PacConfig): MetadataRequest[] {
  const solution = config.solution.uniqueName;
  const headers = { 'MSCRM.SolutionUniqueName': solution, 'Content-Type': 'application/json; charset=utf-8' };
  const custom = schema.tables.filter((t) => t.origin === 'custom');
  const extended = schema.tables.filter((t) => t.columns.some((c) => c.origin === 'solution'));

  const columns: MetadataRequest[] = [];
  for (const table of extended) {
    for (const column of table.columns) {
      if (column.origin !== 'solution' || (table.origin === 'custom' && column.logicalName === table.primaryNameColumn)) continue;
      const body = attributeBody(column);
      if (!body) continue;
      columns.push({ method: 'POST', path: `${entityPath(table)}/Attributes`, headers, body, describes: { kind: 'column', table: table.logicalName, name: column.logicalName } });
    }
  }

  const relationships: MetadataRequest[] = [];
  const byColumn = new Map<string, RelationshipDef[]>();
  for (const rel of solutionRelationships(schema, config.publisher.prefix)) {
    const id = `${rel.referencing.logicalName}.${rel.column.logicalName}`;
    byColumn.set(id, [...(byColumn.get(id) ?? []), rel]);
  }
  for (const rels of byColumn.values()) {
    relationships.push(rels[0]!.polymorphic ? customerRequest(rels, solution, headers) : relationshipRequest(rels[0]!, headers));
  }

  const keys = extended.flatMap((t) => t.keys.map((k) => keyRequest(t, k, headers)));

  // Creating components publishes them; PublishXml makes the new labels visible in the apps at once.
  const publishXml = serializeXml(
    el('importexportxml', {}, el('entities', {}, extended.map((t) => el('entity', {}, t.logicalName))), el('optionsets', {}, schema.choices.map((c) => el('optionset', {}, c.name)))),
    { compact: true },
  );
  const publish: MetadataRequest = { method: 'POST', path: 'PublishXml', headers, body: { ParameterXml: publishXml }, describes: { kind: 'publish', name: solution } };

  return [...schema.choices.map((c) => choiceRequest(c, headers)), ...custom.map((t) => tableRequest(t, headers)), ...columns, ...relationships, ...keys, publish];
}
