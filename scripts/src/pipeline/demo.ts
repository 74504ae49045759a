/**
 * The demo's migration (`npm start` after the solution build): the sandbox in-process with its
 * data in `.lexbridge/demo/sandbox.db`, the bundled sample firm (Clio CSV) extracted, pre-flight,
 * sample, approve, full run, verify — then the summary and the report path. Running it again
 * changes nothing but the run history: every row is upserted by its deterministic id.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runExtract } from '../cli/commands/extract';
import { createHttpClient } from '../dataverse/http';
import { staticTokenSource } from '../dataverse/http/auth';
import { defaultProfile } from '../mapping/default-profiles';
import { confirmProfile } from '../mapping/profile-lifecycle';
import { preflightFromStaging } from '../preflight/run';
import { DEFAULT_USERS, startSandbox } from '../sandbox/server';
import { withStagedFirm } from './read-firm';
import { approveRun, startRun, verifyRun, type RunOutcome } from './run';

export interface DemoMigrationOptions {
  /** Repository root: `samples/clio-csv-small` is read from here, `.lexbridge/` written here. */
  root: string;
  log?: (line: string) => void;
  sampleSize?: number;
}

export interface DemoMigrationResult {
  sample: RunOutcome;
  full: RunOutcome;
  sandboxFile: string;
}

export async function demoMigration(options: DemoMigrationOptions): Promise<DemoMigrationResult> {
  const log = options.log ?? console.log;
  const dir = path.join(options.root, '.lexbridge', 'demo');
  mkdirSync(dir, { recursive: true });
  const sandboxFile = path.join(dir, 'sandbox.db');
  const sandbox = await startSandbox({ port: 0, dataFile: sandboxFile });
  const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('lexbridge-demo') });
  try {
    log(`Sandbox: ${sandbox.apiUrl} (data in ${path.relative(options.root, sandboxFile)})`);
    const staging = path.join(dir, 'staging');
    await runExtract({ source: 'clio-csv', from: path.join(options.root, 'samples', 'clio-csv-small'), out: staging });

    // The demo's admin confirms the default map; people the sandbox does not know go to them.
    const draft = defaultProfile('clio-csv');
    const admin = DEFAULT_USERS[0]!.internalemailaddress;
    const profile = confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: admin } }, admin, new Date('2024-06-01T00:00:00Z'));
    const preflight = await preflightFromStaging({ from: staging, client, profile }, () => 'clio-csv');
    log(`Pre-flight: grade ${preflight.grade.overall}, ${preflight.blocking} blocking, ${preflight.findings.length} findings`);

    // Rows the environment already holds (matched in pre-flight) are updated, not duplicated.
    // The firm is mapped from staging on each pass (sample, full run), so staging stays open meanwhile.
    return await withStagedFirm({ from: staging, client, profile }, async ({ firm, preExisting }) => {
      if (preExisting.size) log(`Pre-existing rows matched: ${preExisting.size} (updated in place, restored by rollback)`);
      const base = { cwd: options.root, source: 'clio', environment: sandbox.apiUrl, client, ops: firm.ops, extracted: firm.extracted, skips: firm.skips, failures: firm.failures, warnings: firm.warnings, workflows: firm.workflows, profile: { version: profile.version, hash: profile.hash! } };
      const sample = await startRun({ ...base, mode: 'sample', sample: { size: options.sampleSize ?? 50, candidates: firm.candidates } });
      log(`Sample ${sample.runId}: ${sample.diffs} differences (report: ${path.relative(options.root, sample.report)})`);
      approveRun(options.root, sample.runId, admin);
      log(`Approved by ${admin}`);
      const full = await startRun({ ...base, mode: 'full' });
      const verified = await verifyRun(options.root, full.runId, client);
      log(`Full run ${full.runId}: ${full.status}`);
      for (const [entity, c] of Object.entries(full.counts)) log(`  ${entity.padEnd(24)} extracted ${c.extracted}, loaded ${c.loaded}, skipped ${c.skipped}, failed ${c.failed}`);
      log(`Differences after verify: ${verified.diffs}`);
      log(`Report: ${verified.report}`);
      log(`Undo it: lexbridge sandbox --data ${path.relative(options.root, sandboxFile)} --port 5555, then lexbridge rollback ${full.runId} --env http://127.0.0.1:5555`);
      return { sample, full: { ...full, diffs: verified.diffs, report: verified.report }, sandboxFile };
    });
  } finally {
    await client.close();
    await sandbox.close();
  }
}
