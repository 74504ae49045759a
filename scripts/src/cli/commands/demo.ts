/**
 * `lexbridge demo` (what `npm start` runs): builds the Dataverse solution and says where the zips
 * are, migrates the bundled sample firm into the local sandbox (`pipeline/demo.ts`), prints the
 * summary and the report path, then serves the review page until Ctrl-C — only when a person is
 * watching: with --no-review, --json, or stdout not a terminal (CI, a pipe) it exits instead.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { buildSolution, type BuiltSolution } from '../../../../solution/src/build';
import { demoMigration, type DemoMigrationResult } from '../../pipeline/demo';
import { runReview, stopOnSignal, type RunningReview } from './review';

export interface DemoOptions {
  /** Repository root holding pac.config.json; the zips go to `<root>/dist/solution`. */
  root?: string;
  log?: (line: string) => void;
}

export async function demo(options: DemoOptions = {}): Promise<BuiltSolution> {
  const log = options.log ?? console.log;
  const root = options.root ?? process.cwd();
  const built = await buildSolution({ root });
  log('Built the Lexbridge Dataverse solution:');
  log(`  unmanaged: ${path.relative(root, built.unmanaged)}`);
  log(`  managed:   ${path.relative(root, built.managed)}`);
  log('Import one with `pac solution import --path <zip>` or in the maker portal (see docs/solution.md).');
  return built;
}

/** The review page is served only to a person at a terminal who did not ask to skip it. */
export function servesReview(options: { review: boolean; json?: boolean }, stdoutIsTTY: boolean): boolean {
  return options.review && !options.json && stdoutIsTTY;
}

export interface DemoRunOptions {
  root: string;
  review: boolean;
  json?: boolean;
  stdoutIsTTY: boolean;
  /** Review page port (5560; tests pass 0). */
  port?: number;
  log?: (line: string) => void;
}

/**
 * The whole demo, in order: solution, migration, summary and report path, then — when served —
 * the review page (returned running; the command keeps it until Ctrl-C).
 */
export async function runDemo(options: DemoRunOptions): Promise<DemoMigrationResult & { review?: RunningReview }> {
  const log = options.json ? () => undefined : (options.log ?? console.log);
  await demo({ root: options.root, log });
  const result = await demoMigration({ root: options.root, log });
  const { full } = result;
  if (options.json) (options.log ?? console.log)(JSON.stringify({ runId: full.runId, mode: full.mode, counts: full.counts, diffs: full.diffs, report: full.report }));
  if (!servesReview(options, options.stdoutIsTTY)) {
    if (options.review && !options.json) log('Review page not served (stdout is not a terminal): run `lexbridge review` to open it on this data.');
    return result;
  }
  return { ...result, review: await runReview({ cwd: options.root, port: options.port ?? 5560, log }) };
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('The whole product on one machine: build the solution, start the sandbox, migrate the bundled sample firm (pre-flight, sample, approve, run, verify) and print the report path')
    .option('--json', 'print { runId, mode, counts, diffs, report } of the full run as JSON')
    .option('--no-review', 'exit after the migration instead of serving the review page')
    .action(async (options: { json?: boolean; review: boolean }) => {
      const { review } = await runDemo({ root: process.cwd(), review: options.review, ...(options.json ? { json: true } : {}), stdoutIsTTY: process.stdout.isTTY === true });
      // Serves until Ctrl-C; otherwise nothing is left open and the process exits.
      if (review) stopOnSignal(review);
    });
}
