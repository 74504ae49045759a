/**
 * `lexbridge preflight --from <staging dir> --env <url|name> [--profile p.json] [--json] [--out dir]`:
 * read-only checks of staging, the profile and the environment before any record moves. With
 * `--source`, `--from` may be the export or API itself (extracted into `<out>/staging` first).
 * Exit code 0 when nothing blocks, 2 when blocking findings remain.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadPacConfig, resolveEnvironment } from '../../../../solution/src/config';
import { createHttpClient, tokenSourceFor } from '../../dataverse/http';
import { preflightFromStaging, writePreflightReports } from '../../preflight/run';
import { findingsJson } from '../../preflight/render';
import { STAGING_FILE } from '../../staging/store';
import { runExtract } from './extract';
import { readProfileFile, sourceKind } from './map';

export interface PreflightCliOptions {
  from: string;
  env: string;
  profile?: string;
  source?: string;
  json?: boolean;
  out: string;
  config: string;
  tier: 'professional' | 'enterprise';
  licences: string;
}

/**
 * Staging to check: `--from` itself when it is a staging directory; otherwise, with `--source`,
 * the export or API at `--from` extracted first into `<out>/staging` (resumable, reusable).
 */
async function stagingFor(options: PreflightCliOptions): Promise<string> {
  if (existsSync(path.join(options.from, STAGING_FILE)) || !options.source) return options.from;
  const dir = path.join(options.out, 'staging');
  await runExtract({ source: options.source, from: options.from, out: dir, ...(options.profile ? { profile: options.profile } : {}) });
  if (!options.json) console.log(`Extracted ${options.source} from ${options.from} into ${dir} (pass it as --from next time).`);
  return dir;
}

export async function preflightCommand(options: PreflightCliOptions, env: Record<string, string | undefined> = process.env): Promise<number> {
  const from = await stagingFor(options);
  const environment = resolveEnvironment(loadPacConfig(path.resolve(options.config)), options.env);
  const client = createHttpClient({ url: environment.url, auth: tokenSourceFor(environment, env), maxParallel: 2 });
  try {
    const report = await preflightFromStaging(
      {
        from,
        client,
        ...(options.profile ? { profile: readProfileFile(options.profile) } : {}),
        ...(options.source ? { source: sourceKind(options.source, '') } : {}),
        customTableLimit: options.tier === 'enterprise' ? Infinity : 15,
        licences: Number(options.licences),
      },
      (fromStaging) => sourceKind(fromStaging, ' (staging does not say which source it holds)'),
    );
    const files = writePreflightReports(options.out, report);
    if (options.json) console.log(JSON.stringify(findingsJson(report)));
    else {
      console.log(`Pre-flight of ${report.profile.name} v${report.profile.version} (${report.profile.status}): grade ${report.grade.overall} (${report.grade.label})`);
      const bySeverity = (s: string) => report.findings.filter((f) => f.severity === s).length;
      console.log(`${report.blocking} blocking, ${bySeverity('warning')} warning(s), ${bySeverity('info')} info`);
      for (const f of report.findings.filter((x) => x.severity === 'blocking')) console.log(`  BLOCKING ${f.rule}: ${f.message}. Fix: ${f.fix}`);
      console.log(`Reports: ${files.join(', ')}`);
    }
    return report.blocking > 0 ? 2 : 0;
  } finally {
    await client.close();
  }
}

export function register(program: Command): void {
  program
    .command('preflight')
    .description('Step 3: read-only checks before any record moves: users, custom-table ceiling, missing columns, unmapped values, data rules, file sizes, estimates and a complexity grade')
    .requiredOption('--from <dir|url>', 'staging directory (from `lexbridge extract`), or with --source an export folder or API URL to extract first')
    .requiredOption('--env <url|name>', 'environment name from pac.config.json, or its URL (the sandbox: http://127.0.0.1:5555)')
    .option('--profile <file>', 'mapping profile to check (default: the source\'s default profile)')
    .option('--source <kind>', 'source kind: extracts --from first when it is not a staging directory')
    .option('--json', 'print { blocking, findings } as JSON')
    .option('--out <dir>', 'where preflight.json, .csv and .html go', 'preflight')
    .option('--config <file>', 'solution and environment settings', 'pac.config.json')
    .option('--tier <tier>', 'Dynamics 365 Sales licence: professional (15 custom tables) or enterprise', 'professional')
    .option('--licences <n>', 'Dynamics 365 user licences in the tenant (they grow the daily request pool)', '10')
    .action(async (options: PreflightCliOptions) => {
      process.exitCode = await preflightCommand(options);
    });
}
