/**
 * The migration steps of the CLI: `plan`, `sample`, `approve`, `run`, `delta`, `verify`,
 * `rollback`, `runs`. Each parses flags, calls a plain function in `pipeline/run.ts`, and prints
 * (or prints `--json`). Exit codes: 0 done; 1 error (a LexError says what, where and the fix);
 * 2 finished but records failed, accounting does not hold, or the diff found differences;
 * 130 stopped by Ctrl-C at a checkpoint (run the same command with --resume to continue).
 */
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadPacConfig, resolveEnvironment } from '../../../../solution/src/config';
import { createHttpClient, tokenSourceFor, type HttpDataverseClient } from '../../dataverse/http';
import { LexError } from '../../errors';
import { Journal, runsRoot, type RunMeta } from '../../journal/journal';
import type { Profile } from '../../mapping/profile';
import type { LoadProgress } from '../../pipeline/load';
import { renderPlan } from '../../pipeline/plan';
import { buildStoredPlan } from '../../pipeline/plan-store';
import { approveWithEnvironment, rollbackRequested, type RequestedRollback } from '../../pipeline/handoff';
import { approveRun, rollbackHeapCheck, rollbackRun, startRun, verifyRun, type RunOutcome } from '../../pipeline/run';
import { withStagedFirm, type StagedFirm } from '../../pipeline/read-firm';
import { readProfileFile } from './map';

export const EXIT = { ok: 0, error: 1, incomplete: 2, stopped: 130 } as const;

interface Common {
  env: string;
  config?: string;
  json?: boolean;
  cwd?: string;
}

interface FromStaging extends Common {
  from: string;
  profile: string;
  batchSize?: string;
}

function connect(options: Common): { client: HttpDataverseClient; url: string } {
  const cwd = options.cwd ?? process.cwd();
  const config = loadPacConfig(path.resolve(cwd, options.config ?? 'pac.config.json'));
  const environment = resolveEnvironment(config, options.env);
  return { client: createHttpClient({ url: environment.url, auth: tokenSourceFor(environment, process.env) }), url: environment.url };
}

function confirmedProfile(file: string): Profile & { hash: string } {
  const profile = readProfileFile(file);
  if (profile.status !== 'confirmed' || !profile.hash) {
    throw new LexError({ code: 'LEX_PROFILE_NOT_CONFIRMED', message: `Profile "${profile.name}" v${profile.version} is a draft`, fix: `Review it, then \`lexbridge map confirm ${file} --by <your email>\`: no record moves on an unconfirmed map.`, location: { file } });
  }
  return profile as Profile & { hash: string };
}

/** Staging through the profile (pre-existing rows matched, lost rows counted), with the changed-since filter for deltas, while `use` runs. */
function mapStaging<T>(options: FromStaging, client: HttpDataverseClient, profile: Profile, since: string | undefined, use: (staged: StagedFirm) => Promise<T>): Promise<T> {
  return withStagedFirm({ from: options.from, client, profile, ...(since ? { since } : {}) }, use);
}

function progressBar(json: boolean | undefined): { onProgress?: (p: LoadProgress) => void; stop: () => void } {
  if (json || !process.stderr.isTTY) return { stop: () => undefined };
  const bar = new SingleBar({ format: '{bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | {step}', stream: process.stderr, hideCursor: true });
  const started = Date.now();
  let begun = false;
  return {
    onProgress: (p) => {
      if (!begun) bar.start(p.opsTotal, 0, { rate: 0, step: '' });
      begun = true;
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(p.opsDone, { rate: Math.round(p.opsDone / seconds), step: `${p.step.phase} ${p.step.table}` });
    },
    stop: () => begun && bar.stop(),
  };
}

/** Ctrl-C finishes the current batch, checkpoints, and stops. */
function interruptible(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  return { signal: controller.signal, release: () => process.off('SIGINT', stop) };
}

