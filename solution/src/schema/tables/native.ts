/**
 * Native Dataverse / Dynamics 365 Sales tables the loader writes or resolves against, with the
 * real logical names, entity set names and primary keys, and only the columns Lexbridge uses.
 * Columns with origin `platform` exist in every environment; `solution` columns (provenance,
 * LEDES/UTBMS codes) are what the Lexbridge solution adds to these tables.
 */
import {
  column,
  dateOnly,
  dateTime,
  decimal,
  integer,
  lookup,
  memo,
  money,
  platformColumn as p,
  text,
  yesNo,
} from '../columns';
import { provenanceColumns, sourceKeyKey } from '../provenance';
import type { ColumnDef, StateDef, TableDef } from '../types';
import {
  activeInactive,
  appointmentStates,
  emailStates,
  incidentStates,
  invoiceStates,
  opportunityStates,
  phonecallStates,
  taskStates,
} from './states';
import { systemColumns } from './system-columns';

const CUSTOMER = ['account', 'contact'] as const;
/** What an activity, note or document location can be regarding in a Lexbridge migration. */
const REGARDING = ['account', 'contact', 'opportunity', 'incident', 'lex_matter'] as const;

const ACTIVITY_KEYS_REASON =
  'Activity tables share activitypointer storage; Lexbridge does not rely on alternate keys there. ' +
  'Migrated activities are found by their deterministic id (UUID v5 of the source key) and by lex_sourcekey, a plain column.';

interface NativeInput {
  logicalName: string;
  schemaName: string;
  displayName: string;
  pluralDisplayName: string;
  description: string;
  entitySetName: string;
  primaryIdColumn: string;
  primaryNameColumn: string;
  ownership?: TableDef['ownership'];
  isActivity?: boolean;
  alternateKeys: TableDef['alternateKeys'];
  provenance: boolean;
  columns: ColumnDef[];
  states?: StateDef[];
  statesNeedingMessage?: Record<number, string>;
  /** Extra solution columns beyond provenance. */
  extensions?: ColumnDef[];
  /** Row owned by a user: owner/state/created columns come from the platform. */
  systemColumns?: boolean;
}

function nativeTable(input: NativeInput): TableDef {
  const provenance = input.provenance ? provenanceColumns() : [];
  return {
    logicalName: input.logicalName,
    schemaName: input.schemaName,
    displayName: input.displayName,
    pluralDisplayName: input.pluralDisplayName,
    description: input.description,
    entitySetName: input.entitySetName,
    primaryIdColumn: input.primaryIdColumn,
    primaryNameColumn: input.primaryNameColumn,
    ownership: input.ownership ?? 'UserOwned',
    origin: 'native',
    ...(input.isActivity ? { isActivity: true } : {}),
    alternateKeys: input.alternateKeys,
    provenance: input.provenance,
    columns: [
      ...input.columns,
      ...(input.systemColumns === false ? [] : systemColumns()),
      ...provenance,
      ...(input.extensions ?? []),
    ],
    keys: input.provenance && input.alternateKeys.supported ? [sourceKeyKey()] : [],
    ...(input.states ? { states: input.states } : {}),
    ...(input.statesNeedingMessage ? { statesNeedingMessage: input.statesNeedingMessage } : {}),
  };
}

const pk = (name: string) => p(name, 'Id', { kind: 'primarykey' });

const address = (): ColumnDef[] => [
  p('address1_line1', 'Street 1', text(250)),
  p('address1_line2', 'Street 2', text(250)),
  p('address1_city', 'City', text(80)),
  p('address1_stateorprovince', 'State/Province', text(50)),
  p('address1_postalcode', 'ZIP/Postal Code', text(20)),
  p('address1_country', 'Country/Region', text(80)),
];

function activity(
  logicalName: string,
  displayName: string,
  plural: string,
  entitySetName: string,
  columns: ColumnDef[],
  states: StateDef[],
): TableDef {
  const regardingNavigation = Object.fromEntries(REGARDING.map((t) => [t, `regardingobjectid_${t}_${logicalName}`]));
  return nativeTable({
    logicalName,
    schemaName: displayName.replace(/ /g, ''),
    displayName,
    pluralDisplayName: plural,
    description: `${displayName} activity.`,
    entitySetName,
    primaryIdColumn: 'activityid',
    primaryNameColumn: 'subject',
    isActivity: true,
    alternateKeys: { supported: false, reason: ACTIVITY_KEYS_REASON },
    provenance: true,
    columns: [
      pk('activityid'),
      p('subject', 'Subject', text(400), { required: 'required' }),
      p('description', 'Description', memo(100000)),
      p('regardingobjectid', 'Regarding', lookup(REGARDING, regardingNavigation)),
      p('scheduledstart', 'Start Date', dateTime()),
      p('scheduledend', 'Due Date', dateTime()),
      p('actualend', 'Actual End', dateTime()),
      ...columns,
    ],
    states,
  });
}

