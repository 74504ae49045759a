/**
 * A plan kept on disk. A full run's ops stream from the map into a SQLite file beside the run's
 * journal (`plan-<hash>.db`) instead of memory, and each step reads its batch back when the
 * loader runs it: at no point are a million records' ops held at once. Same `PlanBuilder` as the
 * in-memory plan, so both cut the same steps and give the same hash for the same ops.
 * Node edge: the file.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { LexError } from '../errors';
import type { Hasher } from '../hash';
import type { TargetOp } from '../mapping/target-op';
import { PlanBuilder, type Plan, type PlanOptions, type PlanPhase, type PlanRowStore, type PlanStep } from './plan';

const SCHEMA = `
CREATE TABLE row (phase TEXT NOT NULL, tbl TEXT NOT NULL, sort_key TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL);
CREATE UNIQUE INDEX row_id ON row (phase, tbl, id);
CREATE TABLE step (idx INTEGER PRIMARY KEY, phase TEXT NOT NULL, tbl TEXT NOT NULL, size INTEGER NOT NULL, first_key TEXT NOT NULL, first_id TEXT NOT NULL);
CREATE TABLE summary (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL);
`;

/** SHA-256 by Node's crypto: the digest `hash.ts` computes in pure JS, without its cost on a big plan. */
function nodeSha256(): Hasher {
  const hash = createHash('sha256');
  return { update: (text) => void hash.update(text, 'utf8'), hex: () => hash.digest('hex') };
}

/** Rows per write transaction while planning: large enough that commits cost nothing. */
const ROWS_PER_TRANSACTION = 10_000;

/** Deletes go by id; every other phase by target key, then id (as `compareRows`). */
const sortKey = (phase: PlanPhase, op: TargetOp) => (phase === 'delete' ? op.id : op.targetKey);

const batchSql = (column: 'body' | 'id') => `SELECT ${column} FROM row WHERE phase = ? AND tbl = ? AND (sort_key, id) >= (?, ?) ORDER BY sort_key, id LIMIT ?`;

/** A step whose ops (or ids) are read from the file each time they are asked for (never kept). */
function storedStep(file: string, index: number, phase: PlanPhase, table: string, size: number, firstKey: string, firstId: string): PlanStep {
  const step = { index, phase, table, size } as PlanStep;
  const read = (column: 'body' | 'id') => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(batchSql(column)).pluck().all(phase, table, firstKey, firstId, size) as string[];
    } finally {
      db.close();
    }
  };
  Object.defineProperty(step, 'ops', { enumerable: false, get: () => read('body').map((body) => JSON.parse(body) as TargetOp) });
  // Reading existence ahead needs only the ids: no bodies to parse.
  Object.defineProperty(step, 'ids', { enumerable: false, get: () => read('id') });
  return Object.freeze(step);
}

class FileRowStore implements PlanRowStore {
  private pending = 0;
  private readonly insert: Database.Statement;
  /** Where each step's batch starts, to find it again once the file has its final name. */
  readonly starts = new Map<number, { key: string; id: string }>();

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {
    this.insert = db.prepare('INSERT OR IGNORE INTO row (phase, tbl, sort_key, id, body) VALUES (?, ?, ?, ?, ?)');
    db.exec('BEGIN');
  }

  add(phase: PlanPhase, op: TargetOp): boolean {
    const added = this.insert.run(phase, op.table, sortKey(phase, op), op.id, JSON.stringify(op)).changes > 0;
    if (++this.pending >= ROWS_PER_TRANSACTION) {
      this.db.exec('COMMIT; BEGIN');
      this.pending = 0;
    }
    return added;
  }

  /** Called once every row is in: commits, and indexes the order the batches are read in. */
  seal(): void {
    this.db.exec('COMMIT; CREATE INDEX row_order ON row (phase, tbl, sort_key, id)');
  }

