/**
 * Shared rig for the reliability suite: the suite's size (small in the normal jest run, full
 * with `npm run test:reliability`), a staged firm, a sandbox per scenario with a folder holding
 * the confirmed profile and an approved sample, the CLI as a child process, and snapshots of
 * the sandbox's tables to compare end states row by row (without the run ledger: the
 * `lex_migrationrun` rows and the reports attached to them).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runExtract } from '../../../scripts/src/cli/commands/extract';
import { createHttpClient, type HttpDataverseClient } from '../../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../../scripts/src/dataverse/http/auth';
import { generate } from '../../../scripts/src/generate';
import type { SystemUser } from '../../../scripts/src/mapping/context';
import { defaultProfile } from '../../../scripts/src/mapping/default-profiles';
import type { MappableRecord } from '../../../scripts/src/mapping/engine';
import type { Profile } from '../../../scripts/src/mapping/profile';
import { confirmProfile } from '../../../scripts/src/mapping/profile-lifecycle';
import { mapFirm, type MappedFirm } from '../../../scripts/src/pipeline/from-staging';
import { approveRun, startRun, type StartRunOptions } from '../../../scripts/src/pipeline/run';
import { DEFAULT_USERS, startSandbox, type RunningSandbox, type SandboxOptions } from '../../../scripts/src/sandbox/server';
import { StagingStore } from '../../../scripts/src/staging/store';

export const REPO = path.resolve(__dirname, '../../..');

/** `LEXBRIDGE_RELIABILITY=full` (npm run test:reliability): the sizes the issue asks for; otherwise CI sizes. */
export const FULL = process.env.LEXBRIDGE_RELIABILITY === 'full';
export const SIZE = {
  kills: Number(process.env.LEXBRIDGE_RELIABILITY_KILLS ?? (FULL ? 20 : 3)),
  /** Generated matters for the firm (the bundled sample has 40). */
  matters: FULL ? 120 : 12,
  faultRate: 0.2,
};
export const ADMIN = DEFAULT_USERS[0]!.internalemailaddress;

/** Columns the platform sets on every write: a restored row cannot carry their old values. */
export const PLATFORM_SET = new Set(['modifiedon', 'modifiedby', 'modifiedonbehalfby', 'versionnumber']);

export function reliabilityProfile(): Profile {
  const draft = defaultProfile('clio-csv');
  return confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: ADMIN } }, ADMIN, new Date('2024-06-01T00:00:00Z'));
}

/** A generated Clio CSV firm (seeded, 5 % dirt) extracted into `<dir>/staging`. */
export async function stagedFirm(dir: string, matters = SIZE.matters, seed = 8): Promise<string> {
  await generate({ source: 'clio-csv', matters, seed, dirtRate: 0.05, out: path.join(dir, 'export') });
  const staging = path.join(dir, 'staging');
  await runExtract({ source: 'clio-csv', from: path.join(dir, 'export'), out: staging });
  return staging;
}

export async function systemUsers(client: HttpDataverseClient): Promise<SystemUser[]> {
  const users: SystemUser[] = [];
  for await (const page of client.query('systemuser', { select: ['systemuserid', 'internalemailaddress', 'isdisabled', 'fullname'] })) users.push(...(page as unknown as SystemUser[]));
  return users;
}

export function mapStaging(staging: string, profile: Profile, users: readonly SystemUser[], preExisting?: ReadonlyMap<string, string>): MappedFirm {
  // The firm maps staging afresh on each pass; a test-sized firm's records are simply kept in memory.
  const store = StagingStore.open(staging);
  const records = [...store.records()] as unknown as MappableRecord[];
  store.close();
  return mapFirm({ profile, records: () => records, systemUsers: users, ...(preExisting ? { preExisting } : {}) });
}

export interface Prepared {
  sandbox: RunningSandbox;
  client: HttpDataverseClient;
  cwd: string;
  profile: Profile;
  firm: MappedFirm;
  base: Omit<StartRunOptions, 'mode'>;
  close(): Promise<void>;
}

/**
 * A sandbox, and a folder (`<root>/<name>`) with pac.config.json, the staged firm, the confirmed
 * profile on disk and an approved sample run: what `lexbridge run` needs.
 */
export async function prepare(root: string, name: string, staging: string, options: { sandbox?: SandboxOptions; preExisting?: ReadonlyMap<string, string>; beforeSample?: (client: HttpDataverseClient) => Promise<void> } = {}): Promise<Prepared> {
  const sandbox = await startSandbox({ port: 0, limits: false, ...options.sandbox });
  const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('reliability'), retry: { maxAttempts: 8, baseDelayMs: 200 } });
  const cwd = path.join(root, name);
  mkdirSync(cwd, { recursive: true });
  copyFileSync(path.join(REPO, 'pac.config.json'), path.join(cwd, 'pac.config.json'));
  cpSync(staging, path.join(cwd, 'staging'), { recursive: true });
  await options.beforeSample?.(client);
  const profile = reliabilityProfile();
  writeFileSync(path.join(cwd, 'profile.json'), JSON.stringify(profile));
  const firm = mapStaging(path.join(cwd, 'staging'), profile, await systemUsers(client), options.preExisting);
  const base = { cwd, source: 'clio', environment: sandbox.apiUrl, client, ops: firm.ops, extracted: firm.extracted, skips: firm.skips, failures: firm.failures, profile: { version: profile.version, hash: profile.hash! } };
  const sample = await startRun({ ...base, mode: 'sample', sample: { size: 20, candidates: firm.candidates, seed: 'reliability' } });
  approveRun(cwd, sample.runId, ADMIN);
  return {
    sandbox,
    client,
    cwd,
    profile,
    firm,
    base,
    close: async () => {
      await client.close();
      await sandbox.close();
    },
  };
}

export interface CliRun {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill(): void;
}

/** `lexbridge <args>` in a child process (bin/lexbridge.js through tsx), as an admin runs it. */
export function cli(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'lexbridge.js'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return { done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))), kill: () => child.kill('SIGKILL') };
}

/**
 * Every row of every table the firm lands in, straight from the sandbox's SQLite store, sorted
 * by id: what a row-by-row comparison of two end states needs. `ignore` drops columns (the
 * platform's own timestamps, the run a row points at) before comparing.
 */
export function tableSnapshot(sandbox: RunningSandbox, ignore: ReadonlySet<string> = new Set(), skipTables: ReadonlySet<string> = new Set(['lex_migrationrun'])): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const table of sandbox.store.tables()) {
    if (skipTables.has(table.logicalName)) continue;
    // The run ledger (each run's row and the report and journal attached to it) is meant to outlive a rollback.
    const ledger = table.logicalName === 'annotation' ? { where: "objectid__type IS NOT 'lex_migrationrun'" } : {};
    const rows = sandbox.store.select(table.logicalName, { ...ledger, orderBy: table.primaryIdColumn });
    out[table.logicalName] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !ignore.has(k))));
  }
  return out;
}

/** Rows per table whose `lex_sourcekey` appears more than once: duplicates a resumed run must not create. */
export function duplicateSourceKeys(snapshot: Record<string, Record<string, unknown>[]>): string[] {
  const dupes: string[] = [];
  for (const [table, rows] of Object.entries(snapshot)) {
    const seen = new Set<string>();
    for (const row of rows) {
      const key = row['lex_sourcekey'];
      if (typeof key !== 'string') continue;
      if (seen.has(key)) dupes.push(`${table}:${key}`);
      seen.add(key);
    }
  }
  return dupes;
}
