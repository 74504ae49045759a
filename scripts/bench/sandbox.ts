/**
 * Benchmark (not a test): upsert N rows into the sandbox through plain HTTP UpsertMultiple,
 * once with Dataverse's service protection limits on and once with them off, honouring 429
 * Retry-After. Run directly it prints one JSON line; `scenario` plugs into `npm run bench`.
 *
 *   npx tsx scripts/bench/sandbox.ts [--rows 100000] [--batch 1000] [--concurrency 4]
 *                                    [--per-request-ms 0] [--per-record-ms 0]
 */
import { v5 as uuidv5 } from 'uuid';
import { DATAVERSE_LIMITS, startSandbox, type SandboxOptions } from '../src/sandbox/server';
import type { BenchScenario } from './harness';

export interface SandboxUpsertBenchOptions {
  rows: number;
  batch: number;
  concurrency: number;
  latency: { perRequestMs: number; perRecordMs: number };
}

const NAMESPACE = '2f8b7f0a-3f4e-4b61-9d3b-8a1f4b6f7c11';

async function run({ rows, batch, concurrency, latency }: SandboxUpsertBenchOptions, limitsOn: boolean) {
  const options: SandboxOptions = { limits: limitsOn ? DATAVERSE_LIMITS : false, ...(latency.perRequestMs || latency.perRecordMs ? { latency } : {}) };
  const sandbox = await startSandbox(options);
  const url = `${sandbox.apiUrl}lex_matters/Microsoft.Dynamics.CRM.UpsertMultiple`;
  let next = 0;
  let throttled = 0;
  const started = performance.now();
  async function worker() {
    for (;;) {
      const from = next;
      if (from >= rows) return;
      next += batch;
      const Targets = Array.from({ length: Math.min(batch, rows - from) }, (_, i) => {
        const key = `bench:matter:${from + i}`;
        return { '@odata.type': 'Microsoft.Dynamics.CRM.lex_matter', lex_matterid: uuidv5(key, NAMESPACE), lex_name: `Matter ${from + i}`, lex_sourcekey: key };
      });
      const body = JSON.stringify({ Targets });
      for (;;) {
        const reply = await fetch(url, { method: 'POST', headers: { Authorization: 'Bearer bench', 'Content-Type': 'application/json' }, body });
        await reply.arrayBuffer();
        if (reply.status === 429) {
          throttled++;
          await new Promise((r) => setTimeout(r, Number(reply.headers.get('retry-after') ?? '1') * 1000));
          continue;
        }
        if (reply.status !== 204) throw new Error(`UpsertMultiple answered ${reply.status}`);
        break;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const stored = sandbox.store.count('lex_matter');
  await sandbox.close();
  if (stored !== rows) throw new Error(`expected ${rows} rows, found ${stored}`);
  return { seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(rows / seconds), throttled };
}

export async function sandboxUpsertBench(options: SandboxUpsertBenchOptions) {
  const limitsOn = await run(options, true);
  const limitsOff = await run(options, false);
  return { scenario: 'sandbox-http', ...options, limitsOn, limitsOff };
}

export const scenario: BenchScenario = {
  name: 'sandbox-http',
  description: 'UpsertMultiple through plain HTTP into the sandbox, service protection limits on vs off',
  run: ({ quick }) => sandboxUpsertBench({ rows: quick ? 20_000 : 100_000, batch: 1000, concurrency: 4, latency: { perRequestMs: 0, perRecordMs: 0 } }),
};

if (require.main === module) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  sandboxUpsertBench({
    rows: arg('rows', 100_000),
    batch: arg('batch', 1000),
    concurrency: arg('concurrency', 4),
    latency: { perRequestMs: arg('per-request-ms', 0), perRecordMs: arg('per-record-ms', 0) },
  })
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
