/**
 * A source key met twice in one extraction with different content: the first row is staged, the
 * second is an issue naming both rows and a lost row for the run's accounting. Across
 * extractions (a delta, a newer export) the newer row still replaces the staged one, and a row
 * read again after a resume is not a duplicate.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClioCsvConnector } from '../../scripts/src/sources/clio-csv/connector';
import { extractToStaging } from '../../scripts/src/staging/extract';
import { StagingStore } from '../../scripts/src/staging/store';

const HEADER = 'Id,Matter Number,Matter Description,Matter Status,Client Id,Billing Method,Updated At';
const ROW = (id: number, billing: string, line = '') => `${id},0000${id},Matter ${id}${line},Open,,${billing},03/05/2024 10:00:00`;

let root: string;
beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'lex-dupkey-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function extract(rows: string[]) {
  const from = path.join(root, 'export');
  rmSync(from, { recursive: true, force: true });
  mkdirSync(from, { recursive: true });
  writeFileSync(path.join(from, 'Matters.csv'), [HEADER, ...rows].join('\r\n') + '\r\n');
  const staging = StagingStore.open(path.join(root, 'staging'));
  try {
    const result = await extractToStaging(createClioCsvConnector({ from }), staging, { source: 'clio-csv', from });
    return { result, staging: snapshot(staging) };
  } finally {
    staging.close();
  }
}

function snapshot(staging: StagingStore) {
  return {
    matter: staging.get('clio:matter:1'),
    duplicates: staging.issues().filter((i) => i.code === 'LEX_STAGING_DUPLICATE_KEY'),
    lost: staging.lostRecords(),
    counts: staging.counts(),
  };
}

it('keeps the first row of a repeated Id, reports the second with both locations, and counts it as lost', async () => {
  const { result, staging } = await extract([ROW(1, 'Hourly'), ROW(2, 'Hourly'), ROW(1, 'Flat Rate')]);
  expect(staging.matter).toMatchObject({ billingMethod: 'hourly', origin: { file: 'Matters.csv', line: 2 } });
  expect(staging.duplicates).toEqual([
    expect.objectContaining({
      sourceKey: 'clio:matter:1',
      message: expect.stringMatching(/Matters\.csv:2 was kept, Matters\.csv:4 was not staged/),
      location: { file: 'Matters.csv', line: 4, recordKey: 'clio:matter:1', field: 'id' },
      raw: expect.objectContaining({ 'Billing Method': 'Flat Rate' }),
      lost: 'clio:matter:Matters.csv#L4',
    }),
  ]);
  expect(staging.lost).toEqual([expect.objectContaining({ sourceKey: 'clio:matter:Matters.csv#L4', code: 'LEX_STAGING_DUPLICATE_KEY' })]);
  expect(staging.counts['matters']).toBe(2);
  expect(result?.streams['matters']).toMatchObject({ records: 2, duplicate: 1 });
});

it('an identical repeated row loses nothing and is not reported', async () => {
  const { staging } = await extract([ROW(1, 'Hourly'), ROW(1, 'Hourly')]);
  expect(staging.duplicates).toEqual([]);
  expect(staging.lost).toEqual([]);
});

it('a later extraction (delta, newer export) still replaces the staged row', async () => {
  await extract([ROW(1, 'Hourly')]);
  const { staging } = await extract([ROW(1, 'Flat Rate')]);
  expect(staging.matter).toMatchObject({ billingMethod: 'flat' });
  expect(staging.duplicates).toEqual([]);
});

it('rows read again after an interrupted extraction resumes are not duplicates', async () => {
  // Ctrl-C after the third matter: what was read is committed without a checkpoint, so the resumed run reads it again.
  await extract([ROW(1, 'Hourly'), ROW(2, 'Hourly'), ROW(3, 'Hourly'), ROW(4, 'Hourly')]);
  const interrupted = new AbortController();
  const from = path.join(root, 'export');
  const staging = StagingStore.open(path.join(root, 'staging-resume'));
  try {
    const inner = createClioCsvConnector({ from });
    let records = 0;
    const dying = {
      ...inner,
      declaration: inner.declaration,
      async *read(entity: string, options?: Parameters<typeof inner.read>[1]) {
        for await (const message of inner.read(entity, options)) {
          if (message.kind === 'record' && message.record.type === 'matter' && ++records === 3) interrupted.abort();
          yield message;
        }
      },
    };
    await expect(extractToStaging(dying, staging, { source: 'clio-csv', from, signal: interrupted.signal })).rejects.toThrow();
    expect(staging.get('clio:matter:2')).toBeDefined();
    expect((await extractToStaging(inner, staging, { source: 'clio-csv', from })).resumed).toBe(true);
    expect(staging.issues().filter((i) => i.code === 'LEX_STAGING_DUPLICATE_KEY')).toEqual([]);
    expect(staging.lostRecords()).toEqual([]);
    expect(staging.counts()['matters']).toBe(4);
  } finally {
    staging.close();
  }
});
