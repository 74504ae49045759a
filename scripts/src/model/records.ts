/**
 * The canonical legal model: what every source connector produces and every later stage reads.
 * zod schemas are the definition; the TypeScript types are inferred from them.
 *
 * Shape rules:
 * - identity and provenance on every record: `key`, `sourceKey`, `updatedAt`, `raw` (the source
 *   payload as received, for the field-by-field diff);
 * - references to other records are source keys (`clientRef: 'clio:contact:7'`), never objects;
 * - business fields are optional or nullable: the model records what the source holds, even when
 *   it is incomplete (a matter without client is still a matter). Whether a record is good enough
 *   for Dynamics is decided later (quality findings at extraction, pre-flight before loading).
 * - dates are ISO strings: `YYYY-MM-DD` for days, ISO 8601 with offset for instants.
 */
import { z } from 'zod';
import { RECORD_TYPES, SOURCE_SYSTEMS } from './keys';

const sourceKeyRef = z.string().regex(/^[a-z]+:[a-z_]+:.+$/, 'a source key like "clio:matter:123"');
const day = z.iso.date();
const instant = z.iso.datetime({ offset: true });
const money = z.number().finite();
const text = z.string();

export const recordKeySchema = z.object({
  system: z.enum(SOURCE_SYSTEMS),
  type: z.enum(RECORD_TYPES),
  id: z.string().min(1),
});

const base = {
  key: recordKeySchema,
  sourceKey: sourceKeyRef,
  /** When the source last changed the record; the delta watermark. */
  updatedAt: instant,
  /** Link to the record in the source application, when it has one. */
  sourceUrl: z.string().optional(),
  /** The source payload exactly as read (API object or CSV row by header). */
  raw: z.record(z.string(), z.unknown()),
  /** Where a file source read it (file and line), for messages; not part of the content. */
  origin: z.object({ file: z.string(), line: z.number().int().optional() }).optional(),
};

const address = z.object({
  kind: z.string().optional(),
  street: text.optional(),
  city: text.optional(),
  region: text.optional(),
  postalCode: text.optional(),
  country: text.optional(),
});
const labelled = z.object({ kind: z.string().optional(), value: text, primary: z.boolean().optional() });

export const userSchema = z.object({
  ...base,
  type: z.literal('user'),
  name: text,
  firstName: text.optional(),
  lastName: text.optional(),
  email: text.optional(),
  role: z.enum(['attorney', 'paralegal', 'staff', 'admin']).optional(),
  enabled: z.boolean().optional(),
  rate: money.optional(),
});

/**
 * People and organizations. A client is a contact that is a client on some matter (`isClient`),
 * which is how Clio and Actionstep hold them: one contact table, the role comes from matters.
 */
export const contactSchema = z.object({
  ...base,
  type: z.literal('contact'),
  kind: z.enum(['person', 'organization']),
  isClient: z.boolean().optional(),
  name: text,
  title: text.optional(),
  firstName: text.optional(),
  lastName: text.optional(),
  companyName: text.optional(),
  jobTitle: text.optional(),
  organizationRef: sourceKeyRef.optional(),
  emails: z.array(labelled).default([]),
  phones: z.array(labelled).default([]),
  addresses: z.array(address).default([]),
  ledesClientId: text.optional(),
});

/** Clio practice areas and Actionstep matter (action) types. */
export const practiceAreaSchema = z.object({
  ...base,
  type: z.literal('practice_area'),
  kind: z.enum(['practice_area', 'matter_type']),
  name: text,
  code: text.optional(),
});

export const MATTER_STATUSES = ['open', 'pending', 'closed'] as const;

export const matterSchema = z.object({
  ...base,
  type: z.literal('matter'),
  number: text.optional(),
  description: text.optional(),
  status: z.enum(MATTER_STATUSES).nullable().optional(),
  /** The status label as the source shows it (Perfect Portal "On Hold", Actionstep "Inactive"). */
  sourceStatus: text.optional(),
  practiceAreaRef: sourceKeyRef.optional(),
  clientRef: sourceKeyRef.nullable().optional(),
  responsibleUserRef: sourceKeyRef.nullable().optional(),
  originatingUserRef: sourceKeyRef.nullable().optional(),
  openedOn: day.nullable().optional(),
  closedOn: day.nullable().optional(),
  billingMethod: z.enum(['hourly', 'flat', 'contingency', 'mixed']).optional(),
  estimatedValue: money.optional(),
  currency: z.string().length(3).optional(),
  clientReference: text.optional(),
});

/** A person or organization in a role on a matter (related contact, other side, referrer…). */
export const participantSchema = z.object({
  ...base,
  type: z.literal('participant'),
  matterRef: sourceKeyRef,
  contactRef: sourceKeyRef,
  role: text,
  primary: z.boolean().optional(),
});

