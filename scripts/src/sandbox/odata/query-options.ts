/**
 * The system query options of a collection or single-row GET, parsed once. Option names are
 * case-sensitive; `$skip`, `$search`, `$format` are documented as unsupported by the Dataverse
 * Web API and rejected the same way here.
 */
import { errors } from '../errors';
import { parseFilter, type FilterNode } from './filter';

export interface ExpandOption {
  navigation: string;
  select?: string[];
}

export interface QueryOptions {
  select?: string[];
  filter?: FilterNode;
  orderBy: { property: string; descending: boolean }[];
  top?: number;
  count: boolean;
  expand: ExpandOption[];
  skipToken?: string;
}

/** Documented alternatives to OData query options that the sandbox does not run. */
const NOT_IMPLEMENTED: Record<string, string> = {
  fetchXml: 'FetchXML queries (?fetchXml=)',
  savedQuery: 'saved views (?savedQuery=)',
  userQuery: 'personal views (?userQuery=)',
  $deltatoken: 'change tracking ($deltatoken)',
};

const KNOWN = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$expand', '$skiptoken']);
const UNSUPPORTED = new Set(['$skip', '$search', '$format']);

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Split on commas that are not inside parentheses: `a($select=x,y),b`. */
function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter(Boolean);
}

function parseExpand(value: string): ExpandOption[] {
  return splitTopLevel(value).map((part) => {
    const m = /^([A-Za-z0-9_]+)(?:\((.*)\))?$/.exec(part);
    if (!m) throw errors.queryOption(`Syntax error in $expand: '${part}'.`);
    const option: ExpandOption = { navigation: m[1]! };
    for (const inner of (m[2] ?? '').split(';').filter(Boolean)) {
      const [name, v = ''] = inner.split('=', 2) as [string, string?];
      if (name === '$select') option.select = list(v);
      else if (name === '$ref' || part.endsWith('/$ref')) throw errors.queryOption('Expand with $ref is only supported on lookup type navigation property.');
      else throw errors.notImplemented(`the nested option '${name}' inside $expand`);
    }
    return option;
  });
}

export function parseQueryOptions(params: URLSearchParams): QueryOptions {
  const options: QueryOptions = { orderBy: [], count: false, expand: [] };
  const aliases: Record<string, string> = {};
  for (const [name, value] of params) if (name.startsWith('@')) aliases[name] = value;
  for (const [name, value] of params) {
    if (name.startsWith('@')) continue;
    const missing = NOT_IMPLEMENTED[name];
    if (missing) throw errors.notImplemented(missing);
    if (UNSUPPORTED.has(name)) throw errors.queryOption(`The query parameter ${name} is not supported`);
    if (name === '$apply') throw errors.notImplemented('$apply (aggregation)');
    if (name.startsWith('$') && !KNOWN.has(name)) throw errors.queryOption(`The query parameter ${name} is not supported`);
    switch (name) {
      case '$select':
        options.select = list(value);
        break;
      case '$filter':
        options.filter = parseFilter(value, aliases);
        break;
      case '$orderby':
        options.orderBy = list(value).map((item) => {
          const [property, direction = 'asc'] = item.split(/\s+/) as [string, string?];
          if (direction !== 'asc' && direction !== 'desc') throw errors.queryOption(`Syntax error in $orderby: '${item}'.`);
          return { property, descending: direction === 'desc' };
        });
        break;
      case '$top': {
        const top = Number(value);
        if (!Number.isInteger(top) || top < 0) throw errors.queryOption(`Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`);
        options.top = top;
        break;
      }
      case '$count':
        if (value !== 'true' && value !== 'false') throw errors.queryOption(`'${value}' is not a valid count option.`);
        options.count = value === 'true';
        break;
      case '$expand':
        options.expand = parseExpand(value);
        break;
      case '$skiptoken':
        options.skipToken = value;
        break;
      default:
        // Plain non-$ parameters other than aliases (e.g. `tag`) are passed to plug-ins; ignore.
        break;
    }
  }
  if (options.expand.length > 15) throw errors.queryOption('Number of expands in the query exceeded the maximum limit of 15.');
  return options;
}
