/** RecordDiff's lookups: the referenced record as the source names it against the row Dynamics points at. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExtract } from '../../scripts/src/cli/commands/extract';
import { createContext, type SystemUser } from '../../scripts/src/mapping/context';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { mapRecord, SETUP_KEYS, type MappableRecord } from '../../scripts/src/mapping/engine';
import { rowId } from '../../scripts/src/mapping/target-op';
import { StagingStore } from '../../scripts/src/staging/store';
import { sourceReference } from '../../pcf-controls/shared/lookup-diff';
import { buildRecordDiff, lookupReads, type DiffRow } from '../../pcf-controls/shared/record-diff';

const NAME = '@OData.Community.Display.V1.FormattedValue';
const TABLE = '@Microsoft.Dynamics.CRM.lookuplogicalname';

/** A Clio CSV matter as the engine snapshots it (the raw export row). */
const csvSnapshot = {
  Id: '28',
  'Matter Number': '00028-Cole',
  'Client Id': '7',
  Client: 'Cole Holdings Ltd',
  'Responsible Attorney': 'Richard Spinka',
  'Originating Attorney': 'natasha@firm.example',
};
const CLIENT_ID = rowId('clio:contact:7');
const RICHARD = '00000000-0000-4000-8000-000000000001';
const NATASHA = '00000000-0000-4000-8000-000000000002';

/** The matter's row as Dynamics returns it with `odata.include-annotations="*"`. */
const loaded = {
  lex_sourcekey: 'clio:matter:28',
  _lex_clientid_value: CLIENT_ID,
  [`_lex_clientid_value${NAME}`]: 'Cole Holdings Ltd',
  [`_lex_clientid_value${TABLE}`]: 'account',
  _lex_responsibleattorneyid_value: RICHARD,
  [`_lex_responsibleattorneyid_value${NAME}`]: 'Richard Spinka',
  [`_lex_responsibleattorneyid_value${TABLE}`]: 'systemuser',
  _lex_originatingattorneyid_value: NATASHA,
  [`_lex_originatingattorneyid_value${NAME}`]: 'Natasha Stracke',
  [`_lex_originatingattorneyid_value${TABLE}`]: 'systemuser',
};

const profile = defaultProfile('clio-csv');
const diff = (row: Record<string, unknown>, snapshot: object = csvSnapshot, referenced = new Map()) => buildRecordDiff('lex_matter', JSON.stringify(snapshot), row, profile, referenced);
const rowsOf = (rows: DiffRow[]) => Object.fromEntries(rows.map((r) => [r.key, r]));

describe('where the snapshot names a referenced record', () => {
  it('reads a raw export\'s id and name fields, an API\'s inline object, a canonical source key', () => {
    expect(sourceReference(csvSnapshot, 'clientRef')).toEqual({ found: true, id: '7', name: 'Cole Holdings Ltd', fields: ['Client Id', 'Client'] });
    expect(sourceReference(csvSnapshot, 'responsibleUserRef')).toEqual({ found: true, name: 'Richard Spinka', fields: ['Responsible Attorney'] });
    expect(sourceReference(csvSnapshot, 'originatingUserRef')).toEqual({ found: true, email: 'natasha@firm.example', fields: ['Originating Attorney'] });
    expect(sourceReference({ client: { id: 7, name: 'Cole' }, responsible_attorney: { id: 3 } }, 'clientRef')).toEqual({ found: true, id: '7', name: 'Cole', fields: ['client'] });
    expect(sourceReference({ client: { id: 7 }, responsible_attorney: { id: 3 } }, 'responsibleUserRef')).toEqual({ found: true, id: '3', fields: ['responsible_attorney'] });
    expect(sourceReference({ clientPartyId: '7' }, 'clientRef')).toEqual({ found: true, id: '7', fields: ['clientPartyId'] });
    expect(sourceReference({ clientRef: 'clio:contact:7' }, 'clientRef')).toEqual({ found: true, sourceKey: 'clio:contact:7', fields: ['clientRef'] });
    expect(sourceReference({ 'Client Id': '', Client: '' }, 'clientRef')).toEqual({ found: true, fields: ['Client Id', 'Client'] });
    expect(sourceReference({ links: { assignedTo: 3 } }, 'responsibleUserRef')).toEqual({ found: false, fields: [] });
  });
});

