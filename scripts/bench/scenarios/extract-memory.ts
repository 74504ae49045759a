/**
 * `npm run bench -- extract-memory`: issue 4's memory bound. A ~200k-record Clio CSV firm
 * (quick: ~50k) is generated first, then extracted into staging in a child process whose peak
 * RSS is read from the kernel (VmHWM). Target: < 256 MB at 200k, because extraction streams.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../src/generate';
import { StagingStore } from '../../src/staging/store';
import { round, type BenchScenario } from '../harness';
import { RECORDS_PER_MATTER } from './support/firm';

const CHILD = path.join(__dirname, 'support', 'extract-child.ts');
const LIMIT_MB = 256;

export const scenario: BenchScenario = {
  name: 'extract-memory',
  description: `Clio CSV extraction into staging in its own process: peak RSS (target < ${LIMIT_MB} MB at 200k records)`,
  async run({ quick }) {
    const target = quick ? 50_000 : 200_000;
    const dir = mkdtempSync(path.join(tmpdir(), 'lex-bench-extract-'));
    try {
      const exportDir = path.join(dir, 'export');
      const stagingDir = path.join(dir, 'staging');
      await generate({ source: 'clio-csv', matters: Math.round(target / RECORDS_PER_MATTER), seed: 1, dirtRate: 0.02, out: exportDir });
      const tsx = require.resolve('tsx/cli');
      const out = execFileSync(process.execPath, [tsx, CHILD, exportDir, stagingDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      const child = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; peakRssMb: number };
      const staging = StagingStore.open(stagingDir);
      const records = [...staging.records()].length;
      staging.close();
      return {
        scenario: 'extract-memory',
        records,
        peakRssMb: round(child.peakRssMb, 0),
        limitMb: LIMIT_MB,
        withinLimit: child.peakRssMb < LIMIT_MB,
        recordsPerSecond: Math.round(records / (child.ms / 1000)),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
