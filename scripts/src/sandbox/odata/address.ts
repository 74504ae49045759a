/**
 * The key part of an entity URL: `accounts(<guid>)`, `accounts(accountid=<guid>)`,
 * `accounts(lex_sourcekey='clio:matter:1')`, `contacts(a='x',b=2)`. Resolved against the
 * table's primary key and alternate keys, as "Use an alternate key to reference a record" documents.
 */
import type { KeyDef, TableDef } from '../../../../solution/src/schema/types';
import { errors } from '../errors';

export type Address = { kind: 'id'; id: string } | { kind: 'key'; key: KeyDef; values: (string | number)[]; text: string };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const isGuid = (value: string) => GUID.test(value);

function parseValue(raw: string, table: TableDef): string | number {
  if (raw.startsWith("'")) {
    if (!raw.endsWith("'") || raw.length < 2) throw errors.invalidKey(table.logicalName);
    return raw.slice(1, -1).replace(/''/g, "'");
  }
  if (isGuid(raw)) return raw.toLowerCase();
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  throw errors.invalidKey(table.logicalName);
}

/** Split `a='x,y',b=2` on commas outside quotes. */
function splitPairs(text: string): string[] {
  const parts: string[] = [];
  let inQuote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") inQuote = !inQuote;
    else if (text[i] === ',' && !inQuote) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Key text may arrive percent-encoded (a body reference) or already decoded (the URL path). */
function decodeKeyText(keyText: string): string {
  try {
    return decodeURIComponent(keyText);
  } catch {
    return keyText;
  }
}

export function parseAddress(keyText: string, table: TableDef): Address {
  const text = decodeKeyText(keyText);
  if (isGuid(text)) return { kind: 'id', id: text.toLowerCase() };
  const pairs = splitPairs(text).map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) throw errors.invalidKey(table.logicalName);
    return { name: pair.slice(0, eq).trim(), value: parseValue(pair.slice(eq + 1).trim(), table) };
  });
  if (pairs.length === 1 && pairs[0]!.name === table.primaryIdColumn && typeof pairs[0]!.value === 'string' && isGuid(pairs[0]!.value)) {
    return { kind: 'id', id: pairs[0]!.value };
  }
  // A key that contains a lookup is addressed through its `_x_value` property name.
  const names = pairs.map((p) => p.name.replace(/^_(.+)_value$/, '$1'));
  const key = table.keys.find((k) => k.columns.length === names.length && k.columns.every((c) => names.includes(c)));
  if (!key) throw errors.invalidKey(table.logicalName);
  const values = key.columns.map((c) => pairs[names.indexOf(c)]!.value);
  return { kind: 'key', key, values, text };
}

/** `/accounts(…)`, `accounts(…)` or an absolute URL → entity set name and key text. */
export function parseEntityReference(reference: string): { entitySet: string; keyText: string } | undefined {
  const path = reference.replace(/^https?:\/\/[^/]+/, '').replace(/^\/?(api\/data\/v9\.[0-9]\/)?/, '');
  const m = /^([A-Za-z0-9_]+)\((.+)\)$/.exec(path);
  return m ? { entitySet: m[1]!, keyText: m[2]! } : undefined;
}

/**
 * Learn ("Work with alternate keys"): when a key value contains `/ < > * % & : \ ? +`, retrieve,
 * update and upsert by that key in the URL do not work. The characters are ASP.NET's
 * request-path guard (plus `/` and `+`), so the sandbox refuses them in URL addressing only;
 * `@odata.bind` and `@odata.id` in a JSON body are not affected.
 */
const UNSAFE_IN_URL_KEY = /[/<>*%&:\\?+]/;

export function parseUrlAddress(keyText: string, table: TableDef): Address {
  const address = parseAddress(keyText, table);
  if (address.kind === 'key') {
    for (const value of address.values) {
      const hit = typeof value === 'string' ? UNSAFE_IN_URL_KEY.exec(value) : null;
      if (hit) throw errors.keyValueNotAddressable(hit[0], address.key.logicalName);
    }
  }
  return address;
}
