/**
 * The generator's firm, extracted through its connector into staging: counts equal the
 * manifest's, every labelled dirty record is reported under its rule, and an extraction killed
 * midway and run again ends with the same staging content as an uninterrupted one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate, type GenerateManifest } from '../../scripts/src/generate';
import type { SourceConnector } from '../../scripts/src/sources/contract';
import { createClioCsvConnector } from '../../scripts/src/sources/clio-csv/connector';
import { extractToStaging } from '../../scripts/src/staging/extract';
import { StagingStore } from '../../scripts/src/staging/store';

let root: string;
let firmDir: string;
let manifest: GenerateManifest;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'lex-extract-'));
  firmDir = path.join(root, 'firm');
  manifest = await generate({ source: 'clio-csv', matters: 60, seed: 11, dirtRate: 0.08, out: firmDir });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function extractInto(name: string, connector: SourceConnector = createClioCsvConnector({ from: firmDir }), since?: string) {
  const staging = StagingStore.open(path.join(root, name));
  try {
    const result = await extractToStaging(connector, staging, { source: 'clio-csv', from: firmDir, since, batchSize: 50 });
    return { result, counts: staging.counts(), issues: staging.issues(), digests: digests(staging), staging: staging.file };
  } finally {
    staging.close();
  }
}

function digests(staging: StagingStore): Record<string, string> {
  return Object.fromEntries(Object.keys(staging.counts()).map((entity) => [entity, staging.entityDigest(entity)]));
}

/** A connector that dies after `limit` messages, like a process killed mid-extraction. */
function dyingAfter(limit: number): SourceConnector {
  const inner = createClioCsvConnector({ from: firmDir });
  let seen = 0;
  return {
    ...inner,
    declaration: inner.declaration,
    async *read(entity, options) {
      for await (const message of inner.read(entity, options)) {
        if (++seen > limit) throw new Error('killed');
        yield message;
      }
    },
  };
}

describe('extract clio-csv → staging', () => {
  it('stages exactly the generated records, per entity', async () => {
    const { counts } = await extractInto('full');
    expect(counts).toEqual(manifest.counts);
  });

  it('reports every labelled dirty record under its rule, with a file/line or record key', async () => {
    const { issues } = await extractInto('dirt');
    expect(manifest.dirty.length).toBeGreaterThan(10);
    expect(new Set(manifest.dirty.map((d) => d.rule))).toEqual(
      new Set(['matter-without-client', 'blank-description', 'time-without-user', 'phone-in-email', 'duplicate', 'bad-date', 'orphan', 'odd-encoding']),
    );
    const reported = new Set(issues.map((i) => `${i.sourceKey}|${i.rule}`));
    expect(manifest.dirty.filter((d) => !reported.has(`${d.sourceKey}|${d.rule}`))).toEqual([]);
    for (const issue of issues) expect(issue.location.recordKey ?? issue.location.file).toBeTruthy();
    // and nothing clean is reported as dirty
    const labelled = new Set(manifest.dirty.map((d) => `${d.sourceKey}|${d.rule}`));
    expect(issues.filter((i) => i.rule && !labelled.has(`${i.sourceKey}|${i.rule}`))).toEqual([]);
  });

  it('a run killed midway resumes from its checkpoint and ends identical to an uninterrupted run', async () => {
    const clean = await extractInto('uninterrupted');
    await expect(extractInto('killed', dyingAfter(900))).rejects.toThrow('killed');
    await expect(extractInto('killed', dyingAfter(200))).rejects.toThrow('killed');
    const resumed = await extractInto('killed');
    expect(resumed.result.resumed).toBe(true);
    expect(resumed.counts).toEqual(clean.counts);
    expect(resumed.digests).toEqual(clean.digests);
    expect(resumed.issues.map((i) => `${i.code}|${i.sourceKey}|${i.location.line}`).sort()).toEqual(clean.issues.map((i) => `${i.code}|${i.sourceKey}|${i.location.line}`).sort());
  });

  it('an aborted extraction (Ctrl-C) stops with what it read committed, and the rerun completes it', async () => {
    const clean = await extractInto('uninterrupted-2');
    const controller = new AbortController();
    const staging = StagingStore.open(path.join(root, 'aborted'));
    let seen = 0;
    const inner = createClioCsvConnector({ from: firmDir });
    const aborting: SourceConnector = {
      ...inner,
      declaration: inner.declaration,
      async *read(entity, options) {
        for await (const m of inner.read(entity, options)) {
          if (++seen === 700) controller.abort(new Error('interrupted'));
          yield m;
        }
      },
    };
    await expect(extractToStaging(aborting, staging, { source: 'clio-csv', from: firmDir, signal: controller.signal })).rejects.toThrow('interrupted');
    staging.close();
    const resumed = await extractInto('aborted');
    expect(resumed.result.resumed).toBe(true);
    expect(resumed.digests).toEqual(clean.digests);
  });

  it('re-extracting replaces rows (no duplicates) and keeps the history of extractions; a delta reads only newer rows', async () => {
    const first = await extractInto('again');
    const second = await extractInto('again');
    expect(second.counts).toEqual(first.counts);
    expect(Object.values(second.result.streams).every((s) => s.new === 0 && s.changed === 0)).toBe(true);
    const staging = StagingStore.open(path.join(root, 'again'));
    try {
      expect(staging.versions('clio:matter:1').map((v) => v.runId)).toEqual([1, 2]);
    } finally {
      staging.close();
    }
    const delta = await extractInto('again', undefined, '2025-06-01T00:00:00Z');
    const matters = delta.result.streams.matters!;
    expect(matters.records).toBeLessThan(manifest.counts.matters!);
  });
});
