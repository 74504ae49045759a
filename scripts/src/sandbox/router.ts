/**
 * Request routing: one internal request in, one response out. The HTTP server and the `$batch`
 * handler both call `dispatch`, so a request inside a batch behaves exactly like one outside it.
 */
import { DataverseError, errors } from './errors';
import { handleBatch } from './handlers/batch';
import { handleBulk, isBulkMessage } from './handlers/bulk';
import { json, type HandlerContext, type SandboxRequest, type SandboxResponse } from './handlers/context';
import { handleMetadata, isMetadataRoute } from './handlers/metadata';
import { countRecords, queryRecords } from './handlers/queries';
import { createRecord, deleteRecord, retrieveRecord, upsertRecord } from './handlers/records';
import { handleStateMessage, stateMessageTarget } from './handlers/state-messages';
import { renderCsdl } from './metadata/csdl';

/** Real Dataverse functions and actions the sandbox knows of but does not run: 501, not 404. */
const KNOWN_OPERATIONS = new Set([
  'RetrieveMetadataChanges',
  'RetrieveTotalRecordCount',
  'ExecuteTransaction',
  'CreateEntityKey',
  'ReactivateEntityKey',
  'BulkDelete',
  'Merge',
  'SetState',
  'InitializeFrom',
]);

export interface PathParts {
  name: string;
  key?: string;
  rest: string[];
}

/** `accounts(lex_sourcekey='a/b')/x` → name, key text, remaining segments (quotes respected). */
export function parsePath(path: string): PathParts {
  const open = path.search(/[(/]/);
  if (open < 0) return { name: path, rest: [] };
  const name = path.slice(0, open);
  if (path[open] === '/') return { name, rest: path.slice(open + 1).split('/').filter(Boolean) };
  let inQuote = false;
  for (let i = open + 1; i < path.length; i++) {
    const ch = path[i];
    if (ch === "'") inQuote = !inQuote;
    else if (ch === ')' && !inQuote) {
      return { name, key: path.slice(open + 1, i), rest: path.slice(i + 1).split('/').filter(Boolean) };
    }
  }
  throw errors.badRequest(`Bad Request - Error in query syntax: unbalanced parentheses in '${path}'.`, '0x80060888');
}

export function errorResponse(error: unknown): SandboxResponse {
  const e = error instanceof DataverseError ? error : errors.internal(error instanceof Error ? error.message : String(error));
  return json(e.status, e.toBody(), e.headers);
}

export function dispatch(ctx: HandlerContext, request: SandboxRequest): SandboxResponse {
  try {
    return route(ctx, request);
  } catch (error) {
    return errorResponse(error);
  }
}

function route(ctx: HandlerContext, request: SandboxRequest): SandboxResponse {
  const { method } = request;
  const url = `${ctx.apiUrl}${request.path}`;
  if (request.path === '' && method === 'GET') {
    return json(200, {
      '@odata.context': `${ctx.apiUrl}$metadata`,
      value: ctx.store.tables().map((t) => ({ name: t.entitySetName, kind: 'EntitySet', url: t.entitySetName })),
    });
  }
  if (request.path === '$metadata') {
    if (method !== 'GET') throw errors.methodNotAllowed(method, url);
    return { status: 200, headers: { 'Content-Type': 'application/xml', 'OData-Version': '4.0' }, body: renderCsdl(ctx.store) };
  }
  if (request.path === '$batch') {
    if (method !== 'POST') throw errors.methodNotAllowed(method, url);
    return handleBatch(ctx, request, dispatch);
  }
  if (/^WhoAmI(\(\))?$/.test(request.path)) {
    if (method !== 'GET') throw errors.noHttpResource(url);
    return json(200, {
      '@odata.context': `${ctx.apiUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: '5d0a3f0e-0000-4000-8000-000000000001',
      UserId: ctx.callerId,
      OrganizationId: '5d0a3f0e-0000-4000-8000-000000000002',
    });
  }
  const parts = parsePath(request.path);
  const operation = parts.name.replace(/^Microsoft\.Dynamics\.CRM\./, '');
  if (parts.key === undefined && parts.rest.length === 0 && stateMessageTarget(ctx, operation)) return handleStateMessage(ctx, operation, request);
  if (KNOWN_OPERATIONS.has(operation)) throw errors.notImplemented(`the ${parts.name} message`);
  if (isMetadataRoute(parts.name)) return handleMetadata(ctx, request, parts);
  const table = ctx.store.tableBySet(parts.name);
  if (!table) throw errors.resourceNotFound(parts.name);

  if (parts.key === undefined) {
    if (parts.rest.length === 0) {
      if (method === 'GET') return queryRecords(ctx, table, request);
      if (method === 'POST') return createRecord(ctx, table, request);
      throw errors.methodNotAllowed(method, url);
    }
    if (parts.rest.length === 1 && parts.rest[0] === '$count' && method === 'GET') return countRecords(ctx, table, request);
    if (parts.rest.length === 1 && isBulkMessage(parts.rest[0]!)) {
      if (method !== 'POST') throw errors.noHttpResource(url);
      return handleBulk(ctx, table, parts.rest[0]!, request);
    }
    if (parts.rest[0]?.startsWith('Microsoft.Dynamics.CRM.')) throw errors.notImplemented(`the bound operation '${parts.rest[0]}'`);
    throw errors.resourceNotFound(parts.rest[0] ?? parts.name);
  }
  if (parts.rest.length > 0) throw errors.notImplemented(`addressing '${parts.rest.join('/')}' below a row (single properties, collection navigation, $ref)`);
  switch (method) {
    case 'GET':
      return retrieveRecord(ctx, table, parts.key, request);
    case 'PATCH':
      return upsertRecord(ctx, table, parts.key, request);
    case 'DELETE':
      return deleteRecord(ctx, table, parts.key, request);
    case 'PUT':
      throw errors.notImplemented('PUT (single property update)');
    default:
      throw errors.methodNotAllowed(method, url);
  }
}
