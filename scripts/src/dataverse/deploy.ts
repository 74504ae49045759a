/**
 * `solution deploy`: sends the schema's metadata requests (solution/src/metadata/requests.ts)
 * in order, skipping every component the environment already has, then publishes. Existing
 * components are read first (EntityDefinitions, Attributes, Keys, GlobalOptionSetDefinitions,
 * RelationshipDefinitions), so a second run sends no metadata write at all. Metadata changes are
 * serialized by Dataverse (0x80090412), so requests go one at a time.
 */
import { LexError } from '../errors';
import { DataverseError, parseErrorBody } from './errors';
import type { WebApiResponse } from './transport';
import type { WebApiClient } from './web-api-client';

/** What deploy needs of a `MetadataRequest`. */
export interface DeployRequest {
  method: 'POST' | 'PUT';
  /** Relative to the Web API root. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
  describes: { kind: string; table?: string; name: string };
}

export interface DeployResult {
  created: number;
  skipped: number;
  published: boolean;
  /** Alternate keys whose index is built (`Active`), as `table.key`. */
  activeKeys: string[];
  /** `table lex_matter`, `column lex_matter.lex_name`, … in the order they were created. */
  createdComponents: string[];
}

export interface DeployOptions {
  /** Told about each component as it is created or skipped. */
  onProgress?: (event: { action: 'created' | 'skipped' | 'published' | 'waiting'; component: string }) => void;
  /**
   * How long to wait for alternate-key indexes to leave Pending/InProgress. Microsoft's
   * BulkOperations sample polls every 15 s for about 5 minutes.
   */
  keyWait?: { timeoutMs: number; pollMs: number };
  sleep?: (ms: number) => Promise<void>;
}

/** Codes meaning "it is already there": a concurrent or earlier run created it. */
const ALREADY_EXISTS = new Set(['0x80044363', '0x80060893', '0x80060894', '0x80047013']);

const lower = (s: string) => s.toLowerCase();

/** What the environment already has, read lazily per table. */
class ExistingComponents {
  private tables?: Set<string>;
  private choices?: Set<string>;
  private relationships?: Set<string>;
  private readonly attributes = new Map<string, Set<string>>();
  private readonly keys = new Map<string, Set<string>>();

  constructor(private readonly client: WebApiClient) {}

  async has({ describes, body }: DeployRequest): Promise<boolean> {
    const name = lower(describes.name);
    switch (describes.kind) {
      case 'table':
        return (await this.tableNames()).has(name);
      case 'choice':
        return (this.choices ??= await this.names('GlobalOptionSetDefinitions?$select=Name', 'Name')).has(name);
      case 'relationship': {
        // Known by its schema name, or by the lookup column it creates (customer lookups are
        // named after the column).
        if ((this.relationships ??= await this.names('RelationshipDefinitions?$select=SchemaName', 'SchemaName', true)).has(name)) return true;
        if (!describes.table || !(await this.tableNames()).has(lower(describes.table))) return false;
        const lookup = lower(String((body as { Lookup?: { SchemaName?: string } } | undefined)?.Lookup?.SchemaName ?? ''));
        const attributes = await this.attributesOf(describes.table);
        return attributes.has(name) || (lookup !== '' && attributes.has(lookup));
      }
      case 'column':
        return !!describes.table && (await this.tableNames()).has(lower(describes.table)) && (await this.attributesOf(describes.table)).has(name);
      case 'key':
        return !!describes.table && (await this.tableNames()).has(lower(describes.table)) && (await this.keysOf(describes.table)).has(name);
      default:
        return false;
    }
  }

  /** After a create: what changed is re-read when next needed. */
  forget(describes: DeployRequest['describes']): void {
    this.tables = undefined;
    this.relationships = undefined;
    if (describes.kind === 'choice') this.choices = undefined;
    for (const table of [describes.table, describes.kind === 'table' ? describes.name : undefined]) {
      if (!table) continue;
      this.attributes.delete(lower(table));
      this.keys.delete(lower(table));
    }
    // A relationship adds a lookup column to a table it may not name: re-read them all.
    if (describes.kind === 'relationship') this.attributes.clear();
  }

  private async tableNames(): Promise<Set<string>> {
    return (this.tables ??= await this.names('EntityDefinitions?$select=LogicalName', 'LogicalName'));
  }

  private async attributesOf(table: string): Promise<Set<string>> {
    const known = this.attributes.get(lower(table));
    if (known) return known;
    const names = await this.names(`EntityDefinitions(LogicalName='${lower(table)}')/Attributes?$select=LogicalName`, 'LogicalName');
    this.attributes.set(lower(table), names);
    return names;
  }

  private async keysOf(table: string): Promise<Set<string>> {
    const known = this.keys.get(lower(table));
    if (known) return known;
    const names = await this.names(`EntityDefinitions(LogicalName='${lower(table)}')/Keys?$select=LogicalName`, 'LogicalName');
    this.keys.set(lower(table), names);
    return names;
  }

  /** `optional`: an environment that cannot list these answers "none", and other checks decide. */
  private async names(path: string, property: string, optional = false): Promise<Set<string>> {
    // Consistency: Strong — metadata reads right after writes may be served from a stale cache.
    const read = this.client.getJson<{ value: Record<string, unknown>[] }>(path, { Consistency: 'Strong' });
    const page = optional ? await read.catch((error: unknown) => (error instanceof DataverseError && !error.transient ? undefined : Promise.reject(error))) : await read;
    return new Set((page?.value ?? []).map((row) => lower(String(row[property] ?? ''))));
  }
}

