import { buildAppComponents } from '../../solution/src/app';
import { loadPacConfig } from '../../solution/src/config';
import { renderSiteMap } from '../../solution/src/render/customizations';
import { renderFetch, renderFormXml } from '../../solution/src/render/entities';
import { renderSolutionParts } from '../../solution/src/pack';
import { schema, tableByLogicalName } from '../../solution/src/schema';
import { el, serializeXml } from '../../solution/src/xml/element';
import path from 'node:path';
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
