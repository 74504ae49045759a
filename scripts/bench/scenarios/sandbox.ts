/**
 * `npm run bench -- sandbox`: upsert throughput through the DataverseClient (HTTP adapter,
 * UpsertMultiple, adaptive parallelism) into the sandbox with Dataverse's service-protection
 * limits on vs off, side by side in one run. Rows are addressed by deterministic ids, as the
 * loader does.
 */
import { createHttpClient } from '../../src/dataverse/http';
import { staticTokenSource } from '../../src/dataverse/http/auth';
import type { UpsertItem } from '../../src/dataverse/client';
import { rowId } from '../../src/mapping/target-op';
import { DATAVERSE_LIMITS, startSandbox } from '../../src/sandbox/server';
import { Tables } from '../../../solution/generated/names';
import { round, timed, type BenchScenario } from '../harness';

const matter = Tables.lex_matter;
const CHUNK = 5000;

async function upsertThroughClient(rows: number, limitsOn: boolean): Promise<{ rowsPerSecond: number; seconds: number }> {
  const sandbox = await startSandbox({ limits: limitsOn ? DATAVERSE_LIMITS : false });
  try {
    const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('bench') });
    const { ms } = await timed(async () => {
      for (let from = 0; from < rows; from += CHUNK) {
        const items: UpsertItem[] = [];
        for (let i = from; i < Math.min(rows, from + CHUNK); i++) {
          const key = `bench:matter:${i}`;
          items.push({ key: rowId(key), row: { [matter.columns.lex_name]: `Matter ${i}`, [matter.columns.lex_sourcekey]: key }, recordKey: key });
        }
        const results = await client.upsertMany(matter.logicalName, items);
        const failed = results.find((r) => !r.ok);
        if (failed && !failed.ok) throw failed.error;
      }
    });
    const stored = sandbox.store.count(matter.logicalName);
    if (stored !== rows) throw new Error(`expected ${rows} rows in the sandbox, found ${stored}`);
    return { rowsPerSecond: Math.round(rows / (ms / 1000)), seconds: round(ms / 1000) };
  } finally {
    await sandbox.close();
  }
}

export const scenario: BenchScenario = {
  name: 'sandbox',
  description: 'upserts through DataverseClient into the sandbox, service-protection limits on vs off',
  async run({ quick }) {
    const rows = quick ? 20_000 : 100_000;
    const limitsOn = await upsertThroughClient(rows, true);
    const limitsOff = await upsertThroughClient(rows, false);
    return { scenario: 'sandbox', rows, limitsOn, limitsOff, ratioOnToOff: round(limitsOn.rowsPerSecond / limitsOff.rowsPerSecond) };
  },
};
