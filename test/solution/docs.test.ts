import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schema } from '../../solution/src/schema';

const doc = readFileSync(path.resolve(__dirname, '../../docs/solution.md'), 'utf8');

describe('docs/solution.md', () => {
  it('lists exactly the tables that carry the source-key alternate key, and says how the others are found', () => {
    const section = doc.slice(doc.indexOf('## Alternate keys'), doc.indexOf('\n## ', doc.indexOf('## Alternate keys') + 1));
    const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (yes|no) \| (.+) \|$/gm)].map((m) => ({ table: m[1]!, key: m[2] === 'yes', how: m[3]! }));
    const documented = new Map(rows.map((r) => [r.table, r]));
    for (const table of schema.tables.filter((t) => t.keys.length > 0)) expect({ table: table.logicalName, key: documented.get(table.logicalName)?.key }).toEqual({ table: table.logicalName, key: true });
    for (const row of rows) {
      const table = schema.tables.find((t) => t.logicalName === row.table);
      expect({ table: row.table, key: row.key }).toEqual({ table: row.table, key: (table?.keys.length ?? 0) > 0 });
    }
    // Every table that receives migrated rows with provenance is in the list.
    for (const table of schema.tables.filter((t) => t.provenance)) expect(documented.has(table.logicalName)).toBe(true);
  });

  it('describes every custom table and both roles', () => {
    for (const table of schema.tables.filter((t) => t.origin === 'custom')) expect(doc).toContain(`(\`${table.logicalName}\`)`);
    expect(doc).toContain('Lexbridge Migration Admin');
    expect(doc).toContain('Lexbridge Matter Reviewer');
    expect(doc).toMatch(/pac solution import --path dist\/solution\/Lexbridge_\d+_\d+_\d+_\d+_managed\.zip/);
  });
});
