/**
 * Sample selection: a representative slice of the firm for the sample run — every entity,
 * practice area and status represented, the dirty cases (records with quality issues) always
 * in — closed over lookups so every selected row's references load too. Pure and repeatable:
 * the same input and seed give the same sample.
 */
import type { TargetOp } from '../mapping/target-op';
import { sha256Hex } from '../hash';

export interface SampleCandidate {
  sourceKey: string;
  /** `matter`, `contact`, … */
  entity: string;
  /** What else makes records different: practice area, status (`family|open`). */
  stratum?: string;
  /** The record has quality issues: the sample is where the firm should see them. */
  dirty?: boolean;
}

export interface SampleOptions {
  size: number;
  seed?: string;
  /** Share of the sample reserved for dirty records (default a quarter). */
  dirtyShare?: number;
}

/** Source keys of the sampled records, in selection order. */
export function selectSample(candidates: readonly SampleCandidate[], options: SampleOptions): string[] {
  const seed = options.seed ?? 'lexbridge-sample';
  const order = (key: string) => sha256Hex(`${seed}:${key}`);
  const shuffled = [...candidates].sort((a, b) => (order(a.sourceKey) < order(b.sourceKey) ? -1 : 1));
  const chosen = new Set<string>();
  const take = (c: SampleCandidate) => chosen.size < options.size && chosen.add(c.sourceKey);

  // Dirty cases first, spread over entities, up to their share.
  const dirtyBudget = Math.floor(options.size * (options.dirtyShare ?? 0.25));
  roundRobin(shuffled.filter((c) => c.dirty), (c) => c.entity, dirtyBudget).forEach(take);
  // Then every stratum of every entity, round robin, so small groups are not crowded out.
  roundRobin(shuffled.filter((c) => !chosen.has(c.sourceKey)), (c) => `${c.entity}|${c.stratum ?? ''}`, options.size - chosen.size).forEach(take);
  return [...chosen];
}

function roundRobin<T>(items: readonly T[], groupOf: (item: T) => string, limit: number): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(groupOf(item), [...(groups.get(groupOf(item)) ?? []), item]);
  const queues = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => g);
  const out: T[] = [];
  for (let i = 0; out.length < limit && queues.some((q) => q.length > i); i++) {
    for (const q of queues) if (q[i] !== undefined && out.length < limit) out.push(q[i]!);
  }
  return out;
}

/**
 * The ops of the sampled records plus, transitively, the ops of every row they point at, so
 * lookups bind. Rows outside the plan (users, pre-existing rows) need nothing.
 */
export function sampleOps(allOps: readonly TargetOp[], sampled: readonly string[]): TargetOp[] {
  const byId = new Map(allOps.map((op) => [`${op.table}:${op.id}`, op]));
  const wanted = new Set(sampled);
  const included = new Map<string, TargetOp>();
  const queue = allOps.filter((op) => wanted.has(op.sourceKey));
  while (queue.length) {
    const op = queue.pop()!;
    const key = `${op.table}:${op.id}`;
    if (included.has(key)) continue;
    included.set(key, op);
    for (const ref of Object.values(op.lookups)) {
      const target = ref && byId.get(`${ref.table}:${ref.id}`);
      if (target && !included.has(`${target.table}:${target.id}`)) queue.push(target);
    }
  }
  return allOps.filter((op) => included.has(`${op.table}:${op.id}`));
}