export const account = nativeTable({
  logicalName: 'account',
  schemaName: 'Account',
  displayName: 'Account',
  pluralDisplayName: 'Accounts',
  description: 'An organization: a client company or other organization.',
  entitySetName: 'accounts',
  primaryIdColumn: 'accountid',
  primaryNameColumn: 'name',
  alternateKeys: { supported: true },
  provenance: true,
  columns: [
    pk('accountid'),
    p('name', 'Account Name', text(160), { required: 'required' }),
    p('accountnumber', 'Account Number', text(20)),
    p('emailaddress1', 'Email', text(100, 'email')),
    p('telephone1', 'Main Phone', text(50, 'phone')),
    p('websiteurl', 'Website', text(200, 'url')),
    p('description', 'Description', memo(2000)),
    p('primarycontactid', 'Primary Contact', lookup(['contact'])),
    ...address(),
  ],
  states: activeInactive,
});

export const contact = nativeTable({
  logicalName: 'contact',
  schemaName: 'Contact',
  displayName: 'Contact',
  pluralDisplayName: 'Contacts',
  description: 'A person: a client, a party to a matter, or a contact of an organization.',
  entitySetName: 'contacts',
  primaryIdColumn: 'contactid',
  primaryNameColumn: 'fullname',
  alternateKeys: { supported: true },
  provenance: true,
  columns: [
    pk('contactid'),
    p('firstname', 'First Name', text(50)),
    p('middlename', 'Middle Name', text(50)),
    p('lastname', 'Last Name', text(50), { required: 'required' }),
    p('fullname', 'Full Name', text(160), { readOnly: true }),
    p('jobtitle', 'Job Title', text(100)),
    p('emailaddress1', 'Email', text(100, 'email')),
    p('telephone1', 'Business Phone', text(50, 'phone')),
    p('mobilephone', 'Mobile Phone', text(50, 'phone')),
    p('birthdate', 'Birthday', dateOnly()),
    p('nickname', 'Nickname', text(100)),
    p('websiteurl', 'Website', text(200, 'url')),
    p('description', 'Description', memo(2000)),
    p('parentcustomerid', 'Company Name', lookup(CUSTOMER)),
    ...address(),
  ],
  states: activeInactive,
});

export const systemUser = nativeTable({
  logicalName: 'systemuser',
  schemaName: 'SystemUser',
  displayName: 'User',
  pluralDisplayName: 'Users',
  description: 'A Dynamics 365 user. Resolved by email, never created or changed by Lexbridge.',
  entitySetName: 'systemusers',
  primaryIdColumn: 'systemuserid',
  primaryNameColumn: 'fullname',
  ownership: 'OrganizationOwned',
  alternateKeys: { supported: false, reason: 'Users are resolved by email, not migrated.' },
  provenance: false,
  systemColumns: false,
  columns: [
    pk('systemuserid'),
    p('fullname', 'Full Name', text(200), { readOnly: true }),
    p('firstname', 'First Name', text(64)),
    p('lastname', 'Last Name', text(64)),
    p('internalemailaddress', 'Primary Email', text(100, 'email')),
    p('domainname', 'User Name', text(1024)),
    p('isdisabled', 'Status', yesNo(false, 'Disabled', 'Enabled'), { readOnly: true }),
    p('createdon', 'Created On', dateTime(), { readOnly: true }),
    p('modifiedon', 'Modified On', dateTime(), { readOnly: true }),
  ],
});