function print(outcome: RunOutcome, json: boolean | undefined): void {
  if (json) {
    console.log(JSON.stringify({ runId: outcome.runId, mode: outcome.mode, counts: outcome.counts, diffs: outcome.diffs, report: outcome.report }));
  } else {
    console.log(`Run ${outcome.runId} (${outcome.mode}): ${outcome.status}`);
    for (const [entity, c] of Object.entries(outcome.counts)) console.log(`  ${entity.padEnd(26)} extracted ${c.extracted}, loaded ${c.loaded}, skipped ${c.skipped}, failed ${c.failed}`);
    console.log(`Differences: ${outcome.diffs}`);
    if (outcome.report) console.log(`Report: ${outcome.report}`);
    if (outcome.status === 'running') console.log(outcome.mode === 'rollback' ? 'Stopped at a checkpoint. Run the same rollback command again to finish it.' : `Stopped at a checkpoint. Continue with the same command and --resume ${outcome.runId}`);
  }
  const failed = Object.values(outcome.counts).some((c) => c.failed > 0);
  process.exitCode = outcome.status === 'running' ? EXIT.stopped : outcome.status === 'failed' || failed || outcome.diffs > 0 ? EXIT.incomplete : EXIT.ok;
}

export type MigrateOptions = FromStaging & { size?: string; resume?: string; since?: string; lawFirmId?: string; signal?: AbortSignal; onProgress?: (p: LoadProgress) => void };

/**
 * `lexbridge sample|run|delta` as a plain function (the command adds Ctrl-C, a progress bar and
 * printing): maps staging through the confirmed profile and starts or resumes the run.
 */
export async function migrateFromStaging(mode: 'sample' | 'full' | 'delta', options: MigrateOptions): Promise<RunOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const profile = confirmedProfile(options.profile);
  const { client, url } = connect(options);
  try {
    const since = mode === 'delta' ? sinceTimestamp(cwd, options.since) : undefined;
    return await mapStaging(options, client, profile, since, ({ firm, source, watermark }) => startRun({
      cwd,
      mode,
      source,
      environment: url,
      client,
      ops: firm.ops,
      extracted: firm.extracted,
      skips: firm.skips,
      failures: firm.failures,
      warnings: firm.warnings,
      workflows: firm.workflows,
      profile: { version: profile.version, hash: profile.hash },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(watermark ? { watermark } : {}),
      ...(options.resume ? { resumeRunId: options.resume } : {}),
      ...(options.batchSize ? { batchSize: Number(options.batchSize) } : {}),
      ...(options.lawFirmId ? { lawFirmId: options.lawFirmId } : {}),
      ...(mode === 'sample' ? { sample: { size: Number(options.size ?? 200), candidates: firm.candidates } } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }));
  } finally {
    await client.close();
  }
}

