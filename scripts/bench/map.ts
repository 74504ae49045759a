/**
 * Mapping engine throughput: a generated firm's canonical records (every record type, in the
 * firm's own mix) mapped with the default Clio profile, on one core. Prints one JSON line:
 * `{ "scenario": "transform", "recordsPerSecond": … }`.
 *
 * `npx tsx scripts/bench/map.ts [--quick]`, or `npm run bench -- map` through the harness.
 */
import { createContext } from '../src/mapping/context';
import { defaultProfile } from '../src/mapping/default-profiles';
import { mapRecord } from '../src/mapping/engine';
import { generatedFirmRecords } from '../../test/mapping/support/firm-records';

export interface TransformResult {
  scenario: 'transform';
  records: number;
  ops: number;
  errors: number;
  ms: number;
  recordsPerSecond: number;
}

export function benchTransform(total: number): TransformResult {
  const { firm, records } = generatedFirmRecords('clio', 200, 0.05);
  // As an admin runs it after pre-flight: unmatched users go to a fallback owner.
  const profile = { ...defaultProfile('clio-api'), owners: { match: 'email' as const, fallbackOwnerEmail: firm.users[0]!.email } };
  const systemUsers = firm.users.map((u, i) => ({ systemuserid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, internalemailaddress: u.email }));
  const { context } = createContext({ profile, records, systemUsers });
  // Warm up (JIT, compiled profile), then time `total` records cycling through the firm.
  for (const r of records) mapRecord(r, profile, context);
  let ops = 0;
  let errors = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < total; i++) {
    const result = mapRecord(records[i % records.length]!, profile, context);
    ops += result.ops.length;
    errors += result.errors.length;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { scenario: 'transform', records: total, ops, errors, ms: Math.round(ms), recordsPerSecond: Math.round((total / ms) * 1000) };
}

if (require.main === module) {
  console.log(JSON.stringify(benchTransform(process.argv.includes('--quick') ? 100_000 : 500_000)));
}
