/**
 * Schema definitions ⇄ the Dataverse metadata Web API shapes (EntityMetadata, AttributeMetadata,
 * EntityKeyMetadata, OptionSetMetadata, OneToManyRelationshipMetadata). Reads render the stored
 * `TableDef`s; writes turn the documented request bodies back into `TableDef`/`ColumnDef`.
 */
import { navigationProperty } from '../../../../solution/src/schema/columns';
import type { ChoiceDef, ColumnDef, ColumnType, KeyDef, RequiredLevel, TableDef } from '../../../../solution/src/schema/types';
import { errors } from '../errors';
import { sandboxId } from '../storage/install';

export interface Label {
  LocalizedLabels: { Label: string; LanguageCode: number }[];
  UserLocalizedLabel: { Label: string; LanguageCode: number } | null;
}

export const label = (text: string): Label => ({
  LocalizedLabels: [{ Label: text, LanguageCode: 1033 }],
  UserLocalizedLabel: { Label: text, LanguageCode: 1033 },
});

export function labelText(value: unknown): string | undefined {
  const v = value as { LocalizedLabels?: { Label?: string }[]; UserLocalizedLabel?: { Label?: string } } | undefined;
  return v?.UserLocalizedLabel?.Label ?? v?.LocalizedLabels?.[0]?.Label;
}

export const entityMetadataId = (table: string) => sandboxId(`entity:${table}`);
export const attributeMetadataId = (table: string, column: string) => sandboxId(`attribute:${table}.${column}`);
export const keyMetadataId = (table: string, key: string) => sandboxId(`key:${table}.${key}`);
export const optionSetMetadataId = (name: string) => sandboxId(`optionset:${name}`);

const REQUIRED: Record<RequiredLevel, string> = { none: 'None', recommended: 'Recommended', required: 'ApplicationRequired' };

/** AttributeType, the metadata @odata.type and the type name, per column kind. */
function attributeKind(column: ColumnDef): { type: string; odataType: string; typeName: string } {
  const k = (type: string, odata: string, typeName = `${type}Type`) => ({ type, odataType: `#Microsoft.Dynamics.CRM.${odata}AttributeMetadata`, typeName });
  switch (column.type.kind) {
    case 'string':
      return k('String', 'String');
    case 'memo':
      return k('Memo', 'Memo');
    case 'integer':
      return k('Integer', 'Integer');
    case 'decimal':
      return k('Decimal', 'Decimal');
    case 'money':
      return k('Money', 'Money');
    case 'datetime':
      return k('DateTime', 'DateTime');
    case 'boolean':
      return k('Boolean', 'Boolean');
    case 'choice':
      return k('Picklist', 'Picklist');
    case 'lookup':
      return column.type.targets.length > 1 && column.type.targets.every((t) => t === 'account' || t === 'contact')
        ? k('Customer', 'Lookup')
        : k('Lookup', 'Lookup');
    case 'owner':
      return k('Owner', 'Lookup');
    case 'primarykey':
      return k('Uniqueidentifier', '', 'UniqueidentifierType');
    case 'state':
      return k('State', 'State');
    case 'status':
      return k('Status', 'Status');
  }
}

