import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startSandbox, type RunningSandbox } from '../../../scripts/src/sandbox/server';
import { api, sandboxPerTest } from '../http';

const start = sandboxPerTest();

const label = (text: string) => ({ '@odata.type': 'Microsoft.Dynamics.CRM.Label', LocalizedLabels: [{ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: text, LanguageCode: 1033 }] });

describe('metadata reads on a sandbox with the solution installed', () => {
  let sandbox: RunningSandbox;
  let http: ReturnType<typeof api>;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false });
    http = api(sandbox);
  });
  afterAll(() => sandbox.close());

  it('serves $metadata as CSDL with OData.Community.Keys.V1.AlternateKeys on keyed tables', async () => {
    const reply = await http.get('$metadata', { Accept: 'application/xml' });
    expect(reply.status).toBe(200);
    expect(XMLValidator.validate(reply.text)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(reply.text);
    const types = doc['edmx:Edmx']['edmx:DataServices'].Schema.EntityType as { Name: string; Annotation?: { Term: string } }[];
    const matter = types.find((t) => t.Name === 'lex_matter')!;
    expect(matter.Annotation?.Term).toBe('OData.Community.Keys.V1.AlternateKeys');
    expect(reply.text).toContain('<PropertyValue Property="Name" PropertyPath="lex_sourcekey" />');
    expect(reply.text).toContain('<NavigationProperty Name="lex_ClientId_account" Type="mscrm.account">');
    expect(types.find((t) => t.Name === 'task')!.Annotation).toBeUndefined();
  });

  it('reads EntityDefinitions by LogicalName with $select, /Attributes, /Keys and $expand', async () => {
    const entity = await http.get("EntityDefinitions(LogicalName='lex_matter')?$select=LogicalName,EntitySetName,PrimaryIdAttribute");
    expect(entity.json).toMatchObject({ LogicalName: 'lex_matter', EntitySetName: 'lex_matters', PrimaryIdAttribute: 'lex_matterid' });
    expect(entity.json.DisplayName).toBeUndefined();

    const attribute = await http.get("EntityDefinitions(LogicalName='lex_matter')/Attributes(LogicalName='lex_sourcekey')");
    expect(attribute.json).toMatchObject({ '@odata.type': '#Microsoft.Dynamics.CRM.StringAttributeMetadata', MaxLength: 200, AttributeType: 'String' });

    const keys = await http.get("EntityDefinitions(LogicalName='account')/Keys");
    expect(keys.json.value).toEqual([expect.objectContaining({ KeyAttributes: ['lex_sourcekey'], EntityKeyIndexStatus: 'Active' })]);

    const expanded = await http.get("EntityDefinitions?$select=LogicalName&$filter=LogicalName eq 'contact'&$expand=Attributes($select=LogicalName)");
    expect(expanded.json.value).toHaveLength(1);
    expect(expanded.json.value[0].Attributes.map((a: { LogicalName: string }) => a.LogicalName)).toContain('parentcustomerid');

    const options = await http.get("GlobalOptionSetDefinitions(Name='lex_sourcesystem')");
    expect(options.json.Options.map((o: { Label: { UserLocalizedLabel: { Label: string } } }) => o.Label.UserLocalizedLabel.Label)).toEqual(['Clio', 'Actionstep', 'Perfect Portal']);
  });

  it('answers 501 for metadata updates and deletes', async () => {
    const reply = await http.send('DELETE', "EntityDefinitions(LogicalName='lex_matter')");
    expect(reply.status).toBe(501);
  });
});

