/**
 * Rollback planning: from a run's journal, a plan that restores the before-image of every row
 * the run changed and deletes every row it created, in reverse load order — executed by the same
 * loader as any other plan. Pure: the journal's contents come in as data.
 */
import { LexError } from '../errors';
import type { BeforeImage, OperationRecord } from '../journal/journal';
import type { TargetOp } from '../mapping/target-op';
import { schema as defaultSchema } from '../../../solution/src/schema';
import type { SolutionSchema } from '../../../solution/src/schema';
import { buildPlan, type Plan } from './plan';
import { opFromRow } from './row-body';

export interface RollbackInput {
  runId: string;
  /** Rows the run was about to write, and whether each existed (journal `preparedRows`). */
  prepared: readonly { table: string; id: string; existed: boolean }[];
  beforeImages: readonly BeforeImage[];
  /** The run's operations, for the source keys of the rows. */
  operations: readonly OperationRecord[];
  /** Runs that started after this one, with the rows they wrote. */
  laterRuns: readonly { runId: string; touched: readonly { table: string; id: string }[] }[];
  force?: boolean;
  batchSize?: number;
  schema?: SolutionSchema;
}

export interface RollbackPlan {
  plan: Plan;
  /** Rows written back to their before-image. */
  restores: TargetOp[];
  /** Rows deleted. */
  deletes: TargetOp[];
  /** Rows a later run also wrote (only non-empty with `force`). */
  conflicts: { runId: string; table: string; id: string }[];
}

const key = (table: string, id: string) => `${table}:${id.toLowerCase()}`;

export function planRollback(input: RollbackInput): RollbackPlan {
  const from = input.schema ?? defaultSchema;
  const sourceKeys = new Map<string, { targetKey: string; sourceKey: string }>();
  for (const op of input.operations) if (op.targetId) sourceKeys.set(key(op.table, op.targetId), { targetKey: op.targetKey, sourceKey: op.sourceKey });
  const named = (table: string, id: string) => sourceKeys.get(key(table, id)) ?? { targetKey: `${table}:${id}`, sourceKey: `${table}:${id}` };

  const imaged = new Set(input.beforeImages.map((b) => key(b.table, b.id)));
  const created = new Map<string, { table: string; id: string }>();
  for (const row of input.prepared) {
    // A row counts as created only if no step of the run saw it existing first.
    if (!row.existed && !imaged.has(key(row.table, row.id))) created.set(key(row.table, row.id), row);
  }

  const ours = new Set([...imaged, ...created.keys()]);
  const conflicts = input.laterRuns.flatMap((run) => run.touched.filter((t) => ours.has(key(t.table, t.id))).map((t) => ({ runId: run.runId, table: t.table, id: t.id })));
  if (conflicts.length && !input.force) {
    const runs = [...new Set(conflicts.map((c) => c.runId))];
    throw new LexError({
      code: 'LEX_ROLLBACK_LATER_RUN',
      message: `Run ${input.runId} cannot be rolled back safely: ${conflicts.length} of its rows were written again by later run(s) ${runs.join(', ')}`,
      fix: `Roll back the later run(s) first (newest first), or pass --force to restore these rows anyway and lose what the later run(s) wrote to them.`,
      location: { recordKey: `${conflicts[0]!.table}:${conflicts[0]!.id}` },
    });
  }

  const restores = input.beforeImages.map((b) => ({ ...opFromRow(b.table, b.id, b.row, from), ...named(b.table, b.id) }));
  const deletes: TargetOp[] = [...created.values()].map((c) => ({ table: c.table, id: c.id, ...named(c.table, c.id), columns: {}, lookups: {} }));
  const plan = buildPlan(restores, { deletes, schema: from, ...(input.batchSize ? { batchSize: input.batchSize } : {}) });
  return { plan, restores, deletes, conflicts };
}

/**
 * Heap a rollback needs per row it plans, until it streams like the run (docs/pipeline.md, known
 * gaps). Measured after a limits-off load: 95,701 rows (101,179 records) fit a 256 MB heap
 * budget, a 300k-record firm (about 287k rows at the same ratio) did not; 1 KB a row is between
 * the two, leaving a quarter of the heap for everything else.
 */
const ROLLBACK_HEAP_BYTES_PER_ROW = 1024;

/**
 * A warning when planning `rows` rows in memory may not fit `heapLimitBytes` (the process's V8
 * heap limit, which `--max-old-space-size` sets), or undefined. A warning, not a refusal: the
 * estimate is rough, and a rollback that runs out of heap has changed nothing yet.
 */
export function rollbackHeapWarning(runId: string, rows: number, heapLimitBytes: number): string | undefined {
  const needed = rows * ROLLBACK_HEAP_BYTES_PER_ROW;
  if (needed <= 0.75 * heapLimitBytes) return undefined;
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  return (
    `Rolling back run ${runId} plans its ${rows.toLocaleString('en')} rows in memory (about ${mb(needed)} MB) and this process's heap limit is ${mb(heapLimitBytes)} MB: it may run out of memory. ` +
    `Nothing is changed before planning finishes, so if it stops with "heap out of memory", run the same command again without --max-old-space-size in NODE_OPTIONS.`
  );
}
