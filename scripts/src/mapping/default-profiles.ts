/**
 * The default profiles, one per source → Dynamics 365 Sales, following the seeds' object tables
 * (000/001 Clio, 003 Actionstep, 004 Perfect Portal) with DESIGN.md's improvements: the matter is
 * a first-class `lex_matter` row (projected to opportunity and/or case by practice area),
 * milestones are rows, participants are connections, trust is a snapshot, LEDES/UTBMS codes are
 * kept. The canonical model makes most of the map common to all sources; what differs (status
 * labels, roles, practice-area split) is spelled out per source below.
 *
 * `profiles/<source>.json` is written from here (`npx tsx scripts/src/mapping/write-profiles.ts`);
 * a test keeps them equal.
 */
import { profileSchema, type Profile, type ProfileInput, type SourceKind, type TargetMap } from './profile';
import { profileHash } from './profile-lifecycle';

type Target = TargetMap;
type States = Record<string, { statecode: number; statuscode: number }>;
const st = (statecode: number, statuscode: number) => ({ statecode, statuscode });

const MATTER_OPEN: States = { lex_matter: st(0, 1), opportunity: st(0, 1), incident: st(0, 1) };
const MATTER_ON_HOLD: States = { lex_matter: st(0, 1), opportunity: st(0, 2), incident: st(0, 2) };
const MATTER_CLOSED_WON: States = { lex_matter: st(1, 2), opportunity: st(1, 3), incident: st(1, 5) };
const MATTER_CLOSED_LOST: States = { lex_matter: st(1, 2), opportunity: st(2, 4), incident: st(2, 6) };

const address = (prefix = 'addresses.0') => ({
  address1_line1: { from: `${prefix}.street`, truncate: true },
  address1_city: { from: `${prefix}.city`, truncate: true },
  address1_stateorprovince: { from: `${prefix}.region`, truncate: true },
  address1_postalcode: { from: `${prefix}.postalCode`, truncate: true },
  address1_country: { from: `${prefix}.country`, truncate: true },
});

const matterName = { from: ['number', 'description'], separator: ' - ', truncate: true, default: '(no description)' };
const matterStatus = { map: 'matter', from: 'sourceStatus|status' };
const client = { from: 'clientRef', fallbackClient: true };

