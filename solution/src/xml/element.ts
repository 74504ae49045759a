/**
 * A small typed XML element builder and serializer. Every value goes through `escape*`, so no
 * renderer concatenates unescaped strings; the output is laid out the way pac and the server
 * export it (2-space indent, CRLF, ` />` for empty elements).
 */
export type AttrValue = string | number | boolean | undefined;

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly children: readonly XmlNode[];
}

/** A string child is text content. */
export type XmlNode = XmlElement | string;

type Child = XmlNode | undefined | false | readonly (XmlNode | undefined | false)[];

/** `el('cell', { id }, el('labels'), …)`; `undefined`/`false` children and attributes are dropped. */
export function el(name: string, attrs: Record<string, AttrValue> = {}, ...children: Child[]): XmlElement {
  const flat: XmlNode[] = [];
  for (const child of children) {
    if (Array.isArray(child)) {
      for (const c of child) if (c !== undefined && c !== false) flat.push(c);
    } else if (child !== undefined && child !== false) {
      flat.push(child as XmlNode);
    }
  }
  return { name, attrs, children: flat };
}

/** `<Name>text</Name>` */
export const textEl = (name: string, value: string | number, attrs: Record<string, AttrValue> = {}): XmlElement =>
  el(name, attrs, String(value));

/** `1` / `0`, the booleans of customizations.xml. */
export const bit = (value: boolean): string => (value ? '1' : '0');

export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\r/g, '&#xD;').replace(/\n/g, '&#xA;').replace(/\t/g, '&#x9;');
}

function attrsToString(attrs: Readonly<Record<string, AttrValue>>): string {
  let out = '';
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    out += ` ${key}="${escapeAttr(typeof value === 'boolean' ? String(value) : String(value))}"`;
  }
  return out;
}

export interface SerializeOptions {
  /** Emit `<?xml version="1.0" encoding="utf-8"?>` first (pac does, with a BOM). */
  declaration?: boolean;
  /** Single line, as pac writes `[Content_Types].xml`. */
  compact?: boolean;
  newline?: string;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

export function serializeXml(root: XmlElement, options: SerializeOptions = {}): string {
  const nl = options.compact ? '' : (options.newline ?? '\r\n');
  const lines: string[] = [];
  const write = (node: XmlElement, depth: number) => {
    const indent = options.compact ? '' : '  '.repeat(depth);
    const open = `<${node.name}${attrsToString(node.attrs)}`;
    if (node.children.length === 0) {
      lines.push(`${indent}${open} />`);
      return;
    }
    if (node.children.every((c) => typeof c === 'string')) {
      lines.push(`${indent}${open}>${node.children.map((c) => escapeText(c as string)).join('')}</${node.name}>`);
      return;
    }
    lines.push(`${indent}${open}>`);
    for (const child of node.children) {
      if (typeof child === 'string') lines.push(`${'  '.repeat(depth + 1)}${escapeText(child)}`);
      else write(child, depth + 1);
    }
    lines.push(`${indent}</${node.name}>`);
  };
  write(root, 0);
  const body = lines.join(nl);
  return options.declaration ? `${XML_DECLARATION}${nl}${body}` : body;
}
