/**
 * The source connector contract (Singer / Airbyte CDK style). A connector is
 *   1. a declaration: which entities it reads, their key, cursor field and dependencies, and
 *      its documented rate limit;
 *   2. `discover()`: what is there (entities with counts, custom field definitions, users),
 *      without staging anything;
 *   3. `read(entity, { since, checkpoint })`: one async generator per entity that yields
 *      canonical records, checkpoints and issues.
 *
 * The connector only knows its source. Rate limiting, retries, paging loops (`engine/`) and where
 * checkpoints are stored (`staging/`) belong to shared code, so a new source stays small.
 *
 * Rules for `read`:
 * - stream: never hold a whole export or endpoint in memory;
 * - bad input never stops the stream: yield `{ kind: 'issue' }` (a LexError naming file/line or
 *   record key, field and fix) and go on; a record with a bad field is still yielded with that
 *   field left empty, so record counts stay whole;
 * - yield a checkpoint after each page/chunk: everything yielded before it is durable once the
 *   consumer stores it, and `read(entity, { checkpoint })` must continue right after it;
 * - records may be of any type (a Clio CSV matters file also yields practice areas): counts
 *   are kept per record type (`ENTITY_OF_TYPE`), not per declared entity.
 */
import type { LexError } from '../errors';
import type { CanonicalRecord, CustomFieldDefinitionRecord, DocumentRecord, UserRecord } from '../model/records';
import type { DirtRule } from '../model/quality';
import type { RecordType, SourceSystem } from '../model/keys';

/** The source kinds the CLI knows (`--source`). */
export const SOURCE_KINDS = ['clio-api', 'clio-csv', 'actionstep', 'perfectportal'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Opaque to everyone but the connector that wrote it; must survive JSON. */
export type Checkpoint = { [key: string]: string | number | boolean | null | Checkpoint | (string | number)[] };

export interface EntityDeclaration {
  /** Stream name, e.g. `matters`, `time_entries` (usually an entity name from `ENTITY_OF_TYPE`). */
  name: string;
  /** Field of the source payload that identifies a record (`id`). */
  key: string;
  /** Field used for deltas (`updated_at`); absent when the source cannot filter by change time. */
  cursorField?: string;
  /** Streams to read before this one (references usually point backwards). */
  dependsOn: string[];
}

export interface RateLimitDeclaration {
  /** Requests allowed per window, as documented (Clio: 50 per 60 s at peak). */
  requests: number;
  windowMs: number;
}

export interface SourceDeclaration {
  system: SourceSystem;
  kind: SourceKind;
  entities: EntityDeclaration[];
  rateLimit?: RateLimitDeclaration;
}

export interface DiscoveredEntity {
  name: string;
  /** Record count when the source can tell without a full read (undefined otherwise). */
  count?: number;
}

export interface DiscoverResult {
  entities: DiscoveredEntity[];
  customFieldDefinitions: CustomFieldDefinitionRecord[];
  users: UserRecord[];
}

export interface ReadOptions {
  /** Only records changed after this instant (ISO 8601): a delta pickup. */
  since?: string;
  /** Resume right after this checkpoint (one this connector yielded earlier for the same entity). */
  checkpoint?: Checkpoint;
  signal?: AbortSignal;
}

export type ReadMessage =
  | { kind: 'record'; record: CanonicalRecord }
  | { kind: 'checkpoint'; checkpoint: Checkpoint }
  /**
   * `rule` when the issue is one of the data-quality rules the generator labels. `lost` when the
   * issue keeps a source row out of staging (unreadable, unidentifiable, not a valid record): the
   * row's key (`lostRowKey` when it has no id), so record accounting counts it as failed.
   */
  | { kind: 'issue'; error: LexError; rule?: DirtRule; raw?: unknown; lost?: string };

/**
 * Key of a source row that never became a record and has no id to name it: the record type it
 * would have been, and where it is (`clio:matter:Matters.csv#L12`). Its entity is still the type.
 */
export function lostRowKey(system: SourceSystem, type: RecordType, file: string, line: number): string {
  return `${system}:${type}:${file}#L${line}`;
}

export interface SourceConnector {
  readonly declaration: SourceDeclaration;
  discover(): Promise<DiscoverResult>;
  read(entity: string, options?: ReadOptions): AsyncGenerator<ReadMessage>;
  /** Streams a document's content from its `location`; never buffers it whole. */
  openDocument?(document: DocumentRecord): AsyncIterable<Uint8Array>;
  close?(): Promise<void>;
}

/** What `--from`, `--since` and a profile give a connector when the registry builds it. */
export interface ConnectorOptions {
  /** A directory, a zip file or a base URL, depending on the source. */
  from: string;
  /** Clio CSV: header overrides from the profile's `csvColumns` (file → canonical field → header). */
  csvColumns?: Record<string, Record<string, string>>;
  /** Force a text encoding instead of detecting it (`utf-8`, `utf-16le`, `windows-1252`). */
  encoding?: string;
  /** API sources: credentials/config file and overrides; never logged. */
  config?: Record<string, unknown>;
}

export type ConnectorFactory = (options: ConnectorOptions) => SourceConnector | Promise<SourceConnector>;
