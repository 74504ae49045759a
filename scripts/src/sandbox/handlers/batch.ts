/**
 * `$batch`: up to 1,000 requests; a change set is atomic (one SQLite transaction: any failure
 * rolls back the whole set) and may refer to earlier results by `Content-ID` (`$1`). Without
 * `Prefer: odata.continue-on-error` processing stops at the first failure and the batch takes
 * its status; with it, failures are returned in place and the batch is 200.
 */
import { randomUUID } from 'node:crypto';
import { DataverseError, errors } from '../errors';
import { parseBatch, boundaryOf, writeBatch, type HttpPart, type ResponsePart } from '../protocol/multipart';
import { preferences, type ContentIdTarget, type HandlerContext, type SandboxRequest, type SandboxResponse } from './context';

export type Dispatch = (ctx: HandlerContext, request: SandboxRequest) => SandboxResponse;

const MAX_REQUESTS = 1000;

class ChangeSetFailed {
  constructor(readonly part: ResponsePart) {}
}

/** Absolute, server-relative, relative or `$n` URL → path and query relative to the API root. */
function toInternal(url: string, contentIds: Map<string, ContentIdTarget>): { path: string; query: URLSearchParams } {
  let target = url;
  const ref = /^\$(\d+|[A-Za-z0-9_-]+)(\/.*)?$/.exec(url);
  if (ref) {
    const hit = contentIds.get(ref[1]!);
    if (!hit) throw errors.contentIdMissing(`$${ref[1]}`);
    target = `${hit.table.entitySetName}(${hit.id})${ref[2] ?? ''}`;
  }
  const withoutOrigin = target.replace(/^https?:\/\/[^/]+/, '').replace(/^\/?api\/data\/v9\.[0-9]\//, '').replace(/^\//, '');
  const [path = '', query = ''] = withoutOrigin.split('?', 2) as [string, string?];
  return { path: decodeURI(path), query: new URLSearchParams(query) };
}

/** Read through a function so the compiler does not keep the narrowing from `= undefined`. */
const lastWriteOf = (c: HandlerContext) => c.lastWrite;

function toPart(response: SandboxResponse, contentId: string | undefined): ResponsePart {
  const headers = { ...response.headers };
  // Creates inside a batch carry Location as well as OData-EntityId (Learn's documented response).
  if (headers['OData-EntityId']) headers['Location'] = headers['OData-EntityId'];
  if (response.status >= 400) headers['REQ_ID'] = randomUUID();
  return { status: response.status, headers, ...(response.body !== undefined ? { body: response.body } : {}), ...(contentId ? { contentId } : {}) };
}

export function handleBatch(ctx: HandlerContext, request: SandboxRequest, dispatch: Dispatch): SandboxResponse {
  const boundary = boundaryOf(request.headers['content-type']);
  if (!boundary || !(request.headers['content-type'] ?? '').startsWith('multipart/mixed')) {
    throw errors.badRequest('A $batch request needs Content-Type: multipart/mixed; boundary=…', '0x80048d19');
  }
  const parts = parseBatch(request.body, boundary);
  const total = parts.reduce((n, p) => n + (p.kind === 'changeset' ? p.requests.length : 1), 0);
  if (total > MAX_REQUESTS) throw errors.batchTooLarge(total);
  const continueOnError = preferences(request.headers).has('odata.continue-on-error');
  const out: Parameters<typeof writeBatch>[1] = [];
  let records = 0;
  let failedStatus: number | undefined;

  const run = (c: HandlerContext, part: HttpPart, contentIds: Map<string, ContentIdTarget>): SandboxResponse => {
    try {
      const { path, query } = toInternal(part.url, contentIds);
      if (path === '$batch') throw errors.badRequest('Batches cannot be nested.', '0x80048d19');
      return dispatch(c, { method: part.method, path, query, headers: part.headers, body: part.body });
    } catch (error) {
      const e = error instanceof DataverseError ? error : errors.internal(String(error));
      return { status: e.status, headers: { 'Content-Type': 'application/json; odata.metadata=minimal', 'OData-Version': '4.0' }, body: JSON.stringify(e.toBody()) };
    }
  };

  for (const part of parts) {
    if (part.kind === 'request') {
      const response = run(ctx, part, new Map());
      records += response.records ?? 0;
      if (response.status >= 400 && !continueOnError) {
        failedStatus = response.status;
        out.length = 0;
        out.push(toPart(response, part.contentId));
        break;
      }
      out.push(toPart(response, part.contentId));
      continue;
    }
    const contentIds = new Map<string, ContentIdTarget>();
    const csCtx: HandlerContext = { ...ctx, contentIds };
    try {
      const responses = ctx.store.transaction(() =>
        part.requests.map((inner) => {
          if (inner.method === 'GET') {
            throw new ChangeSetFailed({ status: 400, headers: { 'Content-Type': 'application/json; odata.metadata=minimal' }, body: JSON.stringify(errors.badRequest('GET requests are not allowed inside a change set.', '0x80048d19').toBody()) });
          }
          csCtx.lastWrite = undefined;
          const response = run(csCtx, inner, contentIds);
          const responsePart = toPart(response, inner.contentId);
          if (response.status >= 400) throw new ChangeSetFailed(responsePart);
          const written = lastWriteOf(csCtx);
          if (inner.contentId && written) {
            const { table, id } = written;
            contentIds.set(inner.contentId, { table, id, url: `${ctx.apiUrl}${table.entitySetName}(${id})` });
          }
          records += response.records ?? 0;
          return responsePart;
        }),
      );
      out.push({ changeset: responses, boundary: `changesetresponse_${randomUUID()}` });
    } catch (error) {
      if (!(error instanceof ChangeSetFailed)) throw error;
      if (!continueOnError) {
        failedStatus = error.part.status;
        out.length = 0;
        out.push(error.part);
        break;
      }
      out.push(error.part);
    }
  }

  const responseBoundary = `batchresponse_${randomUUID()}`;
  return {
    status: failedStatus ?? 200,
    headers: { 'Content-Type': `multipart/mixed; boundary=${responseBoundary}`, 'OData-Version': '4.0' },
    body: writeBatch(responseBoundary, out),
    records,
  };
}
