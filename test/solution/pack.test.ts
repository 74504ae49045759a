import path from 'node:path';
import { loadPacConfig } from '../../solution/src/config';
import { packSolution, renderSolutionParts, type ExtraComponent } from '../../solution/src/pack';
import { ComponentType } from '../../solution/src/render/solution-xml';
import { schema } from '../../solution/src/schema';
import { column, text } from '../../solution/src/schema/columns';
import { RECORD_DIFF, recordDiffControl } from './extra-components';
import { zipEntries } from './zip-entries';

const config = loadPacConfig(path.resolve(__dirname, '../../pac.config.json'));
const asText = (c: string | Uint8Array) => (typeof c === 'string' ? c : new TextDecoder().decode(c));

const pcf = recordDiffControl;
const control = RECORD_DIFF;

describe('packSolution parts', () => {
  it('adds extra components where pac puts them: files between solution.xml and [Content_Types].xml', () => {
    const parts = renderSolutionParts({ schema, config, managed: false, extraComponents: [pcf] });
    expect(parts.map((p) => p.path)).toEqual(['customizations.xml', 'solution.xml', `Controls/${control}/ControlManifest.xml`, `Controls/${control}/bundle.js`, '[Content_Types].xml']);
    const types = asText(parts.at(-1)!.content);
    // Like pac's CodeInterpreterControlSolution: xml Default is text/xml, the manifest gets an octet-stream Override.
    expect(types).toContain('<Default Extension="xml" ContentType="text/xml" />');
    expect(types).toContain('<Default Extension="js" ContentType="application/octet-stream" />');
    expect(types).toContain(`<Override PartName="/Controls/${control}/ControlManifest.xml" ContentType="application/octet-stream" />`);
    expect(asText(parts[1]!.content)).toContain(`<RootComponent type="66" schemaName="${control}" behavior="0" />`);
    expect(asText(parts[0]!.content)).toContain(`<Name>${control}</Name>`);
  });

  it('zips component folders without directory entries, deflated, in part order', async () => {
    const packed = await packSolution({ schema, config, managed: true, extraComponents: [pcf] });
    const entries = zipEntries(packed.zip);
    expect(entries.map((e) => e.name)).toEqual(packed.parts.map((p) => p.path));
    expect(entries.filter((e) => e.isDirectory || e.method !== 8)).toEqual([]);
  });

  it('binds the control to its field on the form: uniqueid on the control, controlDescription per form factor', () => {
    const customizations = asText(renderSolutionParts({ schema, config, managed: false, extraComponents: [pcf] })[0]!.content);
    const uniqueid = customizations.match(/<control id="lex_sourcesnapshot" classid="[^"]+" datafieldname="lex_sourcesnapshot" uniqueid="(\{[0-9a-f-]+\})" \/>/)?.[1];
    expect(uniqueid).toBeDefined();
    const description = customizations.slice(customizations.indexOf(`<controlDescription forControl="${uniqueid}">`), customizations.indexOf('</controlDescription>') + 21);
    expect(description).toContain('<datafieldname>lex_sourcesnapshot</datafieldname>');
    for (const formFactor of [0, 1, 2]) expect(description).toContain(`<customControl name="${control}" formFactor="${formFactor}">`);
    expect(description).toContain('<snapshot type="Multiple">lex_sourcesnapshot</snapshot>');
    expect(description).toContain('<mode static="true">inline</mode>');
    // Without the control, no binding is written.
    expect(asText(renderSolutionParts({ schema, config, managed: false })[0]!.content)).not.toContain('controlDescriptions');
  });

  it('gives extension-less web resource parts an Override, as server exports do', () => {
    const wr: ExtraComponent = {
      rootComponent: { type: ComponentType.WebResource, schemaName: 'lex_/scripts/matter.js', behavior: 0 },
      parts: [{ path: 'WebResources/lex_scriptsmatterjs0A1B', content: 'x' }],
    };
    const types = asText(renderSolutionParts({ schema, config, managed: false, extraComponents: [wr] }).at(-1)!.content);
    expect(types).toContain('<Override PartName="/WebResources/lex_scriptsmatterjs0A1B" ContentType="application/octet-stream" />');
  });

  it('stops before rendering when the schema breaks a rule', () => {
    const broken = { ...schema, tables: schema.tables.map((t) => (t.logicalName === 'lex_matter' ? { ...t, columns: [...t.columns, column('matternote', 'Note', text(10))] } : t)) };
    expect(() => renderSolutionParts({ schema: broken, config, managed: false })).toThrow(/LEX_SOLUTION_SCHEMA_INVALID|prefix/);
  });

  it('differs between managed and unmanaged only in <Managed>, key customizability and default form labels', () => {
    const [u, m] = [false, true].map((managed) => renderSolutionParts({ schema, config, managed }));
    const strip = (s: string) =>
      s
        .replace(/<Managed>\d<\/Managed>/, '')
        .replace(/(<EntityKey>[\s\S]*?<IsCustomizable>)\d(<\/IsCustomizable>)/g, '$1$2')
        .replace(/<label description="[^"]*" languagecode="1033" \/>(\s*<\/labels>\s*<control )/g, '<label />$1');
    expect(strip(asText(u![0]!.content))).toBe(strip(asText(m![0]!.content)));
    expect(strip(asText(u![1]!.content))).toBe(strip(asText(m![1]!.content)));
    expect(asText(u![0]!.content)).not.toBe(asText(m![0]!.content));
  });

  it('points the app at components that exist: forms, views, roles, site map', () => {
    const xml = asText(renderSolutionParts({ schema, config, managed: false })[0]!.content);
    const ids = (pattern: RegExp) => [...xml.matchAll(pattern)].map((m) => m[1]!);
    const forms = ids(/<formid>(\{[^}]+\})<\/formid>/g);
    const views = ids(/<savedqueryid>(\{[^}]+\})<\/savedqueryid>/g);
    const roles = ids(/<Role id="(\{[^}]+\})" name=/g);
    expect(ids(/<AppModuleComponent type="60" id="(\{[^}]+\})"/g).sort()).toEqual([...forms].sort());
    expect(ids(/<AppModuleComponent type="26" id="(\{[^}]+\})"/g).sort()).toEqual([...views].sort());
    const roleMaps = xml.slice(xml.indexOf('<AppModuleRoleMaps>'), xml.indexOf('</AppModuleRoleMaps>'));
    expect([...roleMaps.matchAll(/<Role id="(\{[^}]+\})" \/>/g)].map((m) => m[1]).sort()).toEqual([...roles].sort());
    expect(xml).toContain('<AppModuleComponent type="62" schemaName="lex_Lexbridge" />');
    expect(xml).toContain('<SiteMapUniqueName>lex_Lexbridge</SiteMapUniqueName>');
  });

  it('escapes every value it writes', () => {
    const odd = { ...config, solution: { ...config.solution, description: 'Fees & "trust" <money>' } };
    const manifest = asText(renderSolutionParts({ schema, config: odd, managed: false })[1]!.content);
    expect(manifest).toContain('description="Fees &amp; &quot;trust&quot; &lt;money&gt;"');
  });
});
