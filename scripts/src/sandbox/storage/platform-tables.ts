/**
 * Platform tables the sandbox needs that are no part of the Lexbridge data model: the SDK message
 * catalogue a client queries to learn whether a table supports CreateMultiple/UpdateMultiple
 * (Microsoft Learn, "Use bulk operation messages": `GET sdkmessagefilters?$filter=sdkmessageid/name
 * eq 'CreateMultiple' and primaryobjecttypecode eq '<table>'`). Built with the schema's own builders.
 */
import { lookup, platformColumn as p, text } from '../../../../solution/src/schema/columns';
import type { TableDef } from '../../../../solution/src/schema/types';

const internal = (logicalName: string, entitySetName: string, displayName: string, columns: TableDef['columns']): TableDef => ({
  logicalName,
  schemaName: logicalName === 'sdkmessage' ? 'SdkMessage' : 'SdkMessageFilter',
  displayName,
  pluralDisplayName: `${displayName}s`,
  description: `${displayName} (platform catalogue).`,
  entitySetName,
  primaryIdColumn: `${logicalName}id`,
  primaryNameColumn: logicalName === 'sdkmessage' ? 'name' : 'primaryobjecttypecode',
  ownership: 'OrganizationOwned',
  origin: 'native',
  alternateKeys: { supported: false, reason: 'Platform catalogue, read only.' },
  provenance: false,
  columns,
  keys: [],
});

export const sdkMessage = internal('sdkmessage', 'sdkmessages', 'Sdk Message', [
  p('sdkmessageid', 'Sdk Message', { kind: 'primarykey' }),
  p('name', 'Name', text(256)),
]);

export const sdkMessageFilter = internal('sdkmessagefilter', 'sdkmessagefilters', 'Sdk Message Filter', [
  p('sdkmessagefilterid', 'Sdk Message Filter', { kind: 'primarykey' }),
  p('sdkmessageid', 'Sdk Message', lookup(['sdkmessage'])),
  p('primaryobjecttypecode', 'Primary Object Type Code', text(64)),
]);

export const platformTables: readonly TableDef[] = [sdkMessage, sdkMessageFilter];

/** The bulk messages the catalogue lists; UpsertMultiple is implied by both (Microsoft Learn). */
export const BULK_MESSAGES = ['CreateMultiple', 'UpdateMultiple'] as const;
export type BulkMessage = (typeof BULK_MESSAGES)[number];

/**
 * Which tables list the bulk messages by default. Learn says custom tables and "many common
 * standard tables, but not all", and two pages conflict for account/contact; the sandbox lists
 * custom tables plus account and contact, and tests can change it (`store.setBulkSupport`).
 */
export function bulkSupportedByDefault(table: TableDef): boolean {
  return table.origin === 'custom' || table.logicalName === 'account' || table.logicalName === 'contact';
}
