/**
 * What a new sandbox file holds: the native tables (and, unless `empty`, the whole Lexbridge
 * solution as if the admin had imported it), the platform catalogue, seed users and the org's
 * base currency. Everything comes from `solution/src/schema`, never a copy.
 */
import { v5 as uuidv5 } from 'uuid';
import { schema } from '../../../../solution/src/schema';
import type { TableDef } from '../../../../solution/src/schema/types';
import defaultUsers from '../default-users.json';
import { BULK_MESSAGES, bulkSupportedByDefault, platformTables } from './platform-tables';
import { SandboxStore } from './store';

/** Namespace of the sandbox's own deterministic ids (catalogue rows, metadata ids). */
export const SANDBOX_NAMESPACE = '5d0a3f0e-8c55-4a4b-9d3e-6c1b7d2f4a90';
export const sandboxId = (name: string) => uuidv5(name, SANDBOX_NAMESPACE);

export interface SeedUser {
  systemuserid: string;
  firstname: string;
  lastname: string;
  internalemailaddress: string;
  domainname?: string;
  isdisabled?: boolean;
}

export const DEFAULT_USERS: readonly SeedUser[] = defaultUsers;
export const BASE_CURRENCY_ID = sandboxId('transactioncurrency:USD');

/** A native table as it exists before the solution is imported: platform columns only. */
function platformOnly(table: TableDef): TableDef {
  return { ...table, columns: table.columns.filter((c) => c.origin === 'platform'), keys: [] };
}

export interface OpenStoreOptions {
  dataFile: string;
  empty: boolean;
  users: readonly SeedUser[];
}

export function openStore(options: OpenStoreOptions): SandboxStore {
  const store = new SandboxStore(options.dataFile);
  if (store.isNew) store.transaction(() => install(store, options));
  return store;
}

function install(store: SandboxStore, options: OpenStoreOptions): void {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const table of platformTables) store.createTable(table);
  for (const name of BULK_MESSAGES) store.insert('sdkmessage', { sdkmessageid: sandboxId(`sdkmessage:${name}`), name, versionnumber: store.nextVersion() });
  if (!options.empty) for (const choice of schema.choices) store.addChoice(choice);
  for (const table of schema.tables) {
    if (table.origin === 'custom' && options.empty) continue;
    installTable(store, options.empty ? platformOnly(table) : table);
  }
  for (const user of options.users) {
    store.insert('systemuser', {
      systemuserid: user.systemuserid.toLowerCase(),
      firstname: user.firstname,
      lastname: user.lastname,
      fullname: `${user.firstname} ${user.lastname}`,
      internalemailaddress: user.internalemailaddress,
      domainname: user.domainname ?? user.internalemailaddress,
      isdisabled: user.isdisabled ? 1 : 0,
      createdon: now,
      modifiedon: now,
      versionnumber: store.nextVersion(),
    });
  }
  store.insert('transactioncurrency', {
    transactioncurrencyid: BASE_CURRENCY_ID,
    currencyname: 'US Dollar',
    isocurrencycode: 'USD',
    currencysymbol: '$',
    versionnumber: store.nextVersion(),
  });
}

/** Create a table and list it in the bulk-message catalogue when it supports the messages. */
export function installTable(store: SandboxStore, table: TableDef): void {
  store.createTable(table);
  setBulkSupport(store, table.logicalName, bulkSupportedByDefault(table));
}

/** Tests use this to stage a table without CreateMultiple/UpdateMultiple (or with them). */
export function setBulkSupport(store: SandboxStore, tableName: string, supported: boolean): void {
  for (const message of BULK_MESSAGES) {
    const id = sandboxId(`sdkmessagefilter:${message}:${tableName}`);
    store.remove('sdkmessagefilter', id);
    if (supported) {
      store.insert('sdkmessagefilter', {
        sdkmessagefilterid: id,
        sdkmessageid: sandboxId(`sdkmessage:${message}`),
        sdkmessageid__type: 'sdkmessage',
        primaryobjecttypecode: tableName,
        versionnumber: store.nextVersion(),
      });
    }
  }
}
