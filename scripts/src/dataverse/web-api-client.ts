/**
 * `DataverseClient` over the Web API, given a `Transport` (HTTP in Node, same-origin fetch
 * inside Dynamics). Holds the Web API semantics — URLs, upsert conditions, `$batch`, bulk
 * messages, error mapping — so both adapters share them. Pure: no Node-only imports.
 */
import { schema } from '../../../solution/src/schema';
import { buildBatch, MAX_BATCH_REQUESTS, parseBatchResponse, type BatchPart, type BatchPartResponse } from './batch';
import {
  describeKey,
  formatKey,
  rowPath,
  tableDef,
  type ActionCall,
  type BatchOptions,
  type DataverseClient,
  type EntityDefinition,
  type ExecuteOptions,
  type QueryOptions,
  type QueryRequest,
  type RetrieveOptions,
  type Row,
  type RowKey,
  type RowResult,
  type UpsertItem,
  type WriteOp,
  type WriteOptions,
} from './client';
import { DataverseError, parseErrorBody } from './errors';
import { normaliseApiUrl, type Transport, type WebApiRequest, type WebApiResponse } from './transport';

export interface WebApiClientOptions {
  transport: Transport;
  apiUrl: string;
  /**
   * Rows per write request of `upsertMany`, as `UpsertMultiple` or, for tables without it, as a
   * `$batch` of upserts (Microsoft: start at 100–1000 for small rows; a `$batch` takes 1000).
   */
  bulkSize?: number;
  /** Requests per `$batch` for other mixed writes, deletes and actions (Microsoft: start small; at most 1000). */
  batchSize?: number;
  /** `detect`: ask `sdkmessagefilters` once for every table (default); `never`: always `$batch`. */
  bulk?: 'detect' | 'never';
}

/**
 * Platform table that lists which messages each table supports. Not a migration table, so it is
 * not in solution/src/schema; the query is the one Microsoft documents (bulk-operations).
 */
const SDK_MESSAGE_FILTERS = 'sdkmessagefilters';

const NOT_FOUND_SEGMENT = '0x8006088a';
const OBJECT_DOES_NOT_EXIST = '0x80040217';

export function entityIdFrom(headers: Record<string, string>): string | undefined {
  const entityId = headers['odata-entityid'] ?? headers['location'];
  return entityId ? /\(([0-9a-fA-F-]{36})\)\s*$/.exec(entityId)?.[1]?.toLowerCase() : undefined;
}

