/**
 * The Actionstep API connector: OAuth (authorization code, refresh on 401, the newest refresh
 * token kept), every call sent to the org's `api_endpoint` from the token response with
 * `Accept: application/vnd.api+json`, `page`/`pageSize` paging (≤ 200) until
 * `meta.paging.{resource}.nextPage` is gone, `include=` for related records, `*_gteq` filters
 * for deltas, and the engine's limiter (Actionstep sends no rate headers, so a 429 waits a
 * window share and retries). A checkpoint after each page names the next page.
 */
import { LexError } from '../../errors';
import { parseRecord } from '../../model/parse';
import type { DocumentRecord } from '../../model/records';
import type { ConnectorOptions, DiscoverResult, ReadMessage, ReadOptions, SourceConnector } from '../contract';
import { createHttpClient, parseJsonBody, RateLimiter, redactUrl, systemClock, withRetry, type Clock } from '../engine';
import { OAuthSession } from '../engine/oauth';
import type { Mapped } from './to-canonical';
import { resolveActionstepConfig, type ActionstepConfig } from './config';
import { ACTIONSTEP_STREAMS } from './streams';
import { asArray, toFilterTimestamp } from './values';

type Json = Record<string, unknown>;
const VND = 'application/vnd.api+json';

export interface ActionstepConnectorDeps {
  fetch?: typeof fetch;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

export function createActionstepConnector(options: ConnectorOptions, deps: ActionstepConnectorDeps = {}): SourceConnector {
  return new ActionstepConnector(resolveActionstepConfig(options, deps.env), deps);
}

export class ActionstepConnector implements SourceConnector {
  readonly declaration;
  private readonly session: OAuthSession;
  private readonly http;
  private readonly clock: Clock;
  private staff: Set<number> | undefined;

  constructor(
    private readonly config: ActionstepConfig,
    deps: ActionstepConnectorDeps = {},
  ) {
    this.declaration = {
      system: 'actionstep' as const,
      kind: 'actionstep' as const,
      entities: ACTIONSTEP_STREAMS.map(({ name, key, cursorField, dependsOn }) => ({ name, key, cursorField, dependsOn })),
      rateLimit: config.rateLimit,
    };
    this.clock = deps.clock ?? systemClock;
    this.session = new OAuthSession(
      {
        tokenUrl: `${config.authBaseUrl}/api/oauth/token`,
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
      headers: () => ({ ...this.session.headers(), accept: VND, 'content-type': VND }),
      refreshAuth: this.session.refresh,
    });
  }

  async discover(): Promise<DiscoverResult> {
    const result: DiscoverResult = { entities: [], customFieldDefinitions: [], users: [] };
    // page 1 of one record says how many there are (`recordCount`)
    const countOf = async (resource: string, query: Record<string, string> = {}): Promise<number | undefined> => {
      const body = await this.getJson(this.pageUrl(resource, 1, 1, query));
      const count = ((body.meta as Json | undefined)?.paging as Record<string, Json> | undefined)?.[resource]?.recordCount;
      return typeof count === 'number' ? count : undefined;
    };
    const users = await countOf('participantdefaulttypes', { participantType_eq: String(await this.staffTypeId()) });
    for (const stream of ACTIONSTEP_STREAMS) {
      let count: number | undefined;
      if (stream.name === 'users') count = users;
      // contacts are the participants that are not users
      else if (stream.name === 'contacts') count = ((all) => (all === undefined || users === undefined ? undefined : all - users))(await countOf(stream.resource));
      else count = await countOf(stream.resource);
      result.entities.push({ name: stream.name, count });
    }
    for await (const m of this.read('custom_field_definitions')) if (m.kind === 'record' && m.record.type === 'custom_field_definition') result.customFieldDefinitions.push(m.record);
    for await (const m of this.read('users')) if (m.kind === 'record' && m.record.type === 'user') result.users.push(m.record);
    return result;
  }

  async *read(entity: string, options: ReadOptions = {}): AsyncGenerator<ReadMessage> {
    const stream = ACTIONSTEP_STREAMS.find((s) => s.name === entity);
    if (!stream) {
      throw new LexError({
        code: 'LEX_SOURCE_ACTIONSTEP_UNKNOWN_ENTITY',
        message: `the Actionstep connector has no entity "${entity}"`,
        fix: `Use one of: ${ACTIONSTEP_STREAMS.map((s) => s.name).join(', ')}.`,
      });
    }
    const start = options.checkpoint?.page;
    if (start === null) return; // read to its end already
    const staff = stream.name === 'contacts' ? await this.staffIds(options.signal) : new Set<number>();
    const filters: Record<string, string> = {};
    if (options.since && stream.cursorField) filters[`${stream.cursorField}_gteq`] = toFilterTimestamp(options.since);
    if (stream.name === 'users') filters.participantType_eq = String(await this.staffTypeId(options.signal));

    for (let page = typeof start === 'number' ? start : 1; ; page++) {
      const body = await this.getJson(this.pageUrl(stream.resource, page, this.config.pageSize, { ...filters, ...(stream.include ? { include: stream.include } : {}) }), options.signal);
      const linked = Object.fromEntries(Object.entries((body.linked as Json | undefined) ?? {}).map(([k, v]) => [k, asArray(v as Json | Json[])]));
      for (const raw of asArray(body[stream.resource] as Json | Json[] | undefined)) yield* this.messages(stream.map(raw, { linked, staff }));
      const paging = ((body.meta as Json | undefined)?.paging as Record<string, Json> | undefined)?.[stream.resource];
      const more = typeof paging?.nextPage === 'string' && paging.nextPage !== '';
      yield { kind: 'checkpoint', checkpoint: { page: more ? page + 1 : null } };
      if (!more) return;
    }
  }

