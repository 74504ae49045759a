/**
 * The profile's `csvColumns` reach the Clio CSV reader: a firm whose export names a column
 * differently maps it in the profile, and `extract --profile` reads it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExtract } from '../../scripts/src/cli/commands/extract';
import { generate } from '../../scripts/src/generate';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { toJsonFile } from '../../scripts/src/mapping/profile-json-schema';
import { StagingStore } from '../../scripts/src/staging/store';

describe('csvColumns', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lexbridge-csvcolumns-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps a renamed export column through the profile', async () => {
    const data = path.join(dir, 'export');
    await generate({ source: 'clio-csv', matters: 5, seed: 4, dirtRate: 0, out: data });
    const file = path.join(data, 'Matters.csv');
    const text = readFileSync(file, 'utf8');
    const firstLine = text.indexOf('\n');
    expect(text.slice(0, firstLine)).toContain('Matter Number');
    writeFileSync(file, text.slice(0, firstLine).replace('Matter Number', 'Display Number') + text.slice(firstLine));

    const numbers = async (out: string, profile?: string) => {
      const summary = await runExtract({ source: 'clio-csv', from: data, out, ...(profile ? { profile } : {}) });
      const staging = StagingStore.open(out);
      try {
        return { issues: summary.issues.map((i) => i.code), numbers: [...staging.records('matters')].map((m) => (m as { number?: string }).number) };
      } finally {
        staging.close();
      }
    };
    const without = await numbers(path.join(dir, 'staging-default'));
    expect(without.issues).toContain('LEX_SOURCE_CSV_MISSING_COLUMN');
    expect(without.numbers.every((n) => n === undefined)).toBe(true);

    const profile = path.join(dir, 'profile.json');
    writeFileSync(profile, toJsonFile({ ...defaultProfile('clio-csv'), csvColumns: { 'Matters.csv': { number: 'Display Number' } } }));
    const withProfile = await numbers(path.join(dir, 'staging-profile'), profile);
    expect(withProfile.issues).not.toContain('LEX_SOURCE_CSV_MISSING_COLUMN');
    expect(withProfile.numbers.every((n) => typeof n === 'string' && /^\d{5}-/.test(n))).toBe(true);
  });
});
