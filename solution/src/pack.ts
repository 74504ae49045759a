/**
 * The packer: schema + config (+ extra components) → the parts of a solution zip, in pac's
 * layout (notes/solution-format.md §2): customizations.xml, solution.xml, component folders,
 * `[Content_Types].xml` last; UTF-8 with BOM, CRLF, an XML declaration; deflate; no directory
 * entries. Later issues add PCF controls (`Controls/<name>/…`, type 66) and web resources
 * (`WebResources/…`, type 61) through `extraComponents`.
 */
import JSZip from 'jszip';
import { buildAppComponents } from './app';
import type { FormControlBinding, FormEventHandler, RibbonCommand } from './app/types';
import type { PacConfig } from './config';
import { renderContentTypes } from './render/content-types';
import { renderCustomizations, type ExtraSection } from './render/customizations';
import { solutionTables } from './render/entities';
import { ComponentType, renderSolutionXml, type RootComponent } from './render/solution-xml';
import type { SolutionSchema } from './schema/types';
import { assertValidSchema } from './validate';
import { braced } from './ids';
import { serializeXml, type XmlElement } from './xml/element';

export interface SolutionPart {
  /** Zip entry name, `/`-separated, no leading slash. */
  path: string;
  content: string | Uint8Array;
  /** OPC content type; `application/octet-stream` when absent (pac's default for component files). */
  contentType?: string;
}

/** One component a later stage contributes: its manifest entry, its customizations.xml element, its files. */
export interface ExtraComponent {
  rootComponent: RootComponent;
  customizations?: { section: ExtraSection; element: XmlElement };
  parts?: readonly SolutionPart[];
  /** Form fields this component replaces the default control of (a PCF control on a main form). */
  formBindings?: readonly FormControlBinding[];
  /** Form event handlers this component provides (a web resource's OnLoad function). */
  formEvents?: readonly FormEventHandler[];
  /** Main-form command-bar buttons this component provides (a web resource's actions). */
  ribbonCommands?: readonly RibbonCommand[];
}

export interface PackInput {
  schema: SolutionSchema;
  config: PacConfig;
  managed: boolean;
  extraComponents?: readonly ExtraComponent[];
}

export interface PackedSolution {
  fileName: string;
  managed: boolean;
  /** Entries in zip order, as written. */
  parts: readonly { path: string; content: Uint8Array }[];
  zip: Uint8Array;
}

const BOM = '\uFEFF';
/** pac writes the manifest files as `text/xml` and everything else as `application/octet-stream`. */
const XML_TYPE = 'text/xml';
const BINARY_TYPE = 'application/octet-stream';
/** A fixed timestamp keeps builds byte-for-byte reproducible. */
const ENTRY_DATE = new Date(Date.UTC(2026, 0, 1));

/** An XML document as pac writes it: BOM, declaration, CRLF. */
export const xmlDocument = (root: XmlElement): string => BOM + serializeXml(root, { declaration: true });

export function solutionFileName(config: PacConfig, managed: boolean): string {
  return `${config.solution.uniqueName}_${config.solution.version.replace(/\./g, '_')}${managed ? '_managed' : ''}.zip`;
}

export function rootComponents(input: PackInput, roles: readonly { id: string }[], appUniqueName: string, siteMapUniqueName: string): RootComponent[] {
  const tables: RootComponent[] = solutionTables(input.schema).map((t) =>
    // A native table is included without its subcomponents: only the columns we add travel (behavior 1, as the VirtualEntityRecordSource export includes account).
    ({ type: ComponentType.Entity, schemaName: t.logicalName, behavior: t.origin === 'custom' ? 0 : 1 }),
  );
  return [
    ...tables,
    ...input.schema.choices.map((c): RootComponent => ({ type: ComponentType.OptionSet, schemaName: c.name, behavior: 0 })),
    ...roles.map((r): RootComponent => ({ type: ComponentType.Role, id: braced(r.id), behavior: 0 })),
    { type: ComponentType.SiteMap, schemaName: siteMapUniqueName, behavior: 0 },
    { type: ComponentType.AppModule, schemaName: appUniqueName, behavior: 0 },
    ...(input.extraComponents ?? []).map((c) => c.rootComponent),
  ];
}

/** Renders every part of the zip, in entry order. Pure: no I/O. */
export function renderSolutionParts(input: PackInput): SolutionPart[] {
  assertValidSchema(input.schema, input.config.publisher);
  const app = buildAppComponents(input.schema);
  const extra: Partial<Record<ExtraSection, XmlElement[]>> = {};
  for (const component of input.extraComponents ?? []) {
    if (!component.customizations) continue;
    (extra[component.customizations.section] ??= []).push(component.customizations.element);
  }
  const formBindings = (input.extraComponents ?? []).flatMap((c) => c.formBindings ?? []);
  const formEvents = (input.extraComponents ?? []).flatMap((c) => c.formEvents ?? []);
  const ribbonCommands = (input.extraComponents ?? []).flatMap((c) => c.ribbonCommands ?? []);
  const customizations = renderCustomizations({
    schema: input.schema,
    app,
    prefix: input.config.publisher.prefix,
    managed: input.managed,
    extra,
    formBindings,
    formEvents,
    ribbonCommands,
  });
  const manifest = renderSolutionXml(input.config, input.managed, rootComponents(input, app.roles, app.app.uniqueName, app.app.siteMapUniqueName));
  const parts: SolutionPart[] = [
    { path: 'customizations.xml', content: xmlDocument(customizations), contentType: XML_TYPE },
    { path: 'solution.xml', content: xmlDocument(manifest), contentType: XML_TYPE },
    ...(input.extraComponents ?? []).flatMap((c) => c.parts ?? []),
  ];
  const types = renderContentTypes(parts.map((p) => ({ path: p.path, contentType: p.contentType ?? BINARY_TYPE })));
  // pac writes [Content_Types].xml on one line, with BOM and declaration.
  parts.push({ path: '[Content_Types].xml', content: BOM + serializeXml(types, { declaration: true, compact: true }) });
  return parts;
}

export async function packSolution(input: PackInput): Promise<PackedSolution> {
  const parts = renderSolutionParts(input).map((p) => ({
    path: p.path,
    content: typeof p.content === 'string' ? new TextEncoder().encode(p.content) : p.content,
  }));
  const zip = new JSZip();
  for (const part of parts) zip.file(part.path, part.content, { date: ENTRY_DATE, createFolders: false, binary: true });
  const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'DOS' });
  return { fileName: solutionFileName(input.config, input.managed), managed: input.managed, parts, zip: bytes };
}
