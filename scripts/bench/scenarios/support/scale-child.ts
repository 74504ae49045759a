/**
 * One size of the scale scenario, in its own process so its peak RSS is its own: generate a
 * Clio CSV firm (in a child process: the generator is the rig, not Lexbridge), extract it into
 * staging, map it, plan it and load it into a file-backed sandbox with service protection off —
 * the way a run does: the map's accounting pass, then the ops mapped again as they stream into
 * the plan file beside the journal (`buildStoredPlan`), then the loader reading each step from it.
 * Prints one JSON line: stage times and the process's peak RSS (VmHWM from /proc/self/status,
 * which the kernel keeps; sampling could miss the peak).
 *
 *   npx tsx scripts/bench/scenarios/support/scale-child.ts <records>
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHttpClient } from '../../../src/dataverse/http';
import { staticTokenSource } from '../../../src/dataverse/http/auth';
import { Journal, newRunId, runsRoot } from '../../../src/journal/journal';
import { executePlan } from '../../../src/pipeline/load';
import { buildStoredPlan } from '../../../src/pipeline/plan-store';
import { prepareFirm, withoutHeapBudget } from './firm';

function peakRssMb(pid: number | 'self' = 'self'): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return hwm ? Number(hwm) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

/**
 * The sandbox in its own process, as Dataverse is a service elsewhere: its memory is not
 * Lexbridge's (it is reported apart). Resolves once it says where it listens.
 */
function startSandboxProcess(dataFile: string): Promise<{ apiUrl: string; process: ChildProcess }> {
  const cli = path.resolve(__dirname, '../../../../bin/lexbridge.js');
  const child = spawn(process.execPath, [cli, 'sandbox', '--port', '0', '--limits', 'off', '--data', dataFile], { stdio: ['ignore', 'pipe', 'inherit'], env: withoutHeapBudget() });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+\S*)/.exec(out)?.[1];
      if (url) resolve({ apiUrl: url, process: child });
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code}) before listening: ${out}`)));
  });
}

/** Asks a child to stop, and makes sure it has: no sandbox outlives its bench run. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  const force = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(force);
}

/** Peak so far (VmHWM), in MB: read after each stage, it says which stage raised the peak. */
const stagePeaks: Record<string, number> = {};

async function main(records: number): Promise<void> {
  const prepared = await prepareFirm(records, 1, { generateApart: true });
  stagePeaks['extract+map'] = peakRssMb();
  const sandbox = await startSandboxProcess(path.join(prepared.dir, 'sandbox.db'));
  const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('bench'), bulkSize: 1000 });
  try {
    const journal = Journal.create(runsRoot(prepared.dir), {
      runId: newRunId('full'),
      mode: 'full',
      source: 'clio',
      environment: sandbox.apiUrl,
      profileVersion: prepared.profile.version,
      profileHash: prepared.profile.hash!,
      planHash: null,
      watermark: null,
      parentRunId: null,
    });
    let t = performance.now();
    const plan = buildStoredPlan(prepared.firm.ops, path.dirname(journal.file), { batchSize: 1000 });
    const planMs = performance.now() - t;
    stagePeaks['plan'] = peakRssMb();
    t = performance.now();
    const loaded = await executePlan(plan, { client, journal });
    const loadMs = performance.now() - t;
    journal.close();
    stagePeaks['load'] = peakRssMb();
    const rows = plan.steps.reduce((n, s) => n + s.size, 0);
    const sandboxPeakRssMb = peakRssMb(sandbox.process.pid!);
    console.log(JSON.stringify({ records: prepared.records, rows, failedRows: loaded.failedOps, ms: { ...prepared.ms, plan: planMs, load: loadMs }, peakRssMb: peakRssMb(), peakRssMbAfter: stagePeaks, sandboxPeakRssMb }));
  } finally {
    await client.close();
    await stopProcess(sandbox.process);
    prepared.dispose();
  }
}

main(Number(process.argv[2])).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
