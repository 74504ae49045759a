/**
 * Actionstep payloads → canonical records. Pure. Relationship ids come from each record's
 * `links`; related records asked for with `include=` arrive in the page's `linked` block.
 * Unreadable values become issues naming the record and field; the record is still produced.
 */
import { LexError } from '../../errors';
import { sourceKeyOf, type RecordType } from '../../model/keys';
import { recordBase } from '../../model/parse';
import type { CanonicalRecordInput } from '../../model/records';
import type { DirtRule } from '../../model/quality';
import { asArray, tf, toDay, toInstant } from './values';

type Json = Record<string, unknown>;

export interface Mapped {
  records: CanonicalRecordInput[];
  issues: { error: LexError; rule?: DirtRule }[];
}

export interface PageContext {
  /** The page's `linked` block, by resource name. */
  linked: Record<string, Json[]>;
  /** Participant ids of the firm's users (participants with the Staff type). */
  staff: Set<number>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const linksOf = (raw: Json): Json => (raw.links && typeof raw.links === 'object' ? (raw.links as Json) : {});
const key = (type: RecordType, id: unknown): string | undefined => (id === undefined || id === null || id === '' ? undefined : sourceKeyOf('actionstep', type, String(id)));

class Mapper {
  readonly out: Mapped = { records: [], issues: [] };
  constructor(
    readonly raw: Json,
    readonly type: RecordType,
    readonly cursorField?: string,
  ) {}

  get sourceKey(): string {
    return sourceKeyOf('actionstep', this.type, String(this.raw.id));
  }

  base<T extends RecordType>(type: T, id: unknown = this.raw.id, raw: Json = this.raw) {
    const updatedAt = (this.cursorField && toInstant(this.raw[this.cursorField])) || '1970-01-01T00:00:00Z';
    return recordBase('actionstep', type, String(id), { updatedAt, raw });
  }

  day(field: string): string | undefined {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return undefined;
    const day = toDay(value);
    if (day === undefined) this.badDate(field, value);
    return day;
  }

  instant(field: string): string | undefined {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return undefined;
    const instant = toInstant(value);
    if (instant === undefined) this.badDate(field, value);
    return instant;
  }

  private badDate(field: string, value: unknown): void {
    this.out.issues.push({
      rule: 'bad-date',
      error: new LexError({
        code: 'LEX_SOURCE_ACTIONSTEP_BAD_DATE',
        message: `"${String(value)}" is not a date`,
        fix: `Correct ${field} on this record in Actionstep, or accept it empty; then run a delta extraction.`,
        location: { recordKey: this.sourceKey, field },
      }),
    });
  }

