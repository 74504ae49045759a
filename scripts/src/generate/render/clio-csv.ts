/**
 * Writes a firm as a Clio "Excel ready CSV" export folder, in the default column map of
 * `sources/clio-csv/columns.ts` (so the connector reads it back without a profile). Clio's
 * export has no documents, trust history or milestones (seed 002), so neither has this one;
 * the A/R report lists the bills with a balance outstanding.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sourceKeyOf } from '../../model/keys';
import { CLIO_CSV_FILES, slugOf, type ClioCsvFileKey } from '../../sources/clio-csv/columns';
import { matterDetails, type Firm, type FirmUser } from '../firm';
import { CsvWriter } from './csv-writer';
import { RenderTally, type CustomFieldTruth, type RenderResult, type UserTruth } from './types';

export async function renderClioCsv(firm: Firm, outDir: string): Promise<RenderResult> {
  mkdirSync(outDir, { recursive: true });
  const tally = new RenderTally();
  const users = new Map(firm.users.map((u) => [u.id, u]));
  const userSlugs = new Set<string>();
  const userTruth: UserTruth[] = [];
  const userName = (id: number | null | undefined): string => {
    const user = id === null || id === undefined ? undefined : users.get(id);
    if (!user) return '';
    const name = fullName(user);
    if (!userSlugs.has(slugOf(name))) {
      userSlugs.add(slugOf(name));
      tally.count('users');
      userTruth.push({ sourceKey: sourceKeyOf('clio', 'user', slugOf(name)), name, email: user.email, inDynamics: user.inDynamics });
    }
    return name;
  };
  const matterIds = new Map(firm.matters.map((m) => [m.id, m]));
  const matterNumber = (id: number) => matterIds.get(id)?.number ?? `${String(id).padStart(5, '0')}-Unknown`;
  const contacts = new Map(firm.contacts.map((c) => [c.id, c]));

  const matterFields = firm.customFields.filter((c) => c.parentType === 'matter');
  const contactFields = firm.customFields.filter((c) => c.parentType === 'contact');
  const writers = {} as Record<ClioCsvFileKey, CsvWriter>;
  for (const [key, spec] of Object.entries(CLIO_CSV_FILES) as [ClioCsvFileKey, (typeof CLIO_CSV_FILES)[ClioCsvFileKey]][]) {
    const extra = key === 'matters' ? matterFields.map((c) => c.name) : key === 'contacts' ? contactFields.map((c) => c.name) : [];
    writers[key] = new CsvWriter(path.join(outDir, spec.file), [...Object.values(spec.columns).map((c) => c.header), ...extra]);
  }

  for (const c of firm.contacts) {
    const key = sourceKeyOf('clio', 'contact', c.id);
    tally.record('contacts', key, c.dirt);
    const custom = contactFields.map((field) => valueOf(c.customValues[field.id]));
    tally.count('custom_field_values', custom.filter((v) => v !== '').length);
    await writers.contacts.write([c.id, c.kind === 'organization' ? 'Company' : 'Person', c.title, c.firstName, c.lastName, c.companyName, c.jobTitle, c.email, c.phone, c.address.street, c.address.city, c.address.region, c.address.postalCode, c.address.country, c.isClient, csvInstant(c.createdAt), csvInstant(c.updatedAt), ...custom]);
  }

  const areas = new Set<number>();
  for (const m of firm.matters) {
    const area = firm.practiceAreas.find((a) => a.id === m.practiceAreaId)!;
    if (!areas.has(area.id)) {
      areas.add(area.id);
      tally.count('practice_areas');
    }
    tally.record('matters', sourceKeyOf('clio', 'matter', m.id), m.dirt);
    const custom = matterFields.map((field) => valueOf(m.customValues[field.id]));
    tally.count('custom_field_values', custom.filter((v) => v !== '').length);
    const client = m.clientId === null ? undefined : contacts.get(m.clientId);
    await writers.matters.write([m.id, m.number, m.description, capitalize(m.status), area.name, client?.id, client?.name, userName(m.responsibleUserId), userName(m.originatingUserId), csvDay(m.openedOn), m.closedOn ? csvDay(m.closedOn) : '', capitalize(m.billingMethod), csvInstant(m.updatedAt), ...custom]);

    const d = matterDetails(firm, m);
    for (const p of d.participants) {
      tally.record('participants', sourceKeyOf('clio', 'participant', p.id), p.dirt);
      await writers.participants.write([p.id, p.matterId, matterNumber(p.matterId), p.contactId, contacts.get(p.contactId)?.name, p.role, csvInstant(p.updatedAt)]);
    }
    const outstanding = new Set(d.bills.filter((b) => b.total - b.paid > 0).map((b) => b.id));
    for (const t of d.timeEntries) {
      tally.record('time_entries', sourceKeyOf('clio', 'time_entry', t.id), t.dirt);
      await writers.timeEntries.write([t.id, csvDay(t.date), t.matterId, matterNumber(t.matterId), userName(t.userId), t.narrative, t.hours, t.rate, t.amount, !t.billable, t.taskCode, t.activityCode, t.billId && outstanding.has(t.billId) ? t.billId : '', csvInstant(t.updatedAt)]);
    }
    for (const e of d.expenses) {
      tally.record('expenses', sourceKeyOf('clio', 'expense', e.id), e.dirt);
      await writers.expenses.write([e.id, csvDay(e.date), e.matterId, matterNumber(e.matterId), userName(e.userId), e.description, e.quantity, e.unitPrice, e.amount, e.expenseCode, e.billId && outstanding.has(e.billId) ? e.billId : '', csvInstant(e.updatedAt)]);
    }
    for (const b of d.bills.filter((bill) => outstanding.has(bill.id))) {
      tally.record('bills', sourceKeyOf('clio', 'bill', b.id), b.dirt);
      await writers.receivables.write([b.id, b.number, client?.id, client?.name, b.matterId, matterNumber(b.matterId), csvDay(b.issuedOn), csvDay(b.dueOn), b.total, b.paid, round2(b.total - b.paid), csvInstant(b.updatedAt)]);
    }
    for (const e of d.events) {
      tally.record('calendar_events', sourceKeyOf('clio', 'calendar_event', e.id), e.dirt);
      await writers.calendar.write([e.id, e.summary, e.description, e.location, csvDay(e.startAt.slice(0, 10)), e.startAt.slice(11, 19), csvDay(e.endAt.slice(0, 10)), e.endAt.slice(11, 19), false, e.matterId, matterNumber(e.matterId), userName(e.ownerId), csvInstant(e.updatedAt)]);
    }
    for (const t of d.tasks) {
      tally.record('tasks', sourceKeyOf('clio', 'task', t.id), t.dirt);
      await writers.tasks.write([t.id, t.name, t.description, t.status === 'in_progress' ? 'In Progress' : capitalize(t.status), capitalize(t.priority), csvDay(t.dueOn), userName(t.assigneeId), t.matterId, matterNumber(t.matterId), csvInstant(t.updatedAt)]);
    }
    for (const n of d.notes) {
      tally.record('notes', sourceKeyOf('clio', 'note', n.id), n.dirt);
      await writers.matterNotes.write([n.id, csvInstant(n.notedAt), n.subject, n.body, n.matterId, matterNumber(n.matterId), userName(n.authorId), csvInstant(n.updatedAt)]);
    }
    for (const c of d.communications) {
      tally.record('communications', sourceKeyOf('clio', 'communication', c.id), c.dirt);
      await writers.communications.write([c.id, c.kind === 'email' ? 'EmailCommunication' : 'PhoneCommunication', csvInstant(c.at), c.subject, c.body, c.matterId, matterNumber(c.matterId), userName(c.senderUserId), c.contactId, contacts.get(c.contactId)?.name, csvInstant(c.updatedAt)]);
    }
  }
  tally.count('custom_field_definitions', firm.customFields.length);
  for (const writer of Object.values(writers)) await writer.close();

  const customFields: CustomFieldTruth[] = firm.customFields.map((field) => ({
    sourceKey: sourceKeyOf('clio', 'custom_field_definition', `${field.parentType}-${slugOf(field.name)}`),
    name: field.name,
    parentType: field.parentType,
    expectedTarget: field.expectedTarget,
  }));
  return { ...tally.result(customFields), users: userTruth };
}

function fullName(user: FirmUser): string {
  return `${user.firstName} ${user.lastName}`;
}

/** `MM/DD/YYYY`, the US firm date format; a value that is not an ISO day is written as it is (dirt). */
function csvDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${m[2]}/${m[3]}/${m[1]}` : day;
}

function csvInstant(instant: string): string {
  return `${csvDay(instant.slice(0, 10))} ${instant.slice(11, 19)}`;
}

function valueOf(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return csvDay(value);
  return String(value);
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