/** Rows common to every source: one map per canonical record type. */
function commonEntities(): Record<string, { targets: Target[] }> {
  return {
    contact: {
      targets: [
        {
          table: 'account',
          when: { field: 'kind', equals: 'organization' },
          customFields: true,
          columns: {
            name: { from: 'name|companyName', required: true, truncate: true },
            emailaddress1: { from: 'emails.0.value' },
            telephone1: { from: 'phones.0.value', truncate: true },
            accountnumber: { from: 'ledesClientId', truncate: true },
            ...address(),
          },
          lookups: {},
        },
        {
          table: 'contact',
          when: { field: 'kind', equals: 'person' },
          customFields: true,
          columns: {
            firstname: { from: 'firstName', truncate: true },
            lastname: { from: 'lastName|name', required: true, truncate: true },
            jobtitle: { from: 'jobTitle|title', truncate: true },
            emailaddress1: { from: 'emails.0.value' },
            telephone1: { from: 'phones.0.value', truncate: true },
            ...address(),
          },
          lookups: { parentcustomerid: { from: 'organizationRef' } },
        },
      ],
    },
    matter: {
      targets: [
        {
          table: 'lex_matter',
          owner: 'responsibleUserRef',
          status: { ...matterStatus, column: 'lex_status' },
          customFields: true,
          columns: {
            lex_name: matterName,
            lex_matternumber: { from: 'number|$sourceId' },
            lex_description: { from: 'description' },
            lex_practicearea: { from: 'practiceAreaRef->name', truncate: true },
            lex_opendate: { from: 'openedOn' },
            lex_closedate: { from: 'closedOn' },
            lex_billingmethod: { from: 'billingMethod', valueMap: { hourly: 'Hourly', flat: 'Flat Fee', contingency: 'Contingency', mixed: 'Mixed' } },
            lex_estimatedvalue: { from: 'estimatedValue' },
          },
          lookups: {
            lex_clientid: client,
            lex_responsibleattorneyid: { from: 'responsibleUserRef', user: true },
            lex_originatingattorneyid: { from: 'originatingUserRef', user: true },
            lex_opportunityid: { sibling: 'opportunity' },
            lex_incidentid: { sibling: 'incident' },
          },
        },
        {
          table: 'opportunity',
          suffix: '#opportunity',
          projection: 'opportunity',
          owner: 'responsibleUserRef',
          status: matterStatus,
          columns: {
            name: matterName,
            description: { from: 'description', truncate: true },
            estimatedvalue: { from: 'estimatedValue' },
            actualclosedate: { from: 'closedOn' },
          },
          lookups: { customerid: client },
        },
        {
          table: 'incident',
          suffix: '#incident',
          projection: 'incident',
          owner: 'responsibleUserRef',
          status: matterStatus,
          columns: {
            title: { ...matterName, truncate: true },
            ticketnumber: { from: 'number|$sourceId', truncate: true },
            description: { from: 'description', truncate: true },
          },
          lookups: { customerid: { ...client, required: true } },
        },
      ],
    },
    participant: {
      targets: [
        {
          table: 'connection',
          columns: { description: { from: 'role', truncate: true } },
          lookups: {
            record1id: { from: 'matterRef', table: 'lex_matter', required: true },
            record2id: { from: 'contactRef', required: true },
            record2roleid: { from: 'role', connectionRole: true },
          },
        },
      ],
    },
    time_entry: {
      targets: [
        {
          table: 'lex_timeentry',
          owner: 'userRef',
          columns: {
            lex_name: { from: ['date', 'userRef->name', 'narrative'], separator: ' · ', truncate: true, default: 'Time entry' },
            lex_entrytype: { value: 'Time' },
            lex_entrydate: { from: 'date' },
            lex_hours: { from: 'hours' },
            lex_rate: { from: 'rate' },
            lex_amount: { from: 'amount' },
            lex_billable: { from: 'billable' },
            lex_narrative: { from: 'narrative' },
            lex_utbmstaskcode: { from: 'utbmsTaskCode' },
            lex_utbmsactivitycode: { from: 'utbmsActivityCode' },
            lex_billedstate: { from: 'billed', valueMap: { true: 'Billed', false: 'Unbilled' }, default: 'Unbilled' },
          },
          lookups: {
            lex_matterid: { from: 'matterRef', table: 'lex_matter' },
            lex_userid: { from: 'userRef', user: true, required: true },
            lex_invoiceid: { from: 'billRef', table: 'invoice' },
          },
        },
      ],
    },
    expense: {
      targets: [
        {
          table: 'lex_timeentry',
          owner: 'userRef',
          columns: {
            lex_name: { from: ['date', 'description'], separator: ' · ', truncate: true, default: 'Expense' },
            lex_entrytype: { value: 'Expense' },
            lex_entrydate: { from: 'date' },
            lex_quantity: { from: 'quantity' },
            lex_rate: { from: 'unitPrice' },
            lex_amount: { from: 'amount' },
            lex_billable: { from: 'billable' },
            lex_narrative: { from: 'description' },
            lex_utbmsexpensecode: { from: 'utbmsExpenseCode' },
            lex_billedstate: { from: 'billed', valueMap: { true: 'Billed', false: 'Unbilled' }, default: 'Unbilled' },
          },
          lookups: {
            lex_matterid: { from: 'matterRef', table: 'lex_matter' },
            lex_userid: { from: 'userRef', user: true },
            lex_invoiceid: { from: 'billRef', table: 'invoice' },
          },
        },
      ],
    },
    bill: {
      targets: [
        {
          table: 'invoice',
          status: { map: 'bill', from: 'status' },
          columns: {
            name: { from: ['number|$sourceId'], truncate: true },
            invoicenumber: { from: 'number|$sourceId', truncate: true },
            duedate: { from: 'dueOn' },
            lex_ledesinvoicedate: { from: 'issuedOn' },
            lex_balancedue: { from: 'balance' },
          },
          lookups: {
            customerid: { ...client, required: true },
            pricelevelid: { key: 'lexbridge:pricelevel:migration' },
            lex_matterid: { from: 'matterRef', table: 'lex_matter' },
          },
        },
        {
          table: 'invoicedetail',
          each: 'lines',
          suffix: '#line-',
          columns: {
            isproductoverridden: { value: true },
            productdescription: { from: '$item.description|$item.kind', truncate: true },
            quantity: { from: '$item.units', required: true },
            priceperunit: { from: '$item.unitCost' },
            lex_ledeslinetype: { from: '$item.kind', valueMap: { fee: 'F', expense: 'E', fee_adjustment: 'IF', expense_adjustment: 'IE' } },
            lex_utbmstaskcode: { from: '$item.utbmsTaskCode' },
            lex_utbmsactivitycode: { from: '$item.utbmsActivityCode' },
            lex_utbmsexpensecode: { from: '$item.utbmsExpenseCode' },
            lex_timekeeperid: { from: '$item.timekeeperRef' },
            lex_linedate: { from: '$item.date' },
          },
          lookups: { invoiceid: { sibling: 'invoice', required: true } },
        },
      ],
    },
    trust_snapshot: {
      targets: [
        {
          table: 'lex_trustsnapshot',
          columns: {
            lex_name: { from: ['account', 'asOf'], separator: ' · ', truncate: true, default: 'Trust balance' },
            lex_balance: { from: 'balance', required: true },
            lex_totalin: { from: 'totalIn' },
            lex_totalout: { from: 'totalOut' },
            lex_trustaccount: { from: 'account', truncate: true },
            lex_currencycode: { from: 'currency' },
            lex_asof: { from: 'asOf', required: true },
          },
          lookups: { lex_matterid: { from: 'matterRef', table: 'lex_matter' }, lex_clientid: { from: 'clientRef' } },
        },
      ],
    },
    milestone: {
      targets: [
        {
          table: 'lex_milestone',
          columns: {
            lex_name: { from: 'name', required: true, truncate: true },
            lex_sequence: { from: 'sequence' },
            lex_enteredon: { from: 'enteredAt' },
            lex_completedon: { from: 'completedAt' },
            lex_milestonestatus: { from: 'status', valueMap: { not_started: 'Not Started', in_progress: 'In Progress', completed: 'Completed', skipped: 'Skipped' } },
          },
          lookups: { lex_matterid: { from: 'matterRef', table: 'lex_matter', required: true } },
        },
      ],
    },
    task: {
      targets: [
        {
          table: 'task',
          owner: 'assigneeRef',
          status: { map: 'task', from: 'status' },
          columns: {
            subject: { from: 'name', required: true, truncate: true },
            description: { from: 'description' },
            scheduledend: { from: 'dueOn' },
            actualend: { from: 'completedAt' },
            prioritycode: { from: 'priority', valueMap: { low: 0, normal: 1, high: 2 } },
          },
          lookups: { regardingobjectid: { from: 'matterRef', table: 'lex_matter' } },
        },
      ],
    },
    calendar_event: {
      targets: [
        {
          table: 'appointment',
          owner: 'calendarOwnerRef',
          columns: {
            subject: { from: 'summary', required: true, truncate: true },
            description: { from: 'description' },
            location: { from: 'location', truncate: true },
            scheduledstart: { from: 'startAt' },
            scheduledend: { from: 'endAt' },
            isalldayevent: { from: 'allDay' },
          },
          lookups: { regardingobjectid: { from: 'matterRef', table: 'lex_matter' } },
        },
      ],
    },
    note: {
      targets: [
        {
          table: 'annotation',
          when: { field: 'kind', equals: 'note' },
          owner: 'authorRef',
          columns: {
            subject: { from: 'subject', truncate: true, default: 'Note' },
            notetext: { from: 'body', truncate: true },
          },
          lookups: { objectid: { from: 'parentRef' } },
        },
        {
          // Perfect Portal matter updates: closed tasks on the matter (seed 004, MatterUpdate → Task).
          table: 'task',
          when: { field: 'kind', equals: 'matter_update' },
          owner: 'authorRef',
          status: { map: 'matterUpdate', from: 'kind' },
          columns: {
            subject: { from: ['subject|body'], truncate: true, default: 'Matter update' },
            description: { from: 'body' },
            actualend: { from: 'notedAt' },
          },
          lookups: { regardingobjectid: { from: 'parentRef', table: 'lex_matter' } },
        },
      ],
    },
    communication: {
      targets: [
        {
          table: 'email',
          when: { field: 'kind', equals: 'email' },
          owner: 'senderRef',
          status: { map: 'email', from: 'direction' },
          columns: {
            subject: { from: 'subject', truncate: true, default: '(no subject)' },
            description: { from: 'body' },
            actualend: { from: 'at' },
            directioncode: { from: 'direction', valueMap: { outbound: true, inbound: false } },
          },
          lookups: { regardingobjectid: { from: 'matterRef', table: 'lex_matter' } },
        },
        {
          table: 'phonecall',
          when: { field: 'kind', equals: 'phone_call' },
          owner: 'senderRef',
          status: { map: 'phonecall', from: 'direction' },
          columns: {
            subject: { from: 'subject', truncate: true, default: 'Phone call' },
            description: { from: 'body' },
            actualend: { from: 'at' },
            directioncode: { from: 'direction', valueMap: { outbound: true, inbound: false } },
          },
          lookups: { regardingobjectid: { from: 'matterRef', table: 'lex_matter' } },
        },
        {
          table: 'annotation',
          when: { field: 'kind', equals: 'other' },
          columns: { subject: { from: 'subject', truncate: true, default: 'Communication' }, notetext: { from: 'body', truncate: true } },
          lookups: { objectid: { from: 'matterRef', table: 'lex_matter' } },
        },
      ],
    },
    document: {
      targets: [
        {
          table: 'sharepointdocumentlocation',
          columns: {
            name: { from: 'name', required: true, truncate: true },
            absoluteurl: { from: 'location.url|sourceUrl', truncate: true },
            description: { from: ['folder', 'contentType'], separator: ' · ', truncate: true },
          },
          lookups: { regardingobjectid: { from: 'matterRef', table: 'lex_matter' } },
        },
      ],
    },
  };
}