export const opportunity = nativeTable({
  logicalName: 'opportunity',
  schemaName: 'Opportunity',
  displayName: 'Opportunity',
  pluralDisplayName: 'Opportunities',
  description: 'The sales view of a matter, for practice areas the firm runs as a pipeline.',
  entitySetName: 'opportunities',
  primaryIdColumn: 'opportunityid',
  primaryNameColumn: 'name',
  alternateKeys: { supported: true },
  provenance: true,
  columns: [
    pk('opportunityid'),
    p('name', 'Topic', text(300), { required: 'required' }),
    p('customerid', 'Potential Customer', lookup(CUSTOMER)),
    p('description', 'Description', memo(2000)),
    p('estimatedvalue', 'Est. Revenue', money()),
    p('estimatedclosedate', 'Est. Close Date', dateOnly()),
    p('actualvalue', 'Actual Revenue', money()),
    p('actualclosedate', 'Actual Close Date', dateOnly()),
  ],
  states: opportunityStates,
  statesNeedingMessage: { 1: 'WinOpportunity', 2: 'LoseOpportunity' },
});

export const incident = nativeTable({
  logicalName: 'incident',
  schemaName: 'Incident',
  displayName: 'Case',
  pluralDisplayName: 'Cases',
  description: 'The service view of a matter, for practice areas the firm runs as casework.',
  entitySetName: 'incidents',
  primaryIdColumn: 'incidentid',
  primaryNameColumn: 'title',
  alternateKeys: { supported: true },
  provenance: true,
  columns: [
    pk('incidentid'),
    p('title', 'Case Title', text(200), { required: 'required' }),
    p('ticketnumber', 'Case Number', text(100)),
    p('customerid', 'Customer', lookup(CUSTOMER), { required: 'required' }),
    p('description', 'Description', memo(2000)),
  ],
  states: incidentStates,
  statesNeedingMessage: { 1: 'CloseIncident' },
});

export const connectionRole = nativeTable({
  logicalName: 'connectionrole',
  schemaName: 'ConnectionRole',
  displayName: 'Connection Role',
  pluralDisplayName: 'Connection Roles',
  description: 'A role a party plays on a matter (Opposing Counsel, Witness, …).',
  entitySetName: 'connectionroles',
  primaryIdColumn: 'connectionroleid',
  primaryNameColumn: 'name',
  ownership: 'OrganizationOwned',
  alternateKeys: { supported: false, reason: 'Roles are matched by name and created with deterministic ids.' },
  provenance: false,
  systemColumns: false,
  columns: [
    pk('connectionroleid'),
    p('name', 'Name', text(100), { required: 'required' }),
    p('category', 'Connection Role Category', integer(1, 1000000)),
    p('description', 'Description', memo(2000)),
    p('statecode', 'Status', { kind: 'state' }),
    p('statuscode', 'Status Reason', { kind: 'status' }),
  ],
  states: activeInactive,
});

export const connection = nativeTable({
  logicalName: 'connection',
  schemaName: 'Connection',
  displayName: 'Connection',
  pluralDisplayName: 'Connections',
  description: 'A participant on a matter: record1 is the matter, record2 the person or organization, with roles.',
  entitySetName: 'connections',
  primaryIdColumn: 'connectionid',
  primaryNameColumn: 'name',
  alternateKeys: {
    supported: false,
    reason:
      'Connections are created in reciprocal pairs by the platform; Lexbridge addresses them by deterministic id (UUID v5 of the source key) and stores lex_sourcekey as a plain column.',
  },
  provenance: true,
  columns: [
    pk('connectionid'),
    p('name', 'Connection Name', text(500), { readOnly: true }),
    p('record1id', 'Connected From', lookup([...CUSTOMER, 'lex_matter', 'opportunity', 'incident'])),
    p('record2id', 'Connected To', lookup([...CUSTOMER, 'lex_matter', 'opportunity', 'incident', 'systemuser'])),
    p('record1roleid', 'Role (From)', lookup(['connectionrole'])),
    p('record2roleid', 'Role (To)', lookup(['connectionrole'])),
    p('description', 'Description', memo(2000)),
    p('effectivestart', 'Starting', dateTime()),
    p('effectiveend', 'Ending', dateTime()),
  ],
  states: activeInactive,
});

export const priceLevel = nativeTable({
  logicalName: 'pricelevel',
  schemaName: 'PriceLevel',
  displayName: 'Price List',
  pluralDisplayName: 'Price Lists',
  description: 'Invoices require a price list; Lexbridge uses one named "Lexbridge Migration" for write-in lines.',
  entitySetName: 'pricelevels',
  primaryIdColumn: 'pricelevelid',
  primaryNameColumn: 'name',
  ownership: 'OrganizationOwned',
  alternateKeys: { supported: false, reason: 'One price list, created with a deterministic id.' },
  provenance: false,
  systemColumns: false,
  columns: [pk('pricelevelid'), p('name', 'Name', text(100), { required: 'required' }), p('transactioncurrencyid', 'Currency', lookup(['transactioncurrency']))],
});

