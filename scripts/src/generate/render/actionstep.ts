/**
 * Renders the neutral firm as an Actionstep org would serve it through its REST API: one JSON
 * Lines file per resource in the shapes of Actionstep's published specs (attributes at the top,
 * relationship ids under `links`, "T"/"F" booleans, `yyyy-MM-dd HH:mm:ss+hh:mm` timestamps,
 * composite ids such as `7001--3--56`), document contents under `files/`, and `manifest.json`.
 *
 * Actionstep specifics: users are participants too (tagged with the Staff participant type
 * through `participantdefaulttypes`); a matter's client is an action participant of type Client
 * and its primary participant; matter custom fields live in one data collection per matter type.
 * Not rendered, because the published API has no resource for them: calendar events, emails,
 * milestone history, trust balances, contact custom fields and bill lines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sourceKeyOf, type EntityName, type RecordType } from '../../model/keys';
import type { DirtRule } from '../../model/quality';
import { ACTIONSTEP_ACCOUNT_FILE, ACTIONSTEP_FILES_DIR, type ActionstepAccount } from '../../fixtures/actionstep-data';
import { compact, JsonLinesFiles } from '../../fixtures/json-lines';
import { matterDetails, type Firm, type FirmCustomField } from '../firm';
import { RenderTally, type CustomFieldTruth, type RenderResult } from './types';

/** Users share the participants' id space; their participant ids start here. */
export const USER_PARTICIPANT_OFFSET = 1_000_000;
export const CLIENT_PARTICIPANT_TYPE = 1;
export const STAFF_PARTICIPANT_TYPE = 2;

const DATA_TYPES: Record<FirmCustomField['fieldType'], string> = {
  text: 'Str255',
  number: 'Number',
  money: 'Money',
  date: 'Date',
  boolean: 'Boolean',
  picklist: 'DropDown',
  url: 'Str255',
};

/** `2024-05-01T10:00:00Z` → `2024-05-01 10:00:00+00:00`, Actionstep's timestamp format. */
export function actionstepTimestamp(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '+00:00');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const fieldName = (field: FirmCustomField) => field.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
const tf = (value: boolean) => (value ? 'T' : 'F');