  *batches(phase: PlanPhase, table: string, size: number): Iterable<{ ops: readonly TargetOp[]; step: (index: number) => PlanStep }> {
    // One pass over the table's rows in order; each step keeps only where its batch starts.
    const rows = this.db.prepare('SELECT sort_key, id, body FROM row WHERE phase = ? AND tbl = ? ORDER BY sort_key, id').iterate(phase, table) as Iterable<{ sort_key: string; id: string; body: string }>;
    let part: { sort_key: string; id: string; body: string }[] = [];
    const batch = () => {
      const first = part[0]!;
      const ops = part.map((r) => JSON.parse(r.body) as TargetOp);
      const size = ops.length;
      return {
        ops,
        step: (index: number) => {
          this.starts.set(index, { key: first.sort_key, id: first.id });
          return storedStep(this.file, index, phase, table, size, first.sort_key, first.id);
        },
      };
    };
    for (const row of rows) {
      part.push(row);
      if (part.length === size) {
        yield batch();
        part = [];
      }
    }
    if (part.length) yield batch();
  }
}

/**
 * Plans `ops` into `<dir>/plan-<hash12>.db` and returns the plan, its steps reading from there.
 * Built under a temporary name and renamed once complete, so a file with a plan's name is always
 * a whole plan; planning the same ops again (a resumed run) finds the same file.
 */
export function buildStoredPlan(ops: Iterable<TargetOp>, dir: string, options: PlanOptions = {}): Plan {
  const { deletes, ...rest } = options;
  const partial = path.join(dir, `plan-${process.pid}.partial.db`);
  rmSync(partial, { force: true });
  const db = new Database(partial);
  try {
    // Rebuilt from scratch if interrupted, so no rollback journal or fsync while writing.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(SCHEMA);
    const store = new FileRowStore(db, partial);
    const builder = new PlanBuilder(store, { hasher: nodeSha256, ...rest });
    for (const op of ops) builder.add(op);
    for (const op of deletes ?? []) builder.delete(op);
    store.seal();
    const plan = builder.finish();
    const opsFile = `plan-${plan.hash.slice(0, 12)}.db`;
    const insertStep = db.prepare('INSERT INTO step (idx, phase, tbl, size, first_key, first_id) VALUES (?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const step of plan.steps) {
        const first = store.starts.get(step.index)!;
        insertStep.run(step.index, step.phase, step.table, step.size, first.key, first.id);
      }
      db.prepare('INSERT INTO summary (id, body) VALUES (1, ?)').run(JSON.stringify({ ...plan, steps: [], opsFile }));
    })();
    db.close();
    renameSync(partial, path.join(dir, opsFile));
    return openStoredPlan(path.join(dir, opsFile));
  } catch (error) {
    if (db.open) db.close();
    rmSync(partial, { force: true });
    throw error;
  }
}

/** The plan in a file `buildStoredPlan` wrote; its steps read their ops from there when asked. */
export function openStoredPlan(file: string): Plan {
  if (!existsSync(file)) {
    throw new LexError({ code: 'LEX_PLAN_FILE_MISSING', message: `The run's plan file ${path.basename(file)} is missing`, fix: 'Plan files live beside the run journal (.lexbridge/runs/<runId>/); restore it from a backup of that folder, or start a new run.', location: { file } });
  }
  const db = new Database(file, { readonly: true });
  try {
    const summary = JSON.parse(db.prepare('SELECT body FROM summary WHERE id = 1').pluck().get() as string) as Plan;
    const steps = (db.prepare('SELECT idx, phase, tbl, size, first_key, first_id FROM step ORDER BY idx').all() as { idx: number; phase: PlanPhase; tbl: string; size: number; first_key: string; first_id: string }[]).map((s) =>
      storedStep(file, s.idx, s.phase, s.tbl, s.size, s.first_key, s.first_id),
    );
    return Object.freeze({ ...summary, steps: Object.freeze(steps) });
  } finally {
    db.close();
  }
}