function componentName(describes: DeployRequest['describes']): string {
  return `${describes.kind} ${describes.table && describes.kind !== 'table' ? `${describes.table}.` : ''}${describes.name}`;
}

function isPublish(request: DeployRequest): boolean {
  return request.describes.kind === 'publish' || /(^|\/)Publish(All)?Xml$/.test(request.path);
}

function deployError(request: DeployRequest, response: WebApiResponse): LexError {
  const { code, message } = parseErrorBody(response.body);
  const cause = new DataverseError({ status: response.status, dataverseCode: code, message, request: `${request.method} ${request.path}` });
  return new LexError({
    code: 'LEX_DEPLOY_FAILED',
    message: `could not create ${componentName(request.describes)}: ${cause.message}`,
    fix: cause.transient
      ? 'the environment is busy or throttling: run `lexbridge solution deploy` again; it skips what was already created'
      : `${cause.fix}; then run \`lexbridge solution deploy\` again (it skips what exists)`,
    location: { field: componentName(request.describes), url: request.path },
    transient: cause.transient,
    cause,
  });
}

export async function deploySolution(client: WebApiClient, requests: readonly DeployRequest[], options: DeployOptions = {}): Promise<DeployResult> {
  const existing = new ExistingComponents(client);
  const result: DeployResult = { created: 0, skipped: 0, published: false, activeKeys: [], createdComponents: [] };
  for (const request of requests) {
    const component = componentName(request.describes);
    if (isPublish(request)) {
      // Always published: a run that stopped after creating but before publishing is finished here.
      const response = await client.request({ method: request.method, path: request.path, headers: request.headers, body: JSON.stringify(request.body ?? {}), idempotent: true });
      if (response.status >= 300) throw deployError(request, response);
      result.published = true;
      options.onProgress?.({ action: 'published', component });
      continue;
    }
    if (await existing.has(request)) {
      result.skipped++;
      options.onProgress?.({ action: 'skipped', component });
      continue;
    }
    const response = await client.request({
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
    });
    if (response.status >= 300) {
      if (ALREADY_EXISTS.has(lower(parseErrorBody(response.body).code))) {
        result.skipped++;
        options.onProgress?.({ action: 'skipped', component });
        continue;
      }
      throw deployError(request, response);
    }
    existing.forget(request.describes);
    result.created++;
    result.createdComponents.push(component);
    options.onProgress?.({ action: 'created', component });
  }
  result.activeKeys = await waitForKeys(client, requests.filter((r) => r.describes.kind === 'key'), options);
  return result;
}

interface KeyState {
  LogicalName: string;
  KeyAttributes: string[];
  EntityKeyIndexStatus?: string;
}

/**
 * Dataverse builds a key's unique index asynchronously (EntityKeyIndexStatus Pending →
 * InProgress → Active), and marks it Failed when existing rows hold duplicates (notes §8.2).
 * Upserts by a key that is not Active fail, so deploy waits, and a Failed key is an error.
 */
async function waitForKeys(client: WebApiClient, keyRequests: readonly DeployRequest[], options: DeployOptions): Promise<string[]> {
  const { timeoutMs, pollMs } = options.keyWait ?? { timeoutMs: 305_000, pollMs: 15_000 };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const tables = [...new Set(keyRequests.map((r) => r.describes.table).filter((t): t is string => !!t))];
  const wanted = new Set(keyRequests.map((r) => `${lower(r.describes.table ?? '')}.${lower(r.describes.name)}`));
  for (let waited = 0; ; waited += pollMs) {
    const states: { name: string; state: KeyState }[] = [];
    for (const table of tables) {
      const page = await client.getJson<{ value: KeyState[] }>(`EntityDefinitions(LogicalName='${lower(table)}')/Keys?$select=LogicalName,KeyAttributes,EntityKeyIndexStatus`, { Consistency: 'Strong' });
      for (const state of page?.value ?? []) {
        const name = `${lower(table)}.${lower(state.LogicalName)}`;
        if (wanted.has(name)) states.push({ name, state });
      }
    }
    const failed = states.filter((k) => k.state.EntityKeyIndexStatus === 'Failed');
    if (failed.length > 0) {
      throw new LexError({
        code: 'LEX_DEPLOY_KEY_FAILED',
        message: `the unique index of ${failed.map((k) => `${k.name} (${k.state.KeyAttributes.join(', ')})`).join(', ')} could not be built: existing rows hold duplicate values`,
        fix: 'find the rows that share a value in those columns (Advanced Find), clear or correct the duplicates, then reactivate the key (ReactivateEntityKey, or the key\'s page in the maker portal) and run `lexbridge solution deploy` again',
        location: { field: failed.map((k) => k.name).join(', ') },
      });
    }
    const pending = states.filter((k) => (k.state.EntityKeyIndexStatus ?? 'Active') !== 'Active');
    if (pending.length === 0) return states.map((k) => k.name);
    if (waited >= timeoutMs) {
      throw new LexError({
        code: 'LEX_DEPLOY_KEY_PENDING',
        message: `alternate-key indexes still building after ${Math.round(timeoutMs / 1000)} s: ${pending.map((k) => `${k.name} (${k.state.EntityKeyIndexStatus})`).join(', ')}`,
        fix: 'large tables take longer: wait, then run `lexbridge solution deploy` again (it skips what exists and checks the keys) before loading',
        location: { field: pending.map((k) => k.name).join(', ') },
        transient: true,
      });
    }
    for (const k of pending) options.onProgress?.({ action: 'waiting', component: `key ${k.name} (${k.state.EntityKeyIndexStatus})` });
    await sleep(pollMs);
  }
}