async function migrate(mode: 'sample' | 'full' | 'delta', options: MigrateOptions): Promise<void> {
  const { signal, release } = interruptible();
  const progress = progressBar(options.json);
  try {
    const outcome = await migrateFromStaging(mode, { ...options, signal, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
    progress.stop();
    print(outcome, options.json);
  } finally {
    progress.stop();
    release();
  }
}

/** `--since` is a run id (its watermark) or an ISO timestamp. */
export function sinceTimestamp(cwd: string, since: string | undefined): string {
  if (!since) throw new LexError({ code: 'LEX_DELTA_NO_SINCE', message: 'A delta needs --since', fix: 'Pass --since <runId> (the run whose watermark to start from) or an ISO timestamp.' });
  if (!Number.isNaN(Date.parse(since)) && /^\d{4}-\d{2}-\d{2}/.test(since)) return new Date(since).toISOString();
  const journal = Journal.open(runsRoot(cwd), since);
  try {
    const watermark = journal.meta().watermark;
    if (!watermark) throw new LexError({ code: 'LEX_DELTA_NO_WATERMARK', message: `Run ${since} has no watermark`, fix: 'Pass an ISO timestamp with --since instead.' });
    return watermark;
  } finally {
    journal.close();
  }
}

function listRuns(cwd: string): RunMeta[] {
  const root = runsRoot(cwd);
  return Journal.list(root).map((id) => {
    const j = Journal.open(root, id);
    try {
      return j.meta();
    } finally {
      j.close();
    }
  });
}

function printRequested(results: readonly RequestedRollback[], json: boolean | undefined): void {
  if (json) console.log(JSON.stringify(results.map(({ outcome, ...r }) => ({ ...r, ...(outcome ? { rollbackRunId: outcome.runId, report: outcome.report } : {}) }))));
  else if (results.length === 0) console.log('No run in this environment has a rollback requested.');
  for (const r of json ? [] : results) {
    const asked = `requested by ${r.requestedBy ?? 'unknown'} on ${r.requestedOn ?? 'unknown date'}`;
    if (r.done) console.log(`Run ${r.runId} (${asked}): rolled back by ${r.outcome.runId}; every touched row matches its pre-run state; marked Rolled Back. Report: ${r.outcome.report}`);
    else console.log(`Run ${r.runId} (${asked}): not rolled back — ${r.reason}. ${r.fix}`);
  }
  const stopped = results.some((r) => !r.done && r.outcome?.status === 'running');
  process.exitCode = stopped ? EXIT.stopped : results.every((r) => r.done) ? EXIT.ok : EXIT.incomplete;
}

const envOption = ['--env <url|name>', 'environment name from pac.config.json, or its URL (e.g. http://127.0.0.1:5555 for the sandbox)'] as const;

export function register(program: Command): void {
  const fromStaging = (command: Command) =>
    command
      .requiredOption('--from <dir>', 'staging directory written by `lexbridge extract`')
      .requiredOption('--profile <file>', 'the confirmed mapping profile')
      .requiredOption(...envOption)
      .option('--config <file>', 'solution and environment settings', 'pac.config.json')
      .option('--batch-size <n>', 'rows per batch (1–1000)')
      .option('--json', 'print the result as JSON');

  fromStaging(program.command('plan').description('Show what a run will write — tables in load order, batches, plan hash. Nothing is written.')).action(async (options: FromStaging) => {
    const { client } = connect(options);
    try {
      const profile = readProfileFile(options.profile);
      await mapStaging(options, client, profile, undefined, async ({ firm }) => {
        // Planned on disk as a run would be (a scratch folder, removed after): nothing is written to Dataverse.
        const scratch = mkdtempSync(path.join(tmpdir(), 'lexbridge-plan-'));
        try {
          const plan = buildStoredPlan(firm.ops, scratch, options.batchSize ? { batchSize: Number(options.batchSize) } : {});
          if (options.json) console.log(JSON.stringify({ hash: plan.hash, tableOrder: plan.tableOrder, rowsPerTable: plan.rowsPerTable, batches: plan.steps.length, deferredLookups: plan.deferredLookups, issues: plan.issues, mappingFailures: firm.failures.length }));
          else console.log(renderPlan(plan) + (firm.failures.length ? `\n\n${firm.failures.length} record(s) the profile maps to no row (see \`lexbridge preflight\`).` : ''));
        } finally {
          rmSync(scratch, { recursive: true, force: true });
        }
      });
    } finally {
      await client.close();
    }
  });

  fromStaging(program.command('sample').description('Step 5: load a representative sample, read it back and diff it field by field'))
    .option('--size <n>', 'records in the sample', '200')
    .action((options) => migrate('sample', options));

  program
    .command('approve <runId>')
    .description('Step 5: approve a reviewed sample (records who and when); `run` needs it. With --env, takes the approval given in Dynamics')
    .option('--by <email>', 'who approves (without --env, or when the sample is not yet approved in Dynamics)')
    .option('--env <url|name>', 'read the approval from the run row in this environment (and record a --by approval there too)')
    .option('--config <file>', 'solution and environment settings', 'pac.config.json')
    .option('--json', 'print the run as JSON')
    .action(async (runId: string, options: Partial<Common> & { by?: string }) => {
      if (!options.env) {
        if (!options.by) throw new LexError({ code: 'LEX_APPROVE_WHO', message: `Approving ${runId} needs who approves`, fix: 'Pass --by <your email>, or --env <environment> to take the approval given in Dynamics.' });
        const meta = approveRun(process.cwd(), runId, options.by);
        console.log(options.json ? JSON.stringify(meta) : `Sample ${runId} approved by ${meta.approvedBy} on ${meta.approvedOn}.`);
        return;
      }
      const { client } = connect({ ...options, env: options.env });
      try {
        const meta = await approveWithEnvironment(process.cwd(), runId, client, options.by);
        const where = meta.approvedIn === 'dynamics' ? 'in Dynamics' : 'here, and recorded on the run row';
        console.log(options.json ? JSON.stringify(meta) : `Sample ${runId} approved by ${meta.approvedBy} on ${meta.approvedOn} (${where}).`);
      } finally {
        await client.close();
      }
    });

  fromStaging(program.command('run').description('Step 6: the full migration (needs an approved sample of the same profile version); resumable'))
    .option('--resume <runId>', 'continue a stopped or killed run from its journal')
    .option('--law-firm-id <id>', 'firm tax id for LAW_FIRM_ID in the LEDES files')
    .action((options) => migrate('full', options));

  fromStaging(program.command('delta').description('Step 6, cutover: load records created or changed in the source since a run or a time'))
    .requiredOption('--since <runId|timestamp>', 'a run id (its watermark) or an ISO timestamp')
    .option('--resume <runId>', 'continue a stopped delta')
    .action((options) => migrate('delta', options));

  program
    .command('verify <runId>')
    .description('Read every row of a run back and diff it field by field (same format as the sample)')
    .requiredOption(...envOption)
    .option('--config <file>', 'solution and environment settings', 'pac.config.json')
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, options: Common) => {
      const { client } = connect(options);
      try {
        print(await verifyRun(process.cwd(), runId, client), options.json);
      } finally {
        await client.close();
      }
    });

  program
    .command('rollback [runId]')
    .description('Undo a run: delete the rows it created, restore the rows it updated, then check them. --requested: every run whose rollback was requested in Dynamics')
    .requiredOption(...envOption)
    .option('--requested', 'roll back the runs whose row in the environment says Rollback Requested, and mark them Rolled Back')
    .option('--config <file>', 'solution and environment settings', 'pac.config.json')
    .option('--force', 'roll back even though a later run wrote some of the same rows')
    .option('--json', 'print the result as JSON')
    .action(async (runId: string | undefined, options: Common & { force?: boolean; requested?: boolean }) => {
      if (!runId === !options.requested) {
        throw new LexError({ code: 'LEX_ROLLBACK_WHICH', message: runId ? 'Pass a run id or --requested, not both' : 'No run to roll back was named', fix: 'Pass the run id (`lexbridge runs` lists them), or --requested for the runs whose rollback was requested in Dynamics.' });
      }
      const { client, url } = connect(options);
      const { signal, release } = interruptible();
      const progress = progressBar(options.json);
      try {
        const common = { cwd: process.cwd(), client, environment: url, force: !!options.force, signal, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) };
        if (options.requested) {
          printRequested(await rollbackRequested(common), options.json);
          return;
        }
        const heapWarning = rollbackHeapCheck(common.cwd, runId!);
        if (heapWarning) console.error(`Warning: ${heapWarning}`);
        const outcome = await rollbackRun({ ...common, runId: runId! });
        progress.stop();
        print(outcome, options.json);
        if (!options.json) console.log(outcome.verified ? 'Every touched row matches its pre-run state.' : 'Some rows do not match their pre-run state: see the report.');
        if (!outcome.verified && process.exitCode === EXIT.ok) process.exitCode = EXIT.incomplete;
      } finally {
        progress.stop();
        release();
        await client.close();
      }
    });

  program
    .command('runs')
    .description('List the runs journaled in this folder (.lexbridge/runs)')
    .option('--json', 'print the runs as JSON')
    .action((options: { json?: boolean }) => {
      const runs = listRuns(process.cwd());
      if (options.json) console.log(JSON.stringify(runs));
      else for (const r of runs) console.log(`${r.runId}  ${r.mode.padEnd(8)} ${r.status.padEnd(9)} ${r.approvedBy ? `approved by ${r.approvedBy}` : ''}`);
    });
}