  push(record: CanonicalRecordInput): void {
    this.out.records.push(record);
  }
}

/** A user is the participant behind a Staff `participantdefaulttypes` row (linked by include). */
export function mapStaffParticipant(raw: Json, context: PageContext): Mapped {
  const participantId = linksOf(raw).participant;
  const participant = context.linked.participants?.find((p) => String(p.id) === String(participantId));
  const m = new Mapper(participant ?? raw, 'user', 'modifiedTimestamp');
  if (!participant) return m.out;
  const occupation = str(participant.occupation)?.toLowerCase();
  m.push({
    ...m.base('user', participant.id, participant),
    name: [participant.firstName, participant.lastName].filter(Boolean).join(' ') || str(participant.displayName) || '',
    firstName: str(participant.firstName),
    lastName: str(participant.lastName),
    email: str(participant.email),
    role: occupation === 'attorney' || occupation === 'paralegal' ? occupation : 'staff',
  });
  return m.out;
}

export function mapParticipant(raw: Json, context: PageContext): Mapped {
  const m = new Mapper(raw, 'contact', 'modifiedTimestamp');
  if (context.staff.has(Number(raw.id))) return m.out; // users are read as users
  const company = tf(raw.isCompany) === true;
  const address = {
    kind: 'physical',
    street: [raw.physicalAddressLine1, raw.physicalAddressLine2].filter(Boolean).join(', ') || undefined,
    city: str(raw.physicalCity),
    region: str(raw.physicalStateProvince),
    postalCode: str(raw.physicalPostCode),
    country: str(linksOf(raw).physicalCountry),
  };
  m.push({
    ...m.base('contact'),
    kind: company ? 'organization' : 'person',
    name: company ? str(raw.companyName) ?? str(raw.displayName) ?? '' : [raw.firstName, raw.lastName].filter(Boolean).join(' ') || (str(raw.displayName) ?? ''),
    title: str(raw.salutation),
    firstName: str(raw.firstName),
    lastName: str(raw.lastName),
    companyName: str(raw.companyName),
    jobTitle: str(raw.occupation),
    emails: str(raw.email) ? [{ value: str(raw.email)!, primary: true }] : [],
    phones: [1, 2, 3, 4].flatMap((n) => {
      const number = str(raw[`phone${n}Number`]);
      if (!number) return [];
      const prefix = [raw[`phone${n}Country`], raw[`phone${n}Area`]].filter((v) => v !== undefined && v !== null).join(' ');
      return [{ kind: str(raw[`phone${n}Label`])?.toLowerCase(), value: prefix ? `${prefix} ${number}` : number, primary: n === 1 }];
    }),
    addresses: Object.values(address).some((v, i) => i > 0 && v) ? [address] : [],
  });
  return m.out;
}

export function mapActionType(raw: Json): Mapped {
  const m = new Mapper(raw, 'practice_area');
  m.push({ ...m.base('practice_area'), kind: 'matter_type', name: str(raw.name) ?? '' });
  return m.out;
}

const FIELD_TYPES: Record<string, 'text' | 'text_area' | 'number' | 'money' | 'date' | 'datetime' | 'boolean' | 'picklist' | 'multi_picklist' | 'contact'> = {
  Str255: 'text',
  Str255Protected: 'text',
  TextArea: 'text_area',
  HtmlReadOnly: 'text_area',
  Number: 'number',
  AutoNumber: 'number',
  AutoNumberDC: 'number',
  Money: 'money',
  Date: 'date',
  DateNM: 'date',
  DateTime: 'datetime',
  DateTimeNM: 'datetime',
  Appointment: 'datetime',
  Boolean: 'boolean',
  DropDown: 'picklist',
  DropDownMulti: 'multi_picklist',
  Participant: 'contact',
};

export function mapDataCollectionField(raw: Json, context: PageContext): Mapped {
  const m = new Mapper(raw, 'custom_field_definition');
  const collection = context.linked.datacollections?.find((c) => String(c.id) === String(linksOf(raw).dataCollection));
  m.push({
    ...m.base('custom_field_definition'),
    name: str(raw.label) ?? str(raw.name) ?? String(raw.id),
    parentType: 'matter',
    fieldType: FIELD_TYPES[String(raw.dataType)] ?? 'text',
    required: tf(raw.required),
    group: collection ? `${str(collection.label) ?? str(collection.name) ?? ''} (matter type ${String(linksOf(collection).actionType ?? '')})` : undefined,
  });
  return m.out;
}

/** Values are all strings in Actionstep; the field's data type (linked) says how to read them. */
export function mapDataCollectionValue(raw: Json, context: PageContext): Mapped {
  const m = new Mapper(raw, 'custom_field_value', 'last_modified_time_stamp');
  const links = linksOf(raw);
  const field = context.linked.datacollectionfields?.find((f) => String(f.id) === String(links.dataCollectionField));
  const text = str(raw.stringValue);
  const type = FIELD_TYPES[String(field?.dataType)] ?? 'text';
  let value: string | number | boolean | null = text ?? null;
  if (text !== undefined && (type === 'number' || type === 'money') && Number.isFinite(Number(text))) value = Number(text);
  if (text !== undefined && type === 'boolean') value = tf(text) ?? text;
  m.push({
    ...m.base('custom_field_value'),
    fieldRef: key('custom_field_definition', links.dataCollectionField) ?? '',
    parentRef: key('matter', links.action) ?? '',
    value,
  });
  return m.out;
}

const STATUS = { Active: 'open', Inactive: 'pending', Closed: 'closed' } as const;

export function mapAction(raw: Json): Mapped {
  const m = new Mapper(raw, 'matter', 'modifiedTimestamp');
  const links = linksOf(raw);
  const status = STATUS[raw.status as keyof typeof STATUS];
  m.push({
    ...m.base('matter'),
    number: str(raw.reference),
    description: str(raw.name),
    status: status ?? null,
    sourceStatus: str(raw.status),
    practiceAreaRef: key('practice_area', links.actionType),
    clientRef: key('contact', asArray(links.primaryParticipants as unknown)[0]) ?? null,
    responsibleUserRef: key('user', links.assignedTo) ?? null,
    openedOn: m.day('createdTimestamp') ?? null,
    closedOn: status === 'closed' ? (m.day('statusTimestamp') ?? null) : null,
  });
  return m.out;
}

/** Composite id `{action}--{participantType}--{participant}`; the role is the linked participant type's name. */
export function mapActionParticipant(raw: Json, context: PageContext): Mapped {
  const m = new Mapper(raw, 'participant');
  const links = linksOf(raw);
  const [action, typeId, participant] = String(raw.id).split('--');
  const type = context.linked.participanttypes?.find((t) => String(t.id) === String(links.participantType ?? typeId));
  const role = str(type?.name) ?? `Participant type ${String(links.participantType ?? typeId)}`;
  m.push({
    ...m.base('participant'),
    matterRef: key('matter', links.action ?? action) ?? '',
    contactRef: key('contact', links.participant ?? participant) ?? '',
    role,
    primary: role === 'Client',
  });
  return m.out;
}

export function mapTimeEntry(raw: Json): Mapped {
  const m = new Mapper(raw, 'time_entry', 'createdTimestamp');
  const links = linksOf(raw);
  m.push({
    ...m.base('time_entry'),
    matterRef: key('matter', links.action) ?? null,
    userRef: key('user', links.owner) ?? null,
    date: m.day('timestampDate') ?? null,
    hours: num(raw.actualHours),
    rate: num(raw.rateUnitPrice),
    amount: num(raw.billableAmount),
    billable: tf(raw.isBillable),
    narrative: str(raw.description),
    utbmsTaskCode: str(links.utbmsTaskCode),
    utbmsActivityCode: str(links.utbmsActivityCode),
  });
  return m.out;
}

export function mapDisbursement(raw: Json): Mapped {
  const m = new Mapper(raw, 'expense', 'enteredTimestamp');
  const links = linksOf(raw);
  const quantity = num(raw.quantity);
  const unitPrice = num(raw.unitPrice);
  m.push({
    ...m.base('expense'),
    matterRef: key('matter', links.action) ?? null,
    userRef: key('user', links.enteredByParticipant) ?? null,
    date: m.day('date') ?? null,
    description: str(raw.description),
    quantity,
    unitPrice,
    amount: quantity !== undefined && unitPrice !== undefined ? Math.round(quantity * unitPrice * 100) / 100 : undefined,
    utbmsExpenseCode: str(raw.utbmsExpenseCode),
  });
  return m.out;
}

const BILL_STATUS = { Draft: 'draft', Open: 'awaiting_payment', Closed: 'paid' } as const;

export function mapBill(raw: Json): Mapped {
  const m = new Mapper(raw, 'bill', 'modifiedTimestamp');
  const links = linksOf(raw);
  const currency = str(raw.currency);
  m.push({
    ...m.base('bill'),
    number: raw.ourReference === undefined ? undefined : String(raw.ourReference),
    matterRef: key('matter', asArray(links.action as unknown)[0]) ?? null,
    clientRef: key('contact', links.theirParticipant) ?? null,
    issuedOn: m.day('invoiceDate') ?? null,
    dueOn: m.day('dueDate') ?? null,
    status: BILL_STATUS[raw.status as keyof typeof BILL_STATUS],
    currency: currency?.length === 3 ? currency : undefined,
    total: num(raw.totalInclusive),
    paid: num(raw.totalPaid),
    balance: num(raw.totalDue),
  });
  return m.out;
}

export function mapFileNote(raw: Json): Mapped {
  const m = new Mapper(raw, 'note', 'enteredTimestamp');
  const links = linksOf(raw);
  m.push({
    ...m.base('note'),
    kind: 'note',
    parentRef: key('matter', links.action) ?? null,
    body: str(raw.text),
    notedAt: m.instant('enteredTimestamp') ?? null,
    authorRef: key('user', links.participant) ?? null,
  });
  return m.out;
}

export function mapTask(raw: Json): Mapped {
  const m = new Mapper(raw, 'task', 'lastModifiedTimestamp');
  const links = linksOf(raw);
  const status = raw.status === 'Complete' ? 'complete' : raw.status === 'Incomplete' ? (raw.startedTimestamp ? 'in_progress' : 'pending') : raw.status ? 'cancelled' : undefined;
  m.push({
    ...m.base('task'),
    matterRef: key('matter', links.action) ?? null,
    name: str(raw.name) ?? '',
    description: str(raw.description),
    status,
    priority: str(raw.priority)?.toLowerCase() as 'low' | 'normal' | 'high' | undefined,
    dueOn: m.day('dueTimestamp') ?? null,
    completedAt: m.instant('completedTimestamp') ?? null,
    assigneeRef: key('user', links.assignee) ?? null,
  });
  return m.out;
}

export function mapActionDocument(raw: Json): Mapped {
  const m = new Mapper(raw, 'document', 'modifiedTimestamp');
  const links = linksOf(raw);
  m.push({
    ...m.base('document'),
    matterRef: key('matter', links.action) ?? null,
    name: str(raw.name) ?? str(raw.fileName) ?? '',
    contentType: str(raw.fileType),
    size: num(raw.fileSize),
    location: { kind: 'api', id: str(raw.file) ?? String(raw.id) },
    authorRef: key('user', links.createdBy) ?? null,
    createdAt: m.instant('createdTimestamp') ?? null,
  });
  return m.out;
}