const commonStatusMaps = {
  bill: {
    draft: { states: { invoice: st(0, 1) } },
    awaiting_approval: { states: { invoice: st(0, 1) } },
    awaiting_payment: { states: { invoice: st(0, 4) } },
    paid: { states: { invoice: st(2, 100001) } },
    void: { states: { invoice: st(3, 100003) } },
  },
  task: {
    pending: { states: { task: st(0, 2) } },
    in_progress: { states: { task: st(0, 3) } },
    complete: { states: { task: st(1, 5) } },
    cancelled: { states: { task: st(2, 6) } },
  },
  // Seed 004: matter updates migrate as closed tasks (an audit trail, not work to do).
  matterUpdate: { matter_update: { states: { task: st(1, 5) } } },
  email: { inbound: { states: { email: st(1, 4) } }, outbound: { states: { email: st(1, 3) } } },
  phonecall: { inbound: { states: { phonecall: st(1, 4) } }, outbound: { states: { phonecall: st(1, 2) } } },
};

const skip = {
  user: 'Users are resolved to Dynamics users by email, never created (seed 000: User → SystemUser by email match).',
  practice_area: 'Folded into the matter (lex_practicearea) and used to choose opportunity or case.',
  custom_field_definition: 'Definitions drive the proposer; values land on their record (explicit columns or lex_customfields).',
  custom_field_value: 'Folded into the parent record\'s row (explicit column or lex_customfields).',
  workflow_definition: 'Workflows do not migrate; they are exported as reference for a rebuild in Power Automate.',
};

