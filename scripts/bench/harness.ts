/**
 * The benchmark harness: `npm run bench -- [scenario ...] [--quick] [--json]`. Each scenario is a
 * module in `scripts/bench/scenarios/` that measures side by side in one run (ratios, not
 * absolute seconds: these machines are noisy) and returns one JSON-able result.
 */
export interface BenchOptions {
  /** Smaller sizes, for a run in minutes rather than tens of minutes. */
  quick: boolean;
}

/** One scenario's measures; any object with a `scenario` name (interfaces need no index signature). */
export interface BenchResult {
  scenario: string;
}

export interface BenchScenario {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

/** Wall time of `fn` in milliseconds (hrtime, monotonic). */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ result: T; ms: number }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
