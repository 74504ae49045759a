import { schema } from '../../solution/src/schema';
import { column, key, lookup, text, choice, memo } from '../../solution/src/schema/columns';
import type { SolutionSchema, TableDef } from '../../solution/src/schema/types';
import { assertValidSchema, validateSchema } from '../../solution/src/validate';

const publisher = { prefix: 'lex' };
const matter = schema.tables.find((t) => t.logicalName === 'lex_matter')!;

/** The real schema with the matter table replaced. */
function withMatter(change: (t: TableDef) => TableDef, extra: Partial<SolutionSchema> = {}): SolutionSchema {
  return { ...schema, ...extra, tables: schema.tables.map((t) => (t === matter ? change(t) : t)) };
}

const messages = (s: SolutionSchema) => validateSchema(s, publisher).map((i) => `[${i.rule}] ${i.message}`);

describe('validateSchema', () => {
  it('accepts the Lexbridge schema', () => {
    expect(validateSchema(schema, publisher)).toEqual([]);
  });

  it('reports a duplicate column with table and column', () => {
    const s = withMatter((t) => ({ ...t, columns: [...t.columns, column('lex_matternumber', 'Matter Number', text(100))] }));
    expect(messages(s)).toEqual(['[duplicate-column] lex_matter.lex_matternumber: column is defined more than once']);
  });

  it('reports a duplicate table and a duplicate key', () => {
    const s: SolutionSchema = { ...schema, tables: [...schema.tables, matter] };
    expect(messages(s)).toContain('[duplicate-table] table lex_matter is defined more than once');
    const k = withMatter((t) => ({ ...t, keys: [...t.keys, ...t.keys] }));
    expect(messages(k)).toContain('[duplicate-key] lex_matter: alternate key lex_sourcekey_key is defined more than once');
  });

  it('reports a key on a non-keyable column type', () => {
    const s = withMatter((t) => ({ ...t, keys: [key('lex_description_key', 'Description', ['lex_description'])] }));
    expect(messages(s)).toEqual([
      '[key-column-type] lex_matter.lex_description: alternate key lex_description_key cannot use a memo column (allowed: string, integer, decimal, datetime, lookup, choice)',
    ]);
  });

  it('reports key limits: more than 16 columns, more than 900 bytes, more than 10 keys', () => {
    const wide = Array.from({ length: 17 }, (_, i) => column(`lex_k${i}`, `K${i}`, text(10)));
    const tooMany = withMatter((t) => ({ ...t, columns: [...t.columns, ...wide], keys: [key('lex_wide_key', 'Wide', wide.map((c) => c.logicalName))] }));
    expect(messages(tooMany)).toContain('[key-limits] lex_matter: alternate key lex_wide_key has 17 columns; at most 16');
    const big = withMatter((t) => ({ ...t, columns: [...t.columns, column('lex_big', 'Big', text(500))], keys: [key('lex_big_key', 'Big', ['lex_big'])] }));
    expect(messages(big)).toContain('[key-limits] lex_matter: alternate key lex_big_key is 1000 bytes; at most 900');
    const keys = Array.from({ length: 11 }, (_, i) => key(`lex_k${i}_key`, `K${i}`, ['lex_sourcekey']));
    expect(messages(withMatter((t) => ({ ...t, keys })))).toContain('[key-limits] lex_matter: 11 alternate keys; at most 10 per table');
  });

  it('reports solution-owned names without the publisher prefix', () => {
    const s = withMatter((t) => ({ ...t, columns: [...t.columns, column('new_flag', 'Flag', text(10))] }));
    expect(messages(s)).toEqual(['[prefix] lex_matter.new_flag: columns the solution adds must start with the publisher prefix "lex_"']);
    const table = withMatter((t) => ({ ...t, logicalName: 'matter', schemaName: 'Matter' }));
    expect(messages(table).some((m) => m.startsWith('[prefix] matter: custom table names must start'))).toBe(true);
  });

  it('reports more than 15 custom tables (Sales Professional)', () => {
    const extra = Array.from({ length: 10 }, (_, i): TableDef => ({ ...matter, logicalName: `lex_extra${i}`, schemaName: `lex_Extra${i}`, keys: [] }));
    const s: SolutionSchema = { ...schema, tables: [...schema.tables, ...extra] };
    expect(messages(s).filter((m) => m.startsWith('[custom-table-limit]'))).toEqual([
      expect.stringMatching(/^\[custom-table-limit\] 16 custom tables: Dynamics 365 Sales Professional allows at most 15/),
    ]);
  });

  it('reports a schema name that does not match the logical name', () => {
    const s = withMatter((t) => ({ ...t, columns: [...t.columns, column('lex_alpha', 'Alpha', text(10), { schemaName: 'lex_Beta' })] }));
    expect(messages(s)).toEqual(['[schema-name] lex_matter.lex_alpha: schema name lex_Beta does not match the logical name (case-insensitively)']);
  });

  it('reports unknown choices and unknown lookup targets', () => {
    const s = withMatter((t) => ({
      ...t,
      columns: [...t.columns, column('lex_colour', 'Colour', choice('lex_colour')), column('lex_courtid', 'Court', lookup(['lex_court']))],
    }));
    expect(messages(s)).toEqual([
      '[unknown-choice] lex_matter.lex_colour: refers to choice lex_colour, which the schema does not define',
      '[unknown-lookup-target] lex_matter.lex_courtid: looks up table lex_court, which the schema does not define',
    ]);
  });

  it('reports keys on a table that cannot carry them', () => {
    const s = withMatter((t) => ({ ...t, alternateKeys: { supported: false, reason: 'test' } }));
    expect(messages(s)).toEqual(['[keys-not-supported] lex_matter: defines alternate keys but the table cannot carry them (test)']);
  });

  it('fails the build with one LexError naming every rule', () => {
    const s = withMatter((t) => ({ ...t, columns: [...t.columns, column('lex_notes2', 'Notes', memo(100)), column('lex_notes2', 'Notes', memo(100))] }));
    expect(() => assertValidSchema(s, publisher)).toThrow(/LEX_SOLUTION_SCHEMA_INVALID|duplicate-column/);
    try {
      assertValidSchema(s, publisher);
    } catch (e) {
      expect(String(e)).toMatch(/^LEX_SOLUTION_SCHEMA_INVALID: .*\[duplicate-column\] lex_matter\.lex_notes2/s);
    }
  });
});
