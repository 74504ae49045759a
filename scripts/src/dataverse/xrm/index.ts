/// <reference types="xrm" />
/**
 * The Xrm adapter: `DataverseClient` for code running inside Dynamics (web resources, PCF
 * controls). Reads and single-row writes go through `Xrm.WebApi`, as Microsoft recommends for
 * client scripts; what `Xrm.WebApi` cannot do — upsert by key, `$batch` change sets,
 * `UpsertMultiple`, metadata reads — goes to the same Web API by same-origin `fetch`, which the
 * user's session authenticates. Both roads share the Web API core with the HTTP adapter.
 * `Xrm.WebApi` and `fetch` are passed in; the adapter never reaches for globals.
 */
import { describeKey, formatKey, tableDef, type DataverseClient, type QueryOptions, type QueryRequest, type RetrieveOptions, type Row, type RowKey, type UpsertItem, type WriteOp, type WriteOptions, type BatchOptions, type ExecuteOptions, type ActionCall } from '../client';
import { AdaptiveConcurrency } from '../concurrency';
import { DataverseError } from '../errors';
import { defaultRetryPolicy, retryDelay, type RetryPolicy } from '../retry';
import { createTransport } from '../transport';
import { queryString, WebApiClient } from '../web-api-client';
import { fetchSend } from './fetch-send';

/** The part of `Xrm.WebApi` the adapter uses (so PCF's `context.webAPI` fits too). */
export type XrmWebApi = Pick<Xrm.WebApiOffline, 'createRecord' | 'retrieveRecord' | 'retrieveMultipleRecords' | 'updateRecord' | 'deleteRecord'>;

export interface XrmClientOptions {
  webApi: XrmWebApi;
  /** `Xrm.Utility.getGlobalContext().getClientUrl()`. */
  clientUrl: string;
  /** The page's `fetch`. */
  fetch: typeof fetch;
  /** Browsers keep server affinity and cap connections per host: stay modest. */
  maxParallel?: number;
  bulk?: 'detect' | 'never';
  bulkSize?: number;
  batchSize?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** Status of a Dataverse error code as the Web API would send it (Xrm.WebApi gives only the code). */
const STATUS_BY_CODE: Record<string, number> = {
  '0x80040217': 404,
  '0x80060891': 404,
  '0x8006088a': 404,
  '0x80060892': 412,
  '0x80040237': 412,
  '0x80060882': 412,
  '0x80040225': 403,
  '0x80072322': 429,
  '0x80072321': 429,
  '0x80072326': 429,
};

/** `Xrm.WebApi` rejects with `{ errorCode, message }`; the code is the Dataverse code as a number. */
export function fromXrmError(error: unknown, request: string, recordKey?: string): DataverseError {
  const { errorCode, message } = (error ?? {}) as { errorCode?: number; message?: string };
  const dataverseCode = typeof errorCode === 'number' ? `0x${(errorCode >>> 0).toString(16).padStart(8, '0')}` : '';
  return new DataverseError({
    status: STATUS_BY_CODE[dataverseCode] ?? (dataverseCode ? 400 : 0),
    dataverseCode,
    message: message ?? String(error),
    request,
    ...(recordKey ? { recordKey } : {}),
    cause: error,
  });
}

export class XrmDataverseClient implements DataverseClient {
  /** Same-origin Web API client for what Xrm.WebApi does not offer. */
  readonly webApiClient: WebApiClient;
  private readonly webApi: XrmWebApi;
  private readonly concurrency: AdaptiveConcurrency;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: XrmClientOptions) {
    this.webApi = options.webApi;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    // One parallelism budget for both roads: they spend the same user's service-protection limits.
    this.concurrency = new AdaptiveConcurrency({ initial: 2, max: options.maxParallel ?? 6 });
    const apiUrl = `${options.clientUrl.replace(/\/+$/, '')}/api/data/v9.2/`;
    const transport = createTransport({ apiUrl, send: fetchSend(options.fetch), concurrency: this.concurrency, retry: this.retry, sleep: this.sleep });
    this.webApiClient = new WebApiClient({
      transport,
      apiUrl,
      ...(options.bulk ? { bulk: options.bulk } : {}),
      ...(options.bulkSize ? { bulkSize: options.bulkSize } : {}),
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    });
  }