describe('lookup comparison', () => {
  it('shows a mapped lookup as compared, not as "Source only": the client by row id, users by name or email', () => {
    const rows = rowsOf(diff(loaded).rows);
    expect(rows['lex_clientid']).toMatchObject({ label: 'Client', sourcePath: 'Client Id · Client', source: 'Cole Holdings Ltd', target: 'Cole Holdings Ltd', status: 'match' });
    expect(rows['lex_responsibleattorneyid']).toMatchObject({ source: 'Richard Spinka', target: 'Richard Spinka', status: 'match' });
    // Compared by email, which the response does not carry: read from the systemuser row.
    expect(rows['lex_originatingattorneyid']).toMatchObject({ source: 'natasha@firm.example', target: 'Natasha Stracke', status: 'unchecked' });
    const withEmail = rowsOf(diff(loaded, csvSnapshot, new Map([[NATASHA, { email: 'Natasha@Firm.example' }]])).rows);
    expect(withEmail['lex_originatingattorneyid']).toMatchObject({ status: 'match' });
    const otherEmail = rowsOf(diff(loaded, csvSnapshot, new Map([[NATASHA, { email: 'someone@firm.example' }]])).rows);
    expect(otherEmail['lex_originatingattorneyid']).toMatchObject({ status: 'differs' });
    for (const field of ['Client Id', 'Client', 'Responsible Attorney', 'Originating Attorney']) expect(rows[`source:${field}`]).toBeUndefined();
    expect(rows['source:Id']).toMatchObject({ status: 'sourceOnly' });
  });

  it('says differs when the lookup points at another row, or is empty while the source names a record', () => {
    const other = rowsOf(diff({ ...loaded, _lex_clientid_value: rowId('clio:contact:8'), [`_lex_clientid_value${NAME}`]: 'Someone Else' }).rows);
    expect(other['lex_clientid']).toMatchObject({ source: 'Cole Holdings Ltd', target: 'Someone Else', status: 'differs' });
    const empty = diff({ ...loaded, _lex_clientid_value: null, _lex_responsibleattorneyid_value: null });
    expect(rowsOf(empty.rows)['lex_clientid']).toMatchObject({ target: '', status: 'differs' });
    expect(rowsOf(empty.rows)['lex_responsibleattorneyid']).toMatchObject({ status: 'differs' });
    expect(empty.differing - diff(loaded).differing).toBe(2);
    const renamed = rowsOf(diff({ ...loaded, [`_lex_responsibleattorneyid_value${NAME}`]: 'Charlotte Conn' }).rows);
    expect(renamed['lex_responsibleattorneyid']).toMatchObject({ status: 'differs' });
  });

  it('accepts a row adopted in pre-flight (its own id) when its source key is the referenced record\'s', () => {
    const adopted = { ...loaded, _lex_clientid_value: '11111111-2222-4333-8444-000000000001' };
    expect(lookupReads('lex_matter', JSON.stringify(csvSnapshot), adopted, profile)).toEqual([
      { table: 'account', id: '11111111-2222-4333-8444-000000000001', columns: { name: 'name', sourceKey: 'lex_sourcekey' } },
      { table: 'systemuser', id: NATASHA, columns: { name: 'fullname', email: 'internalemailaddress' } },
    ]);
    const read = (sourceKey: string) => rowsOf(diff(adopted, csvSnapshot, new Map([['11111111-2222-4333-8444-000000000001', { name: 'Cole Holdings', sourceKey }]])).rows)['lex_clientid'];
    expect(read('clio:contact:7')).toMatchObject({ target: 'Cole Holdings Ltd', status: 'match' });
    expect(read('clio:contact:9')).toMatchObject({ status: 'differs' });
  });

  it('reads the names a response without FormattedValue annotations lacks (the sandbox), by the lookuplogicalname annotation', () => {
    const bare = Object.fromEntries(Object.entries(loaded).filter(([k]) => !k.endsWith(NAME)));
    const reads = lookupReads('lex_matter', JSON.stringify(csvSnapshot), bare, profile);
    expect(reads.map((r) => [r.table, r.id, r.columns.name])).toEqual([
      ['account', CLIENT_ID, 'name'],
      ['systemuser', RICHARD, 'fullname'],
      ['systemuser', NATASHA, 'fullname'],
    ]);
    const rows = rowsOf(diff(bare, csvSnapshot, new Map([[CLIENT_ID, { name: 'Cole Holdings Ltd' }], [RICHARD, { name: 'Richard Spinka' }]])).rows);
    expect(rows['lex_clientid']).toMatchObject({ target: 'Cole Holdings Ltd', status: 'match' });
    expect(rows['lex_responsibleattorneyid']).toMatchObject({ target: 'Richard Spinka', status: 'match' });
    // Nothing to read when the response says it all and the ids are the expected ones.
    expect(lookupReads('lex_matter', JSON.stringify({ ...csvSnapshot, 'Originating Attorney': 'Natasha Stracke' }), loaded, profile)).toEqual([]);
  });

  it('binds an empty client to the profile\'s fallback client, as the engine does', () => {
    const noClient = { ...csvSnapshot, 'Client Id': '', Client: '' };
    const fallback = { ...loaded, _lex_clientid_value: rowId(SETUP_KEYS.fallbackClient), [`_lex_clientid_value${NAME}`]: 'Unknown client (migrated)' };
    expect(rowsOf(diff(fallback, noClient).rows)['lex_clientid']).toMatchObject({ source: '', target: 'Unknown client (migrated)', status: 'match' });
    expect(rowsOf(diff(loaded, noClient).rows)['lex_clientid']).toMatchObject({ status: 'differs' });
  });

  it('cannot check a user the source names by its own id only (Clio API), and says so', () => {
    const api = { id: 28, client: { id: 7 }, responsible_attorney: { id: 3 } };
    const rows = rowsOf(buildRecordDiff('lex_matter', JSON.stringify(api), loaded, defaultProfile('clio-api')).rows);
    expect(rows['lex_clientid']).toMatchObject({ sourcePath: 'client', source: '7', status: 'match' });
    expect(rows['lex_responsibleattorneyid']).toMatchObject({ source: '3', target: 'Richard Spinka', status: 'unchecked' });
  });

  it('leaves a reference it cannot find in the snapshot as "Not in source record", never as a difference', () => {
    const rows = rowsOf(diff(loaded, { Id: '28', links: { assignedTo: 3 } }).rows);
    expect(rows['lex_clientid']).toMatchObject({ sourcePath: 'clientRef', source: '', status: 'notInSource' });
    expect(rows['lex_responsibleattorneyid']).toMatchObject({ sourcePath: 'responsibleUserRef', status: 'notInSource' });
  });
});

