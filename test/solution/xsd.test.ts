import { buildAppComponents } from '../../solution/src/app';
import { loadPacConfig } from '../../solution/src/config';
import { renderSiteMap } from '../../solution/src/render/customizations';
import { renderFetch, renderFormXml } from '../../solution/src/render/entities';
import { renderSolutionParts } from '../../solution/src/pack';
import { schema, tableByLogicalName } from '../../solution/src/schema';
import { el, serializeXml } from '../../solution/src/xml/element';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { buildWebResources } from '../../plugins-ts/build';
import { builtWebResources } from '../../solution/src/built-components';
import { recordDiffControl } from './extra-components';
import { describeWithXmllint, validateAgainst } from './xmllint';

const config = loadPacConfig(path.resolve(__dirname, '../../pac.config.json'));
const app = buildAppComponents(schema);
const text = (content: string | Uint8Array) => (typeof content === 'string' ? content : new TextDecoder().decode(content));

describeWithXmllint("Microsoft's 9.0 XSDs", () => {
  it.each([false, true])('customizations.xml validates against CustomizationsSolution.xsd (managed: %s)', (managed) => {
    const part = renderSolutionParts({ schema, config, managed }).find((p) => p.path === 'customizations.xml')!;
    const result = validateAgainst('CustomizationsSolution.xsd', text(part.content));
    expect(result.output).toMatch(/validates$/);
    expect(result.ok).toBe(true);
  });

  it('still validates with a PCF control packed and bound to the matter form', () => {
    const part = renderSolutionParts({ schema, config, managed: false, extraComponents: [recordDiffControl] }).find((p) => p.path === 'customizations.xml')!;
    const xml = text(part.content);
    expect(xml).toContain('<controlDescriptions>');
    expect(validateAgainst('CustomizationsSolution.xsd', xml).output).toMatch(/validates$/);
    const matterForm = xml.slice(xml.indexOf('<form>'), xml.indexOf('</form>') + '</form>'.length);
    expect(validateAgainst('FormXml.xsd', matterForm, 'matter.form.xml').output).toMatch(/validates$/);
  });

  it('every form validates against FormXml.xsd', () => {
    // The <form> fragments exactly as the entity renderer embeds them in customizations.xml.
    const part = renderSolutionParts({ schema, config, managed: false }).find((p) => p.path === 'customizations.xml')!;
    const xml = text(part.content);
    for (const form of app.forms) {
      const start = xml.indexOf(`<formid>{${form.id}}</formid>`);
      const fragment = xml.slice(xml.indexOf('<form>', start), xml.indexOf('</form>', start) + '</form>'.length);
      expect(fragment.length).toBeGreaterThan(20);
      const result = validateAgainst('FormXml.xsd', fragment, `${form.table}.form.xml`);
      expect(result.output).toMatch(/validates$/);
    }
  });

  it('every view fetch validates against Fetch.xsd', () => {
    for (const view of app.views) {
      const fetch = serializeXml(renderFetch(view, tableByLogicalName(view.table)!));
      const result = validateAgainst('Fetch.xsd', fetch, `${view.table}.fetch.xml`);
      expect(result.output).toMatch(/validates$/);
    }
  });

  it('the app site map validates against SiteMap.xsd', () => {
    const result = validateAgainst('SiteMap.xsd', serializeXml(renderSiteMap(app.app)), 'sitemap.xml');
    expect(result.output).toMatch(/validates$/);
  });

  it('the validator can fail: an unknown element is rejected', () => {
    const bad = serializeXml(renderFormXml([el('tab', { bogus: 'x' })]));
    expect(validateAgainst('FormXml.xsd', bad, 'bad.form.xml').ok).toBe(false);
  });
});