export const timeEntrySchema = z.object({
  ...base,
  type: z.literal('time_entry'),
  matterRef: sourceKeyRef.nullable().optional(),
  userRef: sourceKeyRef.nullable().optional(),
  date: day.nullable().optional(),
  /** Always hours here; connectors convert (Clio API ≥ 4.0.4 gives seconds). */
  hours: z.number().nonnegative().optional(),
  rate: money.optional(),
  amount: money.optional(),
  billable: z.boolean().optional(),
  narrative: text.optional(),
  utbmsTaskCode: text.optional(),
  utbmsActivityCode: text.optional(),
  billed: z.boolean().optional(),
  billRef: sourceKeyRef.optional(),
});

export const expenseSchema = z.object({
  ...base,
  type: z.literal('expense'),
  matterRef: sourceKeyRef.nullable().optional(),
  userRef: sourceKeyRef.nullable().optional(),
  date: day.nullable().optional(),
  description: text.optional(),
  quantity: z.number().optional(),
  unitPrice: money.optional(),
  amount: money.optional(),
  billable: z.boolean().optional(),
  utbmsExpenseCode: text.optional(),
  billed: z.boolean().optional(),
  billRef: sourceKeyRef.optional(),
});

/** One LEDES-style line: total = units × unitCost + adjustment. */
export const billLineSchema = z.object({
  lineNumber: z.number().int().positive(),
  kind: z.enum(['fee', 'expense', 'fee_adjustment', 'expense_adjustment']),
  date: day.optional(),
  description: text.optional(),
  units: z.number(),
  unitCost: money,
  adjustment: money.default(0),
  total: money,
  utbmsTaskCode: text.optional(),
  utbmsActivityCode: text.optional(),
  utbmsExpenseCode: text.optional(),
  timekeeperRef: sourceKeyRef.optional(),
  timeEntryRef: sourceKeyRef.optional(),
  expenseRef: sourceKeyRef.optional(),
});

export const billSchema = z.object({
  ...base,
  type: z.literal('bill'),
  number: text.optional(),
  matterRef: sourceKeyRef.nullable().optional(),
  clientRef: sourceKeyRef.nullable().optional(),
  issuedOn: day.nullable().optional(),
  dueOn: day.nullable().optional(),
  status: z.enum(['draft', 'awaiting_approval', 'awaiting_payment', 'paid', 'void']).optional(),
  currency: z.string().length(3).optional(),
  total: money.optional(),
  paid: money.optional(),
  balance: money.optional(),
  lines: z.array(billLineSchema).default([]),
});

/** Trust balance as of cutover (history is not migrated, per the seeds). */
export const trustSnapshotSchema = z.object({
  ...base,
  type: z.literal('trust_snapshot'),
  matterRef: sourceKeyRef.nullable().optional(),
  clientRef: sourceKeyRef.nullable().optional(),
  asOf: day,
  balance: money,
  totalIn: money.optional(),
  totalOut: money.optional(),
  account: text.optional(),
  currency: z.string().length(3).optional(),
});

export const milestoneSchema = z.object({
  ...base,
  type: z.literal('milestone'),
  matterRef: sourceKeyRef,
  name: text,
  sequence: z.number().int().nonnegative(),
  enteredAt: instant.nullable().optional(),
  completedAt: instant.nullable().optional(),
  status: z.enum(['not_started', 'in_progress', 'completed', 'skipped']),
});

export const taskSchema = z.object({
  ...base,
  type: z.literal('task'),
  matterRef: sourceKeyRef.nullable().optional(),
  name: text,
  description: text.optional(),
  status: z.enum(['pending', 'in_progress', 'complete', 'cancelled']).optional(),
  priority: z.enum(['low', 'normal', 'high']).optional(),
  dueOn: day.nullable().optional(),
  completedAt: instant.nullable().optional(),
  assigneeRef: sourceKeyRef.nullable().optional(),
});

export const calendarEventSchema = z.object({
  ...base,
  type: z.literal('calendar_event'),
  matterRef: sourceKeyRef.nullable().optional(),
  summary: text,
  description: text.optional(),
  location: text.optional(),
  startAt: instant.nullable().optional(),
  endAt: instant.nullable().optional(),
  allDay: z.boolean().optional(),
  calendarOwnerRef: sourceKeyRef.nullable().optional(),
});

/** Notes on a matter or a contact; Perfect Portal "matter updates" are notes of kind `matter_update`. */
export const noteSchema = z.object({
  ...base,
  type: z.literal('note'),
  kind: z.enum(['note', 'matter_update']).default('note'),
  parentRef: sourceKeyRef.nullable(),
  subject: text.optional(),
  body: text.optional(),
  notedAt: instant.nullable().optional(),
  authorRef: sourceKeyRef.nullable().optional(),
});

