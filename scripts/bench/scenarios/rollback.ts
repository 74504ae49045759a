/**
 * `lexbridge rollback` of the run the load scenario measured, after its verify (same sandbox,
 * limits and latency): deletes every created row in reverse order, restores before-images and
 * checks the result ÷ the time the load took.
 */
import { round, type BenchScenario } from '../harness';
import { loadSizes } from './load';
import { measuredRun } from './support/measured-run';

export const scenario: BenchScenario = {
  name: 'rollback',
  description: 'Rollback of the load scenario\'s run (after verify): time ÷ load time',
  run: async ({ quick }) => {
    const { records, naiveRows } = loadSizes(quick);
    const run = await measuredRun(records, naiveRows);
    return { scenario: 'rollback', ratioToLoad: round(run.rollbackMs / run.loadMs, 3), seconds: round(run.rollbackMs / 1000), loadSeconds: round(run.loadMs / 1000), verified: run.rolledBack };
  },
};
