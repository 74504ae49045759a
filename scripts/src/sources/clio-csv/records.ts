/** One Clio CSV row → canonical record(s). Pure: the row accessor has already read the cells. */
import { recordBase, sourceKeyOf, type CanonicalRecordInput } from '../../model';
import { slugOf, type ClioCsvFileKey } from './columns';
import type { Row } from './values';

/** Records derived from names (users, practice areas) have no change time of their own. */
export const DERIVED_AT = '1970-01-01T00:00:00Z';

export interface RowContext {
  row: Row;
  raw: Record<string, string>;
  /** Custom field columns of this file: definition id → cell. */
  customValues: { fieldId: string; value: string }[];
  /** Export time, used when a file has no Updated At column. */
  fallbackUpdatedAt: string;
}

const ref = (type: Parameters<typeof sourceKeyOf>[1], id: string | undefined) => (id ? sourceKeyOf('clio', type, id) : undefined);

export function userRef(name: string | undefined): string | undefined {
  return name ? sourceKeyOf('clio', 'user', slugOf(name)) : undefined;
}

export function userFromName(name: string): CanonicalRecordInput {
  const [firstName, ...rest] = name.split(/\s+/);
  return { ...recordBase('clio', 'user', slugOf(name), { updatedAt: DERIVED_AT, raw: { name } }), name, firstName, lastName: rest.join(' ') || undefined };
}

export function practiceAreaFromName(name: string): CanonicalRecordInput {
  return { ...recordBase('clio', 'practice_area', slugOf(name), { updatedAt: DERIVED_AT, raw: { name } }), kind: 'practice_area', name };
}

/** The users a row names (so they are staged even though Clio exports no user file). */
export function userNamesIn(file: ClioCsvFileKey, row: Row): string[] {
  const fields: Partial<Record<ClioCsvFileKey, string[]>> = {
    matters: ['responsible', 'originating'],
    timeEntries: ['user'],
    expenses: ['user'],
    calendar: ['calendar'],
    tasks: ['assignee'],
    contactNotes: ['author'],
    matterNotes: ['author'],
    communications: ['sender'],
  };
  return (fields[file] ?? []).map((f) => row.text(f)).filter((n): n is string => !!n);
}

const MATTER_STATUS: Record<string, 'open' | 'pending' | 'closed'> = { open: 'open', pending: 'pending', closed: 'closed' };
const BILLING = { hourly: 'hourly', flat: 'flat', 'flat rate': 'flat', contingency: 'contingency' } as const;
const PRIORITY = { low: 'low', normal: 'normal', high: 'high' } as const;
const TASK_STATUS: Record<string, 'pending' | 'in_progress' | 'complete'> = { pending: 'pending', 'in progress': 'in_progress', 'in-progress': 'in_progress', complete: 'complete', completed: 'complete' };

