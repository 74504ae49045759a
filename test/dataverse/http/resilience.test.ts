/**
 * The HTTP adapter under the sandbox's service protection and fault injection: adaptive
 * parallelism against the concurrency limit and `x-ms-dop-hint`, dropped connections (retried
 * only when idempotent), timeouts, and the 1000-request `$batch` cap.
 */
import { rowId } from '../../../scripts/src/mapping/target-op';
import { DataverseError, type Row } from '../../../scripts/src/dataverse/client';
import { createHttpClient, type HttpClientOptions } from '../../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../../scripts/src/dataverse/http/auth';
import { startSandbox, type LoggedRequest, type SandboxOptions } from '../../../scripts/src/sandbox/server';

const fastRetry = { baseDelayMs: 20, maxDelayMs: 200 };

async function withSandbox<T>(sandboxOptions: SandboxOptions, clientOptions: Partial<HttpClientOptions>, run: (s: { client: ReturnType<typeof createHttpClient>; log: () => LoggedRequest[] }) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox(sandboxOptions);
  const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('resilience'), ...clientOptions });
  try {
    return await run({ client, log: () => sandbox.requestLog() });
  } finally {
    await client.close();
    await sandbox.close();
  }
}

const opportunities = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: rowId(`${prefix}:${i}`), row: { name: `${prefix} ${i}` } as Row, recordKey: `${prefix}:${i}` }));

async function count(client: ReturnType<typeof createHttpClient>, prefix: string): Promise<number> {
  let n = 0;
  for await (const page of client.query('opportunity', { select: ['name'], filter: `startswith(name,'${prefix}')` })) n += page.length;
  return n;
}

/** Most requests the sandbox had in flight at once, from arrival times and durations. */
function maxOverlap(log: LoggedRequest[]): number {
  const edges = log.flatMap((r) => [
    [r.time, 1],
    [r.time + Math.max(r.durationMs, 0), -1],
  ] as [number, number][]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (current += d));
  return max;
}

describe('HTTP adapter resilience (sandbox)', () => {
  it('halves parallelism on concurrency 429s and still loads every row', async () => {
    const limits = { windowSeconds: 300, maxRequests: 100_000, maxExecutionMs: 10_000_000, maxConcurrent: 2, dopHint: 16 };
    await withSandbox({ limits, latency: { perRequestMs: 20, perRecordMs: 1 } }, { initialParallel: 8, maxParallel: 8, bulkSize: 10, retry: fastRetry }, async ({ client, log }) => {
      const results = await client.upsertMany('opportunity', opportunities('Parallel', 120));
      expect(results.filter((r) => !r.ok)).toEqual([]);
      const refused = log().filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(client.concurrency.limit).toBeLessThan(8);
      expect(await count(client, 'Parallel')).toBe(120);
    });
  }, 60_000);

  it('never sends more in parallel than x-ms-dop-hint', async () => {
    const limits = { windowSeconds: 300, maxRequests: 100_000, maxExecutionMs: 10_000_000, maxConcurrent: 52, dopHint: 3 };
    await withSandbox({ limits, latency: { perRequestMs: 15, perRecordMs: 0 } }, { initialParallel: 2, maxParallel: 16, bulkSize: 5 }, async ({ client, log }) => {
      expect((await client.upsertMany('opportunity', opportunities('Hinted', 150))).every((r) => r.ok)).toBe(true);
      expect(client.concurrency.limit).toBeLessThanOrEqual(3);
      expect(maxOverlap(log())).toBeLessThanOrEqual(3);
    });
  }, 60_000);

  it('retries dropped connections for upserts without duplicating rows', async () => {
    await withSandbox({ limits: false, faults: { dropRate: 0.15, dropAfterRate: 0.15 }, seed: 3 }, { bulkSize: 5, retry: { ...fastRetry, maxAttempts: 8 } }, async ({ client, log }) => {
      const results = await client.upsertMany('opportunity', opportunities('Dropped', 60));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(log().some((r) => r.status === 0)).toBe(true);
      expect(await count(client, 'Dropped')).toBe(60);
    });
  }, 60_000);

  it('does not resend a create whose connection dropped: it may have landed', async () => {
    await withSandbox({ limits: false, faults: { dropAfterRate: 1 } }, { retry: fastRetry }, async ({ client, log }) => {
      const error = await client.create('opportunity', { name: 'Maybe created' }, { recordKey: 'clio:matter:9' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataverseError);
      expect(error).toMatchObject({ status: 0, transient: true, code: 'LEX_DATAVERSE_CONNECTION', recordKey: undefined });
      expect(log().filter((r) => r.method === 'POST')).toHaveLength(1);
    });
  });

  it('turns a timeout into a transient error after bounded attempts', async () => {
    await withSandbox({ limits: false, faults: { slowRate: 1, slowMs: 2500 } }, { timeoutMs: 300, retry: { ...fastRetry, maxAttempts: 2 } }, async ({ client, log }) => {
      const error = await client.retrieve('opportunity', rowId('anything')).catch((e: unknown) => e as DataverseError);
      expect(error).toMatchObject({ status: 0, transient: true });
      expect(String(error)).toMatch(/timed out after 2 attempt/);
      expect(log()).toHaveLength(2);
      // Let the sandbox finish the slow answers nobody waits for, so no timer outlives the test.
      await new Promise((resolve) => setTimeout(resolve, 2000));
    });
  }, 30_000);

  it('splits $batch at the 1000-request cap and refuses an atomic change set above it', async () => {
    await withSandbox({ limits: false }, { batchSize: 1000 }, async ({ client, log }) => {
      const ops = opportunities('Capped', 1001).map((o) => ({ kind: 'upsert' as const, table: 'opportunity', key: o.key, row: o.row, recordKey: o.recordKey }));
      const atomic = await client.writeBatch(ops, { atomic: true }).catch((e: unknown) => e);
      expect(atomic).toMatchObject({ status: 400, message: expect.stringMatching(/at most 1000/) });
      expect(log()).toHaveLength(0);
      const results = await client.writeBatch(ops, { atomic: false });
      expect(results.every((r) => r.ok)).toBe(true);
      expect(log().filter((r) => r.path.endsWith('$batch'))).toHaveLength(2);
    });
  }, 60_000);
});
