/**
 * Reads what pre-flight needs from the environment, through the DataverseClient only and only
 * with GETs: users, the metadata of the tables the profile writes, the custom tables, and the
 * attachment size limit. What cannot be read becomes an `environment-read` finding and a
 * documented default, never a silent guess.
 */
import type { DataverseClient } from '../dataverse/client';
import { DEFAULT_MAX_UPLOAD_BYTES } from './defaults';
import type { EnvironmentFacts } from './checks';
import type { Finding } from './findings';
import { PROVENANCE } from '../mapping/columns';
import type { SystemUser } from '../mapping/context';
import type { ExistingRow, ExistingRows } from './matches';

/** Prefixes of Microsoft's own solution tables, which do not count as the firm's custom tables. */
const MICROSOFT_PREFIXES = /^(msdyn|msdynce|mspp|adx|msfp|mserp|msa|powerpage)_/;

export async function readEnvironment(client: DataverseClient, tables: readonly string[]): Promise<EnvironmentFacts> {
  const notes: Finding[] = [];
  const note = (what: string, assumed: string, error: unknown) =>
    notes.push({
      rule: 'environment-read',
      severity: 'info',
      location: {},
      message: `could not read ${what} (${error instanceof Error ? error.message : String(error)}); assumed ${assumed}`,
      fix: 'Give the migration identity read access to it (System Customizer or System Administrator role), then run pre-flight again.',
    });

  const systemUsers: SystemUser[] = [];
  for await (const page of client.query('systemuser', { select: ['systemuserid', 'internalemailaddress', 'isdisabled', 'fullname'] }))
    for (const row of page)
      systemUsers.push({
        systemuserid: String(row['systemuserid']),
        internalemailaddress: typeof row['internalemailaddress'] === 'string' ? row['internalemailaddress'] : null,
        isdisabled: row['isdisabled'] === true,
        ...(typeof row['fullname'] === 'string' ? { fullname: row['fullname'] } : {}),
      });

  let tableColumns: Map<string, Set<string>> | undefined = new Map();
  try {
    for (const table of tables) {
      const definition = await client.entityDefinition(table);
      if (definition) tableColumns.set(table, new Set(definition.attributes));
    }
  } catch (error) {
    note('table metadata (EntityDefinitions)', 'that every column exists', error);
    tableColumns = undefined;
  }

  let customTables: string[] | undefined;
  try {
    const list = await client.execute<{ value: { LogicalName: string; IsCustomEntity?: boolean }[] }>('EntityDefinitions?$select=LogicalName,IsCustomEntity', undefined, { method: 'GET' });
    // IsCustomEntity where the server gives it; otherwise a publisher prefix that is not Microsoft's.
    customTables = (list?.value ?? [])
      .filter((e) => (e.IsCustomEntity !== undefined ? e.IsCustomEntity : e.LogicalName.includes('_')) && !MICROSOFT_PREFIXES.test(e.LogicalName))
      .map((e) => e.LogicalName);
  } catch (error) {
    note('the list of custom tables', 'only the Lexbridge tables', error);
  }

  let maxUploadFileSize = DEFAULT_MAX_UPLOAD_BYTES;
  try {
    const org = await client.execute<{ value: { maxuploadfilesize?: number }[] }>('organizations?$select=maxuploadfilesize', undefined, { method: 'GET' });
    const value = org?.value?.[0]?.maxuploadfilesize;
    if (typeof value === 'number' && value > 0) maxUploadFileSize = value;
    else throw new Error('no maxuploadfilesize in the response');
  } catch (error) {
    note('organization.maxuploadfilesize', `the default ${DEFAULT_MAX_UPLOAD_BYTES.toLocaleString('en-US')} bytes (5 MB)`, error);
  }

  let existing: ExistingRows | undefined;
  try {
    existing = { contacts: await readExisting(client, 'contact', 'contactid', 'fullname'), accounts: await readExisting(client, 'account', 'accountid', 'name') };
  } catch (error) {
    note('existing contacts and accounts', 'none (no matching: every contact becomes a new row)', error);
  }

  return { systemUsers, ...(tableColumns ? { tables: tableColumns } : {}), ...(customTables ? { customTables } : {}), maxUploadFileSize, notes, ...(existing ? { existing } : {}) };
}

/** Rows the firm made itself: those Lexbridge migrated carry a source key and are found by id anyway. */
async function readExisting(client: DataverseClient, table: 'contact' | 'account', idColumn: string, nameColumn: string): Promise<ExistingRow[]> {
  const rows: ExistingRow[] = [];
  for await (const page of client.query(table, { select: [idColumn, nameColumn, 'emailaddress1', PROVENANCE.sourceKey] }))
    for (const row of page)
      if (!row[PROVENANCE.sourceKey])
        rows.push({ id: String(row[idColumn]), name: (row[nameColumn] as string | null | undefined) ?? null, email: (row['emailaddress1'] as string | null | undefined) ?? null });
  return rows;
}
