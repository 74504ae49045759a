/**
 * `[Content_Types].xml`, the OPC part list. pac (System.IO.Packaging) gives each extension a
 * Default from its first part and an Override to any later part with a different type; parts
 * without an extension (web resources) always get an Override.
 */
import { el, type XmlElement } from '../xml/element';

export const CONTENT_TYPES_NAMESPACE = 'http://schemas.openxmlformats.org/package/2006/content-types';

export interface PartType {
  path: string;
  contentType: string;
}

export function renderContentTypes(parts: readonly PartType[]): XmlElement {
  const defaults = new Map<string, string>();
  const overrides: PartType[] = [];
  for (const part of parts) {
    const file = part.path.split('/').pop() ?? part.path;
    const dot = file.lastIndexOf('.');
    const ext = dot > 0 ? file.slice(dot + 1) : '';
    if (!ext) overrides.push(part);
    else if (!defaults.has(ext)) defaults.set(ext, part.contentType);
    else if (defaults.get(ext) !== part.contentType) overrides.push(part);
  }
  return el(
    'Types',
    { xmlns: CONTENT_TYPES_NAMESPACE },
    [...defaults].map(([Extension, ContentType]) => el('Default', { Extension, ContentType })),
    overrides.map((p) => el('Override', { PartName: `/${p.path}`, ContentType: p.contentType })),
  );
}
