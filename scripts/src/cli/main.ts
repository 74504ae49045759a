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
  .showHelpAfterError();

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
