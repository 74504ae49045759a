/** `lexbridge generate`: a seeded firm in one source's export format, with its manifest. */
import type { Command } from 'commander';
import { generate } from '../../generate';

export function register(program: Command): void {
  program
    .command('generate')
    .description('Write a seeded, realistic law firm in a source format, with deliberate dirt labelled in manifest.json')
    .requiredOption('--source <kind>', 'clio-api | clio-csv | actionstep | perfectportal')
    .requiredOption('--matters <n>', 'number of matters', (v) => Number(v))
    .option('--seed <s>', 'random seed (same seed → byte-identical output)', (v) => Number(v), 1)
    .option('--dirt-rate <r>', 'share of records given a deliberate defect (0–1)', (v) => Number(v), 0.05)
    .requiredOption('--out <dir>', 'output folder')
    .option('--json', 'print the manifest as JSON')
    .action(async (options: { source: string; matters: number; seed: number; dirtRate: number; out: string; json?: boolean }) => {
      const manifest = await generate(options);
      if (options.json) return console.log(JSON.stringify(manifest, null, 2));
      const total = Object.values(manifest.counts).reduce((a, b) => a + (b ?? 0), 0);
      console.log(`Wrote a ${manifest.matters}-matter firm (${total} records, ${manifest.dirty.length} labelled dirty) as ${manifest.source} to ${options.out}`);
      for (const [entity, n] of Object.entries(manifest.counts)) console.log(`  ${entity.padEnd(26)} ${n}`);
    });
}