export function toRecords(file: ClioCsvFileKey, id: string, ctx: RowContext): CanonicalRecordInput[] {
  const { row, raw } = ctx;
  const origin = { file: row.file, line: row.line };
  const updatedAt = row.instant('updatedAt') ?? ctx.fallbackUpdatedAt;
  const base = <T extends Parameters<typeof recordBase>[1]>(type: T) => recordBase('clio', type, id, { updatedAt, raw, origin });
  const matterRef = ref('matter', row.text('matterId'));

  switch (file) {
    case 'contacts': {
      const company = row.text('company');
      const firstName = row.text('firstName');
      const lastName = row.text('lastName');
      const kind = (row.text('type') ?? (firstName || lastName ? 'Person' : 'Company')).toLowerCase().startsWith('comp') ? 'organization' : 'person';
      const email = row.text('email');
      const phone = row.text('phone');
      const address = { street: row.text('street'), city: row.text('city'), region: row.text('region'), postalCode: row.text('postalCode'), country: row.text('country') };
      const contact: CanonicalRecordInput = {
        ...base('contact'),
        kind,
        isClient: row.bool('isClient'),
        name: kind === 'organization' ? (company ?? '') : [firstName, lastName].filter(Boolean).join(' '),
        title: row.text('prefix'),
        firstName,
        lastName,
        companyName: company,
        jobTitle: row.text('jobTitle'),
        emails: email ? [{ value: email, primary: true }] : [],
        phones: phone ? [{ value: phone, primary: true }] : [],
        addresses: Object.values(address).some(Boolean) ? [address] : [],
      };
      return [contact, ...customFieldValues('contact', id, updatedAt, ctx)];
    }
    case 'matters': {
      const practiceArea = row.text('practiceArea');
      return [
        {
          ...base('matter'),
          number: row.text('number'),
          description: row.text('description'),
          status: row.choice('status', MATTER_STATUS),
          sourceStatus: row.text('status'),
          practiceAreaRef: practiceArea ? sourceKeyOf('clio', 'practice_area', slugOf(practiceArea)) : undefined,
          clientRef: ref('contact', row.text('clientId')) ?? null,
          responsibleUserRef: userRef(row.text('responsible')) ?? null,
          originatingUserRef: userRef(row.text('originating')) ?? null,
          openedOn: row.date('openDate'),
          closedOn: row.date('closeDate'),
          billingMethod: row.choice('billingMethod', BILLING) ?? undefined,
        },
        ...customFieldValues('matter', id, updatedAt, ctx),
      ];
    }
    case 'participants':
      return [{ ...base('participant'), matterRef: matterRef ?? '', contactRef: ref('contact', row.text('contactId')) ?? '', role: row.text('relationship') ?? 'Related contact' }];
    case 'timeEntries':
      return [
        {
          ...base('time_entry'),
          matterRef: matterRef ?? null,
          userRef: userRef(row.text('user')) ?? null,
          date: row.date('date'),
          hours: row.number('quantity'),
          rate: row.number('rate'),
          amount: row.number('total'),
          billable: negate(row.bool('nonBillable')),
          narrative: row.text('description'),
          utbmsTaskCode: row.text('taskCode'),
          utbmsActivityCode: row.text('activityCode'),
          billed: row.text('billId') ? true : undefined,
          billRef: ref('bill', row.text('billId')),
        },
      ];
    case 'expenses':
      return [
        {
          ...base('expense'),
          matterRef: matterRef ?? null,
          userRef: userRef(row.text('user')) ?? null,
          date: row.date('date'),
          description: row.text('description'),
          quantity: row.number('quantity'),
          unitPrice: row.number('price'),
          amount: row.number('total'),
          utbmsExpenseCode: row.text('expenseCode'),
          billed: row.text('billId') ? true : undefined,
          billRef: ref('bill', row.text('billId')),
        },
      ];
    case 'calendar':
      return [
        {
          ...base('calendar_event'),
          matterRef: matterRef ?? null,
          summary: row.text('summary') ?? '',
          description: row.text('description'),
          location: row.text('location'),
          startAt: row.instant('startDate', 'startTime'),
          endAt: row.instant('endDate', 'endTime'),
          allDay: row.bool('allDay'),
          calendarOwnerRef: userRef(row.text('calendar')) ?? null,
        },
      ];
    case 'tasks': {
      return [
        {
          ...base('task'),
          matterRef: matterRef ?? null,
          name: row.text('name') ?? '',
          description: row.text('description'),
          status: row.choice('status', TASK_STATUS) ?? undefined,
          priority: row.choice('priority', PRIORITY) ?? undefined,
          dueOn: row.date('dueDate'),
          assigneeRef: userRef(row.text('assignee')) ?? null,
        },
      ];
    }
    case 'contactNotes':
    case 'matterNotes':
      return [
        {
          // Contact and matter notes share one id space in Clio (both are Note).
          ...base('note'),
          kind: 'note',
          parentRef: file === 'contactNotes' ? (ref('contact', row.text('contactId')) ?? null) : (matterRef ?? null),
          subject: row.text('subject'),
          body: row.text('body'),
          notedAt: row.instant('date'),
          authorRef: userRef(row.text('author')) ?? null,
        },
      ];
    case 'communications': {
      const type = row.text('type')?.toLowerCase() ?? '';
      const receiver = ref('contact', row.text('receiverId'));
      return [
        {
          ...base('communication'),
          kind: type.includes('email') ? 'email' : type.includes('phone') ? 'phone_call' : 'other',
          matterRef: matterRef ?? null,
          subject: row.text('subject'),
          body: row.text('body'),
          at: row.instant('date'),
          senderRef: userRef(row.text('sender')) ?? null,
          receiverRefs: receiver ? [receiver] : [],
        },
      ];
    }
    case 'receivables': {
      const balance = row.number('balance');
      return [
        {
          ...base('bill'),
          number: row.text('number'),
          clientRef: ref('contact', row.text('clientId')) ?? null,
          matterRef: matterRef ?? null,
          issuedOn: row.date('issueDate'),
          dueOn: row.date('dueDate'),
          total: row.number('total'),
          paid: row.number('paid'),
          balance,
          status: balance === undefined ? undefined : balance > 0 ? 'awaiting_payment' : 'paid',
        },
      ];
    }
  }
}

function negate(value: boolean | undefined): boolean | undefined {
  return value === undefined ? undefined : !value;
}

function customFieldValues(parentType: 'matter' | 'contact', parentId: string, updatedAt: string, ctx: RowContext): CanonicalRecordInput[] {
  return ctx.customValues.map(({ fieldId, value }) => ({
    ...recordBase('clio', 'custom_field_value', `${parentType}-${parentId}-${fieldId}`, { updatedAt, raw: { [fieldId]: value }, origin: { file: ctx.row.file, line: ctx.row.line } }),
    fieldRef: sourceKeyOf('clio', 'custom_field_definition', fieldId),
    parentRef: sourceKeyOf('clio', parentType, parentId),
    value,
  }));
}
