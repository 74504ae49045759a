/**
 * Clio v4 payloads → canonical records. Pure: one raw object in, records and issues out.
 * A value that cannot be read (a date that is not a date) becomes an issue naming the record
 * and field, and the record is still produced with that field left empty.
 */
import { LexError } from '../../errors';
import type { DirtRule } from '../../model/quality';
import { sourceKeyOf, type RecordType } from '../../model/keys';
import { recordBase } from '../../model/parse';
import type { BillLine, CanonicalRecordInput } from '../../model/records';
import { timeQuantityToHours } from './config';

type Json = Record<string, unknown>;

export interface MapContext {
  apiVersion: string;
  /** UTBMS code id → code (`/utbms/codes.json`), for activity descriptions that carry only ids. */
  utbmsCodes: Map<number, string>;
  /** Today (YYYY-MM-DD): the as-of date of a trust balance read now. */
  today: string;
}

export interface Mapped {
  records: CanonicalRecordInput[];
  issues: { error: LexError; rule?: DirtRule }[];
}

const ref = (type: RecordType, value: unknown): string | undefined => {
  const id = value && typeof value === 'object' ? (value as Json).id : undefined;
  return id === undefined || id === null ? undefined : sourceKeyOf('clio', type, id as string | number);
};
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

class Mapper {
  readonly out: Mapped = { records: [], issues: [] };
  constructor(
    readonly raw: Json,
    readonly type: RecordType,
  ) {}

  get key(): string {
    return sourceKeyOf('clio', this.type, String(this.raw.id));
  }

  base<T extends RecordType>(type: T, id: string | number = String(this.raw.id)) {
    return recordBase('clio', type, id, { updatedAt: this.instant('updated_at') ?? '1970-01-01T00:00:00Z', raw: this.raw });
  }

  /** An ISO day, or undefined plus a `bad-date` issue. */
  day(field: string): string | null | undefined {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return value === null ? null : undefined;
    const text = String(value);
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    const parsed = Date.parse(`${text}T00:00:00Z`);
    const valid = match && !Number.isNaN(parsed) && new Date(parsed).toISOString().startsWith(text);
    if (valid) return text;
    this.out.issues.push({
      rule: 'bad-date',
      error: new LexError({
        code: 'LEX_SOURCE_CLIO_BAD_DATE',
        message: `"${text}" is not a date`,
        fix: `Correct ${field} on this record in Clio (YYYY-MM-DD), or accept it empty; then run a delta extraction.`,
        location: { recordKey: this.key, field },
      }),
    });
    return undefined;
  }

  instant(field: string): string | undefined {
    const value = str(this.raw[field]);
    if (!value) return undefined;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) {
      this.day(field);
      return undefined;
    }
    return /[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : new Date(parsed).toISOString();
  }

  push(record: CanonicalRecordInput): void {
    this.out.records.push(record);
  }
}

export function mapUser(raw: Json): Mapped {
  const m = new Mapper(raw, 'user');
  const jobTitle = str((raw.job_title as Json | undefined)?.name)?.toLowerCase();
  m.push({
    ...m.base('user'),
    name: str(raw.name) ?? [raw.first_name, raw.last_name].filter(Boolean).join(' '),
    firstName: str(raw.first_name),
    lastName: str(raw.last_name),
    email: str(raw.email),
    role: raw.subscription_type === 'Attorney' ? 'attorney' : jobTitle === 'paralegal' ? 'paralegal' : 'staff',
    enabled: bool(raw.enabled),
    rate: num(raw.rate),
  });
  return m.out;
}

export function mapPracticeArea(raw: Json): Mapped {
  const m = new Mapper(raw, 'practice_area');
  m.push({ ...m.base('practice_area'), kind: 'practice_area', name: str(raw.name) ?? '', code: str(raw.code) });
  return m.out;
}

const FIELD_TYPES: Record<string, 'text' | 'text_area' | 'number' | 'money' | 'date' | 'datetime' | 'boolean' | 'picklist' | 'contact' | 'matter' | 'email' | 'url'> = {
  checkbox: 'boolean',
  contact: 'contact',
  currency: 'money',
  date: 'date',
  time: 'datetime',
  email: 'email',
  matter: 'matter',
  numeric: 'number',
  picklist: 'picklist',
  text_area: 'text_area',
  text_line: 'text',
  url: 'url',
};

