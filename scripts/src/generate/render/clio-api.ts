/**
 * Renders the neutral firm as the data a Clio Manage API v4 account would return: one JSON Lines
 * file per resource in the shapes of Clio's OpenAPI schemas (every field the firm can fill; the
 * fixture server projects `fields=`), document contents under `files/`, and `manifest.json`.
 * Time-entry quantities are stored in seconds, as API 4.0.4 and later report them.
 *
 * What Clio cannot hold is not rendered: milestones (Clio keeps only the current matter stage).
 * Dirt is rendered as is, so the connector has to report it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENTITY_OF_TYPE, sourceKeyOf, type RecordType } from '../../model/keys';
import type { DirtRule } from '../../model/quality';
import { CLIO_ACCOUNT_FILE, CLIO_FILES_DIR, type ClioAccount } from '../../fixtures/clio-data';
import { compact, JsonLinesFiles } from '../../fixtures/json-lines';
import { matterDetails, type Firm, type FirmContact, type FirmCustomField, type FirmMatter, type FirmUser } from '../firm';
import { RenderTally, type RenderResult } from './types';

type Json = Record<string, unknown>;

const CUSTOM_FIELD_TYPES: Record<FirmCustomField['fieldType'], string> = {
  text: 'text_line',
  number: 'numeric',
  money: 'currency',
  date: 'date',
  boolean: 'checkbox',
  picklist: 'picklist',
  url: 'url',
};

const PRACTICE_CATEGORIES: Record<string, string> = {
  LIT: 'civil_litigation',
  FAM: 'family',
  CONV: 'real_estate',
  EST: 'wills_and_estates',
  CORP: 'business_formation_and_compliance',
  EMP: 'employment_and_labor',
  PI: 'personal_injury',
  IMM: 'immigration',
};

/** Stable ids for UTBMS codes: letter position × 1000 + number (L110 → 12110). */
export function utbmsCodeId(code: string): number {
  return (code.charCodeAt(0) - 64) * 1000 + Number(code.slice(1));
}