/** Practice areas run as casework rather than a pipeline (seed 000: "litigation and disputes go to Cases"). */
const CASEWORK = ['Litigation', 'Personal Injury', 'Family Law', 'Employment', 'Criminal', 'Insurance Defense', 'Dispute Resolution'];

const commonRoles: Record<string, string> = {
  Client: 'Client',
  'Opposing Counsel': 'Opposing Counsel',
  'Opposing Party': 'Opposing Party',
  'Other Side': 'Opposing Party',
  "Other Side's Solicitor": 'Opposing Counsel',
  'Other Side Solicitor': 'Opposing Counsel',
  Witness: 'Witness',
  'Expert Witness': 'Expert Witness',
  Expert: 'Expert Witness',
  Judge: 'Judge',
  Court: 'Court',
  Referrer: 'Referrer',
  'Referral Source': 'Referrer',
  Attorney: 'Attorney',
  Solicitor: 'Attorney',
  Paralegal: 'Paralegal',
  Insurer: 'Insurer',
  Adjuster: 'Insurer',
  Guarantor: 'Guarantor',
  Buyer: 'Buyer',
  Seller: 'Seller',
  Lender: 'Lender',
  'Real Estate Agent': 'Agent',
  Agent: 'Agent',
  Spouse: 'Related Party',
  'Related Contact': 'Related Party',
  'Bill Recipient': 'Bill Recipient',
  'Co-Client': 'Client',
  Guardian: 'Guardian',
  Other: 'Related Party',
};

function profile(source: SourceKind, name: string, statusMap: Record<string, { choice: string; states: States }>, extra: Partial<ProfileInput> = {}): ProfileInput {
  return {
    $schema: './profile.schema.json',
    name,
    source,
    target: 'dynamics365-sales',
    version: 1,
    status: 'draft',
    owners: { match: 'email' },
    matterStrategy: {
      entity: 'matter',
      practiceAreaField: 'practiceAreaRef->name',
      byPracticeArea: Object.fromEntries(CASEWORK.map((area) => [area, ['incident'] as ('incident' | 'opportunity')[]])),
      default: ['opportunity'],
    },
    fallbackClient: { name: 'Unknown client (migrated)' },
    statusMaps: { matter: statusMap, ...commonStatusMaps },
    connectionRoles: commonRoles,
    customFields: {},
    skip,
    entities: commonEntities(),
    proposals: [],
    ...extra,
  };
}

