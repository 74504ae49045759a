import { startSandbox, type RunningSandbox } from '../../../scripts/src/sandbox/server';
import { api, idFrom } from '../http';

const ENABLED_USER = '8d2e1c3a-51b0-4c6e-9f1a-0b7d4e2a6c02';
const DISABLED_USER = '8d2e1c3a-51b0-4c6e-9f1a-0b7d4e2a6c05';
const MISSING = '00000000-0000-0000-0000-0000000000aa';

let sandbox: RunningSandbox;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  sandbox = await startSandbox({ limits: false });
  http = api(sandbox);
});
afterAll(() => sandbox.close());

describe('create', () => {
  it('answers 204 with OData-EntityId, or 201 with the row when return=representation', async () => {
    const plain = await http.post('accounts', { name: 'Acme Legal' });
    expect(plain.status).toBe(204);
    expect(plain.headers.get('odata-entityid')).toMatch(new RegExp(`^${sandbox.apiUrl.replace(/[.$]/g, '\\$&')}accounts\\([0-9a-f-]{36}\\)$`));

    const rep = await http.post('accounts?$select=name', { name: 'Beta LLP' }, { Prefer: 'return=representation' });
    expect(rep.status).toBe(201);
    expect(rep.headers.get('preference-applied')).toBe('return=representation');
    expect(rep.headers.get('odata-entityid')).toBeNull();
    expect(rep.json).toMatchObject({ name: 'Beta LLP', '@odata.etag': expect.stringMatching(/^W\/"\d+"$/) });
    expect(rep.json.accountid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects unknown properties, wrong types and values too long with the documented errors', async () => {
    const unknown = await http.post('accounts', { Name: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain("Invalid property 'Name' was found in entity 'Microsoft.Dynamics.CRM.account'");

    const wrongType = await http.post('accounts', { name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error.code).toBe('0x80048d19');

    const tooLong = await http.post('accounts', { name: 'x'.repeat(161) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error).toEqual({
      code: '0x80044331',
      message: "A validation error occurred.  The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'.",
    });
  });

  it('moves overriddencreatedon into createdon on create (the platform keeps the real time in overriddencreatedon)', async () => {
    const reply = await http.post('contacts', { lastname: 'Old', overriddencreatedon: '2015-03-01T09:30:00Z' }, { Prefer: 'return=representation' });
    expect(reply.status).toBe(201);
    expect(reply.json.createdon).toBe('2015-03-01T09:30:00Z');
    expect(reply.json.overriddencreatedon).not.toBe('2015-03-01T09:30:00Z');
    expect(Date.parse(reply.json.overriddencreatedon)).toBeGreaterThan(Date.parse('2020-01-01'));
  });

  it('rejects writes to platform-managed columns', async () => {
    const reply = await http.post('accounts', { name: 'x', createdon: '2020-01-01T00:00:00Z' });
    expect(reply.status).toBe(400);
    expect(reply.json.error.message).toContain("'createdon' is read-only");
  });

  it('rejects a second row with the same alternate key value (case-insensitive), 412 0x80060892', async () => {
    expect((await http.post('accounts', { name: 'K1', lex_sourcekey: 'clio:contact:dup' })).status).toBe(204);
    const dup = await http.post('accounts', { name: 'K2', lex_sourcekey: 'CLIO:contact:DUP' });
    expect(dup.status).toBe(412);
    expect(dup.json.error.code).toBe('0x80060892');
  });
});

describe('retrieve, update, delete', () => {
  it('retrieves by id and by alternate key, with ETag and $select', async () => {
    const created = await http.post('contacts', { lastname: 'Nguyen', firstname: 'Lan', lex_sourcekey: 'clio-contact-77' });
    const id = idFrom(created)!;
    const byId = await http.get(`contacts(${id})?$select=lastname,firstname`);
    expect(byId.status).toBe(200);
    expect(byId.headers.get('etag')).toBe(byId.json['@odata.etag']);
    expect(Object.keys(byId.json).sort()).toEqual(['@odata.context', '@odata.etag', 'contactid', 'firstname', 'lastname']);
    const byKey = await http.get(`contacts(lex_sourcekey='clio-contact-77')`);
    expect(byKey.json.contactid).toBe(id);
    expect(byKey.json['@odata.context']).toBe(`${sandbox.apiUrl}$metadata#contacts/$entity`);
  });

  it('returns 404 with the documented messages for a missing id and a missing key', async () => {
    const byId = await http.get(`accounts(${MISSING})`);
    expect(byId.status).toBe(404);
    expect(byId.json.error).toEqual({ code: '0x80040217', message: `account With Id = ${MISSING} Does Not Exist` });
    const byKey = await http.get(`accounts(lex_sourcekey='nope')`);
    expect(byKey.status).toBe(404);
    expect(byKey.json.error.code).toBe('0x80060891');
  });

  it('rejects an unknown $select property and a key that is not a declared key', async () => {
    const select = await http.get(`accounts?$select=Name`);
    expect(select.status).toBe(400);
    expect(select.json.error.message).toBe("Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.account'.");
    const key = await http.get(`accounts(name='x')`);
    expect(key.status).toBe(400);
    expect(key.json.error.message).toContain('The key in the request URI is not valid');
  });

  it('updates with If-Match: *, checks weak ETags (412 on mismatch), deletes (404 after)', async () => {
    const id = idFrom(await http.post('accounts', { name: 'Versioned' }))!;
    const first = await http.get(`accounts(${id})`);
    const etag = first.json['@odata.etag'];
    expect((await http.patch(`accounts(${id})`, { name: 'V2' }, { 'If-Match': etag })).status).toBe(204);
    const stale = await http.patch(`accounts(${id})`, { name: 'V3' }, { 'If-Match': etag });
    expect(stale.status).toBe(412);
    expect(stale.json.error.message).toBe("The version of the existing record doesn't match the RowVersion property provided.");
    const staleDelete = await http.delete(`accounts(${id})`, { 'If-Match': etag });
    expect(staleDelete.status).toBe(412);
    expect((await http.delete(`accounts(${id})`)).status).toBe(204);
    expect((await http.delete(`accounts(${id})`)).status).toBe(404);
  });
});

describe('upsert', () => {
  it('PATCH by primary key creates the row with that id, then updates it: one row', async () => {
    const id = '1b7e1f6a-3c51-5d3e-8a58-0f5a6d3c2b11';
    const first = await http.patch(`accounts(${id})`, { name: 'Upserted' });
    expect(first.status).toBe(204);
    expect(first.headers.get('odata-entityid')).toBe(`${sandbox.apiUrl}accounts(${id})`);
    const second = await http.patch(`accounts(${id})`, { name: 'Upserted again' });
    expect(second.status).toBe(204);
    const rows = await http.get(`accounts?$filter=accountid eq ${id}&$select=name`);
    expect(rows.json.value).toEqual([expect.objectContaining({ name: 'Upserted again' })]);
  });

  it('PATCH by alternate key twice leaves one row; OData-EntityId echoes the key form', async () => {
    const path = `lex_matters(lex_sourcekey='clio-matter-500')`;
    const first = await http.patch(path, { lex_name: 'M-500 Smith v Jones' }, { Prefer: 'return=representation' });
    expect(first.status).toBe(201);
    const second = await http.patch(path, { lex_name: 'M-500 Smith v. Jones' }, { Prefer: 'return=representation' });
    expect(second.status).toBe(200);
    expect(second.json.lex_matterid).toBe(first.json.lex_matterid);
    const plain = await http.patch(path, { lex_name: 'M-500' });
    expect(plain.headers.get('odata-entityid')).toBe(`${sandbox.apiUrl}lex_matters(lex_sourcekey='clio-matter-500')`);
    const count = await http.get(`lex_matters/$count?$filter=lex_sourcekey eq 'clio-matter-500'`);
    expect(count.text).toBe('1');
  });

  it('If-Match: * prevents create (404); If-None-Match: * prevents update (412); If-None-Match: null is no condition', async () => {
    const missing = await http.patch(`accounts(${MISSING})`, { name: 'x' }, { 'If-Match': '*' });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe(`account With Id = ${MISSING} Does Not Exist`);
    const id = idFrom(await http.post('accounts', { name: 'Exists' }))!;
    const exists = await http.patch(`accounts(${id})`, { name: 'y' }, { 'If-None-Match': '*' });
    expect(exists.status).toBe(412);
    expect(exists.json.error.message).toBe('A record with matching key values already exists.');
    expect((await http.patch(`accounts(${id})`, { name: 'z' }, { 'If-None-Match': 'null' })).status).toBe(204);
  });

  it('ignores key columns in the body when the keyed row exists, uses them when it does not', async () => {
    await http.patch(`accounts(lex_sourcekey='k-1')`, { name: 'one' });
    await http.patch(`accounts(lex_sourcekey='k-1')`, { name: 'one', lex_sourcekey: 'k-changed' });
    expect((await http.get(`accounts(lex_sourcekey='k-1')`)).status).toBe(200);
    await http.patch(`accounts(lex_sourcekey='k-2')`, { name: 'two', lex_sourcekey: 'k-2-body' });
    expect((await http.get(`accounts(lex_sourcekey='k-2-body')`)).status).toBe(200);
  });
});

describe('@odata.bind', () => {
  it('binds by id and by alternate key and returns the lookup as _x_value', async () => {
    const accountId = idFrom(await http.post('accounts', { name: 'Client Co', lex_sourcekey: 'clio:company:9' }))!;
    const contactId = idFrom(await http.post('contacts', { lastname: 'Roe', 'parentcustomerid_account@odata.bind': `/accounts(${accountId})` }))!;
    const contact = await http.get(`contacts(${contactId})?$select=_parentcustomerid_value`, { Prefer: 'odata.include-annotations="*"' });
    expect(contact.json._parentcustomerid_value).toBe(accountId);
    expect(contact.json['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('account');

    const matter = await http.post(
      'lex_matters',
      { lex_name: 'Bound by key', 'lex_ClientId_account@odata.bind': "accounts(lex_sourcekey='clio:company:9')" },
      { Prefer: 'return=representation' },
    );
    expect(matter.status).toBe(201);
    expect(matter.json._lex_clientid_value).toBe(accountId);
  });

  it('fails with 0x80060891 when the key target is missing and 0x80040217 when the id target is missing', async () => {
    const byKey = await http.post('lex_matters', { lex_name: 'x', "lex_ClientId_account@odata.bind": "/accounts(lex_sourcekey='clio:company:missing')" });
    expect(byKey.status).toBe(404);
    expect(byKey.json.error).toEqual({ code: '0x80060891', message: 'A record with the specified key values does not exist in account entity' });
    const byId = await http.post('contacts', { lastname: 'x', 'parentcustomerid_account@odata.bind': `/accounts(${MISSING})` });
    expect(byId.status).toBe(404);
    expect(byId.json.error).toEqual({ code: '0x80040217', message: `Account With Id = ${MISSING} Does Not Exist` });
  });

  it('rejects the column name in place of the navigation property (0x80048d19 undeclared property)', async () => {
    const reply = await http.post('contacts', { lastname: 'x', 'parentcustomerid@odata.bind': `/accounts(${MISSING})` });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe('0x80048d19');
    expect(reply.json.error.message).toContain("An undeclared property 'parentcustomerid' which only has property annotations in the payload");
  });

  it('assigns owners: an enabled user can own the row, a disabled one cannot (0x80040225)', async () => {
    const owned = await http.post('accounts', { name: 'Owned', 'ownerid@odata.bind': `/systemusers(${ENABLED_USER})` }, { Prefer: 'return=representation' });
    expect(owned.json._ownerid_value).toBe(ENABLED_USER);
    const refused = await http.post('accounts', { name: 'Refused', 'ownerid@odata.bind': `/systemusers(${DISABLED_USER})` });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('0x80040225');
    expect(refused.json.error.message).toContain(DISABLED_USER);
    expect((await http.get(`accounts?$filter=name eq 'Refused'`)).json.value).toEqual([]);
  });

  it('clears a lookup with @odata.bind null', async () => {
    const accountId = idFrom(await http.post('accounts', { name: 'Parent' }))!;
    const contactId = idFrom(await http.post('contacts', { lastname: 'Child', 'parentcustomerid_account@odata.bind': `/accounts(${accountId})` }))!;
    await http.patch(`contacts(${contactId})`, { 'parentcustomerid_account@odata.bind': null });
    expect((await http.get(`contacts(${contactId})`)).json._parentcustomerid_value).toBeNull();
  });
});

describe('statecode and statuscode', () => {
  it('defaults the pair on create, derives the status from a new state, rejects a status of another state', async () => {
    const created = await http.post('tasks', { subject: 'Call client' }, { Prefer: 'return=representation' });
    expect([created.json.statecode, created.json.statuscode]).toEqual([0, 2]);
    const id = created.json.activityid;
    await http.patch(`tasks(${id})`, { statecode: 1 });
    const done = await http.get(`tasks(${id})?$select=statecode,statuscode`);
    expect([done.json.statecode, done.json.statuscode]).toEqual([1, 5]);
    const bad = await http.patch(`tasks(${id})`, { statecode: 0, statuscode: 5 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toBe('5 is not a valid status code for state code TaskState.Open on task.');
  });

  it('refuses to set opportunity Won or incident Resolved by PATCH, naming the message to use', async () => {
    const opp = idFrom(await http.post('opportunities', { name: 'Pipeline matter' }))!;
    const won = await http.patch(`opportunities(${opp})`, { statecode: 1, statuscode: 3 });
    expect(won.status).toBe(400);
    expect(won.json.error.message).toContain('use the WinOpportunityRequest message');
    const account = idFrom(await http.post('accounts', { name: 'Case client' }))!;
    const incident = idFrom(await http.post('incidents', { title: 'Case', 'customerid_account@odata.bind': `/accounts(${account})` }))!;
    const resolved = await http.patch(`incidents(${incident})`, { statecode: 1 });
    expect(resolved.status).toBe(400);
    expect(resolved.json.error.message).toContain('CloseIncidentRequest');
  });
});

describe('not implemented', () => {
  it('answers 501 with the error shape instead of pretending', async () => {
    const reply = await http.send('PUT', `accounts(${MISSING})/name`, { value: 'x' });
    expect(reply.status).toBe(501);
    expect(reply.json.error.message).toContain('does not implement');
    const unknownSet = await http.get('Accounts');
    expect(unknownSet.status).toBe(404);
    expect(unknownSet.json.error).toEqual({ code: '0x8006088a', message: "Resource not found for the segment 'Accounts'." });
  });
});

describe('computed columns and deep insert', () => {
  it('computes fullname like the platform and refuses deep insert with 501', async () => {
    const reply = await http.post('contacts', { firstname: 'Mary', lastname: 'Major' }, { Prefer: 'return=representation' });
    expect(reply.json.fullname).toBe('Mary Major');
    await http.patch(`contacts(${reply.json.contactid})`, { lastname: 'Minor' });
    expect((await http.get(`contacts(${reply.json.contactid})?$select=fullname`)).json.fullname).toBe('Mary Minor');
    const deep = await http.post('accounts', { name: 'Deep', primarycontactid: { lastname: 'Inline' } });
    expect(deep.status).toBe(501);
  });
});

describe('choices', () => {
  it('accepts values of the option set and refuses others', async () => {
    expect((await http.post('accounts', { name: 'Clio row', lex_sourcesystem: 582100000 })).status).toBe(204);
    const bad = await http.post('accounts', { name: 'Bad choice', lex_sourcesystem: 7 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('is outside the valid range. Accepted Values: 582100000,582100001,582100002');
  });
});

describe('money precision', () => {
  it('stores money at the column precision', async () => {
    const reply = await http.post('opportunities', { name: 'Fees', estimatedvalue: 1234.5678 }, { Prefer: 'return=representation' });
    expect(reply.json.estimatedvalue).toBe(1234.57);
  });
});

describe('state on create', () => {
  it('creates activities open only; their state changes by update', async () => {
    const closed = await http.post('tasks', { subject: 'Done already', statecode: 1, statuscode: 5 });
    expect(closed.status).toBe(400);
    expect(closed.json.error.message).toBe('5 is not a valid status code for state code TaskState.Open on task.');
    const inactive = await http.post('accounts', { name: 'Inactive from the start', statecode: 1 }, { Prefer: 'return=representation' });
    expect([inactive.json.statecode, inactive.json.statuscode]).toEqual([1, 2]);
  });
});

describe('alternate-key values that cannot appear in a URL', () => {
  it('refuses URL addressing by a key value containing / < > * % & : \\ ? +, but binds by it in the body', async () => {
    const created = await http.post('accounts', { name: 'Colon key', lex_sourcekey: 'clio:company:colon' });
    expect(created.status).toBe(204);
    for (const path of [`accounts(lex_sourcekey='clio:company:colon')`, `accounts(lex_sourcekey='${encodeURIComponent('a/b')}')`, `accounts(lex_sourcekey='a%2Bb')`, `accounts(lex_sourcekey='100%25')`]) {
      const reply = await http.get(path);
      expect(reply.status).toBe(400);
      expect(reply.json.error.message).toContain('A potentially dangerous Request.Path value was detected from the client');
    }
    expect((await http.patch(`accounts(lex_sourcekey='clio:company:colon')`, { name: 'x' })).status).toBe(400);
    const bound = await http.post('contacts', { lastname: 'Bound', "parentcustomerid_account@odata.bind": "/accounts(lex_sourcekey='clio:company:colon')" }, { Prefer: 'return=representation' });
    expect(bound.status).toBe(201);
    expect(bound.json._parentcustomerid_value).toBe(idFrom(created));
  });
});

describe('WinOpportunity, LoseOpportunity, CloseIncident', () => {
  it('closes an open row with a status of the target state, once', async () => {
    const opp = idFrom(await http.post('opportunities', { name: 'Won matter' }))!;
    const win = (status: number) => http.post('WinOpportunity', { OpportunityClose: { subject: 'Won', 'opportunityid@odata.bind': `/opportunities(${opp})` }, Status: status });
    const wrong = await win(4);
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).toBe('4 is not a valid status code for state code OpportunityState.Won on opportunity.');
    expect((await win(3)).status).toBe(204);
    const row = await http.get(`opportunities(${opp})?$select=statecode,statuscode`);
    expect([row.json.statecode, row.json.statuscode]).toEqual([1, 3]);
    const again = await win(3);
    expect(again.status).toBe(400);
    expect(again.json.error.message).toContain('is not open');
    const lose = await http.post('LoseOpportunity', { OpportunityClose: { 'opportunityid@odata.bind': `/opportunities(${MISSING})` }, Status: 4 });
    expect(lose.status).toBe(404);
  });

  it('resolves an incident through CloseIncident', async () => {
    const account = idFrom(await http.post('accounts', { name: 'Resolved client' }))!;
    const incident = idFrom(await http.post('incidents', { title: 'To resolve', 'customerid_account@odata.bind': `/accounts(${account})` }))!;
    const reply = await http.post('CloseIncident', { IncidentResolution: { subject: 'Done', 'incidentid@odata.bind': `/incidents(${incident})` }, Status: 5 });
    expect(reply.status).toBe(204);
    expect((await http.get(`incidents(${incident})?$select=statecode`)).json.statecode).toBe(1);
  });
});
