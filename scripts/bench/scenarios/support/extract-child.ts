/**
 * The extraction alone, in its own process so its peak RSS (VmHWM) is its own: a Clio CSV export
 * streamed into staging exactly as `lexbridge extract` does. Prints one JSON line.
 *
 *   npx tsx scripts/bench/scenarios/support/extract-child.ts <export dir> <staging dir>
 */
import { readFileSync } from 'node:fs';
import { runExtract } from '../../../src/cli/commands/extract';

async function main(from: string, out: string): Promise<void> {
  const started = performance.now();
  await runExtract({ source: 'clio-csv', from, out });
  const ms = performance.now() - started;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  console.log(JSON.stringify({ ms, peakRssMb: hwm ? Number(hwm) / 1024 : process.memoryUsage().rss / 2 ** 20 }));
}

void main(process.argv[2]!, process.argv[3]!);
