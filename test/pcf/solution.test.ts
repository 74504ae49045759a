/**
 * The controls and web resources as `npm run build:solution` packs them: pac's layout, root
 * components 66 and 61, each control bound on its table's main form, and customizations.xml and
 * the forms still valid against Microsoft's XSDs. Controls come from a pcf-scripts-shaped output
 * folder (built manifests next to stand-in bundles: webpack is too slow for a unit test); web
 * resources are really built with esbuild.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { buildWebResources } from '../../plugins-ts/build';
import { builtComponents, builtControls } from '../../solution/src/built-components';
import { buildSolution } from '../../solution/src/build';
import { loadPacConfig } from '../../solution/src/config';
import { renderSolutionParts } from '../../solution/src/pack';
import { ComponentType } from '../../solution/src/render/solution-xml';
import { schema } from '../../solution/src/schema';
import { buildAppComponents } from '../../solution/src/app';
import { describeWithXmllint, validateAgainst } from '../solution/xmllint';

const repo = path.resolve(__dirname, '../..');
const config = loadPacConfig(path.join(repo, 'pac.config.json'));
const CONTROLS = ['MappingReview', 'RecordDiff', 'RunMonitor'];
let root: string;

/** What pcf-scripts writes per control: the manifest with `bundle.js` as its code, the bundle, the strings. */
function writeBuiltControl(control: string): void {
  const dir = path.join(root, 'pcf-controls', 'out', 'controls', control);
  mkdirSync(path.join(dir, 'strings'), { recursive: true });
  const input = readFileSync(path.join(repo, 'pcf-controls', control, 'ControlManifest.Input.xml'), 'utf8');
  writeFileSync(path.join(dir, 'ControlManifest.xml'), input.replace('<code path="index.ts"', '<code path="bundle.js"'));
  writeFileSync(path.join(dir, 'bundle.js'), `/* ${control} */`);
  writeFileSync(path.join(dir, 'bundle.js.LICENSE.txt'), 'licences');
  writeFileSync(path.join(dir, 'strings', `${control}.1033.resx`), readFileSync(path.join(repo, 'pcf-controls', control, 'strings', `${control}.1033.resx`)));
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'lex-pcf-solution-'));
  writeFileSync(path.join(root, 'pac.config.json'), readFileSync(path.join(repo, 'pac.config.json')));
  CONTROLS.forEach(writeBuiltControl);
  await buildWebResources(path.join(root, 'plugins-ts', 'out'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const text = (content: string | Uint8Array) => (typeof content === 'string' ? content : new TextDecoder().decode(content));
const customizations = (managed: boolean) => text(renderSolutionParts({ schema, config, managed, extraComponents: builtComponents(root, config.publisher.prefix) }).find((p) => p.path === 'customizations.xml')!.content);

describe('built controls and web resources in the solution', () => {
  it('adds nothing when nothing was built', () => {
    expect(builtComponents(path.join(root, 'nowhere'), 'lex')).toEqual([]);
  });

  it('packs each control in pac layout with its root component and form binding', () => {
    const controls = builtControls(path.join(root, 'pcf-controls', 'out', 'controls'), 'lex');
    expect(controls.map((c) => c.rootComponent)).toEqual(CONTROLS.map((c) => ({ type: ComponentType.CustomControl, schemaName: `lex_Lexbridge.${c}`, behavior: 0 })));
    const recordDiff = controls.find((c) => c.rootComponent.schemaName === 'lex_Lexbridge.RecordDiff')!;
    expect(recordDiff.parts!.map((p) => p.path)).toEqual(['Controls/lex_Lexbridge.RecordDiff/ControlManifest.xml', 'Controls/lex_Lexbridge.RecordDiff/bundle.js', 'Controls/lex_Lexbridge.RecordDiff/strings/RecordDiff.1033.resx']);
    expect(controls.map((c) => c.formBindings)).toEqual([
      [{ table: 'lex_mappingprofile', field: 'lex_profilejson', property: 'profileJson', control: 'lex_Lexbridge.MappingReview' }],
      [{ table: 'lex_matter', field: 'lex_sourcesnapshot', property: 'snapshot', control: 'lex_Lexbridge.RecordDiff' }],
      [{ table: 'lex_migrationrun', field: 'lex_summary', property: 'summary', control: 'lex_Lexbridge.RunMonitor' }],
    ]);
  });

  it('binds every control on its table form (the bound field is on the form, so the binding is not dropped)', () => {
    const xml = customizations(false);
    for (const control of CONTROLS) {
      for (const formFactor of [0, 1, 2]) expect(xml).toContain(`<customControl name="lex_Lexbridge.${control}" formFactor="${formFactor}">`);
    }
    expect(xml).toContain('<Name>lex_Lexbridge.RunMonitor</Name>');
    expect(xml).toContain('<FileName>/Controls/lex_Lexbridge.RunMonitor/ControlManifest.xml</FileName>');
  });

  it('names web resource parts as exports do and declares them as JavaScript', () => {
    const xml = customizations(false);
    const file = /<FileName>\/(WebResources\/lexscriptsmatterformjs[0-9A-F-]{36})<\/FileName>/.exec(xml)?.[1];
    expect(file).toBeDefined();
    expect(xml).toContain('<Name>lex_/scripts/matterform.js</Name>');
    expect(xml).toMatch(/<Name>lex_\/scripts\/matterform\.js<\/Name>[\s\S]*?<WebResourceType>3<\/WebResourceType>/);
    const parts = renderSolutionParts({ schema, config, managed: false, extraComponents: builtComponents(root, 'lex') });
    expect(text(parts.find((p) => p.path === file)!.content)).toContain('Lexbridge.MatterForm');
  });

  it('build:solution writes both zips with the controls and web resources in them', async () => {
    const built = await buildSolution({ root, outDir: path.join(root, 'dist') });
    for (const file of [built.unmanaged, built.managed]) {
      const zip = await JSZip.loadAsync(readFileSync(file));
      const names = Object.keys(zip.files);
      expect(names).toEqual(expect.arrayContaining(CONTROLS.map((c) => `Controls/lex_Lexbridge.${c}/bundle.js`)));
      expect(names.filter((n) => n.startsWith('WebResources/'))).toHaveLength(2);
      const manifest = await zip.file('solution.xml')!.async('string');
      expect(manifest).toContain('<RootComponent type="66" schemaName="lex_Lexbridge.RecordDiff" behavior="0" />');
      expect(manifest).toContain('<RootComponent type="61" schemaName="lex_/scripts/runcommands.js" behavior="0" />');
    }
  });
});

describeWithXmllint("Microsoft's 9.0 XSDs, with the controls and web resources", () => {
  it.each([false, true])('customizations.xml validates (managed: %s)', (managed) => {
    expect(validateAgainst('CustomizationsSolution.xsd', customizations(managed)).output).toMatch(/validates$/);
  });

  it('the three bound forms validate against FormXml.xsd', () => {
    const xml = customizations(false);
    const forms = buildAppComponents(schema).forms.filter((f) => ['lex_matter', 'lex_mappingprofile', 'lex_migrationrun'].includes(f.table));
    expect(forms).toHaveLength(3);
    for (const form of forms) {
      const start = xml.indexOf(`<formid>{${form.id}}</formid>`);
      const fragment = xml.slice(xml.indexOf('<form>', start), xml.indexOf('</form>', start) + '</form>'.length);
      expect(fragment).toContain('<controlDescriptions>');
      expect(validateAgainst('FormXml.xsd', fragment, `${form.table}.form.xml`).output).toMatch(/validates$/);
    }
  });
});
