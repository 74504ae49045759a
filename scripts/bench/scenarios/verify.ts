/**
 * `lexbridge verify` on the run the load scenario measured (same sandbox, limits and latency):
 * time to read every row back and diff it ÷ the time the load took.
 */
import { round, type BenchScenario } from '../harness';
import { loadSizes } from './load';
import { measuredRun } from './support/measured-run';

export const scenario: BenchScenario = {
  name: 'verify',
  description: 'Full read-back diff of the load scenario\'s run: time ÷ load time',
  run: async ({ quick }) => {
    const { records, naiveRows } = loadSizes(quick);
    const run = await measuredRun(records, naiveRows);
    return { scenario: 'verify', ratioToLoad: round(run.verifyMs / run.loadMs, 3), seconds: round(run.verifyMs / 1000), loadSeconds: round(run.loadMs / 1000), rows: run.operations, diffs: run.diffs };
  },
};