export function queryString(options: QueryOptions = {}): string {
  const params: string[] = [];
  if (options.select?.length) params.push(`$select=${options.select.join(',')}`);
  if (options.filter) params.push(`$filter=${encodeURIComponent(options.filter)}`);
  if (options.orderby) params.push(`$orderby=${encodeURIComponent(options.orderby)}`);
  if (options.top !== undefined) params.push(`$top=${options.top}`);
  if (options.expand) params.push(`$expand=${encodeURIComponent(options.expand)}`);
  return params.length ? `?${params.join('&')}` : '';
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * "No such row/definition": a 404 that is not about the URL itself (an unknown entity set is
 * 0x8006088a), or ObjectDoesNotExist, which metadata reads may send with 400.
 */
function isAbsent(response: WebApiResponse): boolean {
  if (response.status < 400 || response.status >= 500) return false;
  const code = parseErrorBody(response.body).code.toLowerCase();
  return (response.status === 404 && code !== NOT_FOUND_SEGMENT) || code === OBJECT_DOES_NOT_EXIST;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function recordKeyOf(op: WriteOp, index: number): string {
  if (op.recordKey) return op.recordKey;
  if (op.kind === 'create') return `${op.table}#${index + 1}`;
  return `${op.table}:${describeKey(op.key)}`;
}

export class WebApiClient implements DataverseClient {
  readonly apiUrl: string;
  /** Tables that take UpsertMultiple in this environment: asked once, for every schema table. */
  private bulkTables: Promise<ReadonlySet<string>> | undefined;

  constructor(private readonly options: WebApiClientOptions) {
    this.apiUrl = normaliseApiUrl(options.apiUrl);
  }

  /** One request through the transport; the raw response, whatever its status. */
  request(request: WebApiRequest): Promise<WebApiResponse> {
    return this.options.transport(request);
  }

  /** GET returning parsed JSON, `undefined` on a row-level 404; other failures throw. */
  async getJson<T>(path: string, headers?: Record<string, string>, recordKey?: string): Promise<T | undefined> {
    const response = await this.request({ method: 'GET', path, ...(headers ? { headers } : {}) });
    if (isAbsent(response)) return undefined;
    this.check(response, `GET ${path}`, recordKey);
    return JSON.parse(response.body) as T;
  }

  async retrieve(table: string, key: RowKey, options: RetrieveOptions = {}): Promise<Row | undefined> {
    return this.getJson<Row>(rowPath(table, key) + queryString(options));
  }

  query(table: string, options: QueryOptions = {}): AsyncIterable<Row[]> {
    return this.pagesFrom(tableDef(table).entitySetName + queryString(options), options);
  }

  /** Pages from `path` on, following `@odata.nextLink`. */
  private async *pagesFrom(first: string | undefined, options: QueryOptions): AsyncIterable<Row[]> {
    const headers: Record<string, string> = options.pageSize ? { Prefer: `odata.maxpagesize=${options.pageSize}` } : {};
    let path = first;
    while (path) {
      const response = await this.request({ method: 'GET', path, headers });
      this.check(response, `GET ${path}`);
      const page = JSON.parse(response.body) as { value: Row[]; '@odata.nextLink'?: string };
      yield page.value;
      path = page['@odata.nextLink'];
    }
  }

  async queryMany(requests: readonly QueryRequest[]): Promise<Row[][]> {
    const send = async (part: readonly QueryRequest[]): Promise<Row[][]> => {
      const paths = part.map(({ table, options = {} }) => tableDef(table).entitySetName + queryString(options));
      const batchParts = part.map(({ options = {} }, i): BatchPart => ({ method: 'GET', path: paths[i]!, ...(options.pageSize ? { headers: { Prefer: `odata.maxpagesize=${options.pageSize}` } } : {}) }));
      // Reads change nothing, so a dropped connection may be retried.
      const outcome = await this.postBatch(batchParts, false, true);
      if ('error' in outcome) throw outcome.error;
      return Promise.all(
        part.map(async ({ options = {} }, i) => {
          const response = outcome.parts[i];
          if (!response) throw new DataverseError({ status: 500, message: 'the $batch response has no part for this query', request: `GET ${paths[i]}`, transient: false });
          this.check(response, `GET ${paths[i]}`);
          const page = JSON.parse(response.body) as { value: Row[]; '@odata.nextLink'?: string };
          const rows = [...page.value];
          for await (const more of this.pagesFrom(page['@odata.nextLink'], options)) rows.push(...more);
          return rows;
        }),
      );
    };
    if (requests.length === 0) return [];
    return (await Promise.all(chunk(requests, MAX_BATCH_REQUESTS).map(send))).flat();
  }

  async create(table: string, row: Row, options: WriteOptions = {}): Promise<string> {
    const path = tableDef(table).entitySetName;
    const response = await this.request({ method: 'POST', path, body: JSON.stringify(row) });
    this.check(response, `POST ${path}`, options.recordKey);
    const id = entityIdFrom(response.headers);
    if (!id) throw new DataverseError({ status: response.status, message: 'create succeeded but returned no OData-EntityId', request: `POST ${path}`, ...(options.recordKey ? { recordKey: options.recordKey } : {}) });
    return id;
  }

  async update(table: string, key: RowKey, row: Row, options: WriteOptions = {}): Promise<void> {
    await this.patch(table, key, row, { ...options, ifMatch: options.ifMatch ?? '*' });
  }

  async upsert(table: string, key: RowKey, row: Row, options: WriteOptions = {}): Promise<void> {
    await this.patch(table, key, row, options);
  }

  async upsertMany(table: string, items: readonly UpsertItem[]): Promise<RowResult[]> {
    if (items.length === 0) return [];
    const bulk = this.options.bulk !== 'never' && (await this.supportsBulk(table));
    // A $batch is priced as one request plus its parts, like UpsertMultiple: same rows per request.
    const chunks = chunk(items, Math.min(MAX_BATCH_REQUESTS, this.options.bulkSize ?? 100));
    const results = await Promise.all(
      chunks.map((part) => (bulk && !hasDuplicateKeys(part) ? this.upsertMultiple(table, part) : this.sendBatch(part.map((item) => upsertOp(table, item)), false))),
    );
    return results.flat();
  }

  async deleteMany(table: string, keys: readonly RowKey[]): Promise<RowResult[]> {
    return this.writeBatch(
      keys.map((key) => ({ kind: 'delete', table, key })),
      { atomic: false },
    );
  }

  async writeBatch(ops: readonly WriteOp[], options: BatchOptions): Promise<RowResult[]> {
    if (ops.length === 0) return [];
    if (options.atomic) {
      if (ops.length > MAX_BATCH_REQUESTS) {
        throw new DataverseError({ status: 400, message: `an atomic change set holds at most ${MAX_BATCH_REQUESTS} writes (got ${ops.length})`, transient: false });
      }
      return this.sendBatch(ops, true);
    }
    const results = await Promise.all(chunk(ops, this.batchSize()).map((part) => this.sendBatch(part, false)));
    return results.flat();
  }

  async entityDefinition(table: string): Promise<EntityDefinition | undefined> {
    // Consistency: Strong — metadata is cached server-side for up to 30 s after a change (notes §8.2).
    const headers = { Consistency: 'Strong' };
    const base = `EntityDefinitions(LogicalName='${table}')`;
    const entity = await this.getJson<{ LogicalName: string; EntitySetName: string; PrimaryIdAttribute: string; MetadataId: string }>(
      `${base}?$select=LogicalName,EntitySetName,PrimaryIdAttribute,MetadataId`,
      headers,
    );
    if (!entity) return undefined;
    const attributes = await this.getJson<{ value: { LogicalName: string }[] }>(`${base}/Attributes?$select=LogicalName`, headers);
    const keys = await this.getJson<{ value: { LogicalName: string; KeyAttributes: string[]; EntityKeyIndexStatus?: string }[] }>(
      `${base}/Keys?$select=LogicalName,KeyAttributes,EntityKeyIndexStatus`,
      headers,
    );
    return {
      logicalName: entity.LogicalName,
      entitySetName: entity.EntitySetName,
      primaryIdAttribute: entity.PrimaryIdAttribute,
      metadataId: entity.MetadataId,
      attributes: (attributes?.value ?? []).map((a) => a.LogicalName),
      keys: (keys?.value ?? []).map((k) => ({ logicalName: k.LogicalName, keyAttributes: k.KeyAttributes, status: k.EntityKeyIndexStatus ?? 'Active' })),
    };
  }

  async execute<T = unknown>(name: string, body?: Row, options: ExecuteOptions = {}): Promise<T | undefined> {
    const path = options.boundTo ? `${tableDef(options.boundTo).entitySetName}/Microsoft.Dynamics.CRM.${name}` : name;
    const method = options.method ?? 'POST';
    const response = await this.request({ method, path, ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}) });
    this.check(response, `${method} ${path}`);
    return response.body ? (JSON.parse(response.body) as T) : undefined;
  }

  async executeMany(calls: readonly ActionCall[]): Promise<RowResult[]> {
    const send = async (part: readonly ActionCall[], offset: number): Promise<RowResult[]> => {
      const keys = part.map((call, i) => call.recordKey ?? `${call.name}#${offset + i + 1}`);
      // Actions change state, so a dropped connection is not retried blindly: the caller re-reads.
      const outcome = await this.postBatch(part.map(actionPart), false, false);
      if ('error' in outcome) return keys.map((recordKey) => ({ ok: false, recordKey, error: outcome.error.forRecord(recordKey) }));
      return keys.map((recordKey, i) => this.partResult(outcome.parts[i], recordKey, `POST ${part[i]!.name}`));
    };
    const size = this.batchSize();
    const results = await Promise.all(chunk(calls, size).map((part, i) => send(part, i * size)));
    return results.flat();
  }

  /**
   * Whether `table` takes UpsertMultiple: Microsoft says a table that supports both
   * CreateMultiple and UpdateMultiple does, and to check rather than assume (bulk-operations).
   * The first call asks for every table of the schema at once (one query per message), so the
   * check is two requests per environment instead of two per table, each on a table's first write.
   */
  async supportsBulk(table: string): Promise<boolean> {
    if (!this.bulkTables) {
      const tables = schema.tables.map((t) => t.logicalName);
      const known = Promise.all(['CreateMultiple', 'UpdateMultiple'].map((message) => this.tablesWithMessage(message, tables))).then(
        ([creates, updates]) => new Set([...creates!].filter((t) => updates!.has(t))),
      );
      this.bulkTables = known;
      known.catch(() => {
        if (this.bulkTables === known) this.bulkTables = undefined;
      });
    }
    return (await this.bulkTables).has(table);
  }

  /** Which of `tables` list `message` in `sdkmessagefilters` (Learn's detection query, for many tables). */
  private async tablesWithMessage(message: string, tables: readonly string[]): Promise<Set<string>> {
    const filter = `sdkmessageid/name eq '${message}' and Microsoft.Dynamics.CRM.In(PropertyName='primaryobjecttypecode',PropertyValues=[${tables.map((t) => `"${t}"`).join(',')}])`;
    const found = new Set<string>();
    let path: string | undefined = `${SDK_MESSAGE_FILTERS}?$select=primaryobjecttypecode&$filter=${encodeURIComponent(filter)}`;
    while (path) {
      const response = await this.request({ method: 'GET', path });
      if (!isSuccess(response.status)) {
        const error = this.toError(response, `GET ${SDK_MESSAGE_FILTERS}`);
        // An environment that cannot answer the question gets $batch, which every table takes.
        if (error.transient) throw error;
        return new Set();
      }
      const page = JSON.parse(response.body) as { value: { primaryobjecttypecode?: unknown }[]; '@odata.nextLink'?: string };
      for (const row of page.value) if (typeof row.primaryobjecttypecode === 'string') found.add(row.primaryobjecttypecode);
      path = page['@odata.nextLink'];
    }
    return found;
  }

  private batchSize(): number {
    return Math.min(MAX_BATCH_REQUESTS, this.options.batchSize ?? 100);
  }

  private async patch(table: string, key: RowKey, row: Row, options: WriteOptions): Promise<void> {
    const path = rowPath(table, key);
    const response = await this.request({ method: 'PATCH', path, headers: conditionHeaders(options), body: JSON.stringify(row) });
    this.check(response, `PATCH ${path}`, options.recordKey);
  }

  private async upsertMultiple(table: string, items: readonly UpsertItem[]): Promise<RowResult[]> {
    const def = tableDef(table);
    const path = `${def.entitySetName}/Microsoft.Dynamics.CRM.UpsertMultiple`;
    const targets = items.map((item) => {
      const target: Row = { '@odata.type': `Microsoft.Dynamics.CRM.${table}` };
      if (typeof item.key === 'string') return { ...target, ...item.row, [def.primaryIdColumn]: item.key };
      // Alternate key in @odata.id only: the key columns in the body fail on create (notes §4.1).
      const row = Object.fromEntries(Object.entries(item.row).filter(([column]) => !(column in (item.key as object))));
      return { ...target, ...row, '@odata.id': `${def.entitySetName}${formatKey(item.key)}` };
    });
    const response = await this.request({ method: 'POST', path, body: JSON.stringify({ Targets: targets }), idempotent: true });
    if (isSuccess(response.status)) {
      return items.map((item, i) => ({ ok: true, recordKey: itemKey(table, item, i), ...(typeof item.key === 'string' ? { id: item.key } : {}) }));
    }
    const error = this.toError(response, `POST ${path}`);
    if (error.transient) return items.map((item, i) => ({ ok: false, recordKey: itemKey(table, item, i), error: error.forRecord(itemKey(table, item, i)) }));
    // All-or-nothing on standard tables, so nothing was written: redo the chunk row by row in
    // $batch to learn which rows are bad and still load the good ones.
    return this.sendBatch(items.map((item) => upsertOp(table, item)), false);
  }

  private async sendBatch(ops: readonly WriteOp[], atomic: boolean): Promise<RowResult[]> {
    const keys = ops.map(recordKeyOf);
    const outcome = await this.postBatch(ops.map(toBatchPart), atomic, ops.every((op) => op.kind !== 'create'));
    if ('error' in outcome) return keys.map((recordKey) => ({ ok: false, recordKey, error: outcome.error.forRecord(recordKey) }));
    if (atomic) return this.changeSetResults(ops, keys, outcome.parts);
    return ops.map((op, i) => {
      const result = this.partResult(outcome.parts[i], keys[i]!, 'POST $batch');
      return result.ok ? { ...result, ...idOf(op, outcome.parts[i]!) } : result;
    });
  }

  /** One `$batch` request: its response parts, or the error that failed the whole batch. */
  private async postBatch(parts: readonly BatchPart[], atomic: boolean, idempotent: boolean): Promise<{ parts: BatchPartResponse[] } | { error: DataverseError }> {
    const { contentType, body } = buildBatch(parts, this.apiUrl, atomic);
    const response = await this.request({
      method: 'POST',
      path: '$batch',
      headers: { 'Content-Type': contentType, ...(atomic ? {} : { Prefer: 'odata.continue-on-error' }) },
      body,
      idempotent,
    });
    const type = response.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/mixed')) return { error: this.toError(response, 'POST $batch') };
    return { parts: parseBatchResponse(type, response.body) };
  }

  /** The result of one independent request in a `$batch`. */
  private partResult(part: BatchPartResponse | undefined, recordKey: string, request: string): RowResult {
    if (!part) {
      return { ok: false, recordKey, error: new DataverseError({ status: 500, message: 'the $batch response has no part for this request', recordKey, transient: false }) };
    }
    if (!isSuccess(part.status)) return { ok: false, recordKey, error: this.toError(part, request, recordKey) };
    return { ok: true, recordKey };
  }

  private changeSetResults(ops: readonly WriteOp[], keys: string[], parts: BatchPartResponse[]): RowResult[] {
    const failed = parts.find((part) => !isSuccess(part.status));
    if (!failed && parts.length === ops.length) {
      return ops.map((op, i) => ({ ok: true, recordKey: keys[i]!, ...idOf(op, parts[i]!) }));
    }
    const failedIndex = failed?.contentId ? Number(failed.contentId) - 1 : parts.indexOf(failed!);
    const failedKey = keys[failedIndex] ?? 'an unknown request';
    const cause = failed ? this.toError(failed, 'POST $batch', failedKey) : new DataverseError({ status: 500, message: 'the change set response is incomplete', transient: false });
    return keys.map((recordKey, i) => {
      if (i === failedIndex) return { ok: false, recordKey, error: cause };
      const error = new DataverseError({
        status: cause.status,
        dataverseCode: cause.dataverseCode,
        message: `not written: the change set was rolled back because ${failedKey} failed: ${cause.detail}`,
        recordKey,
        transient: cause.transient,
        cause,
      });
      return { ok: false, recordKey, error };
    });
  }

  private check(response: WebApiResponse, request: string, recordKey?: string): void {
    if (!isSuccess(response.status)) throw this.toError(response, request, recordKey);
  }

  private toError(response: WebApiResponse, request: string, recordKey?: string): DataverseError {
    const { code, message } = parseErrorBody(response.body);
    const retryAfter = Number(response.headers['retry-after']);
    return new DataverseError({
      status: response.status,
      dataverseCode: code,
      message: message || `HTTP ${response.status}`,
      request,
      ...(recordKey ? { recordKey } : {}),
      ...(Number.isFinite(retryAfter) && response.headers['retry-after'] ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
}

function conditionHeaders(options: { ifMatch?: string | undefined; ifNoneMatch?: string | undefined }): Record<string, string> {
  return {
    ...(options.ifMatch ? { 'If-Match': options.ifMatch } : {}),
    ...(options.ifNoneMatch ? { 'If-None-Match': options.ifNoneMatch } : {}),
  };
}

function upsertOp(table: string, item: UpsertItem): WriteOp {
  return { kind: 'upsert', table, key: item.key, row: item.row, ...(item.recordKey ? { recordKey: item.recordKey } : {}) };
}

function itemKey(table: string, item: UpsertItem, index: number): string {
  return recordKeyOf(upsertOp(table, item), index);
}

function hasDuplicateKeys(items: readonly UpsertItem[]): boolean {
  // UpsertMultiple rejects duplicates in Targets (notes §4.1); $batch applies them in order.
  const seen = new Set(items.map((item) => formatKey(item.key).toLowerCase()));
  return seen.size !== items.length;
}

function toBatchPart(op: WriteOp): BatchPart {
  switch (op.kind) {
    case 'create':
      return { method: 'POST', path: tableDef(op.table).entitySetName, body: JSON.stringify(op.row) };
    case 'update':
      return { method: 'PATCH', path: rowPath(op.table, op.key), headers: conditionHeaders({ ifMatch: op.ifMatch ?? '*', ifNoneMatch: op.ifNoneMatch }), body: JSON.stringify(op.row) };
    case 'upsert':
      return { method: 'PATCH', path: rowPath(op.table, op.key), headers: conditionHeaders(op), body: JSON.stringify(op.row) };
    case 'delete':
      return { method: 'DELETE', path: rowPath(op.table, op.key) };
  }
}

function actionPart(call: ActionCall): BatchPart {
  const path = call.boundTo ? `${tableDef(call.boundTo).entitySetName}/Microsoft.Dynamics.CRM.${call.name}` : call.name;
  return { method: 'POST', path, body: JSON.stringify(call.body ?? {}) };
}

function idOf(op: WriteOp, part: WebApiResponse): { id?: string } {
  const id = entityIdFrom(part.headers) ?? (op.kind !== 'create' && typeof op.key === 'string' ? op.key : undefined);
  return id ? { id } : {};
}
