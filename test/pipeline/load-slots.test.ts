/**
 * The loader fills the service's request slots when a group is too small to: a group with fewer
 * steps than `requestSlots` spreads each step's upsert over its share of the free slots (in
 * proportion to its rows), in requests of near-equal size and at least 25 rows, each row once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { UpsertItem } from '../../scripts/src/dataverse/client';
import { Journal } from '../../scripts/src/journal/journal';
import { executePlan } from '../../scripts/src/pipeline/load';
import { buildPlan } from '../../scripts/src/pipeline/plan';
import { op } from './fixtures';
import { MemoryClient } from './memory-client';

describe('executePlan request slots', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lex-slots-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function upsertSizes(rows: number, options: { requestSlots?: number; batchSize: number }): Promise<{ sizes: number[]; loaded: number }> {
    const client = new MemoryClient();
    const sizes: number[] = [];
    const upsertMany = client.upsertMany.bind(client);
    client.upsertMany = (table: string, items: readonly UpsertItem[]) => (sizes.push(items.length), upsertMany(table, items));
    const journal = Journal.create(root, { runId: `run-${rows}-${options.requestSlots ?? 'default'}`, mode: 'full', source: 'clio', environment: 'memory', profileVersion: 1, profileHash: 'p', planHash: null, watermark: null, parentRunId: null });
    const ops = Array.from({ length: rows }, (_, i) => op('task', `clio:task:${i}`, { subject: `Task ${i}` }));
    await executePlan(buildPlan(ops, { batchSize: options.batchSize }), { client, journal, ...(options.requestSlots ? { requestSlots: options.requestSlots } : {}) });
    const loaded = journal.operations().filter((o) => o.status === 'ok' && o.action === 'created').length;
    journal.close();
    return { sizes, loaded };
  }

  it('splits a lone step into up to 4 requests of near-equal size, at least 25 rows each', async () => {
    expect(await upsertSizes(200, { batchSize: 250 })).toEqual({ sizes: [50, 50, 50, 50], loaded: 200 });
    expect(await upsertSizes(120, { batchSize: 250 })).toEqual({ sizes: [30, 30, 30, 30], loaded: 120 });
    expect(await upsertSizes(60, { batchSize: 250 })).toEqual({ sizes: [30, 30], loaded: 60 });
  });

  it('gives each step of a small group its share of the slots, by rows', async () => {
    // 250 + 65 rows on 4 slots: 3 requests for the first step, 1 for the second.
    expect((await upsertSizes(315, { batchSize: 250 })).sizes.sort((a, b) => b - a)).toEqual([84, 84, 82, 65]);
  });

  it('does not split when the group already fills the slots, or with one slot', async () => {
    expect((await upsertSizes(400, { batchSize: 100 })).sizes).toEqual([100, 100, 100, 100]);
    expect((await upsertSizes(200, { batchSize: 250, requestSlots: 1 })).sizes).toEqual([200]);
  });
});