/** Seed 002: Clio matter status is Open, Pending or Closed. */
const clioStatuses = {
  Open: { choice: 'Open', states: MATTER_OPEN },
  Pending: { choice: 'Pending', states: MATTER_OPEN },
  Closed: { choice: 'Closed', states: MATTER_CLOSED_WON },
};

/** Seed 003: Actionstep's matter (action) type is its own classification: kept in lex_mattertype too. */
function withMatterType(input: ProfileInput): ProfileInput {
  const matter = input.entities['matter']!.targets[0]!;
  return {
    ...input,
    entities: {
      ...input.entities,
      matter: { targets: [{ ...matter, columns: { ...matter.columns, lex_mattertype: { from: 'practiceAreaRef->name', truncate: true } } }, ...input.entities['matter']!.targets.slice(1)] },
    },
  };
}

/**
 * Clio has no estimated-value field of its own; firms keep it in a matter custom field, which the
 * CSV export writes as an "Estimated Fee" column (the generated sample firm does the same). The
 * CSV profile reads it from the raw row when the canonical value is empty, so it reaches
 * lex_estimatedvalue (and the opportunity's estimatedvalue) without waiting for the proposer.
 */
function withClioEstimatedFee(input: ProfileInput): ProfileInput {
  const from = 'estimatedValue|$raw.Estimated Fee';
  const targets = input.entities['matter']!.targets.map((t) => {
    const column = t.table === 'lex_matter' ? 'lex_estimatedvalue' : t.table === 'opportunity' ? 'estimatedvalue' : undefined;
    return column && t.columns?.[column] ? { ...t, columns: { ...t.columns, [column]: { ...t.columns[column], from } } } : t;
  });
  return { ...input, entities: { ...input.entities, matter: { targets } } };
}

export const defaultProfiles: Record<SourceKind, ProfileInput> = {
  'clio-api': profile('clio-api', 'Clio (API v4) → Dynamics 365 Sales', clioStatuses, { originalCreatedOn: 'createdAt|$raw.created_at' }),
  'clio-csv': withClioEstimatedFee(
    profile('clio-csv', 'Clio (CSV export) → Dynamics 365 Sales', clioStatuses, {
      originalCreatedOn: 'createdAt|$raw.Created At',
      // The headers of Clio's "Excel ready CSV" export are not published (reference/notes/sources.md §2.1);
      // a firm whose export differs overrides the reader's column names here.
      csvColumns: {},
    }),
  ),
  actionstep: withMatterType(profile('actionstep', 'Actionstep → Dynamics 365 Sales', {
    Open: { choice: 'Open', states: MATTER_OPEN },
    Active: { choice: 'Open', states: MATTER_OPEN },
    'On Hold': { choice: 'On Hold', states: MATTER_ON_HOLD },
    Inactive: { choice: 'On Hold', states: MATTER_ON_HOLD },
    'Closed Billed': { choice: 'Closed', states: MATTER_CLOSED_WON },
    Closed: { choice: 'Closed', states: MATTER_CLOSED_WON },
    'Written Off': { choice: 'Closed', states: MATTER_CLOSED_LOST },
    Archived: { choice: 'Archived', states: MATTER_CLOSED_WON },
  }, { originalCreatedOn: 'createdAt|$raw.createdTimestamp' })),
  perfectportal: profile('perfectportal', 'Perfect Portal → Dynamics 365 Sales', {
    Active: { choice: 'Open', states: MATTER_OPEN },
    Open: { choice: 'Open', states: MATTER_OPEN },
    'On Hold': { choice: 'On Hold', states: MATTER_ON_HOLD },
    'Closed Won': { choice: 'Closed', states: MATTER_CLOSED_WON },
    'Closed Lost': { choice: 'Closed', states: MATTER_CLOSED_LOST },
    Closed: { choice: 'Closed', states: MATTER_CLOSED_WON },
    Pending: { choice: 'Pending', states: MATTER_OPEN },
  }, {
    originalCreatedOn: 'createdAt|$raw.createdAt|$raw.openedDate',
    // Seed 004: Perfect Portal matters are pipeline work (quotes that become matters): Opportunity first.
    matterStrategy: { entity: 'matter', practiceAreaField: 'practiceAreaRef->name', byPracticeArea: {}, default: ['opportunity'] },
  }),
};

/** The default profile for a source, parsed and hashed: a draft until a person confirms it. */
export function defaultProfile(kind: SourceKind): Profile {
  const parsed = profileSchema.parse(defaultProfiles[kind]);
  return { ...parsed, hash: profileHash(parsed) };
}
