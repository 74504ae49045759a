/**
 * The staging store: one SQLite file per extraction (`<out>/staging.sqlite`). Sample, full run
 * and delta pickups all read from here, so a rate-limited source is extracted once.
 *
 * Tables:
 * - `records`: one row per source key: canonical record, raw payload, content hash, when first
 *   and last extracted. Re-extracting (a resumed run, a delta, a newer export) replaces the row;
 *   within one extraction the first row wins: a second row with the same key and other content
 *   is an issue naming both rows, counted as a lost row (`LEX_STAGING_DUPLICATE_KEY`);
 * - `record_versions`: (source key, run) → content hash and time: the history of extractions;
 * - `refs`: references between records, for the orphan check;
 * - `issues`: every bad input with its location, keyed so a rerun does not repeat it;
 * - `runs` and `checkpoints`: one run per `extract` invocation; an unfinished run is resumed
 *   from its per-entity checkpoints.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LexError } from '../errors';
import { duplicateKeyOf, ENTITY_OF_TYPE, referencesOf, stableStringify, type CanonicalRecord, type DirtRule } from '../model';
import type { Checkpoint } from '../sources/contract';
import type { CheckpointStore } from '../sources/engine/checkpoints';

export const STAGING_FILE = 'staging.sqlite';

export interface StagedIssue {
  entity: string;
  sourceKey?: string;
  rule?: DirtRule;
  code: string;
  message: string;
  fix: string;
  location: LexError['location'];
  raw?: unknown;
  /** Key of the source row this issue kept out of staging (a failed record in the run's accounting). */
  lost?: string;
}

/** A source row that never became a record, with the issue that says why. */
export interface LostRecord {
  sourceKey: string;
  code: string;
  message: string;
  fix: string;
}

export interface RunInfo {
  id: number;
  source: string;
  from: string;
  since: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** `duplicate`: a second, different row with a source key this extraction already staged (kept out, reported). */
export type UpsertOutcome = 'new' | 'changed' | 'unchanged' | 'duplicate';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, source TEXT NOT NULL, from_location TEXT NOT NULL, since TEXT,
  started_at TEXT NOT NULL, finished_at TEXT);
