/**
 * `lexbridge`: the CLI. Each command lives in `commands/<name>.ts` and registers itself here,
 * so areas of the engine add commands without touching each other.
 */
import { Command } from 'commander';
import { register as registerSolution } from './commands/solution';
import { register as registerMap } from './commands/map';
import { register as registerPreflight } from './commands/preflight';
import { register as registerDemo } from './commands/demo';
import { register as registerGenerate } from './commands/generate';
import { register as registerExtract } from './commands/extract';
import { register as registerDiscover } from './commands/discover';
import { register as registerFixtureServer } from './commands/fixture-server';
import { register as registerSandbox } from './commands/sandbox';
import { register as registerMigrate } from './commands/migrate';
import { register as registerReview } from './commands/review';

const program = new Command('lexbridge')
  .description('Move a law firm from Clio, Actionstep or Perfect Portal into Dynamics 365 Sales, inside your own tenant.')
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
The six steps (each command takes --env <url|name> where it touches Dynamics, and --json):
  1. extract      pull the source into local staging (rate limits, resumable)
  2. map          draft the field map with proposals; \`map confirm\` before any record moves
  3. preflight    resolve attorneys by email, check limits, data rules and files (read-only)
  4.              documents: notes up to maxuploadfilesize, larger ones as SharePoint document locations (part of sample/run)
  5. sample       load a representative slice and diff it field by field; \`approve\` it
  6. run          the full migration; \`delta\` at cutover, \`verify\` any run, \`rollback\` to undo
Try it all on this machine: lexbridge demo (npm start). Exit codes: 0 done, 1 error, 2 finished with blocking findings, failures or diffs, 130 stopped at a checkpoint.`,
  );

const registrations: ((program: Command) => void)[] = [
  registerGenerate,
  registerExtract,
  registerDiscover,
  registerFixtureServer,
  // one line per command module, e.g. (await import('./commands/sandbox')).register
  registerSolution,
  registerSandbox,
  registerMap,
  registerPreflight,
  registerMigrate,
  registerReview,
  registerDemo,
];

for (const register of registrations) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.toString() : String(error));
  process.exitCode = 1;
});