export async function renderClioApi(firm: Firm, outDir: string): Promise<RenderResult> {
  mkdirSync(path.join(outDir, CLIO_FILES_DIR), { recursive: true });
  const files = new JsonLinesFiles(outDir);
  const tally = new RenderTally();
  const count = (type: RecordType) => tally.count(ENTITY_OF_TYPE[type]);
  const label = (type: RecordType, id: number | string, rule: DirtRule | undefined) => rule && tally.dirty.push({ sourceKey: sourceKeyOf('clio', type, id), rule });
  const since = '2016-01-01T00:00:00Z';
  const etag = (id: number | string, updatedAt: string) => `"${id}-${Date.parse(updatedAt) / 1000}"`;
  const usersById = new Map(firm.users.map((u) => [u.id, u]));
  const userRef = (id: number | null | undefined): Json | undefined => {
    const user = id == null ? undefined : usersById.get(id);
    return user ? { id: user.id, name: `${user.firstName} ${user.lastName}` } : undefined;
  };
  const contactsById = new Map(firm.contacts.map((c) => [c.id, c]));
  const utbms = new Map<string, Json>();
  const useCode = (code: string, type: 'UtbmsTask' | 'UtbmsActivity' | 'UtbmsExpense', name = code) => {
    if (!utbms.has(code)) utbms.set(code, { id: utbmsCodeId(code), etag: `"u${code}"`, code, name, type, utbms_set_id: 1 });
    return utbms.get(code)!;
  };

  for (const user of firm.users) {
    await files.write('users', userOf(user, since, etag(user.id, since)));
    count('user');
  }
  for (const area of firm.practiceAreas) {
    await files.write('practice_areas', { id: area.id, etag: etag(area.id, since), name: area.name, code: area.code, category: PRACTICE_CATEGORIES[area.code] ?? 'other', created_at: since, updated_at: since });
    count('practice_area');
  }
  for (const field of firm.customFields) {
    await files.write('custom_fields', {
      id: field.id,
      etag: etag(field.id, since),
      name: field.name,
      parent_type: field.parentType === 'matter' ? 'Matter' : 'Contact',
      field_type: CUSTOM_FIELD_TYPES[field.fieldType],
      displayed: true,
      deleted: false,
      required: false,
      display_order: field.id,
      picklist_options: field.options.map((option, i) => ({ id: field.id * 100 + i + 1, option })),
      created_at: since,
      updated_at: since,
    });
    count('custom_field_definition');
  }
  const customValues = (parent: 'matter' | 'contact', parentId: number, values: Record<number, string | number | boolean>, updatedAt: string): Json[] =>
    Object.entries(values).map(([fieldId, value]) => {
      const field = firm.customFields.find((f) => f.id === Number(fieldId))!;
      count('custom_field_value');
      const option = field.fieldType === 'picklist' ? field.options.indexOf(String(value)) : -1;
      return compact({
        id: `${parent}-${parentId}-${field.id}`,
        etag: etag(`${parentId}-${field.id}`, updatedAt),
        field_name: field.name,
        field_type: CUSTOM_FIELD_TYPES[field.fieldType],
        // Clio stores every value as a string; a picklist value is the option id
        value: option >= 0 ? String(field.id * 100 + option + 1) : String(value),
        custom_field: { id: field.id, etag: etag(field.id, since) },
        picklist_option: option >= 0 ? { id: field.id * 100 + option + 1, option: String(value) } : undefined,
        created_at: updatedAt,
        updated_at: updatedAt,
      });
    });

  for (const contact of firm.contacts) {
    await files.write('contacts', contactOf(contact, etag(contact.id, contact.updatedAt), customValues('contact', contact.id, contact.customValues, contact.updatedAt)));
    count('contact');
    label('contact', contact.id, contact.dirt);
  }

  for (const matter of firm.matters) {
    const details = matterDetails(firm, matter);
    const client = matter.clientId === null ? undefined : contactsById.get(matter.clientId);
    await files.write('matters', matterOf(matter, client, userRef, etag(matter.id, matter.updatedAt), customValues('matter', matter.id, matter.customValues, matter.updatedAt), details.trust));
    count('matter');
    for (const rule of matter.dirt) label('matter', matter.id, rule);
    if (details.trust) count('trust_snapshot');
    const matterRef = (id: number) => ({ id, display_number: id === matter.id ? matter.number : undefined });

    for (const p of details.participants) {
      await files.write('relationships', { id: p.id, etag: etag(p.id, p.updatedAt), description: p.role, matter: { id: p.matterId }, contact: { id: p.contactId }, created_at: p.updatedAt, updated_at: p.updatedAt });
      count('participant');
    }
    for (const t of details.timeEntries) {
      const task = useCode(t.taskCode, 'UtbmsTask');
      const activity = useCode(t.activityCode, 'UtbmsActivity');
      await files.write(
        'activities',
        compact({
          id: t.id,
          etag: etag(t.id, t.updatedAt),
          type: 'TimeEntry',
          date: t.date,
          quantity: Math.round(t.hours * 3600),
          rounded_quantity: Math.round(t.hours * 3600),
          quantity_in_hours: t.hours,
          rounded_quantity_in_hours: t.hours,
          price: t.rate,
          total: t.amount,
          note: t.narrative,
          non_billable: !t.billable,
          billed: t.billId !== null,
          flat_rate: false,
          user: userRef(t.userId),
          matter: compact(matterRef(t.matterId)),
          activity_description: { id: Number(task.id) * 100_000 + Number(activity.id), name: `${t.taskCode}/${t.activityCode}`, utbms_task_id: task.id, utbms_activity_id: activity.id },
          bill: t.billId === null ? undefined : { id: t.billId },
          created_at: t.updatedAt,
          updated_at: t.updatedAt,
        }),
      );
      count('time_entry');
      label('time_entry', t.id, t.dirt);
    }
    for (const e of details.expenses) {
      const code = useCode(e.expenseCode, 'UtbmsExpense', e.description);
      await files.write(
        'activities',
        compact({
          id: e.id,
          etag: etag(e.id, e.updatedAt),
          type: 'ExpenseEntry',
          date: e.date,
          quantity: e.quantity,
          price: e.unitPrice,
          total: e.amount,
          note: e.description,
          non_billable: false,
          billed: e.billId !== null,
          user: userRef(e.userId),
          matter: compact(matterRef(e.matterId)),
          utbms_expense: { id: code.id, code: e.expenseCode, name: e.description },
          bill: e.billId === null ? undefined : { id: e.billId },
          created_at: e.updatedAt,
          updated_at: e.updatedAt,
        }),
      );
      count('expense');
      label('expense', e.id, e.dirt);
    }
    for (const bill of details.bills) {
      await files.write(
        'bills',
        compact({
          id: bill.id,
          etag: etag(bill.id, bill.updatedAt),
          number: bill.number,
          issued_at: bill.issuedOn,
          due_at: bill.dueOn,
          type: 'MatterBill',
          kind: 'revenue_kind',
          state: bill.status,
          total: bill.total,
          paid: bill.paid,
          balance: Math.round((bill.total - bill.paid) * 100) / 100,
          matters: [{ id: bill.matterId, display_number: matter.number }],
          client: client ? { id: client.id, name: client.name } : undefined,
          currency: { id: 1, code: firm.currency },
          created_at: bill.updatedAt,
          updated_at: bill.updatedAt,
        }),
      );
      count('bill');
      for (const line of bill.lines) {
        await files.write(
          'line_items',
          compact({
            id: bill.id * 100 + line.lineNumber,
            etag: etag(bill.id * 100 + line.lineNumber, bill.updatedAt),
            type: 'ActivityLineItem',
            kind: line.kind === 'fee' ? 'Service' : 'Expense',
            date: line.date,
            description: line.description,
            price: line.unitCost,
            quantity: line.units,
            total: line.total,
            bill: { id: bill.id },
            matter: { id: bill.matterId },
            activity: { id: line.timeEntryId ?? line.expenseId },
            user: line.userId === undefined ? undefined : { id: line.userId },
            created_at: bill.updatedAt,
            updated_at: bill.updatedAt,
          }),
        );
      }
    }
    for (const ev of details.events) {
      const owner = userRef(ev.ownerId);
      await files.write(
        'calendar_entries',
        compact({
          id: String(ev.id),
          etag: etag(ev.id, ev.updatedAt),
          summary: ev.summary,
          description: ev.description,
          location: ev.location,
          start_at: ev.startAt,
          end_at: ev.endAt,
          all_day: false,
          matter: { id: ev.matterId },
          calendar_owner_id: ev.ownerId,
          calendar_owner: owner ? { id: ev.ownerId, name: owner.name, type: 'UserCalendar' } : undefined,
          created_at: ev.updatedAt,
          updated_at: ev.updatedAt,
        }),
      );
      count('calendar_event');
    }
    for (const task of details.tasks) {
      await files.write(
        'tasks',
        compact({
          id: task.id,
          etag: etag(task.id, task.updatedAt),
          name: task.name,
          description: task.description,
          status: task.status,
          priority: task.priority === 'high' ? 'High' : task.priority === 'low' ? 'Low' : 'Normal',
          due_at: task.dueOn,
          matter: { id: task.matterId },
          assignee: task.assigneeId === null ? undefined : { id: task.assigneeId, type: 'User', name: userRef(task.assigneeId)?.name },
          created_at: task.updatedAt,
          updated_at: task.updatedAt,
        }),
      );
      count('task');
    }
    for (const note of details.notes) {
      await files.write('notes', {
        id: note.id,
        etag: etag(note.id, note.updatedAt),
        type: 'Matter',
        subject: note.subject,
        detail: note.body,
        detail_text_type: 'plain_text',
        date: note.notedAt.slice(0, 10),
        matter: { id: note.matterId },
        author: userRef(note.authorId),
        created_at: note.notedAt,
        updated_at: note.updatedAt,
      });
      count('note');
      label('note', note.id, note.dirt);
    }
    for (const c of details.communications) {
      const contact = contactsById.get(c.contactId);
      await files.write(
        'communications',
        compact({
          id: c.id,
          etag: etag(c.id, c.updatedAt),
          subject: c.subject,
          body: c.body,
          type: c.kind === 'email' ? 'EmailCommunication' : 'PhoneCommunication',
          date: c.at.slice(0, 10),
          received_at: c.at,
          user: userRef(c.senderUserId),
          matter: { id: c.matterId },
          senders: [{ id: c.senderUserId, type: 'User', name: userRef(c.senderUserId)?.name }],
          receivers: contact ? [{ id: contact.id, type: contact.kind === 'person' ? 'Person' : 'Company', name: contact.name }] : [],
          created_at: c.at,
          updated_at: c.updatedAt,
        }),
      );
      count('communication');
    }
    for (const doc of details.documents) {
      await files.write('documents', {
        id: doc.id,
        etag: etag(doc.id, doc.updatedAt),
        type: 'Document',
        name: doc.name,
        filename: doc.name,
        size: doc.size,
        content_type: doc.contentType,
        locked: false,
        matter: { id: doc.matterId },
        creator: { id: doc.authorId, type: 'ManageUser', name: userRef(doc.authorId)?.name },
        latest_document_version: { id: doc.id, document_id: doc.id, version_number: 1, size: doc.size, content_type: doc.contentType, filename: doc.name, fully_uploaded: true },
        created_at: doc.createdAt,
        updated_at: doc.updatedAt,
      });
      if (doc.content !== null) writeFileSync(path.join(outDir, CLIO_FILES_DIR, String(doc.id)), doc.content);
      count('document');
      label('document', doc.id, doc.dirt);
    }
  }
  for (const code of [...utbms.values()].sort((a, b) => Number(a.id) - Number(b.id))) await files.write('utbms_codes', code);
  await files.close();

  const account: ClioAccount = { source: 'clio-api', whoAmIUserId: firm.users[0]!.id };
  writeFileSync(path.join(outDir, CLIO_ACCOUNT_FILE), JSON.stringify(account, null, 2));
  return tally.result(
    firm.customFields.map((f) => ({ sourceKey: sourceKeyOf('clio', 'custom_field_definition', f.id), name: f.name, parentType: f.parentType, expectedTarget: f.expectedTarget })),
  );
}

