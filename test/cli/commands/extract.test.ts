/** `lexbridge extract --json` on the bundled sample: the machine-readable contract other tools read. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExtract } from '../../../scripts/src/cli/commands/extract';

const SAMPLE = path.resolve(__dirname, '../../../samples/clio-csv-small');

describe('extract command', () => {
  let out: string;
  beforeAll(() => (out = mkdtempSync(path.join(tmpdir(), 'lex-extract-cmd-'))));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('prints counts with the generator manifest\'s entity names and every issue with rule and location', async () => {
    const manifest = JSON.parse(readFileSync(path.join(SAMPLE, 'manifest.json'), 'utf8')) as { counts: Record<string, number>; dirty: { sourceKey: string; rule: string }[] };
    const summary = JSON.parse(JSON.stringify(await runExtract({ source: 'clio-csv', from: SAMPLE, out })));
    expect(summary).toMatchObject({ source: 'clio-csv', resumed: false, counts: manifest.counts, staging: path.join(out, 'staging.sqlite') });
    const reported = new Set(summary.issues.map((i: { sourceKey: string; rule: string }) => `${i.sourceKey}|${i.rule}`));
    expect(manifest.dirty.filter((d) => !reported.has(`${d.sourceKey}|${d.rule}`))).toEqual([]);
    expect(Object.values(summary.issueCounts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(summary.issues.length);
    expect(summary.entities.matters).toEqual({ extracted: manifest.counts.matters, issues: summary.issueCounts.matters });
  });

  it('rejects a --since that is not a timestamp and an unknown source, saying how to fix it', async () => {
    await expect(runExtract({ source: 'clio-csv', from: SAMPLE, out, since: 'last tuesday' })).rejects.toMatchObject({ code: 'LEX_CLI_BAD_SINCE' });
    await expect(runExtract({ source: 'mycase', from: SAMPLE, out })).rejects.toMatchObject({ code: 'LEX_SOURCE_UNKNOWN' });
  });
});

describe('discover', () => {
  it('counts the sample\'s records per stream and lists its users and custom fields without staging', async () => {
    const { createConnector } = await import('../../../scripts/src/sources/registry');
    const manifest = JSON.parse(readFileSync(path.join(SAMPLE, 'manifest.json'), 'utf8')) as { counts: Record<string, number>; users: { sourceKey: string }[] };
    const found = await (await createConnector('clio-csv', { from: SAMPLE })).discover();
    for (const entity of found.entities) expect({ [entity.name]: entity.count }).toEqual({ [entity.name]: manifest.counts[entity.name] });
    expect(found.users.map((u) => u.sourceKey).sort()).toEqual(manifest.users.map((u) => u.sourceKey).sort());
    expect(found.customFieldDefinitions).toHaveLength(manifest.counts.custom_field_definitions!);
  });
});
