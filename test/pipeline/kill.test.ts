/**
 * Kill test: `lexbridge run` in a child process, killed with SIGKILL at 5 random checkpoints and
 * resumed each time, ends row-for-row identical to an uninterrupted run (ignoring what the
 * platform sets: timestamps, and the run id each row points at).
 */
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExtract } from '../../scripts/src/cli/commands/extract';
import { createHttpClient, type HttpDataverseClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import type { SystemUser } from '../../scripts/src/mapping/context';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import type { MappableRecord } from '../../scripts/src/mapping/engine';
import { confirmProfile } from '../../scripts/src/mapping/profile-lifecycle';
import { Journal, runsRoot } from '../../scripts/src/journal/journal';
import { mapFirm } from '../../scripts/src/pipeline/from-staging';
import { selectFor, tableOf } from '../../scripts/src/pipeline/row-body';
import { approveRun, startRun } from '../../scripts/src/pipeline/run';
import { DEFAULT_USERS, startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';
import { StagingStore } from '../../scripts/src/staging/store';
import { withoutRunNotes } from './fixtures';

const REPO = path.resolve(__dirname, '../..');
const TABLES = ['account', 'contact', 'opportunity', 'incident', 'lex_matter', 'connection', 'invoice', 'lex_timeentry', 'task', 'appointment', 'phonecall', 'email', 'annotation'];

/** Checkpoints a (possibly running) journal holds, read-only. */
function checkpointsDone(file: string): number {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM checkpoint WHERE step >= 0").get() as { n: number }).n;
  } catch {
    return 0; // the run is still creating its journal
  } finally {
    db.close();
  }
}

/** Seeded, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
}

async function snapshot(client: HttpDataverseClient): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const select = selectFor(tableOf(table)).filter((c) => c !== '_lex_migrationrunid_value');
    const rows: unknown[] = [];
    for await (const page of client.query(table, { select })) rows.push(...page.map(({ ['@odata.etag']: _, ...r }) => r));
    out[table] = (await withoutRunNotes(client, table, rows)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

describe('a full run killed with SIGKILL and resumed', () => {
  let dir: string;
  const sandboxes: RunningSandbox[] = [];
  const clients: HttpDataverseClient[] = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lex-kill-'));
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    for (const s of sandboxes) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A sandbox, a folder with an approved sample, and the confirmed profile on disk. */
  async function prepared(name: string) {
    const sandbox = await startSandbox({ port: 0, limits: false, latency: { perRequestMs: 10, perRecordMs: 0 } });
    sandboxes.push(sandbox);
    const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('kill') });
    clients.push(client);
    const cwd = path.join(dir, name);
    mkdirSync(cwd, { recursive: true });
    copyFileSync(path.join(REPO, 'pac.config.json'), path.join(cwd, 'pac.config.json'));
    cpSync(path.join(dir, 'staging'), path.join(cwd, 'staging'), { recursive: true });
    const users: SystemUser[] = [];
    for await (const page of client.query('systemuser', { select: ['systemuserid', 'internalemailaddress', 'isdisabled'] })) users.push(...(page as unknown as SystemUser[]));
    const draft = defaultProfile('clio-csv');
    const admin = DEFAULT_USERS[0]!.internalemailaddress;
    const profile = confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: admin } }, admin, new Date('2024-06-01T00:00:00Z'));
    writeFileSync(path.join(cwd, 'profile.json'), JSON.stringify(profile));
    const staging = StagingStore.open(path.join(cwd, 'staging'));
    const records = [...staging.records()] as unknown as MappableRecord[];
    staging.close();
    const firm = mapFirm({ profile, records: () => records, systemUsers: users });
    const base = { cwd, source: 'clio', environment: sandbox.apiUrl, client, ops: firm.ops, extracted: firm.extracted, skips: firm.skips, failures: firm.failures, profile: { version: profile.version, hash: profile.hash! } };
    const sample = await startRun({ ...base, mode: 'sample', sample: { size: 20, candidates: firm.candidates, seed: 'kill' } });
    approveRun(cwd, sample.runId, admin);
    return { sandbox, client, cwd, base };
  }

  function cli(cwd: string, args: string[]): { done: Promise<number | null>; kill: () => void } {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'lexbridge.js'), ...args], { cwd, stdio: 'ignore' });
    return { done: new Promise((resolve) => child.on('exit', (code) => resolve(code))), kill: () => child.kill('SIGKILL') };
  }

  it('ends identical to an uninterrupted run', async () => {
    await runExtract({ source: 'clio-csv', from: path.join(REPO, 'samples', 'clio-csv-small'), out: path.join(dir, 'staging') });
    const reference = await prepared('reference');
    const referenceRun = await startRun({ ...reference.base, mode: 'full', batchSize: 20 });

    const killed = await prepared('killed');
    const args = ['--from', 'staging', '--profile', 'profile.json', '--env', killed.sandbox.apiUrl, '--batch-size', '20', '--json'];
    // Kill at 5 random checkpoints (not at random times: start-up time varies with machine load).
    const referenceJournal = Journal.open(runsRoot(reference.cwd), referenceRun.runId);
    const totalSteps = referenceJournal.plan()!.steps.length;
    referenceJournal.close();
    const next = random(20240601);
    const targets = [...new Set(Array.from({ length: 5 }, () => 1 + Math.floor(next() * (totalSteps - 2))))].sort((a, b) => a - b);
    let runId: string | undefined;
    const stepsAtKill: number[] = [];
    for (const target of targets) {
      const child = cli(killed.cwd, ['run', ...args, ...(runId ? ['--resume', runId] : [])]);
      let exited = false;
      void child.done.then(() => (exited = true));
      while (!exited) {
        runId ??= readdirSync(path.join(killed.cwd, '.lexbridge', 'runs')).find((r) => r.includes('-full-'));
        const done = runId ? checkpointsDone(path.join(runsRoot(killed.cwd), runId, 'journal.db')) : 0;
        if (done >= target) {
          child.kill();
          stepsAtKill.push(done);
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      await child.done;
    }
    expect(stepsAtKill.length).toBe(targets.length);
    expect(new Set(stepsAtKill).size).toBeGreaterThan(1);
    const final = await cli(killed.cwd, ['run', ...args, '--resume', runId!]).done;
    expect([0, 2]).toContain(final); // 2: finished with failed records, as the reference
    console.log(`kill test: ${totalSteps} steps, killed at ${stepsAtKill.join(', ')}`);
    expect(await snapshot(killed.client)).toEqual(await snapshot(reference.client));
  }, 180_000);
});
