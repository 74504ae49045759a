import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../scripts/src/generate';

const SAMPLE = path.resolve(__dirname, '../../samples/clio-csv-small');

describe('samples/clio-csv-small', () => {
  let out: string;
  beforeAll(() => (out = mkdtempSync(path.join(tmpdir(), 'lex-sample-'))));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is exactly what its seed generates (regenerate it with the command in samples/README.md)', async () => {
    const committed = JSON.parse(readFileSync(path.join(SAMPLE, 'manifest.json'), 'utf8')) as { source: string; seed: number; matters: number; dirtRate: number };
    await generate({ source: committed.source, seed: committed.seed, matters: committed.matters, dirtRate: committed.dirtRate, out });
    expect(readdirSync(out).sort()).toEqual(readdirSync(SAMPLE).sort());
    for (const file of readdirSync(out)) expect({ file, same: readFileSync(path.join(out, file)).equals(readFileSync(path.join(SAMPLE, file))) }).toEqual({ file, same: true });
  });
});