  /** Document contents come in 5 MB parts: `/files/{id}?part_number=N`, the identifier not percent-encoded. */
  async *openDocument(document: DocumentRecord): AsyncIterable<Uint8Array> {
    if (document.location.kind !== 'api') return;
    const api = await this.apiEndpoint();
    // `::` and `;` stay as they are; Actionstep rejects them encoded
    const id = encodeURIComponent(document.location.id).replace(/%3A/gi, ':').replace(/%3B/gi, ';');
    for (let part = 1, parts = 1; part <= parts; part++) {
      const response = await this.http.send(`${api}rest/files/${id}?part_number=${part}`);
      parts = Number(response.headers.get('x-part-count') ?? '1') || 1;
      const body = response.body.body;
      if (!body) throw new LexError({ code: 'LEX_SOURCE_ACTIONSTEP_DOWNLOAD', message: 'empty file part', fix: 'Rerun the load; the document is reported until then.', location: { recordKey: document.sourceKey, url: redactUrl(response.url) } });
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield chunk;
    }
  }

  private async apiEndpoint(): Promise<string> {
    await this.session.ensure();
    const endpoint = this.session.lastGrant?.api_endpoint;
    if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint)) {
      throw new LexError({
        code: 'LEX_SOURCE_ACTIONSTEP_NO_ENDPOINT',
        message: 'the token response names no api_endpoint',
        fix: 'Check the token URL is Actionstep’s (api.actionstep.com) and reconnect the source.',
        location: { url: `${this.config.authBaseUrl}/api/oauth/token` },
      });
    }
    return endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  }

  private pageUrl(resource: string, page: number, pageSize: number, query: Record<string, string> = {}): Promise<string> {
    return this.apiEndpoint().then((api) => {
      const url = new URL(`${api}rest/${resource}`);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      url.searchParams.set('sort', 'id');
      url.searchParams.set('page', String(page));
      url.searchParams.set('pageSize', String(pageSize));
      return url.toString();
    });
  }

  /** The id of the participant type that marks users (by name, `Staff` by default). */
  private async staffTypeId(signal?: AbortSignal): Promise<number> {
    const body = await this.getJson(this.pageUrl('participanttypes', 1, 200, { name_eq: this.config.staffParticipantType }), signal);
    const type = asArray(body.participanttypes as Json | Json[] | undefined)[0];
    if (!type) {
      throw new LexError({
        code: 'LEX_SOURCE_ACTIONSTEP_NO_STAFF_TYPE',
        message: `no participant type named "${this.config.staffParticipantType}"`,
        fix: 'Set staffParticipantType in the source config to the participant type that marks your users.',
        location: { field: 'staffParticipantType' },
      });
    }
    return Number(type.id);
  }

  private async staffIds(signal?: AbortSignal): Promise<Set<number>> {
    if (this.staff) return this.staff;
    const staff = new Set<number>();
    const typeId = await this.staffTypeId(signal);
    for (let page = 1; ; page++) {
      const body = await this.getJson(this.pageUrl('participantdefaulttypes', page, 200, { participantType_eq: String(typeId) }), signal);
      for (const row of asArray(body.participantdefaulttypes as Json | Json[] | undefined)) staff.add(Number((row.links as Json | undefined)?.participant));
      const paging = ((body.meta as Json | undefined)?.paging as Record<string, Json> | undefined)?.participantdefaulttypes;
      if (!(typeof paging?.nextPage === 'string' && paging.nextPage)) break;
    }
    return (this.staff = staff);
  }

  private *messages(mapped: Mapped): Generator<ReadMessage> {
    for (const issue of mapped.issues) yield { kind: 'issue', error: issue.error, rule: issue.rule };
    for (const input of mapped.records) {
      const record = parseRecord(input);
      if (record instanceof LexError) yield { kind: 'issue', error: record, raw: input.raw, lost: input.sourceKey };
      else yield { kind: 'record', record };
    }
  }

  private getJson(url: string | Promise<string>, signal?: AbortSignal): Promise<Json> {
    return withRetry(
      async () => {
        const target = await url;
        const response = await this.http.send(target, { method: 'GET' });
        return parseJsonBody<Json>(await response.body.text(), response.headers.get('content-type'), target, 'LEX_SOURCE_ACTIONSTEP_BAD_JSON');
      },
      { clock: this.clock, retries: 4, baseMs: 200, signal },
    );
  }
}
