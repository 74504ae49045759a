/**
 * Mapping engine throughput: a generated firm taken the real way into staging (Clio CSV export
 * → connector → SQLite), every staged record mapped with the default profile, on one core.
 * Prints one JSON line: `{ "scenario": "transform", "recordsPerSecond": … }`. The machine is
 * shared, so it also gives the rate per CPU second the process used (all its threads, GC
 * included): when others load the cores, wall time stretches and that figure barely moves.
 *
 * `npx tsx scripts/bench/map.ts [--quick]`, or `npm run bench -- map` through the harness.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExtract } from '../src/cli/commands/extract';
import { generate } from '../src/generate';
import { generateFirm } from '../src/generate/firm';
import { createContext } from '../src/mapping/context';
import { defaultProfile } from '../src/mapping/default-profiles';
import { mapRecord, type MappableRecord } from '../src/mapping/engine';
import { StagingStore } from '../src/staging/store';

export interface TransformResult {
  scenario: 'transform';
  records: number;
  ops: number;
  errors: number;
  ms: number;
  recordsPerSecond: number;
  cpuMs: number;
  recordsPerCpuSecond: number;
}

async function stagedRecords(matters: number): Promise<{ records: MappableRecord[]; emails: string[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lexbridge-bench-map-'));
  try {
    const options = { matters, seed: 7, dirtRate: 0.05 };
    await generate({ source: 'clio-csv', ...options, out: path.join(dir, 'export') });
    await runExtract({ source: 'clio-csv', from: path.join(dir, 'export'), out: path.join(dir, 'staging') });
    const staging = StagingStore.open(path.join(dir, 'staging'));
    try {
      return { records: [...staging.records()] as unknown as MappableRecord[], emails: generateFirm(options).users.map((u) => u.email) };
    } finally {
      staging.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchTransform(total: number): Promise<TransformResult> {
  const { records, emails } = await stagedRecords(200);
  // As an admin runs it after pre-flight: users matched by email, the rest to a fallback owner.
  const profile = { ...defaultProfile('clio-csv'), owners: { match: 'email' as const, fallbackOwnerEmail: emails[0]! } };
  const systemUsers = emails.map((email, i) => ({ systemuserid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, internalemailaddress: email }));
  const { context } = createContext({ profile, records, systemUsers });
  // Warm up (JIT, compiled profile), then time `total` records cycling through the firm in its own mix.
  for (const r of records) mapRecord(r, profile, context);
  let ops = 0;
  let errors = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < total; i++) {
    const result = mapRecord(records[i % records.length]!, profile, context);
    ops += result.ops.length;
    errors += result.errors.length;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    scenario: 'transform',
    records: total,
    ops,
    errors,
    ms: Math.round(ms),
    recordsPerSecond: Math.round((total / ms) * 1000),
    cpuMs: Math.round(cpuMs),
    recordsPerCpuSecond: Math.round((total / cpuMs) * 1000),
  };
}

if (require.main === module) {
  void benchTransform(process.argv.includes('--quick') ? 100_000 : 500_000).then((result) => console.log(JSON.stringify(result)));
}