CREATE TABLE IF NOT EXISTS records (
  source_key TEXT PRIMARY KEY, entity TEXT NOT NULL, type TEXT NOT NULL, record TEXT NOT NULL, raw TEXT NOT NULL,
  content_hash TEXT NOT NULL, updated_at TEXT NOT NULL, duplicate_key TEXT, seq INTEGER NOT NULL,
  first_extracted_at TEXT NOT NULL, extracted_at TEXT NOT NULL, run_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS records_entity ON records(entity, seq);
CREATE INDEX IF NOT EXISTS records_duplicate ON records(duplicate_key) WHERE duplicate_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS record_versions (
  source_key TEXT NOT NULL, run_id INTEGER NOT NULL, extracted_at TEXT NOT NULL, content_hash TEXT NOT NULL,
  PRIMARY KEY (source_key, run_id));
CREATE TABLE IF NOT EXISTS refs (
  source_key TEXT NOT NULL, field TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (source_key, field, target));
CREATE INDEX IF NOT EXISTS refs_target ON refs(target);
CREATE TABLE IF NOT EXISTS issues (
  issue_key TEXT PRIMARY KEY, run_id INTEGER NOT NULL, entity TEXT NOT NULL, source_key TEXT, rule TEXT,
  code TEXT NOT NULL, message TEXT NOT NULL, fix TEXT NOT NULL, location TEXT NOT NULL, raw TEXT, seq INTEGER NOT NULL, lost_key TEXT);
CREATE TABLE IF NOT EXISTS checkpoints (
  run_id INTEGER NOT NULL, entity TEXT NOT NULL, checkpoint TEXT, completed INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL, PRIMARY KEY (run_id, entity));
`;

export class StagingStore {
  readonly file: string;
  private readonly db: Database.Database;
  private seq: number;
  private readonly statements;

  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.file = file;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    // Stores staged before lost rows were recorded gain the column (their lost rows stay unknown).
    if (!(this.db.prepare("SELECT 1 FROM pragma_table_info('issues') WHERE name = 'lost_key'").get())) this.db.exec('ALTER TABLE issues ADD COLUMN lost_key TEXT');
    this.seq = (this.db.prepare('SELECT MAX(m) AS m FROM (SELECT MAX(seq) AS m FROM records UNION ALL SELECT MAX(seq) FROM issues)').get() as { m: number | null }).m ?? 0;
    this.statements = {
      hashOf: this.db.prepare<[string], { content_hash: string; run_id: number; file: string | null; line: number | null }>(
        "SELECT content_hash, run_id, json_extract(record, '$.origin.file') AS file, json_extract(record, '$.origin.line') AS line FROM records WHERE source_key = ?",
      ),
      insertRecord: this.db.prepare(
        `INSERT INTO records (source_key, entity, type, record, raw, content_hash, updated_at, duplicate_key, seq, first_extracted_at, extracted_at, run_id)
         VALUES (@sourceKey, @entity, @type, @record, @raw, @hash, @updatedAt, @duplicateKey, @seq, @now, @now, @runId)
         ON CONFLICT(source_key) DO UPDATE SET entity = excluded.entity, type = excluded.type, record = excluded.record, raw = excluded.raw,
           content_hash = excluded.content_hash, updated_at = excluded.updated_at, duplicate_key = excluded.duplicate_key,
           extracted_at = excluded.extracted_at, run_id = excluded.run_id`,
      ),
      version: this.db.prepare('INSERT OR REPLACE INTO record_versions (source_key, run_id, extracted_at, content_hash) VALUES (?, ?, ?, ?)'),
      deleteRefs: this.db.prepare('DELETE FROM refs WHERE source_key = ?'),
      insertRef: this.db.prepare('INSERT OR IGNORE INTO refs (source_key, field, target) VALUES (?, ?, ?)'),
      insertIssue: this.db.prepare(
        `INSERT INTO issues (issue_key, run_id, entity, source_key, rule, code, message, fix, location, raw, seq, lost_key)
         VALUES (@issueKey, @runId, @entity, @sourceKey, @rule, @code, @message, @fix, @location, @raw, @seq, @lostKey)
         ON CONFLICT(issue_key) DO UPDATE SET run_id = excluded.run_id, message = excluded.message, lost_key = excluded.lost_key`,
      ),
      putCheckpoint: this.db.prepare(
        `INSERT INTO checkpoints (run_id, entity, checkpoint, completed, updated_at) VALUES (?, ?, ?, 0, ?)
         ON CONFLICT(run_id, entity) DO UPDATE SET checkpoint = excluded.checkpoint, updated_at = excluded.updated_at`,
      ),
    };
  }

  static open(outDir: string): StagingStore {
    return new StagingStore(path.join(outDir, STAGING_FILE));
  }

  close(): void {
    this.db.close();
  }

  /** Resumes the last unfinished run of the same source and `since`, or starts a new one. */
  beginRun(source: string, from: string, since: string | undefined): { run: RunInfo; resumed: boolean } {
    const last = this.db
      .prepare('SELECT * FROM runs WHERE source = ? AND since IS ? ORDER BY id DESC LIMIT 1')
      .get(source, since ?? null) as RunRow | undefined;
    if (last && !last.finished_at) return { run: toRun(last), resumed: true };
    const startedAt = new Date().toISOString();
    const id = Number(this.db.prepare('INSERT INTO runs (source, from_location, since, started_at) VALUES (?, ?, ?, ?)').run(source, from, since ?? null, startedAt).lastInsertRowid);
    return { run: { id, source, from, since: since ?? null, startedAt, finishedAt: null }, resumed: false };
  }

  finishRun(runId: number): void {
    this.db.prepare('UPDATE runs SET finished_at = ? WHERE id = ?').run(new Date().toISOString(), runId);
  }

  checkpoints(runId: number): CheckpointStore {
    const db = this.db;
    return {
      get: (entity) => {
        const row = db.prepare('SELECT checkpoint FROM checkpoints WHERE run_id = ? AND entity = ?').get(runId, entity) as { checkpoint: string | null } | undefined;
        return row?.checkpoint ? (JSON.parse(row.checkpoint) as Checkpoint) : undefined;
      },
      put: (entity, checkpoint) => void this.statements.putCheckpoint.run(runId, entity, JSON.stringify(checkpoint), new Date().toISOString()),
      complete: (entity) =>
        void db
          .prepare(
            `INSERT INTO checkpoints (run_id, entity, checkpoint, completed, updated_at) VALUES (?, ?, NULL, 1, ?)
             ON CONFLICT(run_id, entity) DO UPDATE SET completed = 1, updated_at = excluded.updated_at`,
          )
          .run(runId, entity, new Date().toISOString()),
      isComplete: (entity) => !!(db.prepare('SELECT completed FROM checkpoints WHERE run_id = ? AND entity = ?').get(runId, entity) as { completed: number } | undefined)?.completed,
    };
  }

  /**
   * Writes records and issues read since the last checkpoint, and the checkpoint itself, in one
   * transaction: after a crash, staging holds exactly what the checkpoint says was read.
   */
  commit(runId: number, batch: { records: CanonicalRecord[]; issues: StagedIssue[]; checkpoint?: { entity: string; value: Checkpoint } }): Record<UpsertOutcome, number> {
    const outcomes: Record<UpsertOutcome, number> = { new: 0, changed: 0, unchanged: 0, duplicate: 0 };
    this.db.transaction(() => {
      const now = new Date().toISOString();
      for (const record of batch.records) outcomes[this.upsert(runId, record, now)]++;
      for (const issue of batch.issues) this.addIssue(runId, issue);
      if (batch.checkpoint) this.statements.putCheckpoint.run(runId, batch.checkpoint.entity, JSON.stringify(batch.checkpoint.value), now);
    })();
    return outcomes;
  }

  private upsert(runId: number, record: CanonicalRecord, now: string): UpsertOutcome {
    const { raw, ...canonical } = record;
    const hash = contentHash(record);
    const staged = this.statements.hashOf.get(record.sourceKey);
    const previous = staged?.content_hash;
    // Staged earlier in this same extraction from another place (not the same row read again
    // after a resume), with other content: keep the first, report the second as lost.
    const elsewhere = staged && staged.run_id === runId && (staged.file !== (record.origin?.file ?? null) || staged.line !== (record.origin?.line ?? null));
    if (staged && elsewhere && previous !== hash) {
      this.addDuplicateKey(runId, record, { file: staged.file, line: staged.line });
      return 'duplicate';
    }
    this.statements.insertRecord.run({
      sourceKey: record.sourceKey,
      entity: ENTITY_OF_TYPE[record.type],
      type: record.type,
      record: JSON.stringify(canonical),
      raw: JSON.stringify(raw),
      hash,
      updatedAt: record.updatedAt,
      duplicateKey: duplicateKeyOf(record) ?? null,
      seq: ++this.seq,
      now,
      runId,
    });
    this.statements.version.run(record.sourceKey, runId, now, hash);
    this.statements.deleteRefs.run(record.sourceKey);
    for (const { field, ref } of referencesOf(record)) this.statements.insertRef.run(record.sourceKey, field, ref);
    return previous === undefined ? 'new' : previous === hash ? 'unchanged' : 'changed';
  }

  private addDuplicateKey(runId: number, record: CanonicalRecord, first: { file: string | null; line: number | null }): void {
    const at = (file: string | null | undefined, line: number | null | undefined) => (file ? `${file}${line ? `:${line}` : ''}` : 'an earlier read');
    const origin = record.origin;
    const { raw } = record;
    this.addIssue(runId, {
      entity: ENTITY_OF_TYPE[record.type],
      sourceKey: record.sourceKey,
      code: 'LEX_STAGING_DUPLICATE_KEY',
      message: `${record.sourceKey} appears twice with different values: ${at(first.file, first.line)} was kept, ${at(origin?.file, origin?.line)} was not staged (its values are in this issue)`,
      fix: `Keep one row per id in the source export (merge the two, or give the second its own id) and extract again; until then the row at ${at(first.file, first.line)} is the one migrated.`,
      location: { file: origin?.file, line: origin?.line, recordKey: record.sourceKey, field: 'id' },
      raw,
      // A key of its own, so the run counts the row that did not make it as extracted and failed.
      lost: `${record.key.system}:${record.type}:${origin?.file ? `${origin.file}#L${origin.line ?? 0}` : `${record.key.id}#duplicate`}`,
    });
  }

  private addIssue(runId: number, issue: StagedIssue): void {
    const where = issue.location;
    const issueKey = createHash('sha1')
      .update([issue.entity, issue.code, issue.rule ?? '', issue.sourceKey ?? '', where.file ?? '', where.line ?? '', where.field ?? '', where.url ?? ''].join('\u0000'))
      .digest('hex');
    this.statements.insertIssue.run({
      issueKey,
      runId,
      entity: issue.entity,
      sourceKey: issue.sourceKey ?? null,
      rule: issue.rule ?? null,
      code: issue.code,
      message: issue.message,
      fix: issue.fix,
      location: JSON.stringify(where),
      raw: issue.raw === undefined ? null : JSON.stringify(issue.raw),
      seq: ++this.seq,
      lostKey: issue.lost ?? null,
    });
  }

  /**
   * Checks that need every record: duplicate contacts (same email, else same name; the first
   * one extracted is the original) and orphans (a reference to a record staging does not hold).
   * Recomputed from scratch each time, so reruns and deltas give the same answer.
   */
  checkAcrossRecords(runId: number): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM issues WHERE rule IN ('duplicate', 'orphan') AND code IN ('LEX_STAGING_DUPLICATE', 'LEX_STAGING_ORPHAN')").run();
      const duplicates = this.db
        .prepare(
          `SELECT r.source_key, r.entity, r.duplicate_key, o.source_key AS original FROM records r
           JOIN records o ON o.duplicate_key = r.duplicate_key AND o.seq < r.seq
           WHERE r.duplicate_key IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM records e WHERE e.duplicate_key = r.duplicate_key AND e.seq < o.seq)`,
        )
        .all() as { source_key: string; entity: string; duplicate_key: string; original: string }[];
      for (const d of duplicates)
        this.addIssue(runId, {
          entity: d.entity,
          sourceKey: d.source_key,
          rule: 'duplicate',
          code: 'LEX_STAGING_DUPLICATE',
          message: `${d.source_key} looks like a duplicate of ${d.original} (same ${d.duplicate_key.split(':')[0]})`,
          fix: 'Merge the two in the source, or leave both: pre-flight matches contacts by email before loading.',
          location: { recordKey: d.source_key, field: d.duplicate_key.startsWith('email:') ? 'emails' : 'name' },
        });
      const orphans = this.db
        .prepare(
          `SELECT f.source_key, f.field, f.target, r.entity FROM refs f JOIN records r ON r.source_key = f.source_key
           LEFT JOIN records t ON t.source_key = f.target WHERE t.source_key IS NULL`,
        )
        .all() as { source_key: string; field: string; target: string; entity: string }[];
      for (const o of orphans)
        this.addIssue(runId, {
          entity: o.entity,
          sourceKey: o.source_key,
          rule: 'orphan',
          code: 'LEX_STAGING_ORPHAN',
          message: `${o.source_key} refers to ${o.target}, which the source does not have`,
          fix: 'Check the export is complete (re-export that file), or fix the reference in the source; the record loads without that link.',
          location: { recordKey: o.source_key, field: o.field },
        });
    })();
  }

  counts(): Record<string, number> {
    const rows = this.db.prepare('SELECT entity, COUNT(*) AS n FROM records GROUP BY entity ORDER BY entity').all() as { entity: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.entity, r.n]));
  }

  issueCounts(): Record<string, number> {
    const rows = this.db.prepare('SELECT entity, COUNT(*) AS n FROM issues GROUP BY entity ORDER BY entity').all() as { entity: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.entity, r.n]));
  }

  issues(): StagedIssue[] {
    const rows = this.db.prepare('SELECT * FROM issues ORDER BY seq').all() as IssueRow[];
    return rows.map((r) => ({
      entity: r.entity,
      sourceKey: r.source_key ?? undefined,
      rule: (r.rule as DirtRule | null) ?? undefined,
      code: r.code,
      message: r.message,
      fix: r.fix,
      location: JSON.parse(r.location) as LexError['location'],
      raw: r.raw === null ? undefined : (JSON.parse(r.raw) as unknown),
      ...(r.lost_key ? { lost: r.lost_key } : {}),
    }));
  }

  /**
   * Source rows that never became records (unreadable, unidentifiable, invalid), one per key, in
   * the order they were met. A row a later extraction did stage (the export was fixed) is not lost.
   */
  lostRecords(): LostRecord[] {
    const rows = this.db
      .prepare(
        `SELECT i.lost_key, i.code, i.message, i.fix FROM issues i
         WHERE i.lost_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM records r WHERE r.source_key = i.lost_key)
         ORDER BY i.seq`,
      )
      .all() as { lost_key: string; code: string; message: string; fix: string }[];
    const byKey = new Map<string, LostRecord>();
    for (const r of rows) if (!byKey.has(r.lost_key)) byKey.set(r.lost_key, { sourceKey: r.lost_key, code: r.code, message: r.message, fix: r.fix });
    return [...byKey.values()];
  }

  /** Records of one entity in extraction order, canonical record with its raw payload put back. */
  *records(entity?: string): Generator<CanonicalRecord> {
    const query = entity
      ? this.db.prepare('SELECT record, raw FROM records WHERE entity = ? ORDER BY seq').iterate(entity)
      : this.db.prepare('SELECT record, raw FROM records ORDER BY seq').iterate();
    for (const row of query as Iterable<{ record: string; raw: string }>)
      yield { ...(JSON.parse(row.record) as Omit<CanonicalRecord, 'raw'>), raw: JSON.parse(row.raw) as Record<string, unknown> } as CanonicalRecord;
  }

  get(sourceKey: string): CanonicalRecord | undefined {
    const row = this.db.prepare('SELECT record, raw FROM records WHERE source_key = ?').get(sourceKey) as { record: string; raw: string } | undefined;
    return row ? ({ ...JSON.parse(row.record), raw: JSON.parse(row.raw) } as CanonicalRecord) : undefined;
  }

  /** History of one record: when each run extracted it and its content hash then. */
  versions(sourceKey: string): { runId: number; extractedAt: string; contentHash: string }[] {
    return (this.db.prepare('SELECT run_id, extracted_at, content_hash FROM record_versions WHERE source_key = ? ORDER BY run_id').all(sourceKey) as {
      run_id: number;
      extracted_at: string;
      content_hash: string;
    }[]).map((v) => ({ runId: v.run_id, extractedAt: v.extracted_at, contentHash: v.content_hash }));
  }

  /** SHA-256 over the sorted content hashes of an entity: equal data → equal digest. */
  entityDigest(entity: string): string {
    const hash = createHash('sha256');
    for (const row of this.db.prepare('SELECT content_hash FROM records WHERE entity = ? ORDER BY source_key').iterate(entity) as Iterable<{ content_hash: string }>)
      hash.update(row.content_hash);
    return hash.digest('hex');
  }

  runs(): RunInfo[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id').all() as RunRow[]).map(toRun);
  }

  /** The extraction's manifest: source, runs, counts and issue counts per entity. */
  manifest(): { source: string | undefined; runs: RunInfo[]; counts: Record<string, number>; issues: Record<string, number> } {
    const runs = this.runs();
    return { source: runs.at(-1)?.source, runs, counts: this.counts(), issues: this.issueCounts() };
  }
}

/** Hash of what the record says (its origin, the line it was read from, is not content). */
export function contentHash(record: CanonicalRecord): string {
  const { origin: _origin, ...content } = record;
  return createHash('sha256').update(stableStringify(content)).digest('hex');
}

interface RunRow {
  id: number;
  source: string;
  from_location: string;
  since: string | null;
  started_at: string;
  finished_at: string | null;
}
interface IssueRow {
  entity: string;
  source_key: string | null;
  rule: string | null;
  code: string;
  message: string;
  fix: string;
  location: string;
  raw: string | null;
  lost_key: string | null;
}

function toRun(row: RunRow): RunInfo {
  return { id: row.id, source: row.source, from: row.from_location, since: row.since, startedAt: row.started_at, finishedAt: row.finished_at };
}
