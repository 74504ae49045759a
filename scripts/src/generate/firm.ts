/**
 * A seeded, neutral law firm: the data every source renderer (clio-csv, perfectportal, clio-api,
 * actionstep) writes in its own format. Neutral means no source ids or formats here: ids are
 * small integers per entity, dates are ISO strings, amounts are numbers. Renderers turn them
 * into their source's shape and source keys.
 *
 * Scale: the firm "skeleton" (users, practice areas, custom fields, contacts, matters) is held
 * in memory (about 2.5 records per matter); everything that hangs off a matter is generated on
 * demand by `matterDetails(firm, matter)`, deterministically from (seed, matter id), so a
 * renderer can stream a million records while holding one matter's details at a time.
 *
 * Dirt is data: a dirty record carries the bad value itself (a null client, a phone number in
 * the email field, an unreadable date, a reference to a matter that does not exist) and a
 * `dirt` label, which the renderer writes to `manifest.json` under the record's source key.
 */
import { Faker, en } from '@faker-js/faker';
import type { DirtRule } from '../model/quality';

export interface FirmOptions {
  seed: number;
  matters: number;
  /** Share of candidate records that get a deliberate defect (0 … 1). */
  dirtRate: number;
}

export interface FirmUser {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  role: 'attorney' | 'paralegal' | 'staff';
  rate: number;
  enabled: boolean;
  /** False for users who have no Dynamics user to map to (left the firm, never licensed). */
  inDynamics: boolean;
}

export interface FirmPracticeArea {
  id: number;
  name: string;
  code: string;
}