export function mapCustomField(raw: Json): Mapped {
  const m = new Mapper(raw, 'custom_field_definition');
  m.push({
    ...m.base('custom_field_definition'),
    name: str(raw.name) ?? '',
    parentType: raw.parent_type === 'Contact' ? 'contact' : 'matter',
    fieldType: FIELD_TYPES[String(raw.field_type)] ?? 'text',
    options: list(raw.picklist_options)
      .filter((o) => !o.deleted_at)
      .map((o) => ({ id: String(o.id), label: str(o.option) ?? '' })),
    required: bool(raw.required),
  });
  return m.out;
}

/** `custom_field_values[]` on a matter or contact → one custom_field_value record each. */
function customValues(m: Mapper, parentType: 'matter' | 'contact'): void {
  for (const value of list(m.raw.custom_field_values)) {
    const field = ref('custom_field_definition', value.custom_field);
    if (!field || value.id === undefined) continue;
    const text = str(value.value);
    const typed =
      text === undefined
        ? null
        : value.field_type === 'checkbox'
          ? text === 'true'
          : value.field_type === 'numeric' || value.field_type === 'currency'
            ? Number(text)
            : text;
    m.push({
      ...recordBase('clio', 'custom_field_value', String(value.id), {
        updatedAt: str(value.updated_at) ?? m.instant('updated_at') ?? '1970-01-01T00:00:00Z',
        raw: value,
      }),
      fieldRef: field,
      parentRef: sourceKeyOf('clio', parentType, String(m.raw.id)),
      value: typeof typed === 'number' && !Number.isFinite(typed) ? text! : typed,
    });
  }
}

export function mapContact(raw: Json): Mapped {
  const m = new Mapper(raw, 'contact');
  const person = raw.type !== 'Company';
  m.push({
    ...m.base('contact'),
    kind: person ? 'person' : 'organization',
    isClient: bool(raw.is_client),
    name: str(raw.name) ?? '',
    title: str(raw.prefix),
    firstName: str(raw.first_name),
    lastName: str(raw.last_name),
    companyName: person ? str((raw.company as Json | undefined)?.name) : str(raw.name),
    jobTitle: str(raw.title),
    organizationRef: person ? ref('contact', raw.company) : undefined,
    emails: list(raw.email_addresses).map((e) => ({ kind: str(e.name)?.toLowerCase(), value: str(e.address) ?? '', primary: bool(e.primary) })),
    phones: list(raw.phone_numbers).map((p) => ({ kind: str(p.name)?.toLowerCase(), value: str(p.number) ?? '', primary: bool(p.primary) })),
    addresses: list(raw.addresses).map((a) => ({
      kind: str(a.name)?.toLowerCase(),
      street: str(a.street),
      city: str(a.city),
      region: str(a.province),
      postalCode: str(a.postal_code),
      country: str(a.country),
    })),
    ledesClientId: str(raw.ledes_client_id),
  });
  customValues(m, 'contact');
  return m.out;
}

export function mapMatter(raw: Json, context: MapContext): Mapped {
  const m = new Mapper(raw, 'matter');
  const status = str(raw.status)?.toLowerCase();
  const billing = str(raw.billing_method);
  m.push({
    ...m.base('matter'),
    number: str(raw.display_number),
    description: str(raw.description),
    status: status === 'open' || status === 'pending' || status === 'closed' ? status : null,
    sourceStatus: str(raw.status),
    practiceAreaRef: ref('practice_area', raw.practice_area),
    clientRef: ref('contact', raw.client) ?? null,
    responsibleUserRef: ref('user', raw.responsible_attorney) ?? null,
    originatingUserRef: ref('user', raw.originating_attorney) ?? null,
    openedOn: m.day('open_date'),
    closedOn: m.day('close_date'),
    billingMethod: billing === 'hourly' || billing === 'flat' || billing === 'contingency' ? billing : undefined,
    clientReference: str(raw.client_reference),
  });
  customValues(m, 'matter');
  // Trust: the matter's trust account balance as of this read (Clio keeps no dated snapshot).
  for (const balance of list(raw.account_balances)) {
    if (balance.type !== 'Trust' || num(balance.balance) === undefined) continue;
    m.push({
      ...recordBase('clio', 'trust_snapshot', String(balance.id), { updatedAt: m.instant('updated_at') ?? '1970-01-01T00:00:00Z', raw: balance }),
      matterRef: sourceKeyOf('clio', 'matter', String(raw.id)),
      clientRef: ref('contact', raw.client) ?? null,
      asOf: context.today,
      balance: num(balance.balance)!,
      account: str(balance.name),
    });
  }
  return m.out;
}