describe('against the engine on the bundled Clio CSV firm', () => {
  let records: MappableRecord[];
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lexbridge-lookup-diff-'));
    await runExtract({ source: 'clio-csv', from: path.resolve(__dirname, '../../samples/clio-csv-small'), out: path.join(dir, 'staging') });
    const staging = StagingStore.open(path.join(dir, 'staging'));
    try {
      records = [...staging.records()] as unknown as MappableRecord[];
    } finally {
      staging.close();
    }
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every matter\'s lookups, as the engine bound them, match their source record', () => {
    const users = records.filter((r) => r.type === 'user');
    const systemUsers: SystemUser[] = users.map((u, i) => ({ systemuserid: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, fullname: String(u['name']), isdisabled: false }));
    const { context } = createContext({ profile, records, systemUsers });
    const names = new Map<string, string>([...systemUsers.map((u): [string, string] => [u.systemuserid, u.fullname!])]);
    for (const record of records) {
      const name = record['organization'] ?? [record['firstName'], record['lastName']].filter(Boolean).join(' ');
      if (record.type === 'contact') names.set(rowId(record.sourceKey), String(name));
    }
    let compared = 0;
    for (const record of records.filter((r) => r.type === 'matter')) {
      const op = mapRecord(record, profile, context).ops.find((o) => o.table === 'lex_matter')!;
      const row: Record<string, unknown> = { ...op.columns };
      for (const [column, bound] of Object.entries(op.lookups)) {
        if (!bound) continue;
        row[`_${column}_value`] = bound.id;
        row[`_${column}_value${NAME}`] = names.get(bound.id) ?? bound.id;
      }
      const rows = rowsOf(buildRecordDiff('lex_matter', String(op.columns['lex_sourcesnapshot']), row, profile).rows);
      for (const column of ['lex_clientid', 'lex_responsibleattorneyid', 'lex_originatingattorneyid']) {
        expect({ matter: record.sourceKey, column, status: rows[column]?.status }).toEqual({ matter: record.sourceKey, column, status: 'match' });
        compared++;
      }
      // And moved to another client, it differs.
      const moved = rowsOf(buildRecordDiff('lex_matter', String(op.columns['lex_sourcesnapshot']), { ...row, _lex_clientid_value: rowId('clio:contact:999') }, profile).rows);
      expect(moved['lex_clientid']?.status).toBe('differs');
    }
    expect(compared).toBe(40 * 3);
  });
});
