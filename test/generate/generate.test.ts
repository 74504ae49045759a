import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../scripts/src/generate';
import { generateFirm, matterDetails } from '../../scripts/src/generate/firm';
import { LexError } from '../../scripts/src/errors';

let root: string;
beforeAll(() => (root = mkdtempSync(path.join(tmpdir(), 'lex-generate-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folderDigest(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex')]));
}

describe('generate', () => {
  it('same seed → byte-identical output; another seed → different firm', async () => {
    await generate({ source: 'clio-csv', matters: 25, seed: 3, dirtRate: 0.05, out: path.join(root, 'a') });
    await generate({ source: 'clio-csv', matters: 25, seed: 3, dirtRate: 0.05, out: path.join(root, 'b') });
    await generate({ source: 'clio-csv', matters: 25, seed: 4, dirtRate: 0.05, out: path.join(root, 'c') });
    expect(folderDigest(path.join(root, 'a'))).toEqual(folderDigest(path.join(root, 'b')));
    expect(folderDigest(path.join(root, 'a'))['Matters.csv']).not.toBe(folderDigest(path.join(root, 'c'))['Matters.csv']);
  });

  it('firm: both kinds of client, several statuses and practice areas, UTBMS codes, users without a Dynamics match', () => {
    const firm = generateFirm({ seed: 5, matters: 80, dirtRate: 0 });
    expect(new Set(firm.contacts.map((c) => c.kind))).toEqual(new Set(['person', 'organization']));
    expect(new Set(firm.matters.map((m) => m.status))).toEqual(new Set(['open', 'pending', 'closed']));
    expect(new Set(firm.matters.map((m) => m.practiceAreaId)).size).toBeGreaterThan(4);
    expect(firm.users.some((u) => !u.inDynamics)).toBe(true);
    const details = firm.matters.map((m) => matterDetails(firm, m));
    expect(details.flatMap((d) => d.timeEntries).every((t) => /^L\d{3}$/.test(t.taskCode) && /^A1\d\d$/.test(t.activityCode))).toBe(true);
    // bill lines add up (LEDES: total = units × cost)
    for (const bill of details.flatMap((d) => d.bills)) expect(bill.total).toBeCloseTo(bill.lines.reduce((s, l) => s + l.total, 0), 2);
    // no dirt at rate 0
    expect(firm.matters.every((m) => m.dirt.length === 0) && details.every((d) => d.timeEntries.every((t) => !t.dirt))).toBe(true);
    // details depend on (seed, matter) only
    expect(matterDetails(firm, firm.matters[3]!)).toEqual(details[3]);
  });

  it('records the true target of every custom field in the manifest', async () => {
    const manifest = await generate({ source: 'clio-csv', matters: 5, seed: 1, dirtRate: 0, out: path.join(root, 'cf') });
    expect(manifest.customFields).toContainEqual({ sourceKey: 'clio:custom_field_definition:matter-estimated-fee', name: 'Estimated Fee', parentType: 'matter', expectedTarget: 'lex_matter.lex_estimatedvalue' });
    expect(manifest.dirty).toEqual([]);
  });

  it('rejects unknown sources and bad options with a LexError that says how to fix them', async () => {
    await expect(generate({ source: 'mycase', matters: 5, seed: 1, dirtRate: 0, out: path.join(root, 'x') })).rejects.toBeInstanceOf(LexError);
    await expect(generate({ source: 'clio-csv', matters: 0, seed: 1, dirtRate: 0, out: path.join(root, 'x') })).rejects.toThrow('--matters');
    await expect(generate({ source: 'clio-csv', matters: 5, seed: 1, dirtRate: 2, out: path.join(root, 'x') })).rejects.toThrow('--dirt-rate');
    expect(existsSync(path.join(root, 'x'))).toBe(false);
  });
});
