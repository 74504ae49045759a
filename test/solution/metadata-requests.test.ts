import path from 'node:path';
import { loadPacConfig } from '../../solution/src/config';
import { renderMetadataRequests, type MetadataRequest } from '../../solution/src/metadata/requests';
import { schema } from '../../solution/src/schema';

const config = loadPacConfig(path.resolve(__dirname, '../../pac.config.json'));
const requests = renderMetadataRequests(schema, config);
const body = (r: MetadataRequest) => r.body as Record<string, unknown>;
const find = (kind: string, table: string | undefined, name: string) => requests.find((r) => r.describes.kind === kind && r.describes.table === table && r.describes.name === name)!;

describe('metadata Web API requests', () => {
  it('go in dependency order: choices, tables, columns, relationships, keys, publish', () => {
    const kinds = requests.map((r) => r.describes.kind);
    const order = ['choice', 'table', 'column', 'relationship', 'key', 'publish'];
    const ranks = kinds.map((k) => order.indexOf(k));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(kinds.at(-1)).toBe('publish');
    expect(new Set(kinds)).toEqual(new Set(order));
  });

  it('all carry the solution header and a relative path', () => {
    for (const r of requests) {
      expect(r.headers['MSCRM.SolutionUniqueName']).toBe('Lexbridge');
      expect(r.path).not.toMatch(/^\//);
      expect(r.method).toBe('POST');
    }
  });

  it('create every custom table with its primary name column and nothing for native tables', () => {
    const tables = requests.filter((r) => r.describes.kind === 'table');
    expect(tables.map((r) => r.describes.name)).toEqual(schema.tables.filter((t) => t.origin === 'custom').map((t) => t.logicalName));
    const matter = body(find('table', 'lex_matter', 'lex_matter'));
    expect(matter).toMatchObject({
      '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
      SchemaName: 'lex_Matter',
      OwnershipType: 'UserOwned',
      HasNotes: true,
      PrimaryNameAttribute: 'lex_name',
      DisplayName: { '@odata.type': 'Microsoft.Dynamics.CRM.Label', LocalizedLabels: [{ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: 'Matter', LanguageCode: 1033 }] },
    });
    expect(matter.Attributes).toEqual([expect.objectContaining({ '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'lex_Name', IsPrimaryName: true, MaxLength: 300 })]);
  });

  it('use the right @odata.type per column kind', () => {
    const type = (table: string, column: string) => body(find('column', table, column))['@odata.type'];
    expect(type('lex_matter', 'lex_matternumber')).toBe('Microsoft.Dynamics.CRM.StringAttributeMetadata');
    expect(type('lex_matter', 'lex_description')).toBe('Microsoft.Dynamics.CRM.MemoAttributeMetadata');
    expect(type('lex_milestone', 'lex_sequence')).toBe('Microsoft.Dynamics.CRM.IntegerAttributeMetadata');
    expect(type('lex_timeentry', 'lex_hours')).toBe('Microsoft.Dynamics.CRM.DecimalAttributeMetadata');
    expect(type('lex_timeentry', 'lex_amount')).toBe('Microsoft.Dynamics.CRM.MoneyAttributeMetadata');
    expect(body(find('column', 'lex_matter', 'lex_opendate'))).toMatchObject({ '@odata.type': 'Microsoft.Dynamics.CRM.DateTimeAttributeMetadata', Format: 'DateOnly', DateTimeBehavior: { Value: 'DateOnly' } });
    expect(body(find('column', 'lex_timeentry', 'lex_billable'))).toMatchObject({
      '@odata.type': 'Microsoft.Dynamics.CRM.BooleanAttributeMetadata',
      DefaultValue: true,
      OptionSet: { TrueOption: { Value: 1 }, FalseOption: { Value: 0 } },
    });
    expect(body(find('column', 'lex_matter', 'lex_status'))).toMatchObject({
      '@odata.type': 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata',
      'GlobalOptionSet@odata.bind': "/GlobalOptionSetDefinitions(Name='lex_matterstatus')",
    });
    expect(find('column', 'lex_matter', 'lex_status').path).toBe("EntityDefinitions(LogicalName='lex_matter')/Attributes");
  });

  it('add provenance columns to native tables, never platform columns', () => {
    expect(find('column', 'account', 'lex_sourcekey')).toBeDefined();
    const accountColumns = requests.filter((r) => r.describes.kind === 'column' && r.describes.table === 'account').map((r) => r.describes.name);
    expect(accountColumns.every((c) => c.startsWith('lex_'))).toBe(true);
    expect(accountColumns).not.toContain('name');
  });

  it('create single lookups as one-to-many relationships and customer lookups with CreateCustomerRelationships', () => {
    const attorney = requests.find((r) => r.describes.kind === 'relationship' && body(r).SchemaName === 'lex_systemuser_lex_matter_responsibleattorneyid')!;
    expect(attorney.path).toBe('RelationshipDefinitions');
    expect(body(attorney)).toMatchObject({
      '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
      ReferencedEntity: 'systemuser',
      ReferencedAttribute: 'systemuserid',
      ReferencingEntity: 'lex_matter',
      Lookup: { '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata', SchemaName: 'lex_ResponsibleAttorneyId' },
    });
    const client = find('relationship', 'lex_matter', 'lex_clientid');
    expect(client.path).toBe('CreateCustomerRelationships');
    expect(body(client)).toMatchObject({ Lookup: { '@odata.type': 'Microsoft.Dynamics.CRM.ComplexLookupAttributeMetadata', SchemaName: 'lex_ClientId' }, SolutionUniqueName: 'Lexbridge' });
    expect((body(client).OneToManyRelationships as { ReferencedEntity: string }[]).map((r) => r.ReferencedEntity)).toEqual(['account', 'contact']);
  });

  it('create the source-key alternate key on every table that carries one', () => {
    const keys = requests.filter((r) => r.describes.kind === 'key');
    const expected = schema.tables.filter((t) => t.keys.length > 0).map((t) => t.logicalName);
    expect(keys.map((k) => k.describes.table)).toEqual(expected);
    expect(body(find('key', 'lex_matter', 'lex_sourcekey_key'))).toMatchObject({ '@odata.type': 'Microsoft.Dynamics.CRM.EntityKeyMetadata', KeyAttributes: ['lex_sourcekey'] });
    expect(keys.map((k) => k.describes.table)).not.toContain('task');
  });

  it('publish the tables and choices they touched', () => {
    const publish = requests.at(-1)!;
    expect(publish.path).toBe('PublishXml');
    expect((publish.body as { ParameterXml: string }).ParameterXml).toMatch(/^<importexportxml><entities><entity>lex_matter<\/entity>.*<optionsets><optionset>lex_sourcesystem<\/optionset>/);
  });
});
