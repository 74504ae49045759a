/**
 * `$filter` → syntax tree, by a small recursive-descent parser over the subset of OData 4.0 the
 * Dataverse Web API documents ("Filter rows"): comparisons, and/or/not, parentheses,
 * contains/startswith/endswith, `Microsoft.Dynamics.CRM.In/NotIn`, null checks and parameter
 * aliases. Anything else is a 501 or a 400, never a silently ignored condition.
 */
import { errors } from '../errors';

export type Literal = string | number | boolean | null;
export type Operand = { kind: 'property'; path: string[] } | { kind: 'literal'; value: Literal; raw: string };
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterNode =
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'text'; fn: 'contains' | 'startswith' | 'endswith'; property: string[]; value: string }
  | { kind: 'in'; negate: boolean; property: string; values: Literal[] };

type Token =
  | { t: 'punct'; v: '(' | ')' | ',' | '=' | '[' | ']' }
  | { t: 'string'; v: string }
  | { t: 'word'; v: string };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;
const WORD = /^[@A-Za-z_$][A-Za-z0-9_./$]*/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if ('(),=[]'.includes(ch)) {
      tokens.push({ t: 'punct', v: ch as '(' });
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      // OData escapes a quote by doubling it; JSON-style arrays in In() may use double quotes.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw errors.queryOption(`Syntax error: unterminated string literal in $filter '${text}'.`);
        if (text[i] === ch) {
          if (text[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ t: 'string', v: value });
      continue;
    }
    const rest = text.slice(i);
    const m = GUID.exec(rest) ?? DATE.exec(rest) ?? NUMBER.exec(rest) ?? WORD.exec(rest);
    if (!m) throw errors.queryOption(`Syntax error at position ${i} in $filter '${text}'.`);
    tokens.push({ t: 'word', v: m[0] });
    i += m[0].length;
  }
  return tokens;
}

const COMPARE = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const TEXT_FNS = new Set(['contains', 'startswith', 'endswith']);