export async function renderActionstep(firm: Firm, outDir: string): Promise<RenderResult> {
  mkdirSync(path.join(outDir, ACTIONSTEP_FILES_DIR), { recursive: true });
  const files = new JsonLinesFiles(outDir);
  const tally = new RenderTally();
  const count = (entity: EntityName) => tally.count(entity);
  const label = (type: RecordType, id: number | string, rule: DirtRule | undefined) => rule && tally.dirty.push({ sourceKey: sourceKeyOf('actionstep', type, id), rule });
  const customFields: CustomFieldTruth[] = [];
  const since = '2016-01-01 00:00:00+00:00';
  const userPid = (id: number | null | undefined) => (id == null ? undefined : USER_PARTICIPANT_OFFSET + id);
  const userName = new Map(firm.users.map((u) => [u.id, `${u.lastName}, ${u.firstName}`]));

  const participantTypes = new Map<string, number>([
    ['Client', CLIENT_PARTICIPANT_TYPE],
    ['Staff', STAFF_PARTICIPANT_TYPE],
  ]);
  const typeOf = (role: string) => {
    if (!participantTypes.has(role)) participantTypes.set(role, participantTypes.size + 1);
    return participantTypes.get(role)!;
  };

  for (const contact of firm.contacts) {
    const person = contact.kind === 'person';
    await files.write(
      'participants',
      compact({
        id: contact.id,
        displayName: person && contact.lastName ? `${contact.lastName}, ${contact.firstName ?? ''}`.trim() : contact.name,
        isCompany: tf(!person),
        companyName: person ? undefined : contact.companyName,
        salutation: contact.title,
        firstName: contact.firstName,
        lastName: contact.lastName,
        occupation: contact.jobTitle,
        physicalAddressLine1: contact.address.street,
        physicalCity: contact.address.city,
        physicalStateProvince: contact.address.region,
        physicalPostCode: contact.address.postalCode,
        phone1Label: 'Office',
        phone1Number: contact.phone,
        email: contact.email,
        createdTimestamp: actionstepTimestamp(contact.createdAt),
        modifiedTimestamp: actionstepTimestamp(contact.updatedAt),
        links: { physicalCountry: contact.address.country },
      }),
    );
    count('contacts');
    label('contact', contact.id, contact.dirt);
  }
  for (const user of firm.users) {
    const id = userPid(user.id)!;
    await files.write('participants', {
      id,
      displayName: `${user.lastName}, ${user.firstName}`,
      displayInitials: `${user.firstName[0] ?? ''}${user.lastName[0] ?? ''}`,
      isCompany: 'F',
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      occupation: user.role === 'attorney' ? 'Attorney' : user.role === 'paralegal' ? 'Paralegal' : 'Staff',
      createdTimestamp: since,
      modifiedTimestamp: since,
      links: {},
    });
    await files.write('participantdefaulttypes', { id: `${id}--${STAFF_PARTICIPANT_TYPE}`, links: { participant: id, participantType: STAFF_PARTICIPANT_TYPE } });
    count('users');
  }

  const matterFields = firm.customFields.filter((f) => f.parentType === 'matter');
  for (const area of firm.practiceAreas) {
    await files.write('actiontypes', { id: area.id, name: area.name, description: `${area.name} (${area.code})`, isBillable: 'T', isDisabled: 'F', trackBillableTime: 'T' });
    count('practice_areas');
    // one data collection of matter details per matter type, as Actionstep organises custom fields
    await files.write('datacollections', { id: area.id, name: 'matter_details', label: 'Matter details', multipleRecords: 'F', order: 1, links: { actionType: area.id } });
    for (const field of matterFields) {
      await files.write('datacollectionfields', {
        id: `${area.id}--${fieldName(field)}`,
        name: fieldName(field),
        label: field.name,
        dataType: DATA_TYPES[field.fieldType],
        formOrder: field.id,
        listOrder: field.id,
        required: 'F',
        description: field.fieldType === 'picklist' ? `Options: ${field.options.join(', ')}` : field.name,
        links: { dataCollection: area.id },
      });
      count('custom_field_definitions');
      customFields.push({ sourceKey: sourceKeyOf('actionstep', 'custom_field_definition', `${area.id}--${fieldName(field)}`), name: field.name, parentType: 'matter', expectedTarget: field.expectedTarget });
    }
  }

  for (const matter of firm.matters) {
    const details = matterDetails(firm, matter);
    const actionId = matter.id;
    await files.write('actions', {
      id: actionId,
      name: matter.description,
      reference: matter.number,
      priority: 0,
      status: matter.status === 'open' ? 'Active' : matter.status === 'pending' ? 'Inactive' : 'Closed',
      statusTimestamp: actionstepTimestamp(matter.closedOn ? `${matter.closedOn}T17:00:00Z` : matter.createdAt),
      isBillableOverride: 'T',
      createdTimestamp: actionstepTimestamp(matter.createdAt),
      modifiedTimestamp: actionstepTimestamp(matter.updatedAt),
      isDeleted: 'F',
      isFavorite: 'F',
      links: compact({
        assignedTo: userPid(matter.responsibleUserId),
        actionType: matter.practiceAreaId,
        primaryParticipants: matter.clientId === null ? [] : [matter.clientId],
        division: 1,
      }),
    });
    count('matters');
    for (const rule of matter.dirt) label('matter', actionId, rule);

    const seen = new Set<string>();
    const addParticipant = async (role: string, contactId: number, number: number) => {
      const id = `${actionId}--${typeOf(role)}--${contactId}`;
      if (seen.has(id)) return; // the same person in the same role once (the id says so)
      seen.add(id);
      await files.write('actionparticipants', { id, participantNumber: number, links: { action: actionId, participantType: typeOf(role), participant: contactId } });
      count('participants');
    };
    if (matter.clientId !== null) await addParticipant('Client', matter.clientId, 1);
    for (const p of details.participants) await addParticipant(p.role, p.contactId, 1);

    const values = Object.entries(matter.customValues);
    if (values.length) {
      await files.write('datacollectionrecords', { id: actionId, canWrite: 'T', canDelete: 'T', links: { action: actionId, dataCollection: matter.practiceAreaId } });
      for (const [fieldId, value] of values) {
        const field = firm.customFields.find((f) => f.id === Number(fieldId))!;
        await files.write('datacollectionrecordvalues', {
          id: `${matter.practiceAreaId}--${fieldName(field)}--${actionId}`,
          stringValue: typeof value === 'boolean' ? tf(value) : String(value),
          last_modified_time_stamp: actionstepTimestamp(matter.updatedAt),
          links: { action: actionId, dataCollectionField: `${matter.practiceAreaId}--${fieldName(field)}`, dataCollectionRecord: actionId, dataCollection: matter.practiceAreaId },
        });
        count('custom_field_values');
      }
    }

    for (const t of details.timeEntries) {
      await files.write('timeentries', {
        id: t.id,
        // a date Actionstep could never hold is rendered as is: the connector must report it
        timestampDate: /^\d{4}-\d{2}-\d{2}$/.test(t.date) ? `${t.date} 00:00:00+00:00` : t.date,
        description: t.narrative,
        actualHours: t.hours,
        billableHours: t.billable ? t.hours : 0,
        createdTimestamp: actionstepTimestamp(t.updatedAt),
        billingBehavior: t.billable ? 'Bill' : 'No charge',
        rateUnitPrice: t.rate,
        billableAmountType: 'Calculated',
        billableAmount: t.amount,
        isBillable: tf(t.billable),
        links: compact({ action: t.matterId, owner: userPid(t.userId), createdBy: userPid(t.userId), utbmsTaskCode: t.taskCode, utbmsActivityCode: t.activityCode }),
      });
      count('time_entries');
      label('time_entry', t.id, t.dirt);
    }
    for (const e of details.expenses) {
      const [year, month, day] = e.date.split('-');
      const monthName = MONTHS[Number(month) - 1] ?? month;
      await files.write('disbursements', {
        id: e.id,
        date: `${day}-${monthName}-${year}`, // Actionstep's dd-MMM-yyyy
        description: e.description,
        quantity: e.quantity,
        unitPrice: e.unitPrice,
        unitPriceIncludesTax: 'F',
        utbmsExpenseCode: e.expenseCode,
        enteredTimestamp: actionstepTimestamp(e.updatedAt),
        isAnticipated: 'F',
        links: compact({ action: String(e.matterId), enteredByParticipant: e.userId === null ? undefined : String(userPid(e.userId)) }),
      });
      count('expenses');
      label('expense', e.id, e.dirt);
    }
    for (const bill of details.bills) {
      await files.write('bills', {
        id: bill.id,
        status: bill.status === 'paid' ? 'Closed' : 'Open',
        ourReference: bill.number,
        currency: firm.currency,
        invoiceDate: bill.issuedOn,
        dueDate: bill.dueOn,
        totalInclusive: bill.total,
        totalExclusive: bill.total,
        totalSalesTax: 0,
        totalPaid: bill.paid,
        totalDue: Math.round((bill.total - bill.paid) * 100) / 100,
        createdTimestamp: actionstepTimestamp(bill.updatedAt),
        modifiedTimestamp: actionstepTimestamp(bill.updatedAt),
        links: compact({ division: 1, action: [bill.matterId], theirParticipant: matter.clientId === null ? undefined : String(matter.clientId) }),
      });
      count('bills');
    }
    for (const note of details.notes) {
      await files.write('filenotes', {
        id: note.id,
        enteredTimestamp: actionstepTimestamp(note.notedAt),
        text: `${note.subject}\n\n${note.body}`,
        enteredBy: userName.get(note.authorId) ?? '',
        source: 'User',
        noteTimestamp: actionstepTimestamp(note.updatedAt),
        links: { action: note.matterId, participant: userPid(note.authorId) },
      });
      count('notes');
      label('note', note.id, note.dirt);
    }
    for (const task of details.tasks) {
      await files.write(
        'tasks',
        compact({
          id: task.id,
          name: task.name,
          status: task.status === 'complete' ? 'Complete' : 'Incomplete',
          priority: task.priority === 'high' ? 'High' : task.priority === 'low' ? 'Low' : 'Normal',
          dueTimestamp: `${task.dueOn} 17:00:00+00:00`,
          startedTimestamp: task.status === 'in_progress' ? actionstepTimestamp(task.updatedAt) : undefined,
          completedTimestamp: task.status === 'complete' ? actionstepTimestamp(task.updatedAt) : undefined,
          lastModifiedTimestamp: actionstepTimestamp(task.updatedAt),
          description: task.description,
          links: compact({ action: task.matterId, assignee: userPid(task.assigneeId) }),
        }),
      );
      count('tasks');
    }
    for (const doc of details.documents) {
      const fileId = `DL::Actions::${actionId}::${doc.id};${doc.name}`;
      await files.write('actiondocuments', {
        id: doc.id,
        name: doc.name,
        createdTimestamp: actionstepTimestamp(doc.createdAt),
        modifiedTimestamp: actionstepTimestamp(doc.updatedAt),
        status: 'uploaded',
        fileType: doc.contentType,
        fileSize: doc.size,
        extension: doc.name.split('.').at(-1),
        fileName: doc.name,
        file: fileId,
        links: { action: doc.matterId, createdBy: userPid(doc.authorId) },
      });
      if (doc.content !== null) writeFileSync(path.join(outDir, ACTIONSTEP_FILES_DIR, encodeURIComponent(fileId)), doc.content);
      count('documents');
      label('document', doc.id, doc.dirt);
    }
  }
  for (const [name, id] of participantTypes) {
    await files.write('participanttypes', { id, name, displayName: name, description: name, isBaseParticipantType: tf(id <= STAFF_PARTICIPANT_TYPE), companyFlag: 'F' });
  }
  await files.close();

  const account: ActionstepAccount = { source: 'actionstep', orgkey: firm.name.toLowerCase().replace(/[^a-z]+/g, '') || 'lexfirm' };
  writeFileSync(path.join(outDir, ACTIONSTEP_ACCOUNT_FILE), JSON.stringify(account, null, 2));
  return tally.result(customFields);
}
