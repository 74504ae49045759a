/**
 * The run journal: one SQLite file per run (`.lexbridge/runs/<runId>/journal.db`) holding what
 * the run is, the plan it executes, every operation and its outcome, the before-image of every
 * row it changed (read before writing), checkpoints and record accounting. Operations and
 * before-images are append-only; WAL with full sync makes each batch's entry durable before the
 * next batch starts, so a run killed at any point resumes from here.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { LexError } from '../errors';
import type { Plan } from '../pipeline/plan';
import { openStoredPlan } from '../pipeline/plan-store';

export type RunMode = 'sample' | 'full' | 'delta' | 'rollback';
export type RunStatus = 'running' | 'completed' | 'failed';

export interface RunMeta {
  runId: string;
  mode: RunMode;
  source: string;
  /** Where the run writes: an environment URL (never a token). */
  environment: string;
  profileVersion: number | null;
  profileHash: string | null;
  planHash: string | null;
  status: RunStatus;
  startedOn: string;
  completedOn: string | null;
  /** Source timestamp a later delta starts from. */
  watermark: string | null;
  /** The run this one rolls back or continues. */
  parentRunId: string | null;
  approvedBy: string | null;
  approvedOn: string | null;
  /** A rollback requested in Dynamics: who asked, and when (from the run row). */
  requestedBy?: string;
  requestedOn?: string;
}

export type OperationAction = 'created' | 'updated' | 'linked' | 'state' | 'deleted' | 'restored' | 'planned';

export interface OperationRecord {
  /** Plan step index; -1 for ops the plan left out. */
  step: number;
  table: string;
  targetKey: string;
  sourceKey: string;
  targetId: string;
  action: OperationAction;
  status: 'ok' | 'failed';
  errorCode?: string;
  errorMessage?: string;
  at: string;
}

export interface BeforeImage {
  table: string;
  id: string;
  /** The row as the Web API returned it before this run's first write to it. */
  row: Record<string, unknown>;
  takenAt: string;
}

export interface EntityAccounting {
  entity: string;
  extracted: number;
  loaded: number;
  skipped: number;
  failed: number;
  /** extracted = loaded + skipped + failed. */
  holds: boolean;
}

export const JOURNAL_FILE = 'journal.db';

/** `.lexbridge/runs` under the working directory: every run's folder. */
export function runsRoot(cwd: string): string {
  return path.join(cwd, '.lexbridge', 'runs');
}

