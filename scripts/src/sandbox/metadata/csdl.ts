/**
 * `$metadata`: the CSDL document for the stored tables, with lookups as `_x_value` properties
 * plus single-valued navigation properties, and alternate keys as
 * `OData.Community.Keys.V1.AlternateKeys` annotations (Learn, "Web API EntityType": alternate keys).
 */
import { navigationProperty } from '../../../../solution/src/schema/columns';
import type { ColumnDef, TableDef } from '../../../../solution/src/schema/types';
import type { SandboxStore } from '../storage/store';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function edmType(column: ColumnDef): string {
  switch (column.type.kind) {
    case 'string':
    case 'memo':
      return 'Edm.String';
    case 'integer':
    case 'choice':
    case 'state':
    case 'status':
      return 'Edm.Int32';
    case 'decimal':
    case 'money':
      return 'Edm.Decimal';
    case 'boolean':
      return 'Edm.Boolean';
    case 'datetime':
      return column.type.behavior === 'DateOnly' ? 'Edm.Date' : 'Edm.DateTimeOffset';
    default:
      return 'Edm.Guid';
  }
}

function alternateKeys(table: TableDef): string {
  if (table.keys.length === 0) return '';
  const records = table.keys
    .map((key) => {
      const refs = key.columns
        .map((c) => {
          const column = table.columns.find((x) => x.logicalName === c);
          const name = column?.type.kind === 'lookup' ? `_${c}_value` : c;
          return `<Record Type="OData.Community.Keys.V1.PropertyRef"><PropertyValue Property="Alias" String="${esc(name)}" /><PropertyValue Property="Name" PropertyPath="${esc(name)}" /></Record>`;
        })
        .join('');
      return `<Record Type="OData.Community.Keys.V1.AlternateKey"><PropertyValue Property="Key"><Collection>${refs}</Collection></PropertyValue></Record>`;
    })
    .join('');
  return `<Annotation Term="OData.Community.Keys.V1.AlternateKeys"><Collection>${records}</Collection></Annotation>`;
}

function entityType(table: TableDef, known: Set<string>): string {
  const lines: string[] = [`<EntityType Name="${esc(table.logicalName)}" BaseType="mscrm.crmbaseentity">`];
  lines.push(`<Key><PropertyRef Name="${esc(table.primaryIdColumn)}" /></Key>`);
  for (const column of table.columns) {
    const isLookup = column.type.kind === 'lookup' || column.type.kind === 'owner';
    const name = isLookup ? `_${column.logicalName}_value` : column.logicalName;
    lines.push(`<Property Name="${esc(name)}" Type="${edmType(column)}" />`);
  }
  lines.push('<Property Name="versionnumber" Type="Edm.Int64" />');
  for (const column of table.columns) {
    if (column.type.kind === 'owner') {
      lines.push(`<NavigationProperty Name="ownerid" Type="mscrm.principal"><ReferentialConstraint Property="_ownerid_value" ReferencedProperty="ownerid" /></NavigationProperty>`);
      continue;
    }
    if (column.type.kind !== 'lookup') continue;
    for (const target of column.type.targets) {
      if (!known.has(target)) continue;
      lines.push(
        `<NavigationProperty Name="${esc(navigationProperty(column, target))}" Type="mscrm.${esc(target)}"><ReferentialConstraint Property="_${esc(column.logicalName)}_value" ReferencedProperty="${esc(target)}id" /></NavigationProperty>`,
      );
    }
  }
  lines.push(alternateKeys(table), '</EntityType>');
  return lines.join('');
}

export function renderCsdl(store: SandboxStore): string {
  const tables = store.tables();
  const known = new Set(tables.map((t) => t.logicalName));
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '<edmx:Reference Uri="http://vocabularies.odata.org/OData.Community.Keys.V1.xml"><edmx:Include Namespace="OData.Community.Keys.V1" Alias="Keys" /></edmx:Reference>',
    '<edmx:DataServices>',
    '<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    '<EntityType Name="crmbaseentity" Abstract="true" />',
    '<EntityType Name="principal" BaseType="mscrm.crmbaseentity" Abstract="true"><Key><PropertyRef Name="ownerid" /></Key><Property Name="ownerid" Type="Edm.Guid" /></EntityType>',
    ...tables.map((t) => entityType(t, known)),
    '<EntityContainer Name="System">',
    ...tables.map((t) => `<EntitySet Name="${esc(t.entitySetName)}" EntityType="Microsoft.Dynamics.CRM.${esc(t.logicalName)}" />`),
    '</EntityContainer>',
    '</Schema>',
    '</edmx:DataServices>',
    '</edmx:Edmx>',
  ].join('\n');
}
