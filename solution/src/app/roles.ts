/**
 * The two Lexbridge security roles. Privilege names follow the platform's rule
 * `prv<Action><privilege entity>`: custom tables use their schema name (`prvReadlex_Matter`, as in
 * Microsoft's ColumnLevelSecurity sample export); activity tables share `Activity`, notes are
 * `Note`, and invoice lines inherit their invoice's privileges (Microsoft Learn, "Security role UI
 * to privilege mapping" and "RetrieveSharedPrincipalsAndAccess message privileges").
 */
import { Tables } from '../../generated/names';
import { componentId } from '../ids';
import type { SolutionSchema, TableDef } from '../schema/types';
import type { PrivilegeAction, RoleDef, RolePrivilege } from './types';

const ALL: readonly PrivilegeAction[] = ['Create', 'Read', 'Write', 'Delete', 'Append', 'AppendTo', 'Assign', 'Share'];
const LOADER: readonly PrivilegeAction[] = ['Create', 'Read', 'Write', 'Delete', 'Append', 'AppendTo'];

/** Privilege entity names of the native tables the loader writes or resolves against. */
const NATIVE_PRIVILEGE_ENTITY: Readonly<Record<string, string>> = {
  [Tables.account.logicalName]: 'Account',
  [Tables.contact.logicalName]: 'Contact',
  [Tables.opportunity.logicalName]: 'Opportunity',
  [Tables.incident.logicalName]: 'Incident',
  [Tables.connection.logicalName]: 'Connection',
  [Tables.connectionrole.logicalName]: 'ConnectionRole',
  [Tables.invoice.logicalName]: 'Invoice',
  [Tables.invoicedetail.logicalName]: 'Invoice',
  [Tables.task.logicalName]: 'Activity',
  [Tables.appointment.logicalName]: 'Activity',
  [Tables.phonecall.logicalName]: 'Activity',
  [Tables.email.logicalName]: 'Activity',
  [Tables.annotation.logicalName]: 'Note',
  [Tables.sharepointdocumentlocation.logicalName]: 'SharePointDocumentLocation',
  [Tables.pricelevel.logicalName]: 'PriceLevel',
  [Tables.transactioncurrency.logicalName]: 'TransactionCurrency',
  [Tables.systemuser.logicalName]: 'User',
};

/** Tables Lexbridge reads but never writes. */
const RESOLVE_ONLY = new Set<string>([Tables.systemuser.logicalName, Tables.transactioncurrency.logicalName]);

export const privilegeEntity = (table: TableDef): string => (table.origin === 'custom' ? table.schemaName : (NATIVE_PRIVILEGE_ENTITY[table.logicalName] ?? table.schemaName));

/** Privileges for the given actions, de-duplicated (several tables share `Activity`), sorted by name. */
function privileges(tables: readonly TableDef[], actions: (t: TableDef) => readonly PrivilegeAction[]): RolePrivilege[] {
  const byName = new Map<string, RolePrivilege>();
  for (const table of tables) {
    for (const action of actions(table)) {
      const name = `prv${action}${privilegeEntity(table)}`;
      byName.set(name, { name, level: 'Global' });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export const ROLE_NAMES = { admin: 'Lexbridge Migration Admin', reviewer: 'Lexbridge Matter Reviewer' } as const;

export function buildRoles(schema: SolutionSchema): RoleDef[] {
  const custom = schema.tables.filter((t) => t.origin === 'custom');
  const native = schema.tables.filter((t) => t.origin === 'native');
  const admin: RoleDef = {
    id: componentId('role', ROLE_NAMES.admin),
    name: ROLE_NAMES.admin,
    description: 'Runs migrations, confirms mapping profiles, approves runs and rolls them back. Full access to the Lexbridge tables; writes the native tables the loader fills.',
    privileges: privileges([...custom, ...native], (t) => (t.origin === 'custom' ? ALL : RESOLVE_ONLY.has(t.logicalName) ? ['Read'] : LOADER)),
  };
  const matter = Tables.lex_matter.logicalName;
  const reviewer: RoleDef = {
    id: componentId('role', ROLE_NAMES.reviewer),
    name: ROLE_NAMES.reviewer,
    description: 'Reads migrated data and marks matters reviewed or flagged. Cannot change trust snapshots, runs or profiles, and cannot roll back.',
    // Write on lex_matter only, for the review columns (status, by, on, note).
    privileges: privileges([...custom, ...native], (t) => (t.logicalName === matter ? ['Read', 'Write'] : ['Read'])),
  };
  return [admin, reviewer];
}
