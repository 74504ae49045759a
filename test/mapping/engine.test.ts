import { createContext, setupOps, type SystemUser } from '../../scripts/src/mapping/context';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { mapRecord, type MappableRecord } from '../../scripts/src/mapping/engine';
import { rowId, type TargetOp } from '../../scripts/src/mapping/target-op';
import { schema } from '../../solution/src/schema';
import { generatedFirmRecords } from './support/firm-records';
import type { Firm } from '../../scripts/src/generate/firm';

const choiceValue = (choice: string, label: string) =>
  schema.choices.find((c) => c.name === choice)!.options.find((o) => o.label === label)!.value;

function dynamicsUsers(firm: Firm): SystemUser[] {
  return firm.users
    .filter((u) => u.inDynamics)
    .map((u, i) => ({ systemuserid: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, internalemailaddress: u.email.toUpperCase(), isdisabled: false }));
}

/** The default profile with a fallback owner, as an admin sets it after pre-flight lists unmatched users. */
function withFallbackOwner(firm: Firm, profile = defaultProfile('clio-api')) {
  return { ...profile, owners: { match: 'email' as const, fallbackOwnerEmail: firm.users.find((u) => u.inDynamics)!.email } };
}

function mapAll(records: MappableRecord[], firm: Firm, profile = withFallbackOwner(firm)) {
  const { context } = createContext({ profile, records, systemUsers: dynamicsUsers(firm) });
  const results = records.map((r) => ({ record: r, ...mapRecord(r, profile, context) }));
  return { results, ops: results.flatMap((r) => r.ops), errors: results.flatMap((r) => r.errors) };
}

const count = (ops: TargetOp[], table: string) => ops.filter((o) => o.table === table).length;

