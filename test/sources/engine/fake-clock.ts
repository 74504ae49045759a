import type { Clock } from '../../../scripts/src/sources/engine';

/** A clock whose sleeps return at once and move time forward, so waits are measured, not waited. */
export function fakeClock(start = 1_700_000_000_000): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += Math.max(0, ms);
    },
  };
}
