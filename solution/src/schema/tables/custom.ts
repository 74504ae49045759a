/**
 * The six custom tables (DESIGN.md, "Dataverse data model"). Sales Professional allows 15 custom
 * tables in all, so legal concepts share tables where they can: expenses are `lex_timeentry`
 * rows with entry type Expense, milestones are rows rather than columns.
 */
import {
  choice,
  column,
  dateOnly,
  dateTime,
  decimal,
  integer,
  lookup,
  memo,
  money,
  text,
  yesNo,
} from '../columns';
import { provenanceColumns, sourceKeyKey } from '../provenance';
import type { ColumnDef, TableDef } from '../types';
import { activeInactive } from './states';
import { systemColumns } from './system-columns';

interface CustomTableInput {
  logicalName: string;
  displayName: string;
  pluralDisplayName: string;
  description: string;
  primaryName: { displayName: string; maxLength: number; description: string };
  /** Migrated-data tables carry provenance and the source-key alternate key. */
  migrated: boolean;
  columns: ColumnDef[];
}

function customTable(input: CustomTableInput): TableDef {
  const idColumn = `${input.logicalName}id`;
  const schemaName = `lex_${input.displayName.replace(/[^A-Za-z0-9]/g, '')}`;
  const primaryName = column('lex_name', input.primaryName.displayName, text(input.primaryName.maxLength), {
    description: input.primaryName.description,
    required: 'required',
    schemaName: 'lex_Name',
  });
  return {
    logicalName: input.logicalName,
    schemaName,
    displayName: input.displayName,
    pluralDisplayName: input.pluralDisplayName,
    description: input.description,
    entitySetName: pluralEntitySetName(input.logicalName),
    primaryIdColumn: idColumn,
    primaryNameColumn: 'lex_name',
    ownership: 'UserOwned',
    origin: 'custom',
    alternateKeys: { supported: true },
    provenance: input.migrated,
    columns: [
      column(idColumn, input.displayName, { kind: 'primarykey' }, {
        description: `Unique identifier of the ${input.displayName.toLowerCase()}.`,
        schemaName: `${schemaName}Id`,
      }),
      primaryName,
      ...input.columns,
      ...(input.migrated ? provenanceColumns() : []),
      ...systemColumns(),
    ],
    keys: input.migrated ? [sourceKeyKey()] : [],
    states: activeInactive,
  };
}

/** The entity set name Dataverse gives a custom table: its logical name, pluralised in English. */
function pluralEntitySetName(logicalName: string): string {
  return /[^aeiou]y$/.test(logicalName) ? `${logicalName.slice(0, -1)}ies` : `${logicalName}s`;
}

const CUSTOMER = ['account', 'contact'] as const;

export const matter = customTable({
  logicalName: 'lex_matter',
  displayName: 'Matter',
  pluralDisplayName: 'Matters',
  description: 'A legal matter: the unit of work a firm opens for a client.',
  primaryName: { displayName: 'Matter', maxLength: 300, description: 'Display name: number and description.' },
  migrated: true,
  columns: [
    column('lex_matternumber', 'Matter Number', text(100), { description: "The firm's matter number, e.g. 00123-Smith." }),
    column('lex_description', 'Description', memo(10000)),
    column('lex_status', 'Matter Status', choice('lex_matterstatus'), { schemaName: 'lex_Status' }),
    column('lex_practicearea', 'Practice Area', text(200)),
    column('lex_mattertype', 'Matter Type', text(200), { description: 'Matter or action type in the source (Actionstep action type).' }),
    column('lex_clientid', 'Client', lookup(CUSTOMER), { description: 'The client: an account or a contact.', schemaName: 'lex_ClientId' }),
    column('lex_responsibleattorneyid', 'Responsible Attorney', lookup(['systemuser']), { schemaName: 'lex_ResponsibleAttorneyId' }),
    column('lex_originatingattorneyid', 'Originating Attorney', lookup(['systemuser']), { schemaName: 'lex_OriginatingAttorneyId' }),
    column('lex_opendate', 'Open Date', dateOnly()),
    column('lex_pendingdate', 'Pending Date', dateOnly()),
    column('lex_closedate', 'Close Date', dateOnly()),
    column('lex_billingmethod', 'Billing Method', choice('lex_billingmethod')),
    column('lex_estimatedvalue', 'Estimated Value', money()),
    column('lex_opportunityid', 'Opportunity', lookup(['opportunity']), { schemaName: 'lex_OpportunityId' }),
    column('lex_incidentid', 'Case', lookup(['incident']), { schemaName: 'lex_IncidentId' }),
    column('lex_customfields', 'Custom Fields', memo(100000, 'json'), {
      description: 'Source custom fields without a column of their own, as JSON.',
    }),
    column('lex_diffstatus', 'Diff Status', choice('lex_diffstatus')),
    column('lex_reviewstatus', 'Review Status', choice('lex_reviewstatus')),
    column('lex_reviewedby', 'Reviewed By', text(320, 'email')),
    column('lex_reviewedon', 'Reviewed On', dateTime()),
    column('lex_reviewnote', 'Review Note', memo(4000)),
  ],
});

