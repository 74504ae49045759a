/**
 * `lexbridge demo` (what `npm start` runs): builds the Dataverse solution and says where the zips
 * are, then migrates the bundled sample firm into the local sandbox (`pipeline/demo.ts`).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { buildSolution, type BuiltSolution } from '../../../../solution/src/build';
import { demoMigration } from '../../pipeline/demo';
import { serveReview } from './review';

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
  log('The full demo (sandbox, sample firm, migration, report) comes with the pipeline.');
  return built;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('The whole product on one machine: build the solution, start the sandbox, migrate the bundled sample firm (pre-flight, sample, approve, run, verify) and print the report path')
    .option('--json', 'print { runId, mode, counts, diffs, report } of the full run as JSON')
    .option('--no-review', 'exit after the migration instead of serving the review page')
    .action(async (options: { json?: boolean; review: boolean }) => {
      const log = options.json ? () => undefined : console.log;
      await demo({ log });
      const { full } = await demoMigration({ root: process.cwd(), log });
      if (options.json) console.log(JSON.stringify({ runId: full.runId, mode: full.mode, counts: full.counts, diffs: full.diffs, report: full.report }));
      // At its end the demo serves the review page on the migrated data (Ctrl+C stops it).
      else if (options.review) await serveReview({ cwd: process.cwd(), port: 5560 });
    });
}
