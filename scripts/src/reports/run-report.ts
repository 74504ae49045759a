/**
 * The run report as data: what the HTML, JSON and CSV renderings all show. Built from the
 * journal's contents and the verifier's diffs; pure.
 */
import type { EntityAccounting, OperationRecord, RunMeta } from '../journal/journal';
import { summariseVerified, type DiffSummary, type RecordDiff, type Verified } from '../pipeline/verify';

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
  /** Every operation, in journal order: read once, as it streams (a big run's are never all in memory). */
  operations: Iterable<OperationRecord>;
  warnings?: readonly { sourceKey: string; code: string; message: string }[];
  /** The read-back diff, when the run was verified. */
  verified?: Verified;
  rollback?: RunReport['rollback'];
  now?: Date;
}

const EXAMPLES_PER_RULE = 3;

export function buildRunReport(input: ReportInput): RunReport {
  const okByAction = new Map<OperationRecord['action'], number>();
  let failed = 0;
  // Operations are stamped when their step's checkpoint is written: one point per checkpoint.
  const okAt = new Map<string, number>();
  const errors = new RuleGroups();
  for (const o of input.operations) {
    if (o.status === 'ok') {
      okByAction.set(o.action, (okByAction.get(o.action) ?? 0) + 1);
      okAt.set(o.at, (okAt.get(o.at) ?? 0) + 1);
    } else {
      failed++;
      errors.add({ code: o.errorCode ?? 'LEX_UNKNOWN', sourceKey: o.sourceKey, table: o.table, message: o.errorMessage ?? '' });
    }
  }
  const warnings = new RuleGroups();
  for (const w of input.warnings ?? []) warnings.add({ ...w, table: '' });

  const stamps = [...okAt.keys()].sort();
  const start = stamps.length ? Date.parse(stamps[0]!) : 0;
  let rows = 0;
  const throughput: ThroughputPoint[] = stamps.map((at) => {
    rows += okAt.get(at)!;
    return { seconds: (Date.parse(at) - start) / 1000, rows };
  });
  const elapsed = throughput.length ? throughput[throughput.length - 1]!.seconds : 0;
  const count = (action: OperationRecord['action']) => okByAction.get(action) ?? 0;

  return {
    run: input.meta,
    counts: input.accounting,
    accountingHolds: input.accounting.every((a) => a.holds),
    operations: { created: count('created'), updated: count('updated'), linked: count('linked'), state: count('state'), deleted: count('deleted'), failed },
    throughput,
    rowsPerSecond: elapsed > 0 ? Math.round((rows / elapsed) * 10) / 10 : rows,
    diff: input.verified ? summariseVerified(input.verified) : null,
    differences: input.verified?.differences ?? [],
    errors: errors.groups(),
    warnings: warnings.groups(),
    rollback: input.rollback ?? { status: 'not rolled back', byRunId: null },
    generatedAt: (input.now ?? new Date()).toISOString(),
  };
}

/** Problems grouped by rule, most frequent first, with a few examples each (errors.csv lists them all). */
class RuleGroups {
  private readonly byCode = new Map<string, ErrorGroup>();

  add(item: { code: string; sourceKey: string; table: string; message: string }): void {
    let group = this.byCode.get(item.code);
    if (!group) this.byCode.set(item.code, (group = { code: item.code, count: 0, examples: [] }));
    group.count++;
    if (group.examples.length < EXAMPLES_PER_RULE) group.examples.push({ sourceKey: item.sourceKey, table: item.table, message: item.message });
  }

  groups(): ErrorGroup[] {
    return [...this.byCode.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
  }
}
