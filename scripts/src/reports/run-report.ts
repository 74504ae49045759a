/**
 * The run report as data: what the HTML, JSON and CSV renderings all show. Built from the
 * journal's contents and the verifier's diffs; pure.
 */
import type { EntityAccounting, OperationRecord, RunMeta } from '../journal/journal';
import { summariseDiffs, type DiffSummary, type RecordDiff } from '../pipeline/verify';

export interface ErrorGroup {
  /** The rule that failed: the stable error code. */
  code: string;
  count: number;
  examples: { sourceKey: string; table: string; message: string }[];
}

export interface ThroughputPoint {
  /** Seconds since the first operation. */
  seconds: number;
  /** Rows written so far. */
  rows: number;
}

export interface RunReport {
  run: RunMeta;
  counts: EntityAccounting[];
  /** Record accounting holds for every entity. */
  accountingHolds: boolean;
  operations: { created: number; updated: number; linked: number; state: number; deleted: number; failed: number };
  throughput: ThroughputPoint[];
  /** Rows per second over the whole run. */
  rowsPerSecond: number;
  diff: DiffSummary | null;
  /** Differing or missing records, for the CSV and the first rows of the HTML table. */
  differences: RecordDiff[];
  errors: ErrorGroup[];
  /** Records that loaded without a field the map could not convert, by rule. */
  warnings: ErrorGroup[];
  rollback: { status: 'not rolled back' | 'rolled back' | 'rollback incomplete'; byRunId: string | null };
  generatedAt: string;
}

export interface ReportInput {
  meta: RunMeta;
  accounting: EntityAccounting[];
  operations: readonly OperationRecord[];
  warnings?: readonly { sourceKey: string; code: string; message: string }[];
  diffs?: readonly RecordDiff[];
  rollback?: RunReport['rollback'];
  now?: Date;
}

const EXAMPLES_PER_RULE = 3;

export function buildRunReport(input: ReportInput): RunReport {
  const ops = input.operations;
  const ok = ops.filter((o) => o.status === 'ok');
  const count = (action: OperationRecord['action']) => ok.filter((o) => o.action === action).length;

  const errors = groupByRule(ops.filter((o) => o.status === 'failed').map((o) => ({ code: o.errorCode ?? 'LEX_UNKNOWN', sourceKey: o.sourceKey, table: o.table, message: o.errorMessage ?? '' })));
  const warnings = groupByRule((input.warnings ?? []).map((w) => ({ ...w, table: '' })));

  // Operations are stamped when their step's checkpoint is written: one point per checkpoint.
  const stamps = [...new Set(ok.map((o) => o.at))].sort();
  const start = stamps.length ? Date.parse(stamps[0]!) : 0;
  let rows = 0;
  const throughput: ThroughputPoint[] = stamps.map((at) => {
    rows += ok.filter((o) => o.at === at).length;
    return { seconds: (Date.parse(at) - start) / 1000, rows };
  });
  const elapsed = throughput.length ? throughput[throughput.length - 1]!.seconds : 0;

  const diffs = input.diffs ?? [];
  return {
    run: input.meta,
    counts: input.accounting,
    accountingHolds: input.accounting.every((a) => a.holds),
    operations: { created: count('created'), updated: count('updated'), linked: count('linked'), state: count('state'), deleted: count('deleted'), failed: ops.length - ok.length },
    throughput,
    rowsPerSecond: elapsed > 0 ? Math.round((rows / elapsed) * 10) / 10 : rows,
    diff: input.diffs ? summariseDiffs(diffs) : null,
    differences: diffs.filter((d) => d.status !== 'match'),
    errors,
    warnings,
    rollback: input.rollback ?? { status: 'not rolled back', byRunId: null },
    generatedAt: (input.now ?? new Date()).toISOString(),
  };
}

function groupByRule(items: readonly { code: string; sourceKey: string; table: string; message: string }[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const item of items) {
    const group = groups.get(item.code) ?? { code: item.code, count: 0, examples: [] };
    group.count++;
    if (group.examples.length < EXAMPLES_PER_RULE) group.examples.push({ sourceKey: item.sourceKey, table: item.table, message: item.message });
    groups.set(item.code, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
}