export function mapRelationship(raw: Json): Mapped {
  const m = new Mapper(raw, 'participant');
  m.push({
    ...m.base('participant'),
    matterRef: ref('matter', raw.matter) ?? '',
    contactRef: ref('contact', raw.contact) ?? '',
    role: str(raw.description) || 'Related contact',
  });
  return m.out;
}

export function mapActivity(raw: Json, context: MapContext): Mapped {
  if (raw.type === 'TimeEntry') {
    const m = new Mapper(raw, 'time_entry');
    const quantity = num(raw.quantity);
    const description = raw.activity_description as Json | undefined;
    const code = (id: unknown) => (typeof id === 'number' ? context.utbmsCodes.get(id) : undefined);
    m.push({
      ...m.base('time_entry'),
      matterRef: ref('matter', raw.matter) ?? null,
      userRef: ref('user', raw.user) ?? null,
      date: m.day('date'),
      // pinned X-API-VERSION decides the unit; quantity_in_hours is the cross-check
      hours: quantity === undefined ? num(raw.quantity_in_hours) : timeQuantityToHours(quantity, context.apiVersion),
      rate: num(raw.price),
      amount: num(raw.total),
      billable: raw.non_billable === undefined ? undefined : raw.non_billable !== true,
      narrative: str(raw.note),
      utbmsTaskCode: code(description?.utbms_task_id),
      utbmsActivityCode: code(description?.utbms_activity_id),
      billed: bool(raw.billed),
      billRef: ref('bill', raw.bill),
    });
    return m.out;
  }
  const m = new Mapper(raw, 'expense');
  m.push({
    ...m.base('expense'),
    matterRef: ref('matter', raw.matter) ?? null,
    userRef: ref('user', raw.user) ?? null,
    date: m.day('date'),
    description: str(raw.note),
    quantity: num(raw.quantity),
    unitPrice: num(raw.price),
    amount: num(raw.total),
    billable: raw.non_billable === undefined ? undefined : raw.non_billable !== true,
    utbmsExpenseCode: str((raw.utbms_expense as Json | undefined)?.code),
    billed: bool(raw.billed),
    billRef: ref('bill', raw.bill),
  });
  return m.out;
}

const BILL_STATES = ['draft', 'awaiting_approval', 'awaiting_payment', 'paid', 'void'] as const;

export function mapBill(raw: Json, lineItems: Json[]): Mapped {
  const m = new Mapper(raw, 'bill');
  const state = BILL_STATES.find((s) => s === raw.state);
  const currency = str((raw.currency as Json | undefined)?.code);
  const lines: BillLine[] = lineItems.map((item, index) => {
    const expense = item.kind === 'Expense';
    const total = num(item.total) ?? 0;
    const units = num(item.quantity) ?? 0;
    const unitCost = num(item.price) ?? 0;
    return {
      lineNumber: index + 1,
      kind: expense ? 'expense' : 'fee',
      date: str(item.date),
      description: str(item.description),
      units,
      unitCost,
      // LEDES: total = units × cost + adjustment; Clio gives the total, so the adjustment is the rest
      adjustment: Math.round((total - units * unitCost) * 100) / 100,
      total,
      timekeeperRef: ref('user', item.user),
      timeEntryRef: expense ? undefined : ref('time_entry', item.activity),
      expenseRef: expense ? ref('expense', item.activity) : undefined,
    };
  });
  m.push({
    ...m.base('bill'),
    number: str(raw.number),
    matterRef: ref('matter', list(raw.matters)[0]) ?? null,
    clientRef: ref('contact', raw.client) ?? null,
    issuedOn: m.day('issued_at'),
    dueOn: m.day('due_at'),
    status: state,
    currency: currency?.length === 3 ? currency : undefined,
    total: num(raw.total),
    paid: num(raw.paid),
    balance: num(raw.balance),
    lines,
  });
  return m.out;
}

