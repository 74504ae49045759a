/**
 * Scale and memory: a Clio CSV firm through extract + map + plan + load into the sandbox with
 * service protection off, at three sizes (10k → 100k → 1M source records; quick: 10k → 50k →
 * 100k), each in its own process. Reports peak RSS, records/s per stage, and growth: the time
 * ratio between the largest and smallest size ÷ their size ratio (1 = linear). Goal: linear,
 * and peak RSS < 512 MB at 1M. `peakRssMbAfter` says which stage raised the peak.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { round, type BenchScenario } from '../harness';

interface SizeResult {
  records: number;
  rows: number;
  failedRows: number;
  ms: { generate: number; extract: number; map: number; plan: number; load: number };
  peakRssMb: number;
  peakRssMbAfter: Record<string, number>;
  /** The sandbox's own process (it stands in for Dataverse): not Lexbridge's memory. */
  sandboxPeakRssMb: number;
}

/**
 * The heap budget Lexbridge runs with here, as docs/performance.md recommends for a big firm
 * (`NODE_OPTIONS=--max-old-space-size=256`). Lexbridge's live heap stays below it (84 MB after
 * map and plan, 100 MB after load at 300k records; the mapping context is about 95 MB at 1M); without
 * a budget V8 lets garbage pile up towards its default limit (sized from the machine's RAM)
 * before collecting, so RSS would show the machine's generosity rather than what the pipeline
 * needs. The rig's processes (generator, sandbox) get none.
 */
export const HEAP_BUDGET_MB = 256;

const CHILD = path.join(__dirname, 'support', 'scale-child.ts');

function runSize(records: number): SizeResult {
  const tsx = require.resolve('tsx/cli');
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_BUDGET_MB}`.trim() };
  const out = execFileSync(process.execPath, [tsx, CHILD, String(records)], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'], env });
  return JSON.parse(out.trim().split('\n').pop()!) as SizeResult;
}

/** Seconds of the stages that scale with the data (generation is the test rig, not Lexbridge). */
const pipelineMs = (r: SizeResult) => r.ms.extract + r.ms.map + r.ms.plan + r.ms.load;

export const scenario: BenchScenario = {
  name: 'scale',
  description: 'Clio CSV → extract + map + plan + load (limits off) at three sizes: peak RSS, records/s per stage, growth (1 = linear)',
  run: async ({ quick }) => {
    // LEXBRIDGE_BENCH_SCALE=10000,50000,200000 overrides the sizes (e.g. where 1M does not fit in memory).
    const sizes = process.env.LEXBRIDGE_BENCH_SCALE?.split(',').map(Number) ?? (quick ? [10_000, 50_000, 100_000] : [10_000, 100_000, 1_000_000]);
    const results = sizes.map(runSize);
    const first = results[0]!;
    const last = results[results.length - 1]!;
    const growth = pipelineMs(last) / pipelineMs(first) / (last.records / first.records);
    const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));
    return {
      scenario: 'scale',
      records: last.records,
      peakRssMb: round(Math.max(...results.map((r) => r.peakRssMb)), 0),
      growth: round(growth, 2),
      heapBudgetMb: HEAP_BUDGET_MB,
      sizes: results.map((r) => ({
        records: r.records,
        rows: r.rows,
        failedRows: r.failedRows,
        peakRssMb: round(r.peakRssMb, 0),
        peakRssMbAfter: Object.fromEntries(Object.entries(r.peakRssMbAfter).map(([stage, mb]) => [stage, round(mb, 0)])),
        sandboxPeakRssMb: round(r.sandboxPeakRssMb, 0),
        seconds: round(pipelineMs(r) / 1000),
        recordsPerSecond: { extract: perSecond(r.records, r.ms.extract), map: perSecond(r.records, r.ms.map), plan: perSecond(r.rows, r.ms.plan), load: perSecond(r.rows, r.ms.load) },
      })),
    };
  },
};
