/**
 * `npm run bench -- [scenario ...] [--quick] [--json]`: runs the named scenarios (all when none
 * is named), prints a table (or one JSON line per scenario with --json) and writes the results
 * to bench/results/<date>.json.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult, BenchScenario } from './harness';
import { writeBenchReport } from './report';

async function loadScenarios(): Promise<BenchScenario[]> {
  const dir = path.join(__dirname, 'scenarios');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const scenarios: BenchScenario[] = [];
  for (const file of files) {
    const mod = (await import(path.join(dir, file))) as { scenario?: BenchScenario };
    if (mod.scenario) scenarios.push(mod.scenario);
  }
  return scenarios;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const json = args.includes('--json');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const all = await loadScenarios();
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
  if (unknown.length) {
    console.error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${all.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = wanted.length ? all.filter((s) => wanted.includes(s.name)) : all;
  const results: BenchResult[] = [];
  for (const scenario of selected) {
    if (!json) console.log(`\n▶ ${scenario.name}: ${scenario.description}`);
    const result = await scenario.run({ quick });
    results.push(result);
    if (json) console.log(JSON.stringify(result));
    else console.table(Object.entries(result as object).map(([measure, value]) => ({ measure, value: typeof value === 'object' ? JSON.stringify(value) : value })));
  }
  const outDir = path.resolve(__dirname, '../../bench/results');
  mkdirSync(outDir, { recursive: true });
  // Quick and full runs of one day are kept apart: they measure different sizes.
  const file = path.join(outDir, `${new Date().toISOString().slice(0, 10)}${quick ? '-quick' : ''}.json`);
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  // Runs of a few scenarios add to the day's file instead of replacing the others' results.
  const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { results?: BenchResult[] }).results ?? [] : [];
  const merged = [...earlier.filter((r) => !results.some((n) => n.scenario === r.scenario)), ...results];
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), quick, machine, results: merged }, null, 2) + '\n');
  const html = writeBenchReport(file);
  if (!json) console.log(`\nResults written to ${path.relative(process.cwd(), file)} and ${path.relative(process.cwd(), html)}`);
}

void main();