describe('mapRecord with the default Clio profile on a clean generated firm', () => {
  const { firm, records } = generatedFirmRecords('clio', 30, 0);
  const { results, ops, errors } = mapAll(records, firm);
  const ofType = (type: string) => records.filter((r) => r.type === type);

  it('maps every record without a data error', () => {
    expect(errors.map(String)).toEqual([]);
  });

  // Seed 000 object table, row by row.
  it('Client → Account (organizations) and Contact (people)', () => {
    const contacts = ofType('contact');
    expect(count(ops, 'account')).toBe(contacts.filter((c) => c['kind'] === 'organization').length);
    expect(count(ops, 'contact')).toBe(contacts.filter((c) => c['kind'] === 'person').length);
  });

  it('Matter → lex_matter always, plus Opportunity or Case (Incident) by practice area', () => {
    const matters = ofType('matter');
    expect(count(ops, 'lex_matter')).toBe(matters.length);
    const litigation = matters.filter((m) => ['Litigation', 'Family Law', 'Employment', 'Personal Injury'].includes(String(m['practiceAreaRef'] && firm.practiceAreas.find((a) => `clio:practice_area:${a.id}` === m['practiceAreaRef'])?.name)));
    expect(count(ops, 'incident')).toBe(litigation.length);
    expect(count(ops, 'opportunity')).toBe(matters.length - litigation.length);
    for (const r of results.filter((x) => x.record.type === 'matter')) {
      const matter = r.ops.find((o) => o.table === 'lex_matter')!;
      const projection = r.ops.find((o) => o.table !== 'lex_matter')!;
      const lookup = projection.table === 'opportunity' ? 'lex_opportunityid' : 'lex_incidentid';
      expect(matter.lookups[lookup]).toEqual({ table: projection.table, id: projection.id });
    }
  });

  it('Bill → Invoice, with one Invoice Product per line carrying LEDES/UTBMS codes', () => {
    const bills = ofType('bill');
    expect(count(ops, 'invoice')).toBe(bills.length);
    expect(count(ops, 'invoicedetail')).toBe(bills.reduce((n, b) => n + (b['lines'] as unknown[]).length, 0));
    const line = ops.find((o) => o.table === 'invoicedetail' && o.columns['lex_ledeslinetype'] === 'F')!;
    expect(line.columns['lex_utbmstaskcode']).toMatch(/^L\d{3}$/);
    expect(line.lookups['invoiceid']!.table).toBe('invoice');
  });

  it('Time Entry and Expense → lex_timeentry (entry type Time / Expense)', () => {
    const time = choiceValue('lex_entrytype', 'Time');
    const expense = choiceValue('lex_entrytype', 'Expense');
    const entries = ops.filter((o) => o.table === 'lex_timeentry');
    expect(entries.filter((o) => o.columns['lex_entrytype'] === time)).toHaveLength(ofType('time_entry').length);
    expect(entries.filter((o) => o.columns['lex_entrytype'] === expense)).toHaveLength(ofType('expense').length);
  });

  it('Document → SharePoint Document Location; Task → Task; Calendar Event → Appointment', () => {
    expect(count(ops, 'sharepointdocumentlocation')).toBe(ofType('document').length);
    const updates = ofType('note').filter((n) => n['kind'] === 'matter_update').length;
    expect(count(ops, 'task')).toBe(ofType('task').length + updates);
    expect(count(ops, 'appointment')).toBe(ofType('calendar_event').length);
  });

  it('Participants → Connections with their role; milestones and trust → rows of their own', () => {
    expect(count(ops, 'connection')).toBe(ofType('participant').length);
    expect(ops.filter((o) => o.table === 'connection').every((o) => o.lookups['record2roleid']?.table === 'connectionrole')).toBe(true);
    expect(count(ops, 'lex_milestone')).toBe(ofType('milestone').length);
    expect(count(ops, 'lex_trustsnapshot')).toBe(ofType('trust_snapshot').length);
  });

  it('User / Attorney → resolved to SystemUser by email, never created', () => {
    expect(count(ops, 'systemuser')).toBe(0);
    expect(results.filter((r) => r.record.type === 'user').every((r) => r.skipped)).toBe(true);
  });

  it('Custom Field (matter-level) → lex_customfields JSON on the matter', () => {
    const withFields = ops.filter((o) => o.table === 'lex_matter' && o.columns['lex_customfields']);
    expect(withFields.length).toBeGreaterThan(0);
    expect(JSON.parse(String(withFields[0]!.columns['lex_customfields']))).toHaveProperty('Estimated Fee');
  });

  it('gives every row a deterministic id and provenance', () => {
    for (const op of ops) expect(op.id).toBe(rowId(op.targetKey));
    const matter = ops.find((o) => o.table === 'lex_matter')!;
    expect(matter.columns['lex_sourcekey']).toBe(matter.sourceKey);
    expect(matter.columns['lex_sourcesystem']).toBe(choiceValue('lex_sourcesystem', 'Clio'));
    expect(JSON.parse(String(matter.columns["lex_sourcesnapshot"])).id).toBe(Number(matter.sourceKey.split(":")[2]));
  });

  it('sets the rows the profile needs once: connection roles, the price list, the fallback client', () => {
    const setup = setupOps(defaultProfile('clio-api'));
    const roleIds = new Set(setup.filter((o) => o.table === 'connectionrole').map((o) => o.id));
    for (const op of ops.filter((o) => o.table === 'connection')) expect(roleIds.has(op.lookups['record2roleid']!.id)).toBe(true);
    const priceList = setup.find((o) => o.table === 'pricelevel')!;
    expect(ops.filter((o) => o.table === 'invoice').every((o) => o.lookups['pricelevelid']!.id === priceList.id)).toBe(true);
  });
});

