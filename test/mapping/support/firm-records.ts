/**
 * Canonical records for a generated firm, built straight from the neutral firm (no renderer, no
 * connector), so mapping and pre-flight tests run on the generator's data and its dirt labels
 * without depending on every connector. Source keys follow the model (`clio:matter:12`).
 */
import { generateFirm, matterDetails, type Firm } from '../../../scripts/src/generate/firm';
import type { MappableRecord } from '../../../scripts/src/mapping/engine';
import type { SourceSystem } from '../../../scripts/src/model';

export interface DirtLabel {
  sourceKey: string;
  dirt: string;
}

const STATUS_LABELS: Record<SourceSystem, Record<string, string>> = {
  clio: { open: 'Open', pending: 'Pending', closed: 'Closed' },
  actionstep: { open: 'Open', pending: 'On Hold', closed: 'Closed Billed' },
  perfectportal: { open: 'Active', pending: 'On Hold', closed: 'Closed Won' },
};

export function firmRecords(firm: Firm, system: SourceSystem = 'clio'): { records: MappableRecord[]; labels: DirtLabel[] } {
  const records: MappableRecord[] = [];
  const labels: DirtLabel[] = [];
  const key = (type: string, id: number | string) => `${system}:${type}:${id}`;
  const add = (type: string, id: number | string, fields: Record<string, unknown>, dirt?: string | readonly string[]) => {
    const sourceKey = key(type, id);
    const { updatedAt, ...rest } = fields;
    records.push({ type, sourceKey, key: { system, type, id: String(id) }, updatedAt: String(updatedAt ?? firm.exportedAt), raw: { id, ...rest }, ...rest });
    for (const d of typeof dirt === 'string' ? [dirt] : (dirt ?? [])) labels.push({ sourceKey, dirt: d });
  };

  for (const u of firm.users)
    add('user', u.id, { name: `${u.firstName} ${u.lastName}`, firstName: u.firstName, lastName: u.lastName, email: u.email, role: u.role, enabled: u.enabled, rate: u.rate });
  for (const a of firm.practiceAreas) add('practice_area', a.id, { kind: 'practice_area', name: a.name, code: a.code });
  for (const c of firm.customFields) add('custom_field_definition', c.id, { name: c.name, parentType: c.parentType, fieldType: c.fieldType, options: c.options.map((o, i) => ({ id: String(i + 1), label: o })) });
  const customValues = (parentType: string, parentId: number, values: Record<number, unknown>) => {
    for (const [fieldId, value] of Object.entries(values))
      add('custom_field_value', `${parentType}-${parentId}-${fieldId}`, { fieldRef: key('custom_field_definition', fieldId), parentRef: key(parentType, parentId), value });
  };
  for (const c of firm.contacts) {
    add(
      'contact',
      c.id,
      {
        kind: c.kind,
        isClient: c.isClient,
        name: c.name,
        title: c.title,
        firstName: c.firstName,
        lastName: c.lastName,
        companyName: c.companyName,
        jobTitle: c.jobTitle,
        emails: [{ value: c.email, primary: true }],
        phones: [{ value: c.phone, primary: true }],
        addresses: [c.address],
        updatedAt: c.updatedAt,
      },
      c.dirt,
    );
    customValues('contact', c.id, c.customValues);
  }
  const userKey = (id: number | null | undefined) => (id === null || id === undefined ? null : key('user', id));
  for (const m of firm.matters) {
    add(
      'matter',
      m.id,
      {
        number: m.number,
        description: m.description,
        status: m.status,
        sourceStatus: STATUS_LABELS[system][m.status],
        practiceAreaRef: key('practice_area', m.practiceAreaId),
        clientRef: m.clientId === null ? null : key('contact', m.clientId),
        responsibleUserRef: userKey(m.responsibleUserId),
        originatingUserRef: userKey(m.originatingUserId),
        openedOn: m.openedOn,
        closedOn: m.closedOn,
        billingMethod: m.billingMethod,
        estimatedValue: m.estimatedValue,
        updatedAt: m.updatedAt,
      },
      m.dirt,
    );
    customValues('matter', m.id, m.customValues);
    const d = matterDetails(firm, m);
    const matterKey = (id: number) => key('matter', id);
    for (const p of d.participants) add('participant', p.id, { matterRef: matterKey(p.matterId), contactRef: key('contact', p.contactId), role: p.role, updatedAt: p.updatedAt }, p.dirt);
    for (const t of d.timeEntries)
      add('time_entry', t.id, { matterRef: matterKey(t.matterId), userRef: userKey(t.userId), date: t.date, hours: t.hours, rate: t.rate, amount: t.amount, billable: t.billable, narrative: t.narrative, utbmsTaskCode: t.taskCode, utbmsActivityCode: t.activityCode, billed: t.billId !== null, ...(t.billId ? { billRef: key('bill', t.billId) } : {}), updatedAt: t.updatedAt }, t.dirt);
    for (const e of d.expenses)
      add('expense', e.id, { matterRef: matterKey(e.matterId), userRef: userKey(e.userId), date: e.date, description: e.description, quantity: e.quantity, unitPrice: e.unitPrice, amount: e.amount, utbmsExpenseCode: e.expenseCode, billed: e.billId !== null, ...(e.billId ? { billRef: key('bill', e.billId) } : {}), updatedAt: e.updatedAt }, e.dirt);
    for (const b of d.bills)
      add('bill', b.id, {
        number: b.number,
        matterRef: matterKey(b.matterId),
        clientRef: m.clientId === null ? null : key('contact', m.clientId),
        issuedOn: b.issuedOn,
        dueOn: b.dueOn,
        status: b.status,
        currency: firm.currency,
        total: b.total,
        paid: b.paid,
        balance: Math.round((b.total - b.paid) * 100) / 100,
        lines: b.lines.map((l) => ({ lineNumber: l.lineNumber, kind: l.kind, date: l.date, description: l.description, units: l.units, unitCost: l.unitCost, adjustment: 0, total: l.total, utbmsTaskCode: l.taskCode, utbmsActivityCode: l.activityCode, utbmsExpenseCode: l.expenseCode, ...(l.userId ? { timekeeperRef: key('user', l.userId) } : {}) })),
        updatedAt: b.updatedAt,
      }, b.dirt);
    if (d.trust) add('trust_snapshot', d.trust.id, { matterRef: matterKey(d.trust.matterId), clientRef: m.clientId === null ? null : key('contact', m.clientId), asOf: d.trust.asOf, balance: d.trust.balance, totalIn: d.trust.totalIn, totalOut: d.trust.totalOut, currency: firm.currency, account: 'Client Trust Account', updatedAt: d.trust.updatedAt });
    for (const s of d.milestones) add('milestone', s.id, { matterRef: matterKey(s.matterId), name: s.name, sequence: s.sequence, enteredAt: s.enteredAt, completedAt: s.completedAt, status: s.status, updatedAt: s.updatedAt }, s.dirt);
    for (const t of d.tasks) add('task', t.id, { matterRef: matterKey(t.matterId), name: t.name, description: t.description, status: t.status, priority: t.priority, dueOn: t.dueOn, assigneeRef: userKey(t.assigneeId), updatedAt: t.updatedAt }, t.dirt);
    for (const e of d.events) add('calendar_event', e.id, { matterRef: matterKey(e.matterId), summary: e.summary, description: e.description, location: e.location, startAt: e.startAt, endAt: e.endAt, calendarOwnerRef: userKey(e.ownerId), updatedAt: e.updatedAt }, e.dirt);
    for (const n of d.notes) add('note', n.id, { kind: n.kind, parentRef: matterKey(n.matterId), subject: n.subject, body: n.body, notedAt: n.notedAt, authorRef: userKey(n.authorId), updatedAt: n.updatedAt }, n.dirt);
    for (const c of d.communications) add('communication', c.id, { kind: c.kind, matterRef: matterKey(c.matterId), subject: c.subject, body: c.body, at: c.at, direction: 'outbound', senderRef: userKey(c.senderUserId), receiverRefs: [key('contact', c.contactId)], updatedAt: c.updatedAt }, c.dirt);
    for (const doc of d.documents) add('document', doc.id, { matterRef: matterKey(doc.matterId), name: doc.name, contentType: doc.contentType, size: doc.size, location: { kind: 'api', id: String(doc.id) }, createdAt: doc.createdAt, authorRef: userKey(doc.authorId), updatedAt: doc.updatedAt }, doc.dirt);
  }
  return { records, labels };
}

export function generatedFirmRecords(system: SourceSystem = 'clio', matters = 40, dirtRate = 0.1) {
  const firm = generateFirm({ seed: 7, matters, dirtRate });
  return { firm, ...firmRecords(firm, system) };
}