describeWithXmllint('form events and command bar from the built web resources', () => {
  let dir: string;
  let xml: string;
  let managedXml: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lex-ribbon-'));
    await buildWebResources(dir);
    const parts = (managed: boolean) => renderSolutionParts({ schema, config, managed, extraComponents: builtWebResources(dir, config.publisher.prefix) });
    xml = text(parts(false).find((p) => p.path === 'customizations.xml')!.content);
    managedXml = text(parts(true).find((p) => p.path === 'customizations.xml')!.content);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fragment = (source: string, open: string, close: string, from = 0) => source.slice(source.indexOf(open, from), source.indexOf(close, from) + close.length);

  it.each([false, true])('the whole customizations.xml validates against CustomizationsSolution.xsd (managed: %s)', (managed) => {
    const result = validateAgainst('CustomizationsSolution.xsd', managed ? managedXml : xml);
    expect(result.output).toMatch(/validates$/);
  });

  it('the matter form registers Lexbridge.MatterForm.onLoad on OnLoad, with the execution context, and validates against FormXml.xsd', () => {
    const start = xml.indexOf(`<formid>{${app.forms.find((f) => f.table === 'lex_matter')!.id}}</formid>`);
    const form = fragment(xml, '<form>', '</form>', start);
    expect(form).toContain('<Library name="lex_/scripts/matterform.js"');
    expect(form).toMatch(/<event name="onload"[^>]*>\s*<Handlers>\s*<Handler functionName="Lexbridge\.MatterForm\.onLoad" libraryName="lex_\/scripts\/matterform\.js"[^>]*passExecutionContext="true"/);
    expect(validateAgainst('FormXml.xsd', form, 'matter.form.xml').output).toMatch(/validates$/);
  });

  it('lex_migrationrun has a RibbonDiffXml with the two buttons on the form command bar; the fragment validates against RibbonCore.xsd', () => {
    const entityStart = xml.indexOf('<Name LocalizedName="Migration Run"');
    expect(entityStart).toBeGreaterThan(0);
    const ribbon = fragment(xml, '<RibbonDiffXml>', '</RibbonDiffXml>', entityStart);
    expect(ribbon).toContain('Location="Mscrm.Form.lex_migrationrun.MainTab.Save.Controls._children"');
    expect(ribbon).toMatch(/<JavaScriptFunction FunctionName="Lexbridge\.RunCommands\.approveSample" Library="\$webresource:lex_\/scripts\/runcommands\.js">\s*<CrmParameter Value="PrimaryControl" \/>/);
    expect(ribbon).toMatch(/<CustomRule FunctionName="Lexbridge\.RunCommands\.canRequestRollback"[^>]*>\s*<CrmParameter Value="PrimaryControl" \/>/);
    expect(validateAgainst('RibbonCore.xsd', ribbon, 'ribbon.xml').output).toMatch(/validates$/);
    // Only the run table has commands.
    expect(xml.split('<RibbonDiffXml>').length - 1).toBe(1);
  });

  it('the ribbon validator can fail: a CrmParameter value the schema does not know is rejected', () => {
    const ribbon = fragment(xml, '<RibbonDiffXml>', '</RibbonDiffXml>').replace('Value="PrimaryControl"', 'Value="FormContext"');
    expect(validateAgainst('RibbonCore.xsd', ribbon, 'bad-ribbon.xml').ok).toBe(false);
  });

  it('every handler name in the XML is a function the built web resource it names exports', () => {
    const page: Record<string, unknown> = {};
    const resolve = (name: string) => name.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], page);
    const referenced = [
      ...[...xml.matchAll(/<Handler functionName="([^"]+)" libraryName="([^"]+)"/g)].map((m) => ({ fn: m[1]!, library: m[2]! })),
      ...[...xml.matchAll(/<(?:JavaScriptFunction|CustomRule) FunctionName="([^"]+)" Library="\$webresource:([^"]+)"/g)].map((m) => ({ fn: m[1]!, library: m[2]! })),
    ];
    expect(referenced.map((r) => r.fn).sort()).toEqual(
      ['Lexbridge.MatterForm.onLoad', 'Lexbridge.RunCommands.approveSample', 'Lexbridge.RunCommands.canApprove', 'Lexbridge.RunCommands.canRequestRollback', 'Lexbridge.RunCommands.requestRollback'].sort(),
    );
    for (const { fn, library } of referenced) {
      const file = library.replace(/^lex_\/scripts\//, '');
      for (const key of Object.keys(page)) delete page[key];
      runInNewContext(readFileSync(path.join(dir, file), 'utf8'), page);
      expect([fn, typeof resolve(fn)]).toEqual([fn, 'function']);
    }
  });
});