export function attributeMetadata(table: TableDef, column: ColumnDef): Record<string, unknown> {
  const kind = attributeKind(column);
  const t = column.type;
  const out: Record<string, unknown> = {
    '@odata.type': kind.odataType === '#Microsoft.Dynamics.CRM.AttributeMetadata' ? '#Microsoft.Dynamics.CRM.AttributeMetadata' : kind.odataType,
    MetadataId: attributeMetadataId(table.logicalName, column.logicalName),
    LogicalName: column.logicalName,
    SchemaName: column.schemaName,
    EntityLogicalName: table.logicalName,
    AttributeType: kind.type,
    AttributeTypeName: { Value: kind.typeName },
    DisplayName: label(column.displayName),
    Description: label(column.description),
    RequiredLevel: { Value: REQUIRED[column.required], CanBeChanged: true, ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings' },
    IsCustomAttribute: column.origin === 'solution',
    IsPrimaryId: column.type.kind === 'primarykey',
    IsPrimaryName: column.logicalName === table.primaryNameColumn,
    IsValidForCreate: !column.readOnly,
    IsValidForUpdate: !column.readOnly && column.type.kind !== 'primarykey',
    IsValidForRead: true,
  };
  if (t.kind === 'primarykey') out['@odata.type'] = '#Microsoft.Dynamics.CRM.UniqueIdentifierAttributeMetadata';
  if (t.kind === 'string') Object.assign(out, { MaxLength: t.maxLength, FormatName: { Value: (t.format ?? 'text').replace(/^./, (c) => c.toUpperCase()) } });
  if (t.kind === 'memo') Object.assign(out, { MaxLength: t.maxLength, Format: t.format === 'json' ? 'Json' : 'TextArea' });
  if (t.kind === 'integer') Object.assign(out, { MinValue: t.min ?? -2147483648, MaxValue: t.max ?? 2147483647 });
  if (t.kind === 'decimal') Object.assign(out, { Precision: t.precision, MinValue: t.min, MaxValue: t.max });
  if (t.kind === 'money') Object.assign(out, { Precision: t.precision, PrecisionSource: 2 });
  if (t.kind === 'datetime') Object.assign(out, { Format: t.behavior === 'DateOnly' ? 'DateOnly' : 'DateAndTime', DateTimeBehavior: { Value: t.behavior } });
  if (t.kind === 'boolean') Object.assign(out, { DefaultValue: t.defaultValue, OptionSet: { TrueOption: { Value: 1, Label: label(t.trueLabel) }, FalseOption: { Value: 0, Label: label(t.falseLabel) } } });
  if (t.kind === 'choice') Object.assign(out, { OptionSet: { Name: t.choice, IsGlobal: true } });
  if (t.kind === 'lookup') Object.assign(out, { Targets: [...t.targets] });
  if (t.kind === 'owner') Object.assign(out, { Targets: ['systemuser', 'team'] });
  return out;
}

export function keyMetadata(table: TableDef, key: KeyDef, status: string): Record<string, unknown> {
  return {
    MetadataId: keyMetadataId(table.logicalName, key.logicalName),
    LogicalName: key.logicalName,
    SchemaName: key.schemaName,
    EntityLogicalName: table.logicalName,
    KeyAttributes: [...key.columns],
    DisplayName: label(key.displayName),
    EntityKeyIndexStatus: status,
  };
}

export function entityMetadata(table: TableDef): Record<string, unknown> {
  return {
    MetadataId: entityMetadataId(table.logicalName),
    LogicalName: table.logicalName,
    SchemaName: table.schemaName,
    EntitySetName: table.entitySetName,
    LogicalCollectionName: table.entitySetName,
    PrimaryIdAttribute: table.primaryIdColumn,
    PrimaryNameAttribute: table.primaryNameColumn,
    OwnershipType: table.ownership,
    IsCustomEntity: table.origin === 'custom',
    IsActivity: table.isActivity ?? false,
    IsOptimisticConcurrencyEnabled: true,
    ChangeTrackingEnabled: false,
    DisplayName: label(table.displayName),
    DisplayCollectionName: label(table.pluralDisplayName),
    Description: label(table.description),
  };
}

export function optionSetMetadata(choice: ChoiceDef): Record<string, unknown> {
  return {
    '@odata.type': '#Microsoft.Dynamics.CRM.OptionSetMetadata',
    MetadataId: optionSetMetadataId(choice.name),
    Name: choice.name,
    IsGlobal: true,
    OptionSetType: 'Picklist',
    DisplayName: label(choice.displayName),
    Description: label(choice.description),
    Options: choice.options.map((o) => ({ Value: o.value, Label: label(o.label) })),
  };
}

export interface RelationshipInfo {
  schemaName: string;
  referencing: string;
  referenced: string;
  lookup: string;
  navigation: string;
}

/** One relationship per lookup target, named the way the relationship was created (stored on the column). */
export function relationshipsOf(tables: TableDef[]): RelationshipInfo[] {
  const out: RelationshipInfo[] = [];
  for (const table of tables) {
    for (const column of table.columns) {
      if (column.type.kind !== 'lookup') continue;
      for (const target of column.type.targets) {
        out.push({
          schemaName: `${target}_${table.logicalName}_${column.logicalName}`,
          referencing: table.logicalName,
          referenced: target,
          lookup: column.logicalName,
          navigation: navigationProperty(column, target),
        });
      }
    }
  }
  return out;
}

export function relationshipMetadata(r: RelationshipInfo, referencedIdColumn: string): Record<string, unknown> {
  return {
    '@odata.type': '#Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
    MetadataId: sandboxId(`relationship:${r.schemaName}`),
    SchemaName: r.schemaName,
    RelationshipType: 'OneToManyRelationship',
    ReferencedEntity: r.referenced,
    ReferencedAttribute: referencedIdColumn,
    ReferencingEntity: r.referencing,
    ReferencingAttribute: r.lookup,
    ReferencingEntityNavigationPropertyName: r.navigation,
  };
}

// ── writes: request bodies → definitions ──────────────────────────────────────

const REQUIRED_IN: Record<string, RequiredLevel> = {
  None: 'none',
  Recommended: 'recommended',
  ApplicationRequired: 'required',
  SystemRequired: 'required',
};

function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') throw errors.badRequest(`${what} is required.`, '0x80048d19');
  return value;
}