/** Parameter aliases (`@p1`) resolve from the query string, as the Web API allows in $filter. */
export function parseFilter(text: string, aliases: Record<string, string> = {}): FilterNode {
  if (/\/(any|all)\(/.test(text)) throw errors.notImplemented('lambda operators (any/all) in $filter');
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (what: string): never => {
    throw errors.queryOption(`Syntax error: ${what} at token ${pos + 1} in $filter '${text}'.`);
  };
  const expectPunct = (v: string) => {
    const tok = tokens[pos];
    if (!tok || tok.t !== 'punct' || tok.v !== v) fail(`'${v}' expected`);
    pos++;
  };
  const isWord = (v: string) => {
    const tok = peek();
    return !!tok && tok.t === 'word' && tok.v.toLowerCase() === v;
  };

  function literalFrom(tok: Token | undefined): Operand {
    if (!tok) return fail('value expected');
    if (tok.t === 'string') return { kind: 'literal', value: tok.v, raw: `'${tok.v}'` };
    if (tok.t !== 'word') return fail('value expected');
    const v = tok.v;
    if (v.startsWith('@')) {
      const alias = aliases[v];
      if (alias === undefined) throw errors.queryOption(`The parameter alias '${v}' is not defined in the query.`);
      const inner = tokenize(alias);
      if (inner.length !== 1) throw errors.queryOption(`The parameter alias '${v}' must be a single value.`);
      return literalFrom(inner[0]);
    }
    if (v === 'null') return { kind: 'literal', value: null, raw: v };
    if (v === 'true' || v === 'false') return { kind: 'literal', value: v === 'true', raw: v };
    if (GUID.test(v) && v.length === 36) return { kind: 'literal', value: v.toLowerCase(), raw: v };
    if (DATE.test(v) && v.includes('-')) return { kind: 'literal', value: v, raw: v };
    if (NUMBER.test(v)) return { kind: 'literal', value: Number(v), raw: v };
    return { kind: 'property', path: v.split('/') };
  }

  function operand(): Operand {
    const tok = tokens[pos++];
    return literalFrom(tok);
  }

  function propertyPath(): string[] {
    const op = operand();
    if (op.kind !== 'property') return fail('property name expected');
    return op.path;
  }

  function stringValue(): string {
    const op = operand();
    if (op.kind !== 'literal' || typeof op.value !== 'string') return fail('string literal expected');
    return op.value;
  }

  function valueList(): Literal[] {
    const tok = peek();
    if (tok?.t === 'word' && tok.v.startsWith('@')) {
      pos++;
      const alias = aliases[tok.v];
      if (alias === undefined) throw errors.queryOption(`The parameter alias '${tok.v}' is not defined in the query.`);
      return parseValueArray(alias);
    }
    expectPunct('[');
    const values: Literal[] = [];
    while (!(peek()?.t === 'punct' && (peek() as { v: string }).v === ']')) {
      const op = operand();
      if (op.kind !== 'literal') return fail('literal expected in PropertyValues');
      values.push(op.value);
      if (peek()?.t === 'punct' && (peek() as { v: string }).v === ',') pos++;
    }
    expectPunct(']');
    return values;
  }

  function crmFunction(name: string): FilterNode {
    const fn = name.slice('Microsoft.Dynamics.CRM.'.length);
    if (fn !== 'In' && fn !== 'NotIn') throw errors.notImplemented(`the query function Microsoft.Dynamics.CRM.${fn}`);
    expectPunct('(');
    let property: string | undefined;
    let values: Literal[] | undefined;
    for (let i = 0; i < 2; i++) {
      const param = tokens[pos++];
      if (!param || param.t !== 'word') fail('parameter name expected');
      expectPunct('=');
      if ((param as { v: string }).v === 'PropertyName') property = stringValue();
      else if ((param as { v: string }).v === 'PropertyValues') values = valueList();
      else fail(`unknown parameter '${(param as { v: string }).v}'`);
      if (i === 0) expectPunct(',');
    }
    expectPunct(')');
    if (!property || !values) return fail('PropertyName and PropertyValues expected');
    return { kind: 'in', negate: fn === 'NotIn', property, values };
  }

  function primary(): FilterNode {
    const tok = peek();
    if (!tok) return fail('expression expected');
    if (tok.t === 'punct' && tok.v === '(') {
      pos++;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    if (isWord('not')) {
      pos++;
      return { kind: 'not', operand: primary() };
    }
    if (tok.t === 'word' && TEXT_FNS.has(tok.v)) {
      pos++;
      expectPunct('(');
      const property = propertyPath();
      expectPunct(',');
      const value = stringValue();
      expectPunct(')');
      return { kind: 'text', fn: tok.v as 'contains', property, value };
    }
    if (tok.t === 'word' && tok.v.startsWith('Microsoft.Dynamics.CRM.')) {
      pos++;
      return crmFunction(tok.v);
    }
    const left = operand();
    const opTok = tokens[pos++];
    if (!opTok || opTok.t !== 'word' || !COMPARE.has(opTok.v)) {
      if (opTok?.t === 'word' && /^(has|add|sub|mul|div|mod)$/.test(opTok.v)) throw errors.notImplemented(`the '${opTok.v}' operator in $filter`);
      return fail('comparison operator expected');
    }
    const right = operand();
    return { kind: 'compare', op: opTok.v as CompareOp, left, right };
  }

  function andExpr(): FilterNode {
    let node = primary();
    while (isWord('and')) {
      pos++;
      node = { kind: 'and', left: node, right: primary() };
    }
    return node;
  }

  function orExpr(): FilterNode {
    let node = andExpr();
    while (isWord('or')) {
      pos++;
      node = { kind: 'or', left: node, right: andExpr() };
    }
    return node;
  }

  const tree = orExpr();
  if (pos !== tokens.length) fail('end of expression expected');
  return tree;
}

/** `["a","b"]` or `['a','b']` or `[1,2]`, as PropertyValues may arrive through an alias. */
function parseValueArray(text: string): Literal[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) throw errors.queryOption(`PropertyValues must be an array, got '${text}'.`);
  const node = parseFilter(`Microsoft.Dynamics.CRM.In(PropertyName='x',PropertyValues=${trimmed})`);
  return node.kind === 'in' ? node.values : [];
}
