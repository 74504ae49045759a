/**
 * The Clio Manage API v4 connector: OAuth (authorization code, refresh on 401), every request
 * pinned to one `X-API-VERSION`, cursor paging with `order=id(asc)` following
 * `meta.paging.next`, `updated_since` for deltas, and the engine's limiter fed by Clio's
 * X-RateLimit-* and Retry-After headers. A checkpoint after each page is the next page's URL,
 * so an interrupted extraction resumes where it stopped.
 */
import { LexError } from '../../errors';
import { parseRecord } from '../../model/parse';
import type { DocumentRecord } from '../../model/records';
import type { Checkpoint, ConnectorOptions, DiscoverResult, ReadMessage, ReadOptions, SourceConnector } from '../contract';
import { createHttpClient, parseJsonBody, RateLimiter, redactUrl, systemClock, withRetry, type Clock } from '../engine';
import { resolveClioConfig, type ClioApiConfig } from './config';
import { OAuthSession } from '../engine/oauth';
import { CLIO_STREAMS, LINE_ITEM_FIELDS, type ClioStream } from './streams';
import { mapBill, type MapContext, type Mapped } from './to-canonical';

type Json = Record<string, unknown>;
interface Page {
  data: Json[];
  meta?: { paging?: { next?: string } };
}

export interface ClioConnectorDeps {
  fetch?: typeof fetch;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

export function createClioApiConnector(options: ConnectorOptions, deps: ClioConnectorDeps = {}): SourceConnector {
  return new ClioApiConnector(resolveClioConfig(options, deps.env), deps);
}

export class ClioApiConnector implements SourceConnector {
  readonly declaration;
  private readonly session: OAuthSession;
  private readonly http;
  private readonly clock: Clock;
  private readonly api: string;

  constructor(
    private readonly config: ClioApiConfig,
    private readonly deps: ClioConnectorDeps = {},
  ) {
    this.declaration = {
      system: 'clio' as const,
      kind: 'clio-api' as const,
      entities: CLIO_STREAMS.map(({ name, key, cursorField, dependsOn }) => ({ name, key, cursorField, dependsOn })),
      rateLimit: config.rateLimit,
    };
    this.clock = deps.clock ?? systemClock;
    this.api = `${config.baseUrl}/api/v4`;
    this.session = new OAuthSession(
      {
        tokenUrl: `${config.baseUrl}/oauth/token`,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        refreshToken: config.refreshToken,
        authorizationCode: config.authorizationCode,
        redirectUri: config.redirectUri,
        onRefreshToken: config.onRefreshToken,
      },
      deps.fetch,
    );
    this.http = createHttpClient({
      limiter: new RateLimiter({ ...config.rateLimit, clock: this.clock }),
      retry: { clock: this.clock },
      fetch: deps.fetch,
      headers: () => ({ ...this.session.headers(), accept: 'application/json', 'X-API-VERSION': config.apiVersion }),
      refreshAuth: this.session.refresh,
    });
  }

  async discover(): Promise<DiscoverResult> {
    const result: DiscoverResult = { entities: CLIO_STREAMS.map((s) => ({ name: s.name })), customFieldDefinitions: [], users: [] };
    for await (const message of this.read('custom_field_definitions'))
      if (message.kind === 'record' && message.record.type === 'custom_field_definition') result.customFieldDefinitions.push(message.record);
    for await (const message of this.read('users')) if (message.kind === 'record' && message.record.type === 'user') result.users.push(message.record);
    return result;
  }

  async *read(entity: string, options: ReadOptions = {}): AsyncGenerator<ReadMessage> {
    const stream = CLIO_STREAMS.find((s) => s.name === entity);
    if (!stream) {
      throw new LexError({
        code: 'LEX_SOURCE_CLIO_UNKNOWN_ENTITY',
        message: `the Clio connector has no entity "${entity}"`,
        fix: `Use one of: ${CLIO_STREAMS.map((s) => s.name).join(', ')}.`,
      });
    }
    if (options.checkpoint && options.checkpoint.next === null) return; // read to its end already
    await this.session.ensure();
    const context: MapContext = {
      apiVersion: this.config.apiVersion,
      utbmsCodes: stream.name === 'activities' ? await this.utbmsCodes(options.signal) : new Map(),
      today: new Date(this.clock.now()).toISOString().slice(0, 10),
    };
    const resumeAt = typeof options.checkpoint?.next === 'string' ? `${this.config.baseUrl}${options.checkpoint.next}` : undefined;
    let url: string | undefined = resumeAt ?? this.firstPageUrl(stream, options.since);
    while (url) {
      const page: Page = await this.getJson<Page>(url, options.signal);
      for (const raw of page.data ?? []) {
        const mapped = stream.name === 'bills' ? mapBill(raw, await this.lineItems(raw.id, options.signal)) : stream.map(raw, context);
        yield* this.messages(mapped);
      }
      const next: string | undefined = page.meta?.paging?.next;
      url = next && next !== url ? next : undefined;
      const checkpoint: Checkpoint = { next: url ? relative(url) : null };
      yield { kind: 'checkpoint', checkpoint };
    }
  }