describe('mapRecord: statuses, owners and bad data', () => {
  const { firm, records } = generatedFirmRecords('clio', 30, 0);
  const profile = withFallbackOwner(firm);
  const { context } = createContext({ profile, records, systemUsers: dynamicsUsers(firm) });
  const matter = records.find((r) => r.type === 'matter' && r['status'] === 'closed')!;

  it('maps a closed Clio matter to a Won opportunity / resolved case and lex_status Closed', () => {
    const { ops } = mapRecord(matter, profile, context);
    const lexMatter = ops.find((o) => o.table === 'lex_matter')!;
    expect(lexMatter.columns['lex_status']).toBe(choiceValue('lex_matterstatus', 'Closed'));
    expect(lexMatter.state).toEqual({ statecode: 1, statuscode: 2 });
    const projection = ops.find((o) => o.table !== 'lex_matter')!;
    expect(projection.state).toEqual(projection.table === 'opportunity' ? { statecode: 1, statuscode: 3 } : { statecode: 1, statuscode: 5 });
  });

  it('reports a status without a map on the record and field, and leaves the rows out', () => {
    const odd = { ...matter, sourceStatus: 'Dormant', status: null };
    const { ops, errors } = mapRecord(odd, profile, context);
    expect(ops).toEqual([]);
    expect(errors[0]!.code).toBe('LEX_MAP_UNMAPPED_STATUS');
    expect(errors[0]!.location).toEqual({ recordKey: matter.sourceKey, field: 'sourceStatus|status' });
    expect(errors[0]!.fix).toContain('statusMaps.matter');
  });

  it('keeps a row whose optional column is unreadable, reporting the field and why', () => {
    const entry = records.find((r) => r.type === 'time_entry')!;
    const { ops, errors } = mapRecord({ ...entry, date: '2023-02-30' }, profile, context);
    expect(ops).toHaveLength(1);
    expect(ops[0]!.columns).not.toHaveProperty('lex_entrydate');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('LEX_MAP_BAD_VALUE');
    expect(errors[0]!.location.field).toBe('date');
    expect(errors[0]!.message).toContain('2023-02-30');
  });

  it('fails a time entry without a user (seed 002: time entries need an assigned user)', () => {
    const entry = records.find((r) => r.type === 'time_entry')!;
    const { ops, errors } = mapRecord({ ...entry, userRef: null }, profile, context);
    expect(ops).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['LEX_MAP_REQUIRED_MISSING']);
  });

  it('binds a matter without a client to the fallback client (seed 002: "assigned to an unknown client")', () => {
    const { ops, errors } = mapRecord({ ...matter, clientRef: null }, profile, context);
    expect(errors).toEqual([]);
    const fallback = setupOps(profile).find((o) => o.targetKey === 'lexbridge:account:fallback-client')!;
    expect(ops.find((o) => o.table === 'lex_matter')!.lookups['lex_clientid']).toEqual({ table: 'account', id: fallback.id });
  });

  it('owns rows by the source user matched on email (case-insensitive), else the fallback owner', () => {
    const { ops } = mapRecord(matter, profile, context);
    const user = firm.users.find((u) => `clio:user:${u.id}` === matter['responsibleUserRef'])!;
    if (user.inDynamics) expect(ops[0]!.ownerId).toMatch(/^00000000-/);
    const built = createContext({ profile, records, systemUsers: dynamicsUsers(firm) });
    const { ops: owned } = mapRecord({ ...matter, responsibleUserRef: 'clio:user:999999' }, profile, built.context);
    expect(owned[0]!.ownerId).toBe(built.users.fallbackOwnerId);
  });

  it('reports an orphan reference instead of binding to a row that will never exist', () => {
    const participant = records.find((r) => r.type === 'participant')!;
    const { ops, errors } = mapRecord({ ...participant, contactRef: 'clio:contact:999999' }, profile, context);
    expect(ops).toEqual([]);
    expect(errors[0]!.code).toBe('LEX_MAP_ORPHAN');
  });

  it('never throws, whatever the record holds', () => {
    const garbage = [
      { ...matter, number: { nested: true }, estimatedValue: 'lots', openedOn: 42, practiceAreaRef: 7 },
      { ...records.find((r) => r.type === 'bill')!, lines: 'not a list' },
      { ...records.find((r) => r.type === 'bill')!, lines: [null, 3, { units: 'x' }] },
      { ...records.find((r) => r.type === 'contact')!, emails: null, kind: 'robot' },
      { type: 'spaceship', sourceKey: 'clio:spaceship:1', key: { system: 'clio', type: 'spaceship', id: '1' } },
    ] as MappableRecord[];
    for (const record of garbage) {
      const result = mapRecord(record, profile, context);
      expect(Array.isArray(result.errors)).toBe(true);
    }
    expect(mapRecord(garbage[0]!, profile, context).errors.map((e) => e.location.field)).toEqual(expect.arrayContaining(['estimatedValue', 'openedOn']));
    expect(mapRecord(garbage[4]!, profile, context).errors[0]!.code).toBe('LEX_MAP_ENTITY_NOT_MAPPED');
  });
});