export const transactionCurrency = nativeTable({
  logicalName: 'transactioncurrency',
  schemaName: 'TransactionCurrency',
  displayName: 'Currency',
  pluralDisplayName: 'Currencies',
  description: 'Currencies enabled in the environment; resolved by ISO code.',
  entitySetName: 'transactioncurrencies',
  primaryIdColumn: 'transactioncurrencyid',
  primaryNameColumn: 'currencyname',
  ownership: 'OrganizationOwned',
  alternateKeys: { supported: false, reason: 'Resolved by ISO code, not migrated.' },
  provenance: false,
  systemColumns: false,
  columns: [
    pk('transactioncurrencyid'),
    p('currencyname', 'Currency Name', text(100), { required: 'required' }),
    p('isocurrencycode', 'Currency Code', text(5), { required: 'required' }),
    p('currencysymbol', 'Currency Symbol', text(13)),
  ],
});

export const invoice = nativeTable({
  logicalName: 'invoice',
  schemaName: 'Invoice',
  displayName: 'Invoice',
  pluralDisplayName: 'Invoices',
  description: 'A bill from the source system, with write-in lines.',
  entitySetName: 'invoices',
  primaryIdColumn: 'invoiceid',
  primaryNameColumn: 'name',
  alternateKeys: { supported: true },
  provenance: true,
  columns: [
    pk('invoiceid'),
    p('name', 'Name', text(300), { required: 'required' }),
    p('invoicenumber', 'Invoice ID', text(100)),
    p('customerid', 'Customer', lookup(CUSTOMER), { required: 'required' }),
    p('pricelevelid', 'Price List', lookup(['pricelevel']), { required: 'required' }),
    p('transactioncurrencyid', 'Currency', lookup(['transactioncurrency'])),
    p('description', 'Description', memo(2000)),
    p('duedate', 'Due Date', dateOnly()),
    p('datedelivered', 'Date Delivered', dateOnly()),
    p('totalamount', 'Total Amount', money(), { readOnly: true }),
    p('totallineitemamount', 'Total Detail Amount', money(), { readOnly: true }),
  ],
  extensions: [
    column('lex_matterid', 'Matter', lookup(['lex_matter']), { schemaName: 'lex_MatterId' }),
    column('lex_ledesinvoicedate', 'LEDES Invoice Date', dateOnly(), { schemaName: 'lex_LEDESInvoiceDate' }),
    column('lex_balancedue', 'Balance Due', money()),
  ],
  states: invoiceStates,
});

export const invoiceDetail = nativeTable({
  logicalName: 'invoicedetail',
  schemaName: 'InvoiceDetail',
  displayName: 'Invoice Product',
  pluralDisplayName: 'Invoice Products',
  description: 'A bill line: a write-in product carrying its LEDES/UTBMS codes.',
  entitySetName: 'invoicedetails',
  primaryIdColumn: 'invoicedetailid',
  primaryNameColumn: 'productdescription',
  alternateKeys: { supported: true },
  provenance: true,
  systemColumns: false,
  columns: [
    pk('invoicedetailid'),
    p('invoiceid', 'Invoice ID', lookup(['invoice']), { required: 'required' }),
    p('isproductoverridden', 'Select Product', yesNo(false, 'Write-In', 'Existing')),
    p('productdescription', 'Write-In Product', text(500)),
    p('quantity', 'Quantity', decimal(5, 0, 1000000000), { required: 'required' }),
    p('priceperunit', 'Price Per Unit', money()),
    p('manualdiscountamount', 'Manual Discount', money()),
    p('extendedamount', 'Extended Amount', money(), { readOnly: true }),
    p('description', 'Description', memo(2000)),
    p('createdon', 'Created On', dateTime(), { readOnly: true }),
    p('modifiedon', 'Modified On', dateTime(), { readOnly: true }),
  ],
  extensions: [
    column('lex_ledeslinetype', 'LEDES Line Type', text(2), { description: 'F (fee) or E (expense)', schemaName: 'lex_LEDESLineType' }),
    column('lex_utbmstaskcode', 'UTBMS Task Code', text(10), { schemaName: 'lex_UTBMSTaskCode' }),
    column('lex_utbmsactivitycode', 'UTBMS Activity Code', text(10), { schemaName: 'lex_UTBMSActivityCode' }),
    column('lex_utbmsexpensecode', 'UTBMS Expense Code', text(10), { schemaName: 'lex_UTBMSExpenseCode' }),
    column('lex_timekeeperid', 'Timekeeper ID', text(100)),
    column('lex_linedate', 'Line Date', dateOnly()),
  ],
});

