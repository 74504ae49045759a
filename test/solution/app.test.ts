import { buildAppComponents, QueryType, ROLE_NAMES } from '../../solution/src/app';
import { schema } from '../../solution/src/schema';
import { provenanceColumns } from '../../solution/src/schema/provenance';

const app = buildAppComponents(schema);
const custom = schema.tables.filter((t) => t.origin === 'custom');

describe('forms, views, roles and the app', () => {
  it('give every custom table one main form and the four standard views', () => {
    for (const table of custom) {
      expect(app.forms.filter((f) => f.table === table.logicalName && f.type === 'main')).toHaveLength(1);
      const views = app.views.filter((v) => v.table === table.logicalName);
      expect(views.map((v) => v.queryType).sort((a, b) => a - b)).toEqual([QueryType.Public, QueryType.AdvancedFind, QueryType.QuickFind, QueryType.Lookup]);
      expect(views.find((v) => v.queryType === QueryType.QuickFind)?.quickFindFields).toContain(table.primaryNameColumn);
    }
  });

  it('shows provenance on the matter form and keeps a Source comparison tab for the RecordDiff control', () => {
    const form = app.forms.find((f) => f.table === 'lex_matter')!;
    expect(form.tabs.map((t) => t.label)).toEqual(['General', 'Provenance', 'Source comparison']);
    const provenance = form.tabs[1]!.sections.flatMap((s) => s.fields);
    expect(provenance).toEqual(expect.arrayContaining(['lex_sourcekey', 'lex_sourcesystem', 'lex_sourceid', 'lex_sourceurl', 'lex_migrationrunid', 'lex_originalcreatedon']));
    expect(form.tabs[2]!.sections.flatMap((s) => s.fields)).toEqual(['lex_sourcesnapshot']);
    // Tables that are not migrated (runs, profiles) have no provenance tab.
    expect(app.forms.find((f) => f.table === 'lex_migrationrun')!.tabs.map((t) => t.name)).toEqual(['general']);
  });

  it('only places columns the table has, each once per form', () => {
    for (const form of app.forms) {
      const table = custom.find((t) => t.logicalName === form.table)!;
      const fields = form.tabs.flatMap((t) => t.sections.flatMap((s) => s.fields));
      expect(new Set(fields).size).toBe(fields.length);
      for (const field of fields) expect({ form: form.table, field, known: table.columns.some((c) => c.logicalName === field) }).toMatchObject({ known: true });
    }
    for (const view of app.views) {
      const table = custom.find((t) => t.logicalName === view.table)!;
      for (const c of [...view.columns.map((x) => x.name), ...(view.quickFindFields ?? [])]) expect(table.columns.some((col) => col.logicalName === c)).toBe(true);
    }
  });

  it('lets the admin do everything on Lexbridge tables, including rollback and profiles', () => {
    const admin = app.roles.find((r) => r.name === ROLE_NAMES.admin)!;
    const names = admin.privileges.map((p) => p.name);
    for (const table of custom) for (const action of ['Create', 'Read', 'Write', 'Delete']) expect(names).toContain(`prv${action}${table.schemaName}`);
    expect(names).toContain('prvDeleteAccount'); // rollback deletes rows the run created
    expect(names).not.toContain('prvWriteUser'); // users are resolved, never changed
  });

  it('lets the reviewer read migrated data and write matters only: no trust, run or profile writes, no deletes', () => {
    const reviewer = app.roles.find((r) => r.name === ROLE_NAMES.reviewer)!;
    const names = reviewer.privileges.map((p) => p.name);
    expect(names).toContain('prvWritelex_Matter');
    for (const table of custom) expect(names).toContain(`prvRead${table.schemaName}`);
    for (const forbidden of ['prvWritelex_TrustSnapshot', 'prvWritelex_MigrationRun', 'prvWritelex_MappingProfile', 'prvCreatelex_MigrationRun']) expect(names).not.toContain(forbidden);
    expect(names.filter((n) => n.startsWith('prvDelete'))).toEqual([]);
    expect(names.filter((n) => n.startsWith('prvWrite'))).toEqual(['prvWritelex_Matter']);
  });

  it('builds the Lexbridge app with the Migration and Matters areas and both roles', () => {
    expect(app.app.displayName).toBe('Lexbridge');
    expect(app.app.areas.map((a) => [a.title, a.groups.flatMap((g) => g.subAreas.map((s) => s.table))])).toEqual([
      ['Migration', ['lex_migrationrun', 'lex_mappingprofile']],
      ['Matters', ['lex_matter', 'lex_timeentry', 'lex_trustsnapshot', 'lex_milestone']],
    ]);
    expect(app.app.roles).toEqual(app.roles.map((r) => r.id));
  });

  it('uses deterministic, unique ids', () => {
    const again = buildAppComponents(schema);
    expect(again).toEqual(app);
    const ids = [...app.forms.map((f) => f.id), ...app.forms.flatMap((f) => f.tabs.flatMap((t) => [t.id, ...t.sections.map((s) => s.id)])), ...app.views.map((v) => v.id), ...app.roles.map((r) => r.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('covers every provenance column somewhere on each migrated table form', () => {
    const all = provenanceColumns().map((c) => c.logicalName);
    for (const form of app.forms) {
      const table = custom.find((t) => t.logicalName === form.table)!;
      if (!table.provenance) continue;
      const fields = form.tabs.flatMap((t) => t.sections.flatMap((s) => s.fields));
      expect(fields).toEqual(expect.arrayContaining(all));
    }
  });
});