export const communicationSchema = z.object({
  ...base,
  type: z.literal('communication'),
  kind: z.enum(['email', 'phone_call', 'other']),
  matterRef: sourceKeyRef.nullable().optional(),
  subject: text.optional(),
  body: text.optional(),
  at: instant.nullable().optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  senderRef: sourceKeyRef.nullable().optional(),
  receiverRefs: z.array(sourceKeyRef).default([]),
});

/**
 * Document metadata only. The content is never part of the record: the connector's
 * `openDocument(record)` streams it from `location` when the loader needs it.
 */
export const documentSchema = z.object({
  ...base,
  type: z.literal('document'),
  matterRef: sourceKeyRef.nullable().optional(),
  name: text,
  contentType: text.optional(),
  /** Size in bytes as the source declares it (checked against upload limits before download). */
  size: z.number().int().nonnegative().optional(),
  location: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('url'), url: z.string() }),
    z.object({ kind: z.literal('file'), path: z.string() }),
    z.object({ kind: z.literal('api'), id: z.string() }),
  ]),
  folder: text.optional(),
  authorRef: sourceKeyRef.nullable().optional(),
  createdAt: instant.nullable().optional(),
});

export const CUSTOM_FIELD_TYPES = [
  'text',
  'text_area',
  'number',
  'money',
  'date',
  'datetime',
  'boolean',
  'picklist',
  'multi_picklist',
  'contact',
  'matter',
  'email',
  'url',
] as const;

export const customFieldDefinitionSchema = z.object({
  ...base,
  type: z.literal('custom_field_definition'),
  name: text,
  parentType: z.enum(['matter', 'contact']),
  fieldType: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(z.object({ id: z.string(), label: text })).default([]),
  required: z.boolean().optional(),
  /** Actionstep data collection / Clio custom field set the field belongs to. */
  group: text.optional(),
});

export const customFieldValueSchema = z.object({
  ...base,
  type: z.literal('custom_field_value'),
  fieldRef: sourceKeyRef,
  parentRef: sourceKeyRef,
  value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]),
});

/** Exported for reference only: workflows do not migrate (the seeds say rebuild them in Power Automate). */
export const workflowDefinitionSchema = z.object({
  ...base,
  type: z.literal('workflow_definition'),
  name: text,
  description: text.optional(),
  practiceAreaRef: sourceKeyRef.optional(),
  steps: z.array(text).default([]),
});

export const canonicalRecordSchema = z.discriminatedUnion('type', [
  userSchema,
  contactSchema,
  practiceAreaSchema,
  matterSchema,
  participantSchema,
  timeEntrySchema,
  expenseSchema,
  billSchema,
  trustSnapshotSchema,
  milestoneSchema,
  taskSchema,
  calendarEventSchema,
  noteSchema,
  communicationSchema,
  documentSchema,
  customFieldDefinitionSchema,
  customFieldValueSchema,
  workflowDefinitionSchema,
]);

export type CanonicalRecord = z.infer<typeof canonicalRecordSchema>;
/** What a connector builds before validation (defaults such as `emails: []` may be left out). */
export type CanonicalRecordInput = z.input<typeof canonicalRecordSchema>;
export type RecordOfType<T extends CanonicalRecord['type']> = Extract<CanonicalRecord, { type: T }>;
export type UserRecord = z.infer<typeof userSchema>;
export type ContactRecord = z.infer<typeof contactSchema>;
export type PracticeAreaRecord = z.infer<typeof practiceAreaSchema>;
export type MatterRecord = z.infer<typeof matterSchema>;
export type ParticipantRecord = z.infer<typeof participantSchema>;
export type TimeEntryRecord = z.infer<typeof timeEntrySchema>;
export type ExpenseRecord = z.infer<typeof expenseSchema>;
export type BillLine = z.infer<typeof billLineSchema>;
export type BillRecord = z.infer<typeof billSchema>;
export type TrustSnapshotRecord = z.infer<typeof trustSnapshotSchema>;
export type MilestoneRecord = z.infer<typeof milestoneSchema>;
export type TaskRecord = z.infer<typeof taskSchema>;
export type CalendarEventRecord = z.infer<typeof calendarEventSchema>;
export type NoteRecord = z.infer<typeof noteSchema>;
export type CommunicationRecord = z.infer<typeof communicationSchema>;
export type DocumentRecord = z.infer<typeof documentSchema>;
export type CustomFieldDefinitionRecord = z.infer<typeof customFieldDefinitionSchema>;
export type CustomFieldValueRecord = z.infer<typeof customFieldValueSchema>;
export type WorkflowDefinitionRecord = z.infer<typeof workflowDefinitionSchema>;
