import { startSandbox, type RunningSandbox } from '../../../scripts/src/sandbox/server';
import { api, idFrom } from '../http';

let sandbox: RunningSandbox;
let http: ReturnType<typeof api>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  sandbox = await startSandbox({ limits: false });
  http = api(sandbox);
  const people: [string, string, string | null, string][] = [
    ['Ada', 'Lovelace', 'ada@example.com', '1815-12-10'],
    ['Grace', 'Hopper', null, '1906-12-09'],
    ['Alan', 'Turing', 'alan@example.com', '1912-06-23'],
    ['Barbara', 'Liskov', 'barbara@example.com', '1939-11-07'],
    ['Katherine', "O'Brian", 'k@example.com', '1918-08-26'],
  ];
  for (const [firstname, lastname, email, birthdate] of people) {
    const reply = await http.post('contacts', { firstname, lastname, emailaddress1: email, birthdate, lex_sourcekey: `test:contact:${lastname}` });
    ids[lastname] = idFrom(reply)!;
  }
  const account = idFrom(await http.post('accounts', { name: 'Analytical Engines Ltd' }))!;
  ids['account'] = account;
  await http.patch(`contacts(${ids['Lovelace']})`, { 'parentcustomerid_account@odata.bind': `/accounts(${account})` });
});
afterAll(() => sandbox.close());

const names = (reply: { json: { value: { lastname: string }[] } }) => reply.json.value.map((r) => r.lastname).sort();
const query = (filter: string) => http.get(`contacts?$select=lastname&$filter=${encodeURIComponent(filter)}`);

describe('$filter', () => {
  it('compares with eq/ne/gt/ge/lt/le, case-insensitively for strings', async () => {
    expect(names(await query("lastname eq 'hopper'"))).toEqual(['Hopper']);
    expect(names(await query("lastname ne 'Hopper'"))).toEqual(['Liskov', 'Lovelace', "O'Brian", 'Turing']);
    expect(names(await query('birthdate gt 1912-06-23'))).toEqual(['Liskov', "O'Brian"]);
    expect(names(await query('birthdate ge 1912-06-23'))).toEqual(['Liskov', "O'Brian", 'Turing']);
    expect(names(await query('birthdate lt 1906-12-09'))).toEqual(['Lovelace']);
    expect(names(await query('birthdate le 1906-12-09'))).toEqual(['Hopper', 'Lovelace']);
  });

  it('combines and/or/not, and checks null', async () => {
    expect(names(await query("firstname eq 'Ada' or (lastname eq 'Turing' and emailaddress1 ne null)"))).toEqual(['Lovelace', 'Turing']);
    expect(names(await query('emailaddress1 eq null'))).toEqual(['Hopper']);
    expect(names(await query("not startswith(lastname,'L')"))).toEqual(['Hopper', "O'Brian", 'Turing']);
  });

  it('supports contains/startswith/endswith and quotes escaped by doubling', async () => {
    expect(names(await query("contains(emailaddress1,'example')"))).toEqual(['Liskov', 'Lovelace', "O'Brian", 'Turing']);
    expect(names(await query("startswith(firstname,'a')"))).toEqual(['Lovelace', 'Turing']);
    expect(names(await query("endswith(lastname,'ing')"))).toEqual(['Turing']);
    expect(names(await query("lastname eq 'O''Brian'"))).toEqual(["O'Brian"]);
  });

  it('supports Microsoft.Dynamics.CRM.In with parameter aliases', async () => {
    const reply = await http.get(
      `contacts?$select=lastname&$filter=${encodeURIComponent('Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)')}&@p1=${encodeURIComponent("'lastname'")}&@p2=${encodeURIComponent('["Turing","O\'Brian"]')}`,
    );
    expect(names(reply)).toEqual(["O'Brian", 'Turing']);
  });

  it('filters lookups through _x_value and related columns through the navigation property', async () => {
    expect(names(await query(`_parentcustomerid_value eq ${ids['account']}`))).toEqual(['Lovelace']);
    expect(names(await query("parentcustomerid_account/name eq 'Analytical Engines Ltd'"))).toEqual(['Lovelace']);
  });

  it('rejects unknown columns and $skip', async () => {
    const unknown = await query("shoesize eq 'x'");
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain("Could not find a property named 'shoesize'");
    const skip = await http.get('contacts?$skip=1');
    expect(skip.status).toBe(400);
  });
});

describe('$orderby, $top, $count, paging, $expand', () => {
  it('orders and caps with $top', async () => {
    const reply = await http.get('contacts?$select=lastname&$orderby=birthdate desc&$top=2');
    expect(reply.json.value.map((r: { lastname: string }) => r.lastname)).toEqual(['Liskov', "O'Brian"]);
    expect(reply.json['@odata.nextLink']).toBeUndefined();
  });

  it('counts with $count=true and /$count', async () => {
    const reply = await http.get('contacts?$select=lastname&$count=true&$top=1');
    expect(reply.json['@odata.count']).toBe(5);
    expect((await http.get('contacts/$count')).text).toBe('5');
  });

  it('pages with odata.maxpagesize and @odata.nextLink until every row is read once ($top ignored)', async () => {
    const seen: string[] = [];
    let url: string | undefined = 'contacts?$select=lastname&$orderby=lastname&$top=1';
    let pages = 0;
    while (url) {
      const reply = await http.get(url.replace(sandbox.apiUrl, ''), { Prefer: 'odata.maxpagesize=2' });
      expect(reply.headers.get('preference-applied')).toBe('odata.maxpagesize=2');
      seen.push(...reply.json.value.map((r: { lastname: string }) => r.lastname));
      url = reply.json['@odata.nextLink'];
      if (url) expect(url).toContain('$skiptoken=');
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['Hopper', 'Liskov', 'Lovelace', "O'Brian", 'Turing']);
  });

  it('expands a single-valued lookup with its own $select', async () => {
    const reply = await http.get(`contacts(${ids['Lovelace']})?$select=lastname&$expand=parentcustomerid_account($select=name)`);
    expect(reply.json.parentcustomerid_account).toMatchObject({ accountid: ids['account'], name: 'Analytical Engines Ltd' });
    const none = await http.get(`contacts?$select=lastname&$filter=lastname eq 'Hopper'&$expand=parentcustomerid_account($select=name)`);
    expect(none.json.value[0].parentcustomerid_account).toBeNull();
  });

  it('answers the bulk-support query clients run against sdkmessagefilters', async () => {
    const check = (message: string, table: string) =>
      http.get(
        `sdkmessagefilters?$select=sdkmessagefilterid&$filter=${encodeURIComponent('sdkmessageid/name eq @message and primaryobjecttypecode eq @table')}&@message='${message}'&@table='${table}'`,
      );
    expect((await check('CreateMultiple', 'lex_matter')).json.value).toHaveLength(1);
    expect((await check('UpdateMultiple', 'account')).json.value).toHaveLength(1);
    expect((await check('CreateMultiple', 'task')).json.value).toHaveLength(0);
  });
});

describe('query features the sandbox does not run', () => {
  it('answers 501 for FetchXML, change tracking and known but unimplemented messages', async () => {
    expect((await http.get(`contacts?fetchXml=${encodeURIComponent('<fetch><entity name="contact"/></fetch>')}`)).status).toBe(501);
    expect((await http.get('contacts?$select=lastname', { Prefer: 'odata.track-changes' })).status).toBe(501);
    const count = await http.get("RetrieveTotalRecordCount(EntityNames=['contact'])");
    expect(count.status).toBe(501);
    expect(count.json.error.message).toContain('docs/sandbox.md');
  });
});
