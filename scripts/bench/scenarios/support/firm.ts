/**
 * A generated Clio CSV firm made ready to load, the way `lexbridge` does it: generate → extract
 * into staging → map with the confirmed default profile. Bench scenarios share it, so every
 * figure is measured on the same kind of data (every record type, in the generator's own mix).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExtract } from '../../../src/cli/commands/extract';
import { generate } from '../../../src/generate';
import { defaultProfile } from '../../../src/mapping/default-profiles';
import type { MappableRecord } from '../../../src/mapping/engine';
import type { Profile } from '../../../src/mapping/profile';
import { confirmProfile } from '../../../src/mapping/profile-lifecycle';
import { mapFirm, type MappedFirm } from '../../../src/pipeline/from-staging';
import { DEFAULT_USERS } from '../../../src/sandbox/server';
import { StagingStore } from '../../../src/staging/store';

/** Source records per generated matter (every type), measured on the generator at seed 1. */
export const RECORDS_PER_MATTER = 32;

export interface PreparedFirm {
  dir: string;
  profile: Profile;
  /** Its ops map staging afresh on each pass (as in a run), so staging stays open until `dispose`. */
  firm: MappedFirm;
  /** Source records in staging. */
  records: number;
  /** Wall time of each stage, ms. */
  ms: { generate: number; extract: number; map: number };
  dispose(): void;
}

const now = () => performance.now();

export function benchProfile(): Profile {
  const draft = defaultProfile('clio-csv');
  const admin = DEFAULT_USERS[0]!.internalemailaddress;
  return confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: admin } }, admin, new Date('2024-06-01T00:00:00Z'));
}

/** The environment for a rig process (generator, sandbox): Lexbridge's heap budget is not theirs. */
export function withoutHeapBudget(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_OPTIONS: (process.env.NODE_OPTIONS ?? '').replace(/--max-old-space-size=\d+/g, '').trim() };
}

/**
 * A firm of about `records` source records (matters = records ÷ RECORDS_PER_MATTER), 2 % dirt.
 * `generateApart`: generate in a child process, so the generator (the test rig) does not count
 * towards this process's peak memory.
 */
export async function prepareFirm(records: number, seed = 1, options: { generateApart?: boolean } = {}): Promise<PreparedFirm> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lex-bench-'));
  const matters = Math.max(1, Math.round(records / RECORDS_PER_MATTER));
  let t = now();
  const out = path.join(dir, 'export');
  if (options.generateApart) {
    const cli = path.resolve(__dirname, '../../../../bin/lexbridge.js');
    execFileSync(process.execPath, [cli, 'generate', '--source', 'clio-csv', '--matters', String(matters), '--seed', String(seed), '--dirt-rate', '0.02', '--out', out], { stdio: ['ignore', 'ignore', 'inherit'], env: withoutHeapBudget() });
  } else await generate({ source: 'clio-csv', matters, seed, dirtRate: 0.02, out });
  const generateMs = now() - t;
  t = now();
  await runExtract({ source: 'clio-csv', from: path.join(dir, 'export'), out: path.join(dir, 'staging') });
  const extractMs = now() - t;
  t = now();
  const profile = benchProfile();
  const staging = StagingStore.open(path.join(dir, 'staging'));
  const systemUsers = DEFAULT_USERS.map((u) => ({ systemuserid: u.systemuserid, internalemailaddress: u.internalemailaddress, isdisabled: u.isdisabled }));
  const firm = mapFirm({ profile, records: () => staging.records() as unknown as Iterable<MappableRecord>, systemUsers });
  const mapMs = now() - t;
  const total = Object.values(firm.extracted).reduce((n, c) => n + c, 0);
  const dispose = () => {
    staging.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, profile, firm, records: total, ms: { generate: generateMs, extract: extractMs, map: mapMs }, dispose };
}
