import { readFileSync } from 'node:fs';
import { Choices, Tables } from '../../solution/generated/names';
import { NAMES_FILE } from '../../solution/src/generate-names';
import { renderNamesModule } from '../../solution/src/names';
import { schema } from '../../solution/src/schema';

describe('generated names', () => {
  it('are up to date with the schema (run npm run gen:names if this fails)', () => {
    expect(readFileSync(NAMES_FILE, 'utf8')).toBe(renderNamesModule(schema));
  });

  it('give tables, columns, navigation properties and choice values', () => {
    expect(Tables.lex_matter.entitySetName).toBe('lex_matters');
    expect(Tables.lex_matter.columns.lex_sourcekey).toBe('lex_sourcekey');
    expect(Tables.lex_matter.navigation.lex_clientid.contact).toBe('lex_ClientId_contact');
    expect(Tables.contact.primaryNameColumn).toBe('fullname');
    const open = schema.choices.find((c) => c.name === 'lex_matterstatus')!.options.find((o) => o.name === 'Open')!.value;
    expect(Choices.lex_matterstatus.Open).toBe(open);
  });

  it('change when the schema changes', () => {
    const renamed = { ...schema, tables: schema.tables.map((t) => (t.logicalName === 'lex_matter' ? { ...t, entitySetName: 'lex_mattersx' } : t)) };
    expect(renderNamesModule(renamed)).not.toBe(renderNamesModule(schema));
  });
});
