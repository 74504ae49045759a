/**
 * Collection reads: `$select`, `$filter`, `$orderby`, `$top`, `$count`, `$expand`, and paging with
 * `Prefer: odata.maxpagesize` + `@odata.nextLink` (Learn, "Page results": at most 5,000 rows a
 * page; when both are sent `$top` is ignored; `@odata.count` is capped at 5,000).
 */
import type { TableDef } from '../../../../solution/src/schema/types';
import { errors } from '../errors';
import { compileFilter, resolveProperty } from '../odata/filter-sql';
import { parseQueryOptions } from '../odata/query-options';
import { q } from '../storage/store';
import { json, preferences, type HandlerContext, type SandboxRequest, type SandboxResponse } from './context';
import { checkSelect, toEntity } from './entity-json';
import { expandInto } from './records';

const MAX_PAGE = 5000;

/** The skiptoken looks like Dataverse's paging cookie; the sandbox only reads its offset. */
const skipTokenFor = (page: number, offset: number) => `<cookie pagenumber="${page}" offset="${offset}" istracking="False" />`;

function offsetFrom(token: string | undefined): { page: number; offset: number } {
  if (!token) return { page: 1, offset: 0 };
  const m = /pagenumber="(\d+)" offset="(\d+)"/.exec(token);
  if (!m) throw errors.queryOption(`The $skiptoken '${token}' is not valid. Use the @odata.nextLink unmodified.`);
  return { page: Number(m[1]), offset: Number(m[2]) };
}

export function queryRecords(ctx: HandlerContext, table: TableDef, request: SandboxRequest): SandboxResponse {
  const options = parseQueryOptions(request.query);
  checkSelect(table, options.select);
  if (preferences(request.headers).has('odata.track-changes')) throw errors.notImplemented('change tracking (Prefer: odata.track-changes)');
  const filter = options.filter ? compileFilter(ctx.store, table, options.filter) : undefined;
  const order = options.orderBy.map((o) => `t.${q(resolveProperty(table, o.property).logicalName)}${o.descending ? ' DESC' : ''}`);
  order.push(`t.${q(table.primaryIdColumn)}`);
  const prefs = preferences(request.headers);
  const maxPageSize = prefs.has('odata.maxpagesize') ? Number(prefs.get('odata.maxpagesize')) : undefined;
  if (maxPageSize !== undefined && (!Number.isInteger(maxPageSize) || maxPageSize < 1)) throw errors.queryOption('odata.maxpagesize must be a positive integer.');
  const pageSize = Math.min(maxPageSize ?? options.top ?? MAX_PAGE, MAX_PAGE);
  const { page, offset } = offsetFrom(options.skipToken);
  const rows = ctx.store.select(table.logicalName, {
    ...(filter ? { where: filter.where, params: filter.params } : {}),
    orderBy: order.join(', '),
    limit: pageSize + 1,
    offset,
  });
  // $top without maxpagesize is a hard cap, not a page: there is no next link.
  const more = rows.length > pageSize && !(maxPageSize === undefined && options.top !== undefined);
  const pageRows = rows.slice(0, pageSize);
  const annotations = (prefs.get('odata.include-annotations') ?? '') !== '';
  const value = pageRows.map((row) => {
    const entity = toEntity(table, row, options.select, annotations);
    expandInto(ctx, table, row, entity, options.expand);
    return entity;
  });
  const select = options.select ? `(${options.select.join(',')})` : '';
  const body: Record<string, unknown> = { '@odata.context': `${ctx.apiUrl}$metadata#${table.entitySetName}${select}` };
  if (options.count) body['@odata.count'] = Math.min(ctx.store.count(table.logicalName, filter?.where, filter?.params), MAX_PAGE);
  body['value'] = value;
  if (more) {
    // Option names stay readable (`$select=`), values are percent-encoded, as Dataverse writes them.
    const next = [...request.query].filter(([name]) => name !== '$skiptoken');
    next.push(['$skiptoken', skipTokenFor(page + 1, offset + pageSize)]);
    body['@odata.nextLink'] = `${ctx.apiUrl}${table.entitySetName}?${next.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
  }
  const headers: Record<string, string> = {};
  if (maxPageSize !== undefined) headers['Preference-Applied'] = `odata.maxpagesize=${maxPageSize}`;
  return { ...json(200, body, headers), records: pageRows.length };
}

export function countRecords(ctx: HandlerContext, table: TableDef, request: SandboxRequest): SandboxResponse {
  const options = parseQueryOptions(request.query);
  const filter = options.filter ? compileFilter(ctx.store, table, options.filter) : undefined;
  const n = Math.min(ctx.store.count(table.logicalName, filter?.where, filter?.params), MAX_PAGE);
  return { status: 200, headers: { 'Content-Type': 'text/plain', 'OData-Version': '4.0' }, body: String(n) };
}