describe('metadata writes on an empty sandbox (the solution deploy path), surviving a restart', () => {
  let dir: string;
  let dataFile: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lex-sandbox-'));
    dataFile = path.join(dir, 'sandbox.db');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with native tables and platform columns only', async () => {
    const sandbox = await start({ dataFile, empty: true, limits: false });
    const http = api(sandbox);
    expect((await http.get('lex_matters')).status).toBe(404);
    const sourceKey = await http.get("EntityDefinitions(LogicalName='account')/Attributes(LogicalName='lex_sourcekey')");
    expect(sourceKey.status).toBe(400);
    expect((await http.get('systemusers?$select=internalemailaddress,isdisabled')).json.value).toHaveLength(5);
    expect((await http.get("transactioncurrencies?$filter=isocurrencycode eq 'USD'")).json.value).toHaveLength(1);
    await sandbox.close();
  });

  it('creates an option set, a table, columns, a lookup, a customer lookup and a key; then rows use them', async () => {
    const sandbox = await start({ dataFile, empty: true, limits: false });
    const http = api(sandbox);
    const optionSet = await http.post('GlobalOptionSetDefinitions', {
      '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata',
      Name: 'lex_sourcesystem',
      DisplayName: label('Source System'),
      IsGlobal: true,
      OptionSetType: 'Picklist',
      Options: [{ Value: 582100000, Label: label('Clio') }, { Value: 582100001, Label: label('Actionstep') }],
    });
    expect(optionSet.status).toBe(204);
    expect(optionSet.headers.get('odata-entityid')).toMatch(/GlobalOptionSetDefinitions\([0-9a-f-]{36}\)$/);

    const table = await http.post('EntityDefinitions', {
      '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
      SchemaName: 'lex_Matter',
      DisplayName: label('Matter'),
      DisplayCollectionName: label('Matters'),
      OwnershipType: 'UserOwned',
      HasActivities: false,
      HasNotes: true,
      Attributes: [{ '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'lex_Name', IsPrimaryName: true, MaxLength: 300, DisplayName: label('Matter'), RequiredLevel: { Value: 'ApplicationRequired' } }],
    }, { 'MSCRM.SolutionUniqueName': 'Lexbridge' });
    expect(table.status).toBe(204);
    expect(table.headers.get('odata-entityid')).toMatch(/EntityDefinitions\([0-9a-f-]{36}\)$/);

    const columns = [
      { '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'lex_SourceKey', MaxLength: 200, DisplayName: label('Source Key'), FormatName: { Value: 'Text' } },
      { '@odata.type': 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata', SchemaName: 'lex_SourceSystem', DisplayName: label('Source System'), 'GlobalOptionSet@odata.bind': "/GlobalOptionSetDefinitions(Name='lex_sourcesystem')" },
      { '@odata.type': 'Microsoft.Dynamics.CRM.MoneyAttributeMetadata', SchemaName: 'lex_EstimatedValue', DisplayName: label('Estimated Value'), Precision: 2 },
      { '@odata.type': 'Microsoft.Dynamics.CRM.DateTimeAttributeMetadata', SchemaName: 'lex_OpenDate', DisplayName: label('Open Date'), Format: 'DateOnly', DateTimeBehavior: { Value: 'DateOnly' } },
    ];
    for (const column of columns) expect((await http.post("EntityDefinitions(LogicalName='lex_matter')/Attributes", column)).status).toBe(204);
    const again = await http.post("EntityDefinitions(LogicalName='lex_matter')/Attributes", columns[0]);
    expect(again.status).toBe(400);

    const relationship = await http.post('RelationshipDefinitions', {
      '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
      SchemaName: 'lex_systemuser_lex_matter_responsibleattorneyid',
      ReferencedEntity: 'systemuser',
      ReferencingEntity: 'lex_matter',
      Lookup: { '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata', AttributeType: 'Lookup', SchemaName: 'lex_ResponsibleAttorneyId', DisplayName: label('Responsible Attorney') },
    });
    expect(relationship.status).toBe(204);

    const customer = await http.post('CreateCustomerRelationships', {
      Lookup: { '@odata.type': 'Microsoft.Dynamics.CRM.ComplexLookupAttributeMetadata', AttributeType: 'Lookup', SchemaName: 'lex_ClientId', DisplayName: label('Client') },
      OneToManyRelationships: [
        { '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata', SchemaName: 'lex_account_lex_matter_clientid', ReferencedEntity: 'account', ReferencingEntity: 'lex_matter' },
        { '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata', SchemaName: 'lex_contact_lex_matter_clientid', ReferencedEntity: 'contact', ReferencingEntity: 'lex_matter' },
      ],
    });
    expect(customer.status).toBe(200);
    expect(customer.json.RelationshipIds).toHaveLength(2);

    const key = await http.post("EntityDefinitions(LogicalName='lex_matter')/Keys", { SchemaName: 'lex_sourcekey_key', DisplayName: label('Source Key'), KeyAttributes: ['lex_sourcekey'] });
    expect(key.status).toBe(204);
    const dupKey = await http.post("EntityDefinitions(LogicalName='lex_matter')/Keys", { SchemaName: 'lex_sourcekey_key', DisplayName: label('Source Key'), KeyAttributes: ['lex_sourcekey'] });
    expect(dupKey.status).toBe(400);
    expect(dupKey.json.error.code).toBe('0x80060893');

    expect((await http.post('PublishAllXml', {})).status).toBe(204);
    expect((await http.post('PublishXml', { ParameterXml: '<importexportxml><entities><entity>lex_matter</entity></entities></importexportxml>' })).status).toBe(204);

    const account = await http.post('accounts', { name: 'Deployed client' }, { Prefer: 'return=representation' });
    const row = await http.patch(
      "lex_matters(lex_sourcekey='clio-matter-1')",
      {
        lex_name: 'M-1',
        lex_sourcesystem: 582100000,
        lex_estimatedvalue: 1250.5,
        lex_opendate: '2024-02-29',
        'lex_ClientId_account@odata.bind': `/accounts(${account.json.accountid})`,
        'lex_ResponsibleAttorneyId@odata.bind': '/systemusers(8d2e1c3a-51b0-4c6e-9f1a-0b7d4e2a6c02)',
      },
      { Prefer: 'return=representation' },
    );
    expect(row.status).toBe(201);
    expect(row.json).toMatchObject({ lex_opendate: '2024-02-29', _lex_clientid_value: account.json.accountid, statecode: 0, statuscode: 1 });
    const metadata = await http.get('$metadata');
    expect(metadata.text).toMatch(/<EntityType Name="lex_matter"[^]*OData\.Community\.Keys\.V1\.AlternateKeys[^]*<\/EntityType>/);
    await sandbox.close();
  });

  it('keeps the deployed tables, keys and rows after a restart', async () => {
    const sandbox = await start({ dataFile, empty: true, limits: false });
    const http = api(sandbox);
    const row = await http.get("lex_matters(lex_sourcekey='clio-matter-1')?$select=lex_name");
    expect(row.json.lex_name).toBe('M-1');
    const keys = await http.get("EntityDefinitions(LogicalName='lex_matter')/Keys");
    expect(keys.json.value[0].KeyAttributes).toEqual(['lex_sourcekey']);
    expect((await http.post('lex_matters', { lex_name: 'dup', lex_sourcekey: 'clio-matter-1' })).status).toBe(412);
    await sandbox.close();
  });

  it('marks a key Failed when existing rows already hold duplicates', async () => {
    const sandbox = await start({ dataFile, empty: true, limits: false });
    const http = api(sandbox);
    await http.post('contacts', { lastname: 'Twin', jobtitle: 'Same' });
    await http.post('contacts', { lastname: 'Twin', jobtitle: 'Same' });
    const key = await http.post("EntityDefinitions(LogicalName='contact')/Keys", { SchemaName: 'lex_lastname_key', DisplayName: label('Last name'), KeyAttributes: ['lastname'] });
    expect(key.status).toBe(204);
    const status = await http.get("EntityDefinitions(LogicalName='contact')/Keys(LogicalName='lex_lastname_key')");
    expect(status.json.EntityKeyIndexStatus).toBe('Failed');
    const byFailedKey = await http.get("contacts(lastname='Twin')");
    expect(byFailedKey.status).toBe(400);
    expect(byFailedKey.json.error.message).toContain('is not active');
    await sandbox.close();
  });
});