function userOf(user: FirmUser, since: string, etag: string): Json {
  return {
    id: user.id,
    etag,
    name: `${user.firstName} ${user.lastName}`,
    first_name: user.firstName,
    last_name: user.lastName,
    initials: `${user.firstName[0] ?? ''}${user.lastName[0] ?? ''}`,
    email: user.email,
    enabled: user.enabled,
    rate: user.rate,
    roles: [],
    subscription_type: user.role === 'attorney' ? 'Attorney' : 'NonAttorney',
    job_title: { id: user.role === 'attorney' ? 1 : user.role === 'paralegal' ? 2 : 3, name: user.role === 'attorney' ? 'Attorney' : user.role === 'paralegal' ? 'Paralegal' : 'Staff' },
    account_owner: user.id === 1,
    time_zone: 'Eastern Time (US & Canada)',
    created_at: since,
    updated_at: since,
  };
}

function contactOf(contact: FirmContact, etag: string, customFieldValues: Json[]): Json {
  const person = contact.kind === 'person';
  return compact({
    id: contact.id,
    etag,
    name: contact.name,
    first_name: contact.firstName,
    last_name: contact.lastName,
    prefix: contact.title,
    title: contact.jobTitle,
    type: person ? 'Person' : 'Company',
    is_client: contact.isClient,
    primary_email_address: contact.email,
    primary_phone_number: contact.phone,
    email_addresses: [{ id: contact.id * 10 + 1, address: contact.email, name: 'Work', primary: true }],
    phone_numbers: [{ id: contact.id * 10 + 2, number: contact.phone, name: 'Work', primary: true }],
    addresses: [
      { id: contact.id * 10 + 3, street: contact.address.street, city: contact.address.city, province: contact.address.region, postal_code: contact.address.postalCode, country: contact.address.country, name: 'Work', primary: true },
    ],
    custom_field_values: customFieldValues,
    created_at: contact.createdAt,
    updated_at: contact.updatedAt,
  });
}

function matterOf(
  matter: FirmMatter,
  client: FirmContact | undefined,
  userRef: (id: number) => Json | undefined,
  etag: string,
  customFieldValues: Json[],
  trust: { id: number; balance: number } | null,
): Json {
  return compact({
    id: matter.id,
    etag,
    number: matter.id,
    display_number: matter.number,
    description: matter.description,
    status: matter.status === 'open' ? 'Open' : matter.status === 'pending' ? 'Pending' : 'Closed',
    billable: true,
    billing_method: matter.billingMethod,
    open_date: matter.openedOn,
    close_date: matter.closedOn,
    client: client ? { id: client.id, name: client.name, type: client.kind === 'person' ? 'Person' : 'Company' } : undefined,
    client_id: client?.id,
    practice_area: { id: matter.practiceAreaId },
    responsible_attorney: userRef(matter.responsibleUserId),
    originating_attorney: userRef(matter.originatingUserId),
    custom_field_values: customFieldValues,
    account_balances: trust ? [{ id: trust.id, balance: trust.balance, type: 'Trust', name: 'Trust Account' }] : [],
    created_at: matter.createdAt,
    updated_at: matter.updatedAt,
  });
}
