/**
 * `lexbridge demo` (what `npm start` runs). For now it builds the Dataverse solution and says
 * where the zips are; the pipeline issue turns it into the full end-to-end demo.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { buildSolution, type BuiltSolution } from '../../../../solution/src/build';

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
    .description('Build the Lexbridge solution zips and say where they are (the full demo comes with the pipeline)')
    .action(async () => {
      await demo();
    });
}