export function mapCalendarEntry(raw: Json): Mapped {
  const m = new Mapper(raw, 'calendar_event');
  const owner = raw.calendar_owner_id;
  m.push({
    ...m.base('calendar_event'),
    matterRef: ref('matter', raw.matter) ?? null,
    summary: str(raw.summary) ?? '',
    description: str(raw.description),
    location: str(raw.location),
    startAt: m.instant('start_at') ?? null,
    endAt: m.instant('end_at') ?? null,
    allDay: bool(raw.all_day),
    calendarOwnerRef: typeof owner === 'number' ? sourceKeyOf('clio', 'user', owner) : null,
  });
  return m.out;
}

export function mapTask(raw: Json): Mapped {
  const m = new Mapper(raw, 'task');
  const status = str(raw.status);
  const assignee = raw.assignee as Json | undefined;
  m.push({
    ...m.base('task'),
    matterRef: ref('matter', raw.matter) ?? null,
    name: str(raw.name) ?? '',
    description: str(raw.description),
    // Clio's in_review is still work in progress
    status: status === 'complete' ? 'complete' : status === 'pending' ? 'pending' : status ? 'in_progress' : undefined,
    priority: str(raw.priority)?.toLowerCase() as 'low' | 'normal' | 'high' | undefined,
    dueOn: m.day('due_at'),
    completedAt: m.instant('completed_at') ?? null,
    assigneeRef: assignee ? ref(assignee.type === 'User' ? 'user' : 'contact', assignee) ?? null : null,
  });
  return m.out;
}

export function mapNote(raw: Json): Mapped {
  const m = new Mapper(raw, 'note');
  m.push({
    ...m.base('note'),
    kind: 'note',
    parentRef: (raw.type === 'Contact' ? ref('contact', raw.contact) : ref('matter', raw.matter)) ?? null,
    subject: str(raw.subject),
    body: str(raw.detail),
    notedAt: m.instant('created_at') ?? null,
    authorRef: ref('user', raw.author) ?? null,
  });
  return m.out;
}

const participantRef = (p: Json) => ref(p.type === 'User' ? 'user' : 'contact', p);

export function mapCommunication(raw: Json): Mapped {
  const m = new Mapper(raw, 'communication');
  const senders = list(raw.senders);
  m.push({
    ...m.base('communication'),
    kind: raw.type === 'EmailCommunication' ? 'email' : raw.type === 'PhoneCommunication' ? 'phone_call' : 'other',
    matterRef: ref('matter', raw.matter) ?? null,
    subject: str(raw.subject),
    body: str(raw.body),
    at: m.instant('received_at') ?? null,
    direction: senders.some((s) => s.type === 'User') ? 'outbound' : senders.length ? 'inbound' : undefined,
    senderRef: senders[0] ? participantRef(senders[0]) ?? null : null,
    receiverRefs: list(raw.receivers).map(participantRef).filter((r): r is string => !!r),
  });
  return m.out;
}

export function mapDocument(raw: Json): Mapped {
  const m = new Mapper(raw, 'document');
  m.push({
    ...m.base('document'),
    matterRef: ref('matter', raw.matter) ?? null,
    name: str(raw.name) ?? str(raw.filename) ?? '',
    contentType: str(raw.content_type),
    size: num(raw.size),
    location: { kind: 'api', id: String(raw.id) },
    authorRef: (raw.creator as Json | undefined)?.type === 'ManageUser' ? ref('user', raw.creator) ?? null : null,
    createdAt: m.instant('created_at') ?? null,
  });
  return m.out;
}
