/** `lexbridge discover`: what a source holds (entities and counts, custom fields, users), without staging anything. */
import type { Command } from 'commander';
import { fixtureCredentials } from '../../fixtures/oauth';
import { createConnector } from '../../sources/registry';

export function register(program: Command): void {
  program
    .command('discover')
    .description('Report a source\'s entities with counts, custom field definitions and users, without staging')
    .requiredOption('--source <kind>', 'clio-api | clio-csv | actionstep | perfectportal')
    .requiredOption('--from <dir|url>', 'export folder/zip or API base URL')
    .option('--fixture-credentials', 'API sources: connect as the development client of a `lexbridge fixture-server` on 127.0.0.1')
    .option('--json', 'print as JSON')
    .action(async (options: { source: string; from: string; json?: boolean; fixtureCredentials?: boolean }) => {
      const connector = await createConnector(options.source, { from: options.from, ...(options.fixtureCredentials ? { config: fixtureCredentials(options.from) } : {}) });
      try {
        const found = await connector.discover();
        const summary = {
          source: options.source,
          entities: found.entities,
          customFields: found.customFieldDefinitions.map((f) => ({ sourceKey: f.sourceKey, name: f.name, parentType: f.parentType, fieldType: f.fieldType })),
          users: found.users.map((u) => ({ sourceKey: u.sourceKey, name: u.name, email: u.email ?? null })),
        };
        if (options.json) return console.log(JSON.stringify(summary, null, 2));
        console.log(`${options.source} at ${options.from}`);
        for (const e of summary.entities) console.log(`  ${e.name.padEnd(26)} ${e.count ?? '?'}`);
        console.log(`  custom fields: ${summary.customFields.map((f) => `${f.parentType}.${f.name}`).join(', ') || 'none'}`);
        console.log(`  users: ${summary.users.map((u) => u.name).join(', ') || 'none'}`);
      } finally {
        await connector.close?.();
      }
    });
}
