/**
 * Lexbridge's loader against the ceiling: a generated firm's mixed rows loaded into the sandbox
 * with Dataverse's service protection limits and a latency model, compared with what those
 * limits and that latency allow (formula in `support/measured-run.ts`) and with a naive client
 * (one PATCH per row, sequential) on the same sandbox in the same run.
 */
import { round, type BenchScenario } from '../harness';
import { BULK_SIZE, LATENCY, measuredRun } from './support/measured-run';

/**
 * Quick loads 30k records: at 10k the load lasts 5 s, and its fixed costs (the chain's first
 * links, the last batches, the client's start) are a sixth of it (0.85 of the ceiling). The quick
 * suite stays under 5 minutes (docs/performance.md).
 */
export const loadSizes = (quick: boolean) => ({ records: quick ? 30_000 : 100_000, naiveRows: quick ? 200 : 500 });

export const scenario: BenchScenario = {
  name: 'load',
  description: 'Loader on mixed rows, sandbox with service protection limits + latency: records/s ÷ ceiling (goal ≥ 0.90) and ÷ naive client (goal ≥ 20×)',
  run: async ({ quick }) => {
    const { records, naiveRows } = loadSizes(quick);
    const run = await measuredRun(records, naiveRows);
    // Rates count rows written (every write, link and state op), for the loader, the ceiling and the naive client alike.
    const recordsPerSecond = run.operations / (run.loadMs / 1000);
    const naivePerSecond = run.naive.rows / (run.naive.ms / 1000);
    return {
      scenario: 'load',
      ratioToCeiling: round(recordsPerSecond / run.ceiling.recordsPerSecond, 3),
      ratioToNaive: round(recordsPerSecond / naivePerSecond, 1),
      recordsPerSecond: Math.round(recordsPerSecond),
      sourceRecords: run.records,
      rowsWritten: run.operations,
      failedRows: run.failedOps,
      seconds: round(run.loadMs / 1000),
      ceilingPerSecond: Math.round(run.ceiling.recordsPerSecond),
      ceilingFormula: run.ceiling.formula,
      ceilingBinding: run.ceiling.binding,
      naivePerSecond: round(naivePerSecond, 1),
      naiveRows: run.naive.rows,
      latency: LATENCY,
      bulkSize: BULK_SIZE,
      throttled: run.throttled,
      loadRequests: run.loadProfile.requests,
      serverBusySlots: round(run.loadProfile.serverBusySlots, 2),
    };
  },
};