  async retrieve(table: string, key: RowKey, options: RetrieveOptions = {}): Promise<Row | undefined> {
    tableDef(table);
    if (typeof key !== 'string') return this.webApiClient.retrieve(table, key, options);
    try {
      return await this.viaXrm(`retrieveRecord ${table}${formatKey(key)}`, undefined, () => this.webApi.retrieveRecord(table, key, queryString(options)));
    } catch (error) {
      if (error instanceof DataverseError && error.status === 404 && error.dataverseCode !== '0x8006088a') return undefined;
      throw error;
    }
  }

  async *query(table: string, options: QueryOptions = {}): AsyncIterable<Row[]> {
    tableDef(table);
    let query: string | undefined = queryString(options);
    while (query !== undefined) {
      const options$ = query;
      const page: Xrm.RetrieveMultipleResult = await this.viaXrm(`retrieveMultipleRecords ${table}`, undefined, () =>
        this.webApi.retrieveMultipleRecords(table, options$, options.pageSize),
      );
      yield page.entities as Row[];
      // Microsoft Learn: pass the query part of nextLink back as the options.
      query = page.nextLink ? page.nextLink.slice(page.nextLink.indexOf('?')) : undefined;
    }
  }

  /** Xrm.WebApi has no $batch: the same-origin Web API road takes it. */
  queryMany(requests: readonly QueryRequest[]) {
    return this.webApiClient.queryMany(requests);
  }

  async create(table: string, row: Row, options: WriteOptions = {}): Promise<string> {
    tableDef(table);
    const created = await this.viaXrm(`createRecord ${table}`, options.recordKey, () => this.webApi.createRecord(table, row));
    return created.id.replace(/[{}]/g, '').toLowerCase();
  }

  async update(table: string, key: RowKey, row: Row, options: WriteOptions = {}): Promise<void> {
    // Xrm.WebApi.updateRecord takes a GUID and no ETag; anything else goes the Web API road.
    if (typeof key !== 'string' || (options.ifMatch && options.ifMatch !== '*')) return this.webApiClient.update(table, key, row, options);
    tableDef(table);
    await this.viaXrm(`updateRecord ${table}(${describeKey(key)})`, options.recordKey, () => this.webApi.updateRecord(table, key, row));
  }

  upsert(table: string, key: RowKey, row: Row, options?: WriteOptions): Promise<void> {
    return this.webApiClient.upsert(table, key, row, options);
  }

  upsertMany(table: string, items: readonly UpsertItem[]) {
    return this.webApiClient.upsertMany(table, items);
  }

  deleteMany(table: string, keys: readonly RowKey[]) {
    return this.webApiClient.deleteMany(table, keys);
  }

  writeBatch(ops: readonly WriteOp[], options: BatchOptions) {
    return this.webApiClient.writeBatch(ops, options);
  }

  entityDefinition(table: string) {
    return this.webApiClient.entityDefinition(table);
  }

  execute<T = unknown>(name: string, body?: Row, options?: ExecuteOptions): Promise<T | undefined> {
    return this.webApiClient.execute<T>(name, body, options);
  }

  executeMany(calls: readonly ActionCall[]) {
    return this.webApiClient.executeMany(calls);
  }

  /**
   * One Xrm.WebApi call under the shared parallelism budget, retried on throttling and
   * unavailability. Xrm.WebApi hides `Retry-After`, so a 429 backs off 2^n seconds.
   */
  private async viaXrm<T>(label: string, recordKey: string | undefined, call: () => PromiseLike<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const release = await this.concurrency.acquire();
      try {
        const result = await call();
        release();
        this.concurrency.onSuccess();
        return result;
      } catch (raw) {
        release();
        const error = fromXrmError(raw, label, recordKey);
        if (error.status === 429) this.concurrency.onThrottle();
        const delay = retryDelay(attempt, { kind: 'response', status: error.status }, this.retry);
        if (delay === undefined) throw error;
        await this.sleep(delay);
      }
    }
  }
}
