/**
 * The default column map of Clio's "Excel ready CSV" exports (seed 002: Settings → Data
 * exports). Clio does not publish these headers, so this map is our model of them: header names
 * follow the Clio API v4 field names (`display_number` → "Matter Number") and the wording of
 * Clio's migration templates and checklist ("Matter Status", "Note Description", "Start Time").
 * A firm whose export differs overrides headers per file in its profile (`csvColumns`), e.g.
 * `{ "Matters.csv": { "number": "Display Number" } }`.
 *
 * Every file keys its records by an `Id` column and refers to other records by their ids
 * (`Matter Id`, `Client Id`); display columns such as `Matter` (the display number) are kept in
 * the raw payload. Users and practice areas have no export of their own: they are named in
 * other files, and the connector derives one record per distinct name.
 */
import type { EntityName } from '../../model/keys';

export interface CsvColumn {
  header: string;
  /** The file cannot be read without it (the record key). */
  required?: boolean;
}

export interface CsvFileSpec {
  /** File name in the export folder (matched case-insensitively). */
  file: string;
  entity: EntityName;
  /** Canonical field → column. Fields are the names `rows.ts` reads. */
  columns: Record<string, CsvColumn>;
  /** Columns not in the map are custom fields of this parent (Clio exports custom fields as extra columns). */
  customFieldsOf?: 'matter' | 'contact';
}

const id: CsvColumn = { header: 'Id', required: true };
const updatedAt: CsvColumn = { header: 'Updated At' };
const matterRef = { matterId: { header: 'Matter Id' }, matter: { header: 'Matter' } };

export const CLIO_CSV_FILES = {
  contacts: {
    file: 'Contacts.csv',
    entity: 'contacts',
    customFieldsOf: 'contact',
    columns: {
      id,
      type: { header: 'Type' },
      prefix: { header: 'Prefix' },
      firstName: { header: 'First Name' },
      lastName: { header: 'Last Name' },
      company: { header: 'Company' },
      jobTitle: { header: 'Title' },
      email: { header: 'Email Address' },
      phone: { header: 'Phone Number' },
      street: { header: 'Street' },
      city: { header: 'City' },
      region: { header: 'State' },
      postalCode: { header: 'Postal Code' },
      country: { header: 'Country' },
      isClient: { header: 'Is Client' },
      createdAt: { header: 'Created At' },
      updatedAt,
    },
  },
  matters: {
    file: 'Matters.csv',
    entity: 'matters',
    customFieldsOf: 'matter',
    columns: {
      id,
      number: { header: 'Matter Number' },
      description: { header: 'Matter Description' },
      status: { header: 'Matter Status' },
      practiceArea: { header: 'Practice Area' },
      clientId: { header: 'Client Id' },
      client: { header: 'Client' },
      responsible: { header: 'Responsible Attorney' },
      originating: { header: 'Originating Attorney' },
      openDate: { header: 'Open Date' },
      closeDate: { header: 'Close Date' },
      billingMethod: { header: 'Billing Method' },
      updatedAt,
    },
  },
  participants: {
    file: 'Contact Related Matters.csv',
    entity: 'participants',
    columns: { id, ...matterRef, contactId: { header: 'Contact Id' }, contact: { header: 'Contact' }, relationship: { header: 'Relationship' }, updatedAt },
  },
  timeEntries: {
    file: 'Time Entries.csv',
    entity: 'time_entries',
    columns: {
      id,
      date: { header: 'Date' },
      ...matterRef,
      user: { header: 'User' },
      description: { header: 'Description' },
      quantity: { header: 'Quantity' },
      rate: { header: 'Rate' },
      total: { header: 'Total' },
      nonBillable: { header: 'Non-Billable' },
      taskCode: { header: 'UTBMS Task' },
      activityCode: { header: 'UTBMS Activity' },
      billId: { header: 'Bill Id' },
      updatedAt,
    },
  },
  expenses: {
    file: 'Expense Entries.csv',
    entity: 'expenses',
    columns: {
      id,
      date: { header: 'Date' },
      ...matterRef,
      user: { header: 'User' },
      description: { header: 'Description' },
      quantity: { header: 'Quantity' },
      price: { header: 'Price' },
      total: { header: 'Total' },
      expenseCode: { header: 'UTBMS Expense' },
      billId: { header: 'Bill Id' },
      updatedAt,
    },
  },
  calendar: {
    file: 'Calendar Entries.csv',
    entity: 'calendar_events',
    columns: {
      id,
      summary: { header: 'Calendar Summary' },
      description: { header: 'Description' },
      location: { header: 'Location' },
      startDate: { header: 'Start Date' },
      startTime: { header: 'Start Time' },
      endDate: { header: 'End Date' },
      endTime: { header: 'End Time' },
      allDay: { header: 'All Day' },
      ...matterRef,
      calendar: { header: 'Calendar' },
      updatedAt,
    },
  },
  tasks: {
    file: 'Tasks.csv',
    entity: 'tasks',
    columns: {
      id,
      name: { header: 'Task Name' },
      description: { header: 'Description' },
      status: { header: 'Status' },
      priority: { header: 'Priority' },
      dueDate: { header: 'Due Date' },
      assignee: { header: 'Assigned User' },
      ...matterRef,
      updatedAt,
    },
  },
  contactNotes: {
    file: 'Contact Notes.csv',
    entity: 'notes',
    columns: { id, date: { header: 'Date' }, subject: { header: 'Subject' }, body: { header: 'Note Description' }, contactId: { header: 'Contact Id' }, contact: { header: 'Contact' }, author: { header: 'Author' }, updatedAt },
  },
  matterNotes: {
    file: 'Matter Notes.csv',
    entity: 'notes',
    columns: { id, date: { header: 'Date' }, subject: { header: 'Subject' }, body: { header: 'Note Description' }, ...matterRef, author: { header: 'Author' }, updatedAt },
  },
  communications: {
    file: 'Communications.csv',
    entity: 'communications',
    columns: {
      id,
      type: { header: 'Type' },
      date: { header: 'Date' },
      subject: { header: 'Subject' },
      body: { header: 'Body' },
      ...matterRef,
      sender: { header: 'Sender' },
      receiverId: { header: 'Receiver Id' },
      receiver: { header: 'Receiver' },
      updatedAt,
    },
  },
  receivables: {
    file: 'Accounts Receivable.csv',
    entity: 'bills',
    columns: {
      id: { header: 'Bill Id', required: true },
      number: { header: 'Invoice Number' },
      clientId: { header: 'Client Id' },
      client: { header: 'Client' },
      ...matterRef,
      issueDate: { header: 'Issue Date' },
      dueDate: { header: 'Due Date' },
      total: { header: 'Total' },
      paid: { header: 'Paid' },
      balance: { header: 'Balance' },
      updatedAt,
    },
  },
} as const satisfies Record<string, CsvFileSpec>;

export type ClioCsvFileKey = keyof typeof CLIO_CSV_FILES;

/** The header of `field` in `spec`, after the profile's overrides. */
export function headerOf(spec: CsvFileSpec, field: string, overrides?: Record<string, Record<string, string>>): string | undefined {
  return overrides?.[spec.file]?.[field] ?? spec.columns[field]?.header;
}

/** Stable id of a name-only record (users, practice areas, custom fields): lower-case words joined by `-`. */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