export const task = activity('task', 'Task', 'Tasks', 'tasks', [p('prioritycode', 'Priority', integer(0, 2)), p('percentcomplete', 'Percent Complete', integer(0, 100))], taskStates);

export const appointment = activity(
  'appointment',
  'Appointment',
  'Appointments',
  'appointments',
  [p('location', 'Location', text(200)), p('isalldayevent', 'All Day Event', yesNo(false))],
  appointmentStates,
);

export const phoneCall = activity(
  'phonecall',
  'Phone Call',
  'Phone Calls',
  'phonecalls',
  [p('phonenumber', 'Phone Number', text(200, 'phone')), p('directioncode', 'Direction', yesNo(true, 'Outgoing', 'Incoming'))],
  phonecallStates,
);

export const email = activity(
  'email',
  'Email',
  'Email Messages',
  'emails',
  [
    p('sender', 'From', text(250)),
    p('torecipients', 'To Recipients', text(500)),
    p('directioncode', 'Direction', yesNo(true, 'Outgoing', 'Incoming')),
  ],
  emailStates,
);

export const annotation = nativeTable({
  logicalName: 'annotation',
  schemaName: 'Annotation',
  displayName: 'Note',
  pluralDisplayName: 'Notes',
  description: 'A note, with an attachment up to maxuploadfilesize.',
  entitySetName: 'annotations',
  primaryIdColumn: 'annotationid',
  primaryNameColumn: 'subject',
  alternateKeys: {
    supported: false,
    reason:
      'The Note table takes neither custom columns nor alternate keys. Migrated notes are found by deterministic id (UUID v5 of the source key); their provenance lives in the run journal.',
  },
  provenance: false,
  columns: [
    pk('annotationid'),
    p('subject', 'Title', text(500)),
    p('notetext', 'Description', memo(100000)),
    // Notes also hang on a run row: its journal and report travel with it (DESIGN.md, journal).
    p('objectid', 'Regarding', lookup([...REGARDING, 'lex_migrationrun'])),
    p('objecttypecode', 'Object Type', text(64)),
    p('isdocument', 'Is Document', yesNo(false), { readOnly: true }),
    p('filename', 'File Name', text(255)),
    p('mimetype', 'Mime Type', text(256)),
    p('filesize', 'File Size (Bytes)', integer(0), { readOnly: true }),
    p('documentbody', 'Document', memo(1073741823)),
  ],
});

export const sharePointDocumentLocation = nativeTable({
  logicalName: 'sharepointdocumentlocation',
  schemaName: 'SharePointDocumentLocation',
  displayName: 'Document Location',
  pluralDisplayName: 'Document Locations',
  description: 'Link to a document too large for a note: the file stays where it is, the link is kept.',
  entitySetName: 'sharepointdocumentlocations',
  primaryIdColumn: 'sharepointdocumentlocationid',
  primaryNameColumn: 'name',
  alternateKeys: { supported: false, reason: 'Found by deterministic id (UUID v5 of the source key).' },
  provenance: false,
  columns: [
    pk('sharepointdocumentlocationid'),
    p('name', 'Name', text(160), { required: 'required' }),
    p('absoluteurl', 'Absolute URL', text(2000, 'url')),
    p('relativeurl', 'Relative URL', text(255)),
    p('regardingobjectid', 'Regarding', lookup(REGARDING)),
    p('description', 'Description', memo(2000)),
  ],
  states: activeInactive,
});

export const nativeTables: readonly TableDef[] = [
  systemUser,
  transactionCurrency,
  priceLevel,
  account,
  contact,
  opportunity,
  incident,
  connectionRole,
  connection,
  invoice,
  invoiceDetail,
  task,
  appointment,
  phoneCall,
  email,
  annotation,
  sharePointDocumentLocation,
];