export const timeEntry = customTable({
  logicalName: 'lex_timeentry',
  displayName: 'Time Entry',
  pluralDisplayName: 'Time Entries',
  description: 'A time or expense entry recorded against a matter, with its UTBMS codes.',
  primaryName: { displayName: 'Entry', maxLength: 300, description: 'Short label: date, user and narrative.' },
  migrated: true,
  columns: [
    column('lex_matterid', 'Matter', lookup(['lex_matter']), { schemaName: 'lex_MatterId' }),
    column('lex_userid', 'User', lookup(['systemuser']), { schemaName: 'lex_UserId' }),
    column('lex_entrytype', 'Entry Type', choice('lex_entrytype')),
    column('lex_entrydate', 'Entry Date', dateOnly()),
    column('lex_hours', 'Hours', decimal(2, 0, 10000)),
    column('lex_quantity', 'Quantity', decimal(2, -1000000, 1000000), { description: 'Units for expenses.' }),
    column('lex_rate', 'Rate', money()),
    column('lex_amount', 'Amount', money()),
    column('lex_billable', 'Billable', yesNo(true)),
    column('lex_narrative', 'Narrative', memo(10000)),
    column('lex_utbmstaskcode', 'UTBMS Task Code', text(10), { schemaName: 'lex_UTBMSTaskCode' }),
    column('lex_utbmsactivitycode', 'UTBMS Activity Code', text(10), { schemaName: 'lex_UTBMSActivityCode' }),
    column('lex_utbmsexpensecode', 'UTBMS Expense Code', text(10), { schemaName: 'lex_UTBMSExpenseCode' }),
    column('lex_billedstate', 'Billed State', choice('lex_billedstate')),
    column('lex_invoiceid', 'Invoice', lookup(['invoice']), { schemaName: 'lex_InvoiceId' }),
  ],
});

export const trustSnapshot = customTable({
  logicalName: 'lex_trustsnapshot',
  displayName: 'Trust Snapshot',
  pluralDisplayName: 'Trust Snapshots',
  description: 'Trust (client money) balance per matter or client as of cutover. Not a ledger.',
  primaryName: { displayName: 'Snapshot', maxLength: 300, description: 'Account, matter and as-of date.' },
  migrated: true,
  columns: [
    column('lex_matterid', 'Matter', lookup(['lex_matter']), { schemaName: 'lex_MatterId' }),
    column('lex_clientid', 'Client', lookup(CUSTOMER), { schemaName: 'lex_ClientId' }),
    column('lex_balance', 'Balance', money()),
    column('lex_totalin', 'Total In', money()),
    column('lex_totalout', 'Total Out', money()),
    column('lex_trustaccount', 'Trust Account', text(200)),
    column('lex_currencycode', 'Currency Code', text(3), { description: 'ISO 4217 code of the trust account.' }),
    column('lex_asof', 'As Of', dateOnly()),
  ],
});