/** Sortable and unique: `20261123T110700Z-full-3f9a`. */
export function newRunId(mode: RunMode, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${mode}-${randomBytes(2).toString('hex')}`;
}

/** The entity of a source key: `clio:matter:123` → `matter`. */
export function entityOf(sourceKey: string): string {
  return sourceKey.split(':')[1] ?? sourceKey;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS run (id INTEGER PRIMARY KEY CHECK (id = 1), meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plan (hash TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS prepared (step INTEGER NOT NULL, tbl TEXT NOT NULL, target_id TEXT NOT NULL, existed INTEGER NOT NULL, PRIMARY KEY (step, target_id));
CREATE TABLE IF NOT EXISTS before_image (tbl TEXT NOT NULL, target_id TEXT NOT NULL, row TEXT NOT NULL, taken_at TEXT NOT NULL, PRIMARY KEY (tbl, target_id));
CREATE TABLE IF NOT EXISTS operation (seq INTEGER PRIMARY KEY AUTOINCREMENT, step INTEGER NOT NULL, tbl TEXT NOT NULL, target_key TEXT NOT NULL, source_key TEXT NOT NULL, target_id TEXT NOT NULL, action TEXT NOT NULL, status TEXT NOT NULL, error_code TEXT, error_message TEXT, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS operation_source ON operation (source_key);
CREATE INDEX IF NOT EXISTS operation_row ON operation (tbl, target_id);
CREATE TABLE IF NOT EXISTS checkpoint (step INTEGER PRIMARY KEY, ok INTEGER NOT NULL, failed INTEGER NOT NULL, done_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS extracted (entity TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS skipped (source_key TEXT PRIMARY KEY, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS warning (source_key TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY (source_key, code, message));
`;

export class Journal {
  readonly file: string;
  private readonly db: Database.Database;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.db = db;
  }

  /** Starts a new run's journal. */
  static create(root: string, meta: Omit<RunMeta, 'status' | 'startedOn' | 'completedOn' | 'approvedBy' | 'approvedOn'> & Partial<RunMeta>): Journal {
    const dir = path.join(root, meta.runId);
    const file = path.join(dir, JOURNAL_FILE);
    if (existsSync(file)) {
      throw new LexError({ code: 'LEX_JOURNAL_EXISTS', message: `Run ${meta.runId} already has a journal`, fix: 'Resume it with `lexbridge run --resume <runId>`, or start a new run.', location: { file } });
    }
    mkdirSync(dir, { recursive: true });
    const journal = new Journal(file, Journal.connect(file));
    const full: RunMeta = { status: 'running', startedOn: new Date().toISOString(), completedOn: null, approvedBy: null, approvedOn: null, ...meta };
    journal.db.prepare('INSERT INTO run (id, meta) VALUES (1, ?)').run(JSON.stringify(full));
    return journal;
  }

  /** Opens an existing journal by run id (or by file path). */
  static open(root: string, runId: string): Journal {
    const file = runId.endsWith('.db') ? runId : path.join(root, runId, JOURNAL_FILE);
    if (!existsSync(file)) {
      throw new LexError({ code: 'LEX_JOURNAL_NOT_FOUND', message: `No journal for run ${runId}`, fix: 'List runs with `lexbridge runs`; journals live in .lexbridge/runs/<runId>/journal.db of the folder the run started in.', location: { file } });
    }
    return new Journal(file, Journal.connect(file));
  }

  /** Run ids under `root`, oldest first. */
  static list(root: string): string[] {
    if (!existsSync(root)) return [];
    return readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(root, d.name, JOURNAL_FILE)))
      .map((d) => d.name)
      .sort();
  }

  private static connect(file: string): Database.Database {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    return db;
  }

  close(): void {
    this.db.close();
  }

  /** How many bytes `serialize()` would give, without reading them. */
  byteSize(): number {
    return (this.db.pragma('page_count', { simple: true }) as number) * (this.db.pragma('page_size', { simple: true }) as number);
  }

  /** The whole journal as one SQLite file's bytes, WAL content included (to store beside the run). */
  serialize(): Buffer {
    return this.db.serialize();
  }

  meta(): RunMeta {
    const row = this.db.prepare('SELECT meta FROM run WHERE id = 1').get() as { meta: string } | undefined;
    if (!row) throw new LexError({ code: 'LEX_JOURNAL_CORRUPT', message: 'Journal has no run record', fix: 'The file is not a Lexbridge journal or was cut short before the run started; start a new run.', location: { file: this.file } });
    return JSON.parse(row.meta) as RunMeta;
  }

  updateMeta(change: Partial<Omit<RunMeta, 'runId'>>): RunMeta {
    const next = { ...this.meta(), ...change };
    this.db.prepare('UPDATE run SET meta = ? WHERE id = 1').run(JSON.stringify(next));
    return next;
  }

  approve(by: string, on = new Date().toISOString()): RunMeta {
    return this.updateMeta({ approvedBy: by, approvedOn: on });
  }

  /**
   * Stores the frozen plan this run executes; a resumed run must execute the same one. A plan kept
   * on disk is stored as its summary and the name of its file (which holds the ops).
   */
  savePlan(plan: Plan): void {
    const existing = this.db.prepare('SELECT hash FROM plan').get() as { hash: string } | undefined;
    if (existing && existing.hash !== plan.hash) {
      throw new LexError({ code: 'LEX_JOURNAL_PLAN_CHANGED', message: `Run ${this.meta().runId} executes plan ${existing.hash.slice(0, 12)}, not ${plan.hash.slice(0, 12)}`, fix: 'The staging store or the profile changed since the run started: start a new run (or a delta) instead of resuming this one.', location: { file: this.file } });
    }
    if (!existing) {
      this.db.prepare('INSERT INTO plan (hash, body) VALUES (?, ?)').run(plan.hash, JSON.stringify(plan));
      this.updateMeta({ planHash: plan.hash });
    }
  }

  /** The plan this run executes; a plan kept on disk is reopened from its file beside the journal. */
  plan(): Plan | undefined {
    const row = this.db.prepare('SELECT body FROM plan').get() as { body: string } | undefined;
    if (!row) return undefined;
    const plan = JSON.parse(row.body) as Plan;
    if (plan.opsFile) return openStoredPlan(path.join(path.dirname(this.file), plan.opsFile));
    // Journals written before steps carried their size.
    return { ...plan, steps: plan.steps.map((s) => ({ ...s, size: s.size ?? s.ops.length })) };
  }

  /** Which of a step's rows existed before its first write, if the step was prepared. */
  prepared(step: number): Map<string, boolean> | undefined {
    const rows = this.db.prepare('SELECT target_id, existed FROM prepared WHERE step = ?').all(step) as { target_id: string; existed: number }[];
    return rows.length ? new Map(rows.map((r) => [r.target_id, r.existed === 1])) : undefined;
  }

  /**
   * Before a step writes: which rows existed, and the before-images of those that did. In one
   * transaction, so a resumed step reuses it rather than mistaking its own writes for old rows.
   * The first image of a row wins: later steps of the same run never replace it.
   */
  prepare(step: number, table: string, existence: ReadonlyMap<string, boolean>, images: readonly { id: string; row: Record<string, unknown> }[]): void {
    const at = new Date().toISOString();
    const insertPrepared = this.db.prepare('INSERT OR IGNORE INTO prepared (step, tbl, target_id, existed) VALUES (?, ?, ?, ?)');
    const insertImage = this.db.prepare('INSERT OR IGNORE INTO before_image (tbl, target_id, row, taken_at) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const [id, existed] of existence) insertPrepared.run(step, table, id, existed ? 1 : 0);
      for (const image of images) insertImage.run(table, image.id, JSON.stringify(image.row), at);
    })();
  }

  /** How many rows the run prepared (what a rollback of it plans), without reading them. */
  preparedCount(): number {
    return this.db.prepare('SELECT COUNT(*) FROM prepared').pluck().get() as number;
  }

  /**
   * Every row a step was about to write, with whether it existed. Rows that did not exist may
   * have been created even by a step that never reached its checkpoint: rollback deletes them.
   */
  preparedRows(): { step: number; table: string; id: string; existed: boolean }[] {
    return (this.db.prepare('SELECT step, tbl, target_id, existed FROM prepared ORDER BY step, target_id').all() as { step: number; tbl: string; target_id: string; existed: number }[]).map((r) => ({ step: r.step, table: r.tbl, id: r.target_id, existed: r.existed === 1 }));
  }

  hasBeforeImage(table: string, id: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM before_image WHERE tbl = ? AND target_id = ?').get(table, id);
  }

  /** A step's results and its checkpoint, in one transaction. */
  completeStep(step: number, results: readonly Omit<OperationRecord, 'step' | 'at'>[]): void {
    const at = new Date().toISOString();
    const insert = this.db.prepare('INSERT INTO operation (step, tbl, target_key, source_key, target_id, action, status, error_code, error_message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const r of results) insert.run(step, r.table, r.targetKey, r.sourceKey, r.targetId, r.action, r.status, r.errorCode ?? null, r.errorMessage ?? null, at);
      const failed = results.filter((r) => r.status === 'failed').length;
      this.db.prepare('INSERT INTO checkpoint (step, ok, failed, done_at) VALUES (?, ?, ?, ?)').run(step, results.length - failed, failed, at);
    })();
  }

  doneSteps(): Set<number> {
    return new Set((this.db.prepare('SELECT step FROM checkpoint').all() as { step: number }[]).map((r) => r.step));
  }

  checkpoints(): { step: number; ok: number; failed: number; doneAt: string }[] {
    return (this.db.prepare('SELECT step, ok, failed, done_at FROM checkpoint ORDER BY done_at, step').all() as { step: number; ok: number; failed: number; done_at: string }[]).map((r) => ({ step: r.step, ok: r.ok, failed: r.failed, doneAt: r.done_at }));
  }

  operations(): OperationRecord[] {
    return [...this.eachOperation()];
  }

  /**
   * Operations in journal order, read as they are iterated (a million-row run's are never all in
   * memory); `failedOnly` for the failures alone. Use no other journal call inside the loop.
   */
  *eachOperation(failedOnly = false): Generator<OperationRecord> {
    const rows = this.db.prepare(`SELECT * FROM operation${failedOnly ? " WHERE status = 'failed'" : ''} ORDER BY seq`).iterate() as Iterable<Record<string, string | number | null>>;
    for (const r of rows) yield {
      step: r.step as number,
      table: r.tbl as string,
      targetKey: r.target_key as string,
      sourceKey: r.source_key as string,
      targetId: r.target_id as string,
      action: r.action as OperationAction,
      status: r.status as 'ok' | 'failed',
      ...(r.error_code ? { errorCode: r.error_code as string } : {}),
      ...(r.error_message ? { errorMessage: r.error_message as string } : {}),
      at: r.at as string,
    };
  }

  beforeImages(): BeforeImage[] {
    const rows = this.db.prepare('SELECT tbl, target_id, row, taken_at FROM before_image ORDER BY tbl, target_id').all() as { tbl: string; target_id: string; row: string; taken_at: string }[];
    return rows.map((r) => ({ table: r.tbl, id: r.target_id, row: JSON.parse(r.row) as Record<string, unknown>, takenAt: r.taken_at }));
  }

  /** Whether this run wrote the row successfully (verify reads back only those). */
  wroteRow(table: string, id: string): boolean {
    return !!this.db.prepare("SELECT 1 FROM operation WHERE tbl = ? AND target_id = ? AND status = 'ok' LIMIT 1").get(table, id);
  }

  /** Rows this run created (did not exist before its first write). */
  createdRows(): { table: string; id: string }[] {
    return this.db.prepare("SELECT DISTINCT tbl AS \"table\", target_id AS id FROM operation WHERE action = 'created' AND status = 'ok'").all() as { table: string; id: string }[];
  }

  /** Every row this run wrote to, successfully or not (a failed bulk write may still have landed). */
  touchedRows(): { table: string; id: string }[] {
    return this.db.prepare("SELECT DISTINCT tbl AS \"table\", target_id AS id FROM operation WHERE action != 'planned'").all() as { table: string; id: string }[];
  }

  /** How many records of each entity the source held (from staging), for record accounting. */
  setExtracted(counts: Readonly<Record<string, number>>): void {
    const upsert = this.db.prepare('INSERT INTO extracted (entity, count) VALUES (?, ?) ON CONFLICT(entity) DO UPDATE SET count = excluded.count');
    this.db.transaction(() => {
      for (const [entity, count] of Object.entries(counts)) upsert.run(entity, count);
    })();
  }

  /** A source record deliberately not loaded, with why (mapping rule, sample selection, …). */
  recordSkip(sourceKey: string, reason: string): void {
    this.db.prepare('INSERT OR IGNORE INTO skipped (source_key, reason) VALUES (?, ?)').run(sourceKey, reason);
  }

  /**
   * A record that loaded but not whole: a field the map could not convert (too long, bad value)
   * was left out. Kept apart from operations, so record accounting is unchanged, and reported.
   */
  recordWarning(sourceKey: string, code: string, message: string): void {
    this.db.prepare('INSERT OR IGNORE INTO warning (source_key, code, message) VALUES (?, ?, ?)').run(sourceKey, code, message);
  }

  warnings(): { sourceKey: string; code: string; message: string }[] {
    return (this.db.prepare('SELECT source_key, code, message FROM warning ORDER BY code, source_key').all() as { source_key: string; code: string; message: string }[]).map((r) => ({ sourceKey: r.source_key, code: r.code, message: r.message }));
  }

  skips(): { sourceKey: string; reason: string }[] {
    return (this.db.prepare('SELECT source_key, reason FROM skipped ORDER BY source_key').all() as { source_key: string; reason: string }[]).map((r) => ({ sourceKey: r.source_key, reason: r.reason }));
  }

  /**
   * Record accounting per entity: a source record is failed if any of its rows failed, loaded if
   * all its rows were written, skipped if it was skipped with a reason and never attempted.
   */
  accounting(): EntityAccounting[] {
    const outcome = new Map<string, 'loaded' | 'failed'>();
    for (const r of this.db.prepare('SELECT source_key, MIN(status) AS worst FROM operation GROUP BY source_key').all() as { source_key: string; worst: string }[]) {
      // 'failed' < 'ok' alphabetically, so MIN is the worst outcome.
      outcome.set(r.source_key, r.worst === 'failed' ? 'failed' : 'loaded');
    }
    const counts = new Map<string, EntityAccounting>();
    const entry = (entity: string) => {
      let e = counts.get(entity);
      if (!e) counts.set(entity, (e = { entity, extracted: 0, loaded: 0, skipped: 0, failed: 0, holds: false }));
      return e;
    };
    // Rows the engine sets up itself (`lexbridge:profile`: roles, price list) are not source records.
    const isSourceRecord = (sourceKey: string) => !sourceKey.startsWith('lexbridge:');
    for (const [sourceKey, result] of outcome) if (isSourceRecord(sourceKey)) entry(entityOf(sourceKey))[result]++;
    for (const { sourceKey } of this.skips()) if (!outcome.has(sourceKey) && isSourceRecord(sourceKey)) entry(entityOf(sourceKey)).skipped++;
    for (const r of this.db.prepare('SELECT entity, count FROM extracted').all() as { entity: string; count: number }[]) entry(r.entity).extracted = r.count;
    return [...counts.values()]
      .map((e) => ({ ...e, holds: e.extracted === e.loaded + e.skipped + e.failed }))
      .sort((a, b) => (a.entity < b.entity ? -1 : 1));
  }
}