/** `"GlobalOptionSet@odata.bind": "/GlobalOptionSetDefinitions(Name='x')"` or `OptionSet: { Name }`. */
function choiceName(body: Record<string, unknown>): string {
  const bind = body['GlobalOptionSet@odata.bind'];
  if (typeof bind === 'string') {
    const m = /GlobalOptionSetDefinitions\((?:Name=')?([^')]+)'?\)/.exec(bind);
    if (m) return m[1]!;
  }
  const optionSet = body['OptionSet'] as { Name?: string; IsGlobal?: boolean } | undefined;
  if (optionSet?.Name && optionSet.IsGlobal !== false) return optionSet.Name;
  throw errors.notImplemented('local (non-global) option sets; bind the column to a GlobalOptionSetDefinitions row');
}

export function columnFromAttribute(body: Record<string, unknown>, resolveChoice: (name: string) => ChoiceDef | undefined): ColumnDef {
  const schemaName = need(body['SchemaName'] as string | undefined, 'SchemaName');
  const odataType = String(body['@odata.type'] ?? '').replace(/^#/, '').replace('Microsoft.Dynamics.CRM.', '');
  const attributeType = String(body['AttributeType'] ?? odataType.replace('AttributeMetadata', ''));
  const kind = odataType ? odataType.replace('AttributeMetadata', '') : attributeType;
  let type: ColumnType;
  switch (kind) {
    case 'String': {
      const format = String((body['FormatName'] as { Value?: string } | undefined)?.Value ?? body['Format'] ?? 'Text').toLowerCase();
      type = { kind: 'string', maxLength: Number(body['MaxLength'] ?? 100), format: (['email', 'phone', 'url'].includes(format) ? format : 'text') as 'text' };
      break;
    }
    case 'Memo':
      type = { kind: 'memo', maxLength: Number(body['MaxLength'] ?? 2000), format: String(body['Format'] ?? '').toLowerCase() === 'json' ? 'json' : 'text' };
      break;
    case 'Integer':
      type = { kind: 'integer', min: Number(body['MinValue'] ?? -2147483648), max: Number(body['MaxValue'] ?? 2147483647) };
      break;
    case 'Decimal':
      type = { kind: 'decimal', precision: Number(body['Precision'] ?? 2), min: Number(body['MinValue'] ?? -100000000000), max: Number(body['MaxValue'] ?? 100000000000) };
      break;
    case 'Money':
      type = { kind: 'money', precision: Number(body['Precision'] ?? 2) };
      break;
    case 'DateTime': {
      const behavior = (body['DateTimeBehavior'] as { Value?: string } | undefined)?.Value ?? (body['Format'] === 'DateOnly' ? 'DateOnly' : 'UserLocal');
      if (!['UserLocal', 'DateOnly', 'TimeZoneIndependent'].includes(behavior)) throw errors.badRequest(`DateTimeBehavior '${behavior}' is not valid.`, '0x80048d19');
      type = { kind: 'datetime', behavior: behavior as 'UserLocal' };
      break;
    }
    case 'Boolean': {
      const os = body['OptionSet'] as { TrueOption?: { Label?: unknown }; FalseOption?: { Label?: unknown } } | undefined;
      type = {
        kind: 'boolean',
        trueLabel: labelText(os?.TrueOption?.Label) ?? 'Yes',
        falseLabel: labelText(os?.FalseOption?.Label) ?? 'No',
        defaultValue: body['DefaultValue'] === true,
      };
      break;
    }
    case 'Picklist': {
      const name = choiceName(body);
      if (!resolveChoice(name)) throw errors.badRequest(`The global option set '${name}' does not exist. Create it first with POST GlobalOptionSetDefinitions.`, '0x80040217');
      type = { kind: 'choice', choice: name };
      break;
    }
    case 'Lookup':
    case 'Customer':
      throw errors.badRequest('Lookup columns are created with their relationship: POST RelationshipDefinitions (or CreateCustomerRelationships / CreatePolymorphicLookupAttribute).', '0x80048d19');
    default:
      throw errors.notImplemented(`creating attributes of type '${kind || 'unknown'}'`);
  }
  return {
    logicalName: String(body['LogicalName'] ?? schemaName).toLowerCase(),
    schemaName,
    displayName: labelText(body['DisplayName']) ?? schemaName,
    description: labelText(body['Description']) ?? labelText(body['DisplayName']) ?? schemaName,
    type,
    required: REQUIRED_IN[String((body['RequiredLevel'] as { Value?: string } | undefined)?.Value ?? 'None')] ?? 'none',
    origin: 'solution',
  };
}

export function lookupColumn(lookup: Record<string, unknown>, targets: string[], navigation?: Record<string, string>): ColumnDef {
  const schemaName = need(lookup['SchemaName'] as string | undefined, 'Lookup.SchemaName');
  return {
    logicalName: String(lookup['LogicalName'] ?? schemaName).toLowerCase(),
    schemaName,
    displayName: labelText(lookup['DisplayName']) ?? schemaName,
    description: labelText(lookup['Description']) ?? labelText(lookup['DisplayName']) ?? schemaName,
    type: { kind: 'lookup', targets, ...(navigation && Object.keys(navigation).length ? { navigation } : {}) },
    required: REQUIRED_IN[String((lookup['RequiredLevel'] as { Value?: string } | undefined)?.Value ?? 'None')] ?? 'none',
    origin: 'solution',
  };
}

export function keyFromMetadata(body: Record<string, unknown>): KeyDef {
  const schemaName = need(body['SchemaName'] as string | undefined, 'SchemaName');
  const columns = body['KeyAttributes'];
  if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string')) {
    throw errors.badRequest('KeyAttributes must be a non-empty array of column logical names.', '0x80048d19');
  }
  if (columns.length > 16) throw errors.badRequest('An alternate key can have at most 16 columns.', '0x80048d19');
  return {
    logicalName: String(body['LogicalName'] ?? schemaName).toLowerCase(),
    schemaName,
    displayName: labelText(body['DisplayName']) ?? schemaName,
    columns: columns as string[],
  };
}

export function choiceFromOptionSet(body: Record<string, unknown>): ChoiceDef {
  const name = need(body['Name'] as string | undefined, 'Name');
  const options = body['Options'];
  if (!Array.isArray(options)) throw errors.badRequest('Options must be an array.', '0x80048d19');
  return {
    name,
    displayName: labelText(body['DisplayName']) ?? name,
    description: labelText(body['Description']) ?? '',
    options: options.map((o: { Value?: number; Label?: unknown }, i) => {
      const text = labelText(o.Label) ?? `Option ${i + 1}`;
      return { value: need(o.Value, `Options[${i}].Value`), label: text, name: text.replace(/[^A-Za-z0-9]/g, '') };
    }),
  };
}

/** English plural the way Dataverse derives EntitySetName from a schema name. */
export function pluralize(logicalName: string): string {
  if (/[^aeiou]y$/.test(logicalName)) return `${logicalName.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(logicalName)) return `${logicalName}es`;
  return `${logicalName}s`;
}