export const milestone = customTable({
  logicalName: 'lex_milestone',
  displayName: 'Milestone',
  pluralDisplayName: 'Milestones',
  description: 'A stage a matter passes through, as a row: no column per stage.',
  primaryName: { displayName: 'Milestone', maxLength: 300, description: 'Name of the stage.' },
  migrated: true,
  columns: [
    column('lex_matterid', 'Matter', lookup(['lex_matter']), { schemaName: 'lex_MatterId' }),
    column('lex_sequence', 'Sequence', integer(0, 10000)),
    column('lex_enteredon', 'Entered On', dateTime()),
    column('lex_completedon', 'Completed On', dateTime()),
    column('lex_milestonestatus', 'Milestone Status', choice('lex_milestonestatus')),
  ],
});

export const migrationRun = customTable({
  logicalName: 'lex_migrationrun',
  displayName: 'Migration Run',
  pluralDisplayName: 'Migration Runs',
  description: 'One run of the migration engine: sample, full, delta or rollback.',
  primaryName: { displayName: 'Run', maxLength: 200, description: 'Run id and mode.' },
  migrated: false,
  columns: [
    column('lex_runkey', 'Run Key', text(100), { description: "The engine's run id (also the journal folder name)." }),
    column('lex_sourcesystem', 'Source System', choice('lex_sourcesystem')),
    column('lex_mode', 'Mode', choice('lex_runmode')),
    column('lex_runstatus', 'Run Status', choice('lex_runstatus')),
    column('lex_startedon', 'Started On', dateTime()),
    column('lex_completedon', 'Completed On', dateTime()),
    column('lex_watermark', 'Watermark', text(100), { description: 'Source timestamp a later delta starts from.' }),
    column('lex_counts', 'Counts', memo(100000, 'json'), { description: 'Record accounting per entity, as JSON.' }),
    column('lex_summary', 'Summary', memo(1048576, 'json'), { description: 'Run summary (errors by rule, diff summary) as JSON.' }),
    column('lex_diffcount', 'Differences', integer(0)),
    column('lex_errorcount', 'Errors', integer(0)),
    column('lex_planhash', 'Plan Hash', text(100)),
    column('lex_profileid', 'Mapping Profile', lookup(['lex_mappingprofile']), { schemaName: 'lex_ProfileId' }),
    column('lex_profileversion', 'Profile Version', integer(0)),
    column('lex_parentrunid', 'Parent Run', lookup(['lex_migrationrun']), {
      description: 'The run this one rolls back or continues.',
      schemaName: 'lex_ParentRunId',
    }),
    column('lex_approvedby', 'Approved By', text(320, 'email')),
    column('lex_approvedon', 'Approved On', dateTime()),
    column('lex_rollbackrequestedby', 'Rollback Requested By', text(320, 'email')),
    column('lex_rollbackrequestedon', 'Rollback Requested On', dateTime()),
    column('lex_reportpath', 'Report', text(1000), { description: 'Where the engine wrote the HTML report.' }),
  ],
});

export const mappingProfile = customTable({
  logicalName: 'lex_mappingprofile',
  displayName: 'Mapping Profile',
  pluralDisplayName: 'Mapping Profiles',
  description: 'A versioned field map from one source to Dynamics 365; confirmed by a person before any record moves.',
  primaryName: { displayName: 'Profile', maxLength: 200, description: 'Source and version.' },
  migrated: false,
  columns: [
    column('lex_sourcesystem', 'Source System', choice('lex_sourcesystem')),
    column('lex_version', 'Version', integer(1)),
    column('lex_profilestatus', 'Profile Status', choice('lex_profilestatus')),
    column('lex_profilejson', 'Profile JSON', memo(1048576, 'json'), { schemaName: 'lex_ProfileJSON' }),
    column('lex_profilehash', 'Profile Hash', text(100)),
    column('lex_confirmedby', 'Confirmed By', text(320, 'email')),
    column('lex_confirmedon', 'Confirmed On', dateTime()),
  ],
});

export const customTables: readonly TableDef[] = [matter, timeEntry, trustSnapshot, milestone, migrationRun, mappingProfile];

