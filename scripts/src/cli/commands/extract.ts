/**
 * `lexbridge extract`: streams a source into a staging store, resumably. Run it again after a
 * crash or Ctrl-C and it continues from the last checkpoint; run it with --since for a delta.
 *
 * `--json` prints { source, resumed, counts: { <entity>: n }, issueCounts: { <entity>: n },
 * entities: { <entity>: { extracted, issues } }, issues: [{ sourceKey, rule, code, entity,
 * location, message, fix }], staging } with the entity names of the generator's manifest.
 */
import type { Command } from 'commander';
import path from 'node:path';
import { LexError, formatLocation } from '../../errors';
import { fixtureCredentials } from '../../fixtures/oauth';
import { createConnector } from '../../sources/registry';
import { extractToStaging } from '../../staging/extract';
import { StagingStore } from '../../staging/store';
import { readProfileFile } from './map';

export interface ExtractCommandOptions {
  source: string;
  from: string;
  out: string;
  since?: string;
  encoding?: string;
  dateOrder?: string;
  json?: boolean;
  /** Mapping profile whose `csvColumns` override the Clio CSV column map. */
  profile?: string;
  /** API sources: use a local fixture server's development client (explicit, loopback only). */
  fixtureCredentials?: boolean;
}

export async function runExtract(options: ExtractCommandOptions) {
  if (options.since && Number.isNaN(Date.parse(options.since)))
    throw new LexError({ code: 'LEX_CLI_BAD_SINCE', message: `--since "${options.since}" is not a timestamp`, fix: 'Pass an ISO 8601 instant, e.g. --since 2025-06-01T00:00:00Z.' });
  const since = options.since ? new Date(options.since).toISOString() : undefined;
  const csvColumns = options.profile ? readProfileFile(options.profile).csvColumns : undefined;
  const connector = await createConnector(options.source, { from: options.from, encoding: options.encoding, config: { dateOrder: options.dateOrder, ...(options.fixtureCredentials ? fixtureCredentials(options.from) : {}) }, ...(csvColumns ? { csvColumns } : {}) });
  const staging = StagingStore.open(options.out);
  const controller = new AbortController();
  const stop = () => controller.abort(new LexError({ code: 'LEX_EXTRACT_INTERRUPTED', message: 'extraction interrupted', fix: 'Run the same command again: it resumes from the last checkpoint.' }));
  process.once('SIGINT', stop);
  try {
    const result = await extractToStaging(connector, staging, { source: options.source, from: options.from, since, signal: controller.signal });
    const counts = staging.counts();
    const issueCounts = staging.issueCounts();
    const entities = Object.fromEntries([...new Set([...Object.keys(counts), ...Object.keys(issueCounts)])].sort().map((e) => [e, { extracted: counts[e] ?? 0, issues: issueCounts[e] ?? 0 }]));
    return {
      source: options.source,
      resumed: result.resumed,
      counts,
      issueCounts,
      entities,
      issues: staging.issues().map((i) => ({ sourceKey: i.sourceKey ?? null, rule: i.rule ?? null, code: i.code, entity: i.entity, location: i.location, message: i.message, fix: i.fix })),
      staging: path.resolve(staging.file),
    };
  } finally {
    process.off('SIGINT', stop);
    staging.close();
    await connector.close?.();
  }
}

export function register(program: Command): void {
  program
    .command('extract')
    .description('Step 1: stream a source into a local staging store (SQLite), resumable from checkpoints')
    .requiredOption('--source <kind>', 'clio-api | clio-csv | actionstep | perfectportal')
    .requiredOption('--from <dir|url>', 'export folder/zip or API base URL')
    .requiredOption('--out <dir>', 'staging folder (staging.sqlite is created in it)')
    .option('--since <timestamp>', 'delta: only records changed after this instant')
    .option('--encoding <name>', 'force the CSV text encoding (utf-8, utf-16le, windows-1252) instead of detecting it')
    .option('--date-order <MDY|DMY>', 'how CSV dates like 03/04/2024 read (default MDY)')
    .option('--profile <file>', 'mapping profile whose csvColumns override the Clio CSV headers')
    .option('--fixture-credentials', 'API sources: connect as the development client of a `lexbridge fixture-server` on 127.0.0.1')
    .option('--json', 'print counts and issues as JSON')
    .action(async (options: ExtractCommandOptions) => {
      const summary = await runExtract(options);
      if (options.json) return console.log(JSON.stringify(summary, null, 2));
      console.log(`${summary.resumed ? 'Resumed and finished' : 'Extracted'} ${summary.source} into ${summary.staging}`);
      for (const [entity, n] of Object.entries(summary.counts)) console.log(`  ${entity.padEnd(26)} ${String(n).padStart(8)}   issues ${summary.issueCounts[entity] ?? 0}`);
      const shown = summary.issues.slice(0, 20);
      for (const issue of shown) console.log(`  ! ${issue.code}: ${issue.message}${formatLocation(issue.location)}`);
      if (summary.issues.length > shown.length) console.log(`  … ${summary.issues.length - shown.length} more issues (--json lists them all)`);
    });
}
