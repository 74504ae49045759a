import { setBulkSupport, startSandbox, type RunningSandbox } from '../../../scripts/src/sandbox/server';
import { api } from '../http';

let sandbox: RunningSandbox;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  sandbox = await startSandbox({ limits: false });
  http = api(sandbox);
});
afterAll(() => sandbox.close());

const TYPE = '@odata.type';
const matter = (extra: Record<string, unknown>) => ({ [TYPE]: 'Microsoft.Dynamics.CRM.lex_matter', ...extra });
const id = (n: number) => `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`;

describe('CreateMultiple', () => {
  it('creates every Target and returns their Ids', async () => {
    const reply = await http.post('lex_matters/Microsoft.Dynamics.CRM.CreateMultiple', {
      Targets: [matter({ lex_name: 'CM 1' }), matter({ lex_name: 'CM 2', lex_matterid: id(2) })],
    });
    expect(reply.status).toBe(200);
    expect(reply.json['@odata.context']).toBe(`${sandbox.apiUrl}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`);
    expect(reply.json.Ids).toHaveLength(2);
    expect(reply.json.Ids[1]).toBe(id(2));
  });

  it('requires @odata.type on every Target and is all-or-nothing', async () => {
    const untyped = await http.post('lex_matters/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [matter({ lex_name: 'typed' }), { lex_name: 'untyped' }] });
    expect(untyped.status).toBe(400);
    const partial = await http.post('lex_matters/Microsoft.Dynamics.CRM.CreateMultiple', {
      Targets: [matter({ lex_name: 'AllOrNothing 1' }), matter({ lex_name: 'x'.repeat(301) })],
    });
    expect(partial.status).toBe(400);
    expect((await http.get(`lex_matters?$filter=startswith(lex_name,'AllOrNothing')`)).json.value).toEqual([]);
  });

  it('refuses a table that does not list the message in sdkmessagefilter', async () => {
    const reply = await http.post('tasks/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [{ [TYPE]: 'Microsoft.Dynamics.CRM.task', subject: 'x' }] });
    expect(reply.status).toBe(400);
    expect(reply.json.error.message).toBe("The 'CreateMultiple' method does not support entities of type 'task'. MessageProcessorCache returned MessageProcessor.Empty.");
  });
});

describe('UpdateMultiple', () => {
  it('updates by primary key, applies only the first of duplicate Targets, answers 204', async () => {
    await http.post('lex_matters/Microsoft.Dynamics.CRM.CreateMultiple', { Targets: [matter({ lex_name: 'U', lex_matterid: id(10) })] });
    const reply = await http.post('lex_matters/Microsoft.Dynamics.CRM.UpdateMultiple', {
      Targets: [matter({ lex_matterid: id(10), lex_name: 'first' }), matter({ lex_matterid: id(10), lex_name: 'second' })],
    });
    expect(reply.status).toBe(204);
    expect((await http.get(`lex_matters(${id(10)})?$select=lex_name`)).json.lex_name).toBe('first');
  });

  it('refuses alternate keys and missing rows', async () => {
    const byKey = await http.post('lex_matters/Microsoft.Dynamics.CRM.UpdateMultiple', { Targets: [matter({ '@odata.id': "lex_matters(lex_sourcekey='a')", lex_name: 'x' })] });
    expect(byKey.status).toBe(400);
    const missing = await http.post('lex_matters/Microsoft.Dynamics.CRM.UpdateMultiple', { Targets: [matter({ lex_matterid: id(99), lex_name: 'x' })] });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('0x80040217');
  });
});

describe('UpsertMultiple', () => {
  it('creates then updates by primary key and by @odata.id alternate key: twice → one row each', async () => {
    const targets = [
      matter({ lex_matterid: id(20), lex_name: 'by id' }),
      matter({ '@odata.id': "lex_matters(lex_sourcekey='clio:matter:21')", lex_name: 'by key' }),
    ];
    expect((await http.post('lex_matters/Microsoft.Dynamics.CRM.UpsertMultiple', { Targets: targets })).status).toBe(204);
    expect((await http.post('lex_matters/Microsoft.Dynamics.CRM.UpsertMultiple', { Targets: targets })).status).toBe(204);
    expect((await http.get(`lex_matters/$count?$filter=lex_matterid eq ${id(20)}`)).text).toBe('1');
    expect((await http.get(`lex_matters/$count?$filter=lex_sourcekey eq 'clio:matter:21'`)).text).toBe('1');
  });

  it('binds lookups inside Targets, by alternate key', async () => {
    await http.post('accounts', { name: 'Bulk client', lex_sourcekey: 'clio:company:bulk' });
    const reply = await http.post('lex_matters/Microsoft.Dynamics.CRM.UpsertMultiple', {
      Targets: [matter({ lex_matterid: id(30), lex_name: 'bound', 'lex_ClientId_account@odata.bind': "/accounts(lex_sourcekey='clio:company:bulk')" })],
    });
    expect(reply.status).toBe(204);
    expect((await http.get(`lex_matters(${id(30)})?$select=_lex_clientid_value`)).json._lex_clientid_value).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects duplicate Targets and writes nothing', async () => {
    const reply = await http.post('lex_matters/Microsoft.Dynamics.CRM.UpsertMultiple', {
      Targets: [matter({ lex_matterid: id(40), lex_name: 'a' }), matter({ lex_matterid: id(40), lex_name: 'b' })],
    });
    expect(reply.status).toBe(400);
    expect((await http.get(`lex_matters(${id(40)})`)).status).toBe(404);
  });

  it('needs both CreateMultiple and UpdateMultiple in the catalogue (tests can turn support off)', async () => {
    setBulkSupport(sandbox.store, 'lex_milestone', false);
    const reply = await http.post('lex_milestones/Microsoft.Dynamics.CRM.UpsertMultiple', {
      Targets: [{ [TYPE]: 'Microsoft.Dynamics.CRM.lex_milestone', lex_milestoneid: id(50), lex_name: 'x' }],
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.message).toContain("'UpsertMultiple' method does not support entities of type 'lex_milestone'");
    setBulkSupport(sandbox.store, 'lex_milestone', true);
  });
});