export interface FirmAddress {
  street: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

export interface FirmContact {
  id: number;
  kind: 'person' | 'organization';
  name: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  title?: string;
  jobTitle?: string;
  email: string;
  phone: string;
  address: FirmAddress;
  isClient: boolean;
  customValues: Record<number, string | number | boolean>;
  createdAt: string;
  updatedAt: string;
  dirt?: DirtRule;
}

export interface FirmCustomField {
  id: number;
  name: string;
  parentType: 'matter' | 'contact';
  fieldType: 'text' | 'number' | 'money' | 'date' | 'boolean' | 'picklist' | 'url';
  options: string[];
  /** Where this field truly belongs in Dynamics (`table.column`), for testing the map proposer. */
  expectedTarget: string;
}

export type MatterStatus = 'open' | 'pending' | 'closed';

export interface FirmMatter {
  id: number;
  number: string;
  description: string;
  status: MatterStatus;
  practiceAreaId: number;
  clientId: number | null;
  responsibleUserId: number;
  originatingUserId: number;
  openedOn: string;
  closedOn: string | null;
  billingMethod: 'hourly' | 'flat' | 'contingency';
  estimatedValue: number;
  customValues: Record<number, string | number | boolean>;
  createdAt: string;
  updatedAt: string;
  dirt: DirtRule[];
}

interface Child {
  id: number;
  /** Usually the owning matter; an orphan points at a matter that does not exist. */
  matterId: number;
  dirt?: DirtRule;
  updatedAt: string;
}

export interface FirmParticipant extends Child {
  contactId: number;
  role: string;
}
export interface FirmTimeEntry extends Child {
  userId: number | null;
  /** ISO day, or an unreadable string when dirt is `bad-date`. */
  date: string;
  hours: number;
  rate: number;
  amount: number;
  billable: boolean;
  narrative: string;
  taskCode: string;
  activityCode: string;
  billId: number | null;
}
export interface FirmExpense extends Child {
  userId: number | null;
  date: string;
  description: string;
  quantity: number;
  unitPrice: number;
  amount: number;
  expenseCode: string;
  billId: number | null;
}
export interface FirmBillLine {
  lineNumber: number;
  kind: 'fee' | 'expense';
  date: string;
  description: string;
  units: number;
  unitCost: number;
  total: number;
  taskCode?: string;
  activityCode?: string;
  expenseCode?: string;
  userId?: number;
  timeEntryId?: number;
  expenseId?: number;
}
export interface FirmBill extends Child {
  number: string;
  issuedOn: string;
  dueOn: string;
  status: 'awaiting_payment' | 'paid';
  total: number;
  paid: number;
  lines: FirmBillLine[];
}
export interface FirmTrust extends Child {
  asOf: string;
  balance: number;
  totalIn: number;
  totalOut: number;
}
export interface FirmMilestone extends Child {
  name: string;
  sequence: number;
  enteredAt: string | null;
  completedAt: string | null;
  status: 'not_started' | 'in_progress' | 'completed';
}
export interface FirmTask extends Child {
  name: string;
  description: string;
  status: 'pending' | 'in_progress' | 'complete';
  priority: 'low' | 'normal' | 'high';
  dueOn: string;
  assigneeId: number | null;
}
export interface FirmEvent extends Child {
  summary: string;
  description: string;
  location: string;
  startAt: string;
  endAt: string;
  ownerId: number;
}
export interface FirmNote extends Child {
  kind: 'note' | 'matter_update';
  subject: string;
  body: string;
  notedAt: string;
  authorId: number;
}
export interface FirmCommunication extends Child {
  kind: 'email' | 'phone_call';
  subject: string;
  body: string;
  at: string;
  senderUserId: number;
  contactId: number;
}
export interface FirmDocument extends Child {
  name: string;
  contentType: string;
  /** Declared size in bytes. */
  size: number;
  /** Small documents carry their text content; oversized ones only declare a size. */
  content: string | null;
  createdAt: string;
  authorId: number;
}

export interface MatterDetails {
  participants: FirmParticipant[];
  timeEntries: FirmTimeEntry[];
  expenses: FirmExpense[];
  bills: FirmBill[];
  trust: FirmTrust | null;
  milestones: FirmMilestone[];
  tasks: FirmTask[];
  events: FirmEvent[];
  notes: FirmNote[];
  communications: FirmCommunication[];
  documents: FirmDocument[];
}

export interface Firm {
  options: FirmOptions;
  name: string;
  currency: string;
  /** The export's "now": every date in the firm is before it. */
  exportedAt: string;
  users: FirmUser[];
  practiceAreas: FirmPracticeArea[];
  customFields: FirmCustomField[];
  contacts: FirmContact[];
  matters: FirmMatter[];
}

/** Fixed clock: generated output must not depend on when it is generated. */
const EXPORTED_AT = Date.UTC(2025, 5, 30, 17, 0, 0);
const FIRST_DAY = Date.UTC(2016, 0, 1);
const DAY = 86_400_000;

const PRACTICE_AREAS: [string, string][] = [
  ['Litigation', 'LIT'],
  ['Family Law', 'FAM'],
  ['Conveyancing', 'CONV'],
  ['Estate Planning', 'EST'],
  ['Corporate', 'CORP'],
  ['Employment', 'EMP'],
  ['Personal Injury', 'PI'],
  ['Immigration', 'IMM'],
];

const CUSTOM_FIELDS: Omit<FirmCustomField, 'id'>[] = [
  { name: 'Estimated Fee', parentType: 'matter', fieldType: 'money', options: [], expectedTarget: 'lex_matter.lex_estimatedvalue' },
  { name: 'Statute of Limitations', parentType: 'matter', fieldType: 'date', options: [], expectedTarget: 'lex_matter.lex_customfields' },
  { name: 'Court', parentType: 'matter', fieldType: 'picklist', options: ['Supreme Court', 'District Court', 'County Court', 'Family Court'], expectedTarget: 'lex_matter.lex_customfields' },
  { name: 'Conflict Check Done', parentType: 'matter', fieldType: 'boolean', options: [], expectedTarget: 'lex_matter.lex_customfields' },
  { name: 'Referral Source', parentType: 'matter', fieldType: 'text', options: [], expectedTarget: 'lex_matter.lex_customfields' },
  { name: 'Date of Birth', parentType: 'contact', fieldType: 'date', options: [], expectedTarget: 'contact.birthdate' },
  { name: 'Preferred Name', parentType: 'contact', fieldType: 'text', options: [], expectedTarget: 'contact.nickname' },
  { name: 'Website', parentType: 'contact', fieldType: 'url', options: [], expectedTarget: 'contact.websiteurl' },
];

const STAGES: Record<string, string[]> = {
  Conveyancing: ['Instructions received', 'Searches ordered', 'Contracts exchanged', 'Completion', 'Post-completion'],
  Litigation: ['Case assessment', 'Pleadings', 'Discovery', 'Trial preparation', 'Judgment'],
  default: ['Instructions received', 'In progress', 'Review', 'Finalised'],
};

/** UTBMS litigation task and activity codes (ABA code set, `reference/utbms/`). */
const TASK_CODES = ['L110', 'L120', 'L130', 'L140', 'L160', 'L210', 'L240', 'L250', 'L310', 'L320', 'L330', 'L410', 'L440', 'L450', 'L510', 'L520'];
const ACTIVITY_CODES = ['A101', 'A102', 'A103', 'A104', 'A105', 'A106', 'A107', 'A108', 'A109', 'A110', 'A111'];
const EXPENSE_CODES: [string, string][] = [
  ['E101', 'Copying'],
  ['E105', 'Telephone'],
  ['E106', 'Online research'],
  ['E107', 'Delivery services/messengers'],
  ['E108', 'Postage'],
  ['E110', 'Out-of-town travel'],
  ['E112', 'Court fees'],
  ['E115', 'Deposition transcripts'],
];
const ROLES = ['Opposing Party', 'Opposing Counsel', 'Witness', 'Expert', 'Referrer', 'Co-Client', 'Guardian'];
/** Names as they look after UTF-8 bytes were read as Windows-1252 (the 'odd-encoding' dirt). */
const MOJIBAKE = ['JosÃ©', 'FranÃ§ois', 'MÃ¼ller', 'Ã…sa', 'ZoÃ«', 'RenÃ©e'];

export function generateFirm(options: FirmOptions): Firm {
  const f = seededFaker(options.seed);
  const dirty = (rule: DirtRule, rate = options.dirtRate) => rate > 0 && f.number.float({ min: 0, max: 1 }) < rate;

  const userCount = Math.max(8, Math.min(200, Math.ceil(options.matters / 8)));
  const users: FirmUser[] = [];
  for (let id = 1; id <= userCount; id++) {
    const firstName = f.person.firstName();
    const lastName = f.person.lastName();
    const role = id <= Math.ceil(userCount / 2) ? 'attorney' : id % 4 === 0 ? 'staff' : 'paralegal';
    users.push({
      id,
      firstName,
      lastName,
      email: `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '') + `${id}@firm.example`,
      role,
      rate: role === 'attorney' ? f.helpers.arrayElement([250, 300, 350, 400, 450, 550]) : role === 'paralegal' ? 150 : 90,
      enabled: id % 9 !== 0,
      // Every seventh user has left the firm and has no Dynamics user to map to.
      inDynamics: id % 7 !== 0,
    });
  }
  const attorneys = users.filter((u) => u.role === 'attorney');

  const practiceAreas = PRACTICE_AREAS.map(([name, code], i) => ({ id: i + 1, name, code }));
  const customFields = CUSTOM_FIELDS.map((field, i) => ({ id: i + 1, ...field }));

  const contacts: FirmContact[] = [];
  const newContact = (isClient: boolean): FirmContact => {
    const id = contacts.length + 1;
    const kind = f.number.float({ min: 0, max: 1 }) < 0.35 ? 'organization' : 'person';
    const createdAt = instantBetween(f, FIRST_DAY, EXPORTED_AT - 400 * DAY);
    const address: FirmAddress = {
      street: f.location.streetAddress(),
      city: f.location.city(),
      region: f.location.state({ abbreviated: true }),
      postalCode: f.location.zipCode('#####'),
      country: 'US',
    };
    const phone = f.phone.number({ style: 'national' });
    const customValues: FirmContact['customValues'] = {};
    let contact: FirmContact;
    if (kind === 'organization') {
      const companyName = f.company.name();
      const domain = companyName.toLowerCase().replace(/[^a-z]+/g, '').slice(0, 20) || 'company';
      customValues[8] = `https://www.${domain}.example`;
      contact = { id, kind, name: companyName, companyName, email: `info${id}@${domain}.example`, phone, address, isClient, customValues, createdAt, updatedAt: createdAt };
    } else {
      const firstName = f.person.firstName();
      const lastName = f.person.lastName();
      customValues[6] = dayOf(f.number.int({ min: Date.UTC(1945, 0, 1), max: Date.UTC(2004, 0, 1) }));
      if (f.datatype.boolean()) customValues[7] = firstName.slice(0, 3);
      contact = {
        id,
        kind,
        name: `${firstName} ${lastName}`,
        firstName,
        lastName,
        title: f.helpers.arrayElement(['Mr', 'Ms', 'Mrs', 'Dr', '']) || undefined,
        jobTitle: f.datatype.boolean() ? f.person.jobTitle() : undefined,
        email: `${firstName}.${lastName}${id}@mail.example`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
        phone,
        address,
        isClient,
        customValues,
        createdAt,
        updatedAt: instantBetween(f, Date.parse(createdAt), EXPORTED_AT - DAY),
      };
    }
    contact.updatedAt = instantBetween(f, Date.parse(createdAt), EXPORTED_AT - DAY);
    if (dirty('phone-in-email')) {
      contact.email = contact.phone;
      contact.dirt = 'phone-in-email';
    } else if (dirty('odd-encoding') && kind === 'person') {
      contact.firstName = f.helpers.arrayElement(MOJIBAKE);
      contact.name = `${contact.firstName} ${contact.lastName}`;
      contact.dirt = 'odd-encoding';
    }
    contacts.push(contact);
    return contact;
  };

  const matters: FirmMatter[] = [];
  const clientPool: FirmContact[] = [];
  for (let id = 1; id <= options.matters; id++) {
    // Most clients have one matter; some come back.
    const reuse = clientPool.length > 0 && f.number.float({ min: 0, max: 1 }) < 0.25;
    const client = reuse ? f.helpers.arrayElement(clientPool) : newContact(true);
    if (!reuse) clientPool.push(client);
    const area = f.helpers.arrayElement(practiceAreas);
    const opened = f.number.int({ min: FIRST_DAY, max: EXPORTED_AT - 30 * DAY });
    const status: MatterStatus = f.helpers.weightedArrayElement([
      { value: 'open', weight: 5 },
      { value: 'pending', weight: 1 },
      { value: 'closed', weight: 4 },
    ]);
    const closed = status === 'closed' ? f.number.int({ min: opened + 10 * DAY, max: EXPORTED_AT - DAY }) : null;
    const lastName = client.lastName ?? client.name.split(' ')[0] ?? 'Client';
    const responsible = f.helpers.arrayElement(attorneys);
    const createdAt = new Date(opened).toISOString();
    const matter: FirmMatter = {
      id,
      number: `${String(id).padStart(5, '0')}-${lastName.replace(/[^A-Za-z]/g, '') || 'Client'}`,
      description: `${lastName}: ${matterDescription(f, area.name)}`,
      status,
      practiceAreaId: area.id,
      clientId: client.id,
      responsibleUserId: responsible.id,
      originatingUserId: f.datatype.boolean() ? responsible.id : f.helpers.arrayElement(attorneys).id,
      openedOn: dayOf(opened),
      closedOn: closed === null ? null : dayOf(closed),
      billingMethod: f.helpers.weightedArrayElement([
        { value: 'hourly', weight: 6 },
        { value: 'flat', weight: 3 },
        { value: 'contingency', weight: 1 },
      ]),
      estimatedValue: f.number.int({ min: 20, max: 800 }) * 250,
      customValues: {},
      createdAt,
      updatedAt: instantBetween(f, opened, EXPORTED_AT - DAY),
      dirt: [],
    };
    matter.customValues[1] = matter.estimatedValue;
    if (f.datatype.boolean()) matter.customValues[2] = dayOf(opened + f.number.int({ min: 300, max: 1000 }) * DAY);
    if (area.name === 'Litigation' || area.name === 'Family Law') matter.customValues[3] = f.helpers.arrayElement(CUSTOM_FIELDS[2]!.options);
    matter.customValues[4] = f.datatype.boolean();
    if (f.datatype.boolean()) matter.customValues[5] = f.helpers.arrayElement(['Google', 'Referral', 'Existing client', 'Bar association', 'Website']);
    if (dirty('matter-without-client')) {
      matter.clientId = null;
      matter.dirt.push('matter-without-client');
    }
    if (dirty('blank-description')) {
      matter.description = '';
      matter.dirt.push('blank-description');
    }
    matters.push(matter);
  }

  // Duplicates: the same person or company entered twice under a new id.
  const originals = contacts.length;
  for (let i = 0; i < originals; i++) {
    const original = contacts[i]!;
    if (original.dirt || !dirty('duplicate')) continue;
    const id = contacts.length + 1;
    contacts.push({ ...original, id, isClient: false, customValues: { ...original.customValues }, dirt: 'duplicate' });
  }
  // Related contacts that are not clients.
  const others = Math.ceil(options.matters * 0.8);
  for (let i = 0; i < others; i++) newContact(false);

  return {
    options,
    name: `${f.person.lastName()} ${f.person.lastName()} LLP`,
    currency: 'USD',
    exportedAt: new Date(EXPORTED_AT).toISOString(),
    users,
    practiceAreas,
    customFields,
    contacts,
    matters,
  };
}

/**
 * Everything that hangs off one matter, generated from (seed, matter id) alone: the same
 * matter always gets the same details, whichever renderer asks and in whatever order.
 * Child ids are derived from the matter id (matter × 1000 + n) so they are unique firm-wide
 * without a shared counter.
 */
export function matterDetails(firm: Firm, matter: FirmMatter): MatterDetails {
  const f = seededFaker(firm.options.seed * 1_000_003 + matter.id);
  const rate = firm.options.dirtRate;
  const dirty = () => rate > 0 && f.number.float({ min: 0, max: 1 }) < rate;
  const opened = Date.parse(`${matter.openedOn}T09:00:00Z`);
  const end = matter.closedOn ? Date.parse(`${matter.closedOn}T17:00:00Z`) : EXPORTED_AT - DAY;
  const when = () => f.number.int({ min: opened, max: Math.max(opened, end) });
  let n = 0;
  const nextId = () => matter.id * 1000 + ++n;
  const staff = firm.users.filter((u) => u.enabled || matter.status === 'closed');
  const person = () => f.helpers.arrayElement(staff);
  const orphanOr = (matterId: number) => (dirty() ? { matterId: firm.options.matters + 1_000_000 + matter.id, dirt: 'orphan' as const } : { matterId });
  const area = firm.practiceAreas.find((a) => a.id === matter.practiceAreaId)!;
  const nonClients = nonClientsOf(firm);

  const participants: FirmParticipant[] = [];
  for (let i = f.number.int({ min: 1, max: 3 }); i > 0; i--) {
    const contact = nonClients.length ? f.helpers.arrayElement(nonClients) : firm.contacts[0]!;
    participants.push({ id: nextId(), matterId: matter.id, contactId: contact.id, role: f.helpers.arrayElement(ROLES), updatedAt: instantOf(when()) });
  }

  const timeEntries: FirmTimeEntry[] = [];
  for (let i = f.number.int({ min: 2, max: 24 }); i > 0; i--) {
    const user = person();
    const hours = f.number.int({ min: 1, max: 40 }) / 10;
    const t = when();
    const entry: FirmTimeEntry = {
      id: nextId(),
      ...orphanOr(matter.id),
      userId: user.id,
      date: dayOf(t),
      hours,
      rate: user.rate,
      amount: round2(hours * user.rate),
      billable: f.number.float({ min: 0, max: 1 }) < 0.85,
      narrative: f.helpers.arrayElement(['Review', 'Draft', 'Call with client re', 'Research', 'Prepare', 'Attend']) + ' ' + f.lorem.words(4),
      taskCode: f.helpers.arrayElement(TASK_CODES),
      activityCode: f.helpers.arrayElement(ACTIVITY_CODES),
      billId: null,
      updatedAt: instantOf(t + DAY),
    };
    const defect = entry.dirt ? undefined : dirty() ? 'time-without-user' : dirty() ? 'bad-date' : undefined;
    if (defect === 'time-without-user') {
      entry.userId = null;
      entry.dirt = defect;
    } else if (defect === 'bad-date') {
      entry.date = f.helpers.arrayElement(['2023-02-30', '31/31/2022', 'yesterday', '2021-13-01']);
      entry.dirt = 'bad-date';
    }
    timeEntries.push(entry);
  }

  const expenses: FirmExpense[] = [];
  for (let i = f.number.int({ min: 0, max: 4 }); i > 0; i--) {
    const [code, label] = f.helpers.arrayElement(EXPENSE_CODES);
    const quantity = f.number.int({ min: 1, max: 5 });
    const unitPrice = f.number.int({ min: 500, max: 40000 }) / 100;
    const t = when();
    expenses.push({
      id: nextId(),
      ...orphanOr(matter.id),
      userId: person().id,
      date: dayOf(t),
      description: label,
      quantity,
      unitPrice,
      amount: round2(quantity * unitPrice),
      expenseCode: code,
      billId: null,
      updatedAt: instantOf(t + DAY),
    });
  }

  // Bills for the billable entries of this matter (orphans and undated entries stay unbilled).
  const bills: FirmBill[] = [];
  const billable = timeEntries.filter((t) => t.billable && !t.dirt);
  const billableExpenses = expenses.filter((e) => !e.dirt);
  const billCount = matter.status === 'pending' ? 0 : Math.min(3, Math.floor(billable.length / 4));
  for (let b = 0; b < billCount; b++) {
    const id = nextId();
    const fees = billable.filter((_, i) => i % billCount === b);
    const costs = billableExpenses.filter((_, i) => i % billCount === b);
    const lines: FirmBillLine[] = [];
    for (const t of fees) {
      t.billId = id;
      lines.push({ lineNumber: lines.length + 1, kind: 'fee', date: t.date, description: t.narrative, units: t.hours, unitCost: t.rate, total: t.amount, taskCode: t.taskCode, activityCode: t.activityCode, userId: t.userId ?? undefined, timeEntryId: t.id });
    }
    for (const e of costs) {
      e.billId = id;
      lines.push({ lineNumber: lines.length + 1, kind: 'expense', date: e.date, description: e.description, units: e.quantity, unitCost: e.unitPrice, total: e.amount, expenseCode: e.expenseCode, expenseId: e.id });
    }
    const total = round2(lines.reduce((sum, l) => sum + l.total, 0));
    const lastDay = lines.map((l) => l.date).sort().at(-1) ?? matter.openedOn;
    const issued = Date.parse(`${lastDay}T12:00:00Z`) + 5 * DAY;
    const paidInFull = f.number.float({ min: 0, max: 1 }) < 0.7;
    bills.push({
      id,
      matterId: matter.id,
      number: `INV-${id}`,
      issuedOn: dayOf(Math.min(issued, EXPORTED_AT - DAY)),
      dueOn: dayOf(Math.min(issued, EXPORTED_AT - DAY) + 30 * DAY),
      status: paidInFull ? 'paid' : 'awaiting_payment',
      total,
      paid: paidInFull ? total : round2(total * f.number.int({ min: 0, max: 5 }) / 10),
      lines,
      updatedAt: instantOf(Math.min(issued + 10 * DAY, EXPORTED_AT - DAY)),
    });
  }

  const trustIn = matter.billingMethod === 'hourly' && f.datatype.boolean() ? f.number.int({ min: 10, max: 200 }) * 100 : 0;
  const trust: FirmTrust | null = trustIn
    ? (() => {
        const out = round2(trustIn * f.number.int({ min: 0, max: 10 }) / 10);
        return { id: nextId(), matterId: matter.id, asOf: dayOf(EXPORTED_AT), balance: round2(trustIn - out), totalIn: trustIn, totalOut: out, updatedAt: firm.exportedAt };
      })()
    : null;

  const stages = STAGES[area.name] ?? STAGES.default!;
  const reached = matter.status === 'closed' ? stages.length : f.number.int({ min: 1, max: stages.length });
  const milestones: FirmMilestone[] = [];
  let stageAt = opened;
  stages.forEach((name, sequence) => {
    const entered = sequence < reached ? stageAt : null;
    if (entered !== null) stageAt = Math.min(end, entered + f.number.int({ min: 2, max: 60 }) * DAY);
    const completed = sequence < reached - 1 || matter.status === 'closed' ? stageAt : null;
    milestones.push({
      id: nextId(),
      matterId: matter.id,
      name,
      sequence,
      enteredAt: entered === null ? null : instantOf(entered),
      completedAt: entered === null || completed === null ? null : instantOf(completed),
      status: entered === null ? 'not_started' : completed === null ? 'in_progress' : 'completed',
      updatedAt: instantOf(entered ?? opened),
    });
  });

  const tasks: FirmTask[] = [];
  for (let i = f.number.int({ min: 0, max: 4 }); i > 0; i--) {
    const t = when();
    const status = matter.status === 'closed' ? 'complete' : f.helpers.arrayElement(['pending', 'in_progress', 'complete'] as const);
    tasks.push({ id: nextId(), matterId: matter.id, name: f.helpers.arrayElement(['File', 'Serve', 'Draft', 'Review', 'Send', 'Call']) + ' ' + f.lorem.words(2), description: f.lorem.sentence(), status, priority: f.helpers.arrayElement(['low', 'normal', 'high'] as const), dueOn: dayOf(t + 14 * DAY), assigneeId: person().id, updatedAt: instantOf(t) });
  }

  const events: FirmEvent[] = [];
  for (let i = f.number.int({ min: 0, max: 3 }); i > 0; i--) {
    const start = Math.floor(when() / (30 * 60_000)) * 30 * 60_000;
    events.push({ id: nextId(), matterId: matter.id, summary: f.helpers.arrayElement(['Hearing', 'Client meeting', 'Mediation', 'Deposition', 'Settlement conference']) + ` – ${matter.number}`, description: f.lorem.sentence(), location: f.helpers.arrayElement(['Office', 'Courtroom 4B', 'Video call', f.location.city()]), startAt: instantOf(start), endAt: instantOf(start + f.number.int({ min: 1, max: 6 }) * 30 * 60_000), ownerId: matter.responsibleUserId, updatedAt: instantOf(start) });
  }

  const notes: FirmNote[] = [];
  for (let i = f.number.int({ min: 0, max: 4 }); i > 0; i--) {
    const t = when();
    const kind = f.number.float({ min: 0, max: 1 }) < 0.3 ? 'matter_update' : 'note';
    const note: FirmNote = { id: nextId(), matterId: matter.id, kind, subject: kind === 'note' ? f.lorem.words(3) : `Status: ${f.helpers.arrayElement(stages)}`, body: f.lorem.paragraph(), notedAt: instantOf(t), authorId: person().id, updatedAt: instantOf(t) };
    if (dirty()) {
      note.body = `${f.helpers.arrayElement(MOJIBAKE)} called about the file. ${note.body}`;
      note.dirt = 'odd-encoding';
    }
    notes.push(note);
  }

  const communications: FirmCommunication[] = [];
  for (let i = f.number.int({ min: 0, max: 3 }); i > 0; i--) {
    const t = when();
    const kind = f.datatype.boolean() ? 'email' : 'phone_call';
    communications.push({ id: nextId(), matterId: matter.id, kind, subject: kind === 'email' ? `Re: ${matter.number} ${f.lorem.words(3)}` : `Call re ${matter.number}`, body: f.lorem.sentences(2), at: instantOf(t), senderUserId: person().id, contactId: matter.clientId ?? participants[0]!.contactId, updatedAt: instantOf(t) });
  }

  const documents: FirmDocument[] = [];
  for (let i = f.number.int({ min: 0, max: 3 }); i > 0; i--) {
    const t = when();
    const kind = f.helpers.arrayElement(['Engagement letter', 'Statement of claim', 'Contract', 'Affidavit', 'Correspondence']);
    const content = `${kind} for ${matter.number}\n\n${f.lorem.paragraphs(2)}\n`;
    const doc: FirmDocument = { id: nextId(), matterId: matter.id, name: `${kind} ${matter.number}.txt`, contentType: 'text/plain', size: byteLength(content), content, createdAt: instantOf(t), authorId: person().id, updatedAt: instantOf(t) };
    if (dirty()) {
      doc.name = `${kind} ${matter.number} (scan).pdf`;
      doc.contentType = 'application/pdf';
      doc.size = f.number.int({ min: 5 * 1024 * 1024 + 1, max: 40 * 1024 * 1024 });
      doc.content = null;
      doc.dirt = 'oversized-document';
    }
    documents.push(doc);
  }

  return { participants, timeEntries, expenses, bills, trust, milestones, tasks, events, notes, communications, documents };
}

const nonClientCache = new WeakMap<Firm, FirmContact[]>();
function nonClientsOf(firm: Firm): FirmContact[] {
  let list = nonClientCache.get(firm);
  if (!list) nonClientCache.set(firm, (list = firm.contacts.filter((c) => !c.isClient && !c.dirt)));
  return list;
}

function seededFaker(seed: number): Faker {
  const f = new Faker({ locale: [en] });
  f.seed(seed);
  return f;
}

function matterDescription(f: Faker, area: string): string {
  switch (area) {
    case 'Conveyancing':
      return `Purchase of ${f.location.streetAddress()}`;
    case 'Litigation':
      return `${f.company.name()} contract dispute`;
    case 'Family Law':
      return f.helpers.arrayElement(['Divorce and property settlement', 'Child custody', 'Prenuptial agreement']);
    case 'Estate Planning':
      return f.helpers.arrayElement(['Will and power of attorney', 'Probate of estate', 'Family trust']);
    case 'Employment':
      return f.helpers.arrayElement(['Unfair dismissal claim', 'Employment contract review', 'Workplace investigation']);
    case 'Personal Injury':
      return f.helpers.arrayElement(['Motor vehicle accident claim', 'Slip and fall claim', 'Workers compensation']);
    case 'Immigration':
      return f.helpers.arrayElement(['Work visa application', 'Permanent residency', 'Citizenship application']);
    default:
      return f.helpers.arrayElement(['Company incorporation', 'Share purchase agreement', 'Commercial lease review']);
  }
}

function instantBetween(f: Faker, from: number, to: number): string {
  return instantOf(f.number.int({ min: from, max: Math.max(from, to) }));
}
function instantOf(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
