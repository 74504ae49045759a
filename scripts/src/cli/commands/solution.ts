/**
 * `lexbridge solution deploy --env <url|name>`: creates the Lexbridge tables, columns,
 * relationships and keys in an environment through the metadata Web API, skipping what exists,
 * then publishes. Safe to run again: a second run writes no metadata.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { loadPacConfig, resolveEnvironment } from '../../../../solution/src/config';
import { renderMetadataRequests } from '../../../../solution/src/metadata/requests';
import { schema } from '../../../../solution/src/schema';
import { deploySolution, type DeployOptions, type DeployResult } from '../../dataverse/deploy';
import { createHttpClient, tokenSourceFor } from '../../dataverse/http';

export interface SolutionDeployOptions {
  /** Environment name from pac.config.json, or a URL. */
  env: string;
  /** Default `pac.config.json` in `cwd`. */
  config?: string;
  cwd?: string;
  environmentVariables?: Record<string, string | undefined>;
  onProgress?: DeployOptions['onProgress'];
}

export async function solutionDeploy(options: SolutionDeployOptions): Promise<DeployResult> {
  const configPath = path.resolve(options.cwd ?? process.cwd(), options.config ?? 'pac.config.json');
  const config = loadPacConfig(configPath);
  const environment = resolveEnvironment(config, options.env);
  const client = createHttpClient({ url: environment.url, auth: tokenSourceFor(environment, options.environmentVariables ?? process.env), maxParallel: 1 });
  try {
    return await deploySolution(client, renderMetadataRequests(schema, config), options.onProgress ? { onProgress: options.onProgress } : {});
  } finally {
    await client.close();
  }
}

export function register(program: Command): void {
  const solution = program.command('solution').description('The Lexbridge Dataverse solution');
  solution
    .command('deploy')
    .description('Create the Lexbridge tables, columns, relationships and keys in an environment (skips what exists), then publish')
    .requiredOption('--env <url|name>', 'environment name from pac.config.json, or its URL (e.g. http://127.0.0.1:5555 for the sandbox)')
    .option('--config <file>', 'solution and environment settings', 'pac.config.json')
    .option('--json', 'print { created, skipped, published } as JSON')
    .action(async (opts: { env: string; config: string; json?: boolean }) => {
      const result = await solutionDeploy({
        env: opts.env,
        config: opts.config,
        ...(opts.json ? {} : { onProgress: ({ action, component }) => console.error(`${action.padEnd(9)} ${component}`) }),
      });
      if (opts.json) console.log(JSON.stringify({ created: result.created, skipped: result.skipped, published: result.published }));
      else console.log(`created ${result.created}, skipped ${result.skipped} (already there)${result.published ? ', published' : ''}`);
    });
}