  /** Streams the latest version: `/documents/{id}/download` answers 303 to a short-lived file URL. */
  async *openDocument(document: DocumentRecord): AsyncIterable<Uint8Array> {
    if (document.location.kind !== 'api') return;
    await this.session.ensure();
    const redirect = await this.http.send(`${this.api}/documents/${encodeURIComponent(document.location.id)}/download.json`, {}, 'manual');
    const location = redirect.headers.get('location');
    await redirect.body.body?.cancel();
    if (redirect.status !== 303 || !location) {
      throw new LexError({
        code: 'LEX_SOURCE_CLIO_DOWNLOAD',
        message: `expected a 303 redirect to the file, got ${redirect.status}`,
        fix: 'Check the document still exists in Clio, then rerun the load; the document is reported until then.',
        location: { recordKey: document.sourceKey, url: redactUrl(redirect.url) },
      });
    }
    // The file URL is pre-signed: no bearer token goes to the storage host.
    const file = await (this.deps.fetch ?? fetch)(new URL(location, this.api).toString());
    if (!file.ok || !file.body) {
      throw new LexError({
        code: 'LEX_SOURCE_CLIO_DOWNLOAD',
        message: `the file URL answered ${file.status}`,
        fix: 'The signed link may have expired; rerun the load to get a fresh one.',
        location: { recordKey: document.sourceKey, url: redactUrl(location) },
        transient: true,
      });
    }
    for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) yield chunk;
  }

  private firstPageUrl(stream: ClioStream, since?: string): string {
    const url = new URL(`${this.api}/${stream.path}.json`);
    url.searchParams.set('fields', stream.fields);
    // the only order that allows unlimited cursor paging (communications default to date)
    url.searchParams.set('order', 'id(asc)');
    // users pages go up to 2000 (the spec's cap there): fewer requests under the rate limit
    url.searchParams.set('limit', String(stream.path === 'users' && this.config.pageSize === 200 ? 2000 : this.config.pageSize));
    if (since) url.searchParams.set('updated_since', since);
    return url.toString();
  }

  private *messages(mapped: Mapped): Generator<ReadMessage> {
    for (const issue of mapped.issues) yield { kind: 'issue', error: issue.error, rule: issue.rule };
    for (const input of mapped.records) {
      const record = parseRecord(input);
      if (record instanceof LexError) yield { kind: 'issue', error: record, raw: input.raw, lost: input.sourceKey };
      else yield { kind: 'record', record };
    }
  }

  private async lineItems(billId: unknown, signal?: AbortSignal): Promise<Json[]> {
    const items: Json[] = [];
    const url = new URL(`${this.api}/line_items.json`);
    url.searchParams.set('bill_id', String(billId));
    url.searchParams.set('fields', LINE_ITEM_FIELDS);
    url.searchParams.set('order', 'id(asc)');
    url.searchParams.set('limit', '200');
    for (let next: string | undefined = url.toString(); next; ) {
      const page: Page = await this.getJson<Page>(next, signal);
      items.push(...(page.data ?? []));
      next = page.meta?.paging?.next;
    }
    return items;
  }

  private async utbmsCodes(signal?: AbortSignal): Promise<Map<number, string>> {
    const codes = new Map<number, string>();
    for (let next: string | undefined = `${this.api}/utbms/codes.json?fields=id,code&order=id(asc)&limit=200`; next; ) {
      const page: Page = await this.getJson<Page>(next, signal);
      for (const code of page.data ?? []) if (typeof code.id === 'number' && typeof code.code === 'string') codes.set(code.id, code.code);
      next = page.meta?.paging?.next;
    }
    return codes;
  }

  /** GET + parse; a body that is not JSON (a proxy's HTML page, a cut-off response) is retried, then reported. */
  private getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
    return withRetry(
      async () => {
        const response = await this.http.send(url, { method: 'GET' });
        const version = response.headers.get('x-api-version');
        if (version && version !== this.config.apiVersion) {
          throw new LexError({
            code: 'LEX_SOURCE_CLIO_API_VERSION',
            message: `Clio answered with API version ${version}, not the pinned ${this.config.apiVersion}`,
            fix: 'Time-entry units depend on the version: set apiVersion in the source config to a version Clio supports.',
            location: { url: redactUrl(url) },
          });
        }
        return parseJsonBody<T>(await response.body.text(), response.headers.get('content-type'), url, 'LEX_SOURCE_CLIO_BAD_JSON');
      },
      { clock: this.clock, retries: 4, baseMs: 200, signal },
    );
  }
}

/** Checkpoints keep path and query only, so they hold no host and survive a base-URL change. */
function relative(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}
