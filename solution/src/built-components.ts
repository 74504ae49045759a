/**
 * The built PCF controls and web resources as extra solution components, when `npm run build`
 * has produced them: `pcf-controls/out/controls/<Control>/` (pcf-scripts output: the built
 * ControlManifest.xml, bundle.js, strings/) and `plugins-ts/out/*.js`. Each control is bound on
 * its table's main form. Layout and naming follow pac (reference notes/solution-format.md).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Tables } from '../generated/names';
import { WEB_RESOURCES, webResourceName } from '../../plugins-ts/web-resources';
import type { FormControlBinding } from './app/types';
import { braced, componentId } from './ids';
import type { ExtraComponent, SolutionPart } from './pack';
import { ComponentType } from './render/solution-xml';
import { el, textEl } from './xml/element';

/** Which form field each control replaces (the manifest's bound property). */
export const CONTROL_BINDINGS: Readonly<Record<string, Omit<FormControlBinding, 'control'>>> = {
  RecordDiff: { table: Tables.lex_matter.logicalName, field: Tables.lex_matter.columns.lex_sourcesnapshot, property: 'snapshot' },
  MappingReview: { table: Tables.lex_mappingprofile.logicalName, field: Tables.lex_mappingprofile.columns.lex_profilejson, property: 'profileJson' },
  RunMonitor: { table: Tables.lex_migrationrun.logicalName, field: Tables.lex_migrationrun.columns.lex_summary, property: 'summary' },
};

/** `<prefix>_<namespace>.<constructor>`, read from the built manifest. */
function controlName(manifest: string, prefix: string): string {
  const namespace = /<control[^>]*\snamespace="([^"]+)"/.exec(manifest)?.[1];
  const constructor = /<control[^>]*\sconstructor="([^"]+)"/.exec(manifest)?.[1];
  if (!namespace || !constructor) throw new Error('built ControlManifest.xml has no control namespace/constructor');
  return `${prefix}_${namespace}.${constructor}`;
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

export function builtControls(controlsDir: string, prefix: string): ExtraComponent[] {
  if (!existsSync(controlsDir)) return [];
  return readdirSync(controlsDir)
    .filter((dir) => existsSync(path.join(controlsDir, dir, 'ControlManifest.xml')))
    .sort()
    .map((dir) => {
      const root = path.join(controlsDir, dir);
      const name = controlName(readFileSync(path.join(root, 'ControlManifest.xml'), 'utf8'), prefix);
      // pac packs the manifest, bundle and strings; the licence notes stay out, as in Microsoft's sample zip they are optional.
      const parts: SolutionPart[] = filesUnder(root)
        .filter((f) => !f.endsWith('.LICENSE.txt'))
        .sort()
        .map((f) => ({ path: `Controls/${name}/${f}`, content: new Uint8Array(readFileSync(path.join(root, f))) }));
      const binding = CONTROL_BINDINGS[dir];
      return {
        rootComponent: { type: ComponentType.CustomControl, schemaName: name, behavior: 0 },
        customizations: { section: 'CustomControls', element: el('CustomControl', {}, textEl('Name', name), textEl('FileName', `/Controls/${name}/ControlManifest.xml`)) },
        parts,
        ...(binding ? { formBindings: [{ ...binding, control: name }] } : {}),
      };
    });
}

export function builtWebResources(outDir: string, prefix: string): ExtraComponent[] {
  return WEB_RESOURCES.filter((def) => existsSync(path.join(outDir, def.file))).map((def) => {
    const name = webResourceName(prefix, def);
    const id = componentId('webresource', name);
    // Exports name the part after the web resource: non-alphanumerics dropped, then the id in upper case.
    const file = `WebResources/${name.replace(/[^A-Za-z0-9]/g, '')}${id.toUpperCase()}`;
    const fn = (relative: string) => `${def.globalName}.${relative}`;
    return {
      formEvents: (def.formEvents ?? []).map((e) => ({ table: e.table, event: e.event, library: name, functionName: fn(e.function), passExecutionContext: true })),
      ribbonCommands: (def.commands ?? []).map((c) => ({
        table: c.table,
        name: c.name,
        label: c.label,
        tooltip: c.tooltip,
        sequence: c.sequence,
        ...(c.modernImage ? { modernImage: c.modernImage } : {}),
        action: { library: name, functionName: fn(c.function) },
        enableRules: c.enableRules.map((r) => ({ library: name, functionName: fn(r) })),
      })),
      rootComponent: { type: ComponentType.WebResource, schemaName: name, behavior: 0 },
      customizations: {
        section: 'WebResources',
        element: el(
          'WebResource',
          {},
          textEl('WebResourceId', braced(id)),
          textEl('Name', name),
          textEl('DisplayName', def.displayName),
          textEl('Description', def.description),
          textEl('WebResourceType', '3'),
          textEl('IntroducedVersion', '1.0'),
          textEl('IsEnabledForMobileClient', '0'),
          textEl('IsAvailableForMobileOffline', '0'),
          textEl('DependencyXml', '<Dependencies><Dependency componentType="WebResource" /></Dependencies>'),
          textEl('IsCustomizable', '1'),
          textEl('CanBeDeleted', '1'),
          textEl('IsHidden', '0'),
          textEl('FileName', `/${file}`),
        ),
      },
      parts: [{ path: file, content: new Uint8Array(readFileSync(path.join(outDir, def.file))) }],
    };
  });
}

/** Everything `npm run build` produced under `root`; nothing when it has not run. */
export function builtComponents(root: string, prefix: string): ExtraComponent[] {
  return [...builtControls(path.join(root, 'pcf-controls', 'out', 'controls'), prefix), ...builtWebResources(path.join(root, 'plugins-ts', 'out'), prefix)];
}
