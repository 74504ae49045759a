import { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { register } from '../../scripts/src/cli/commands/map';
import { LexError } from '../../scripts/src/errors';

/** Runs `lexbridge map …` in-process; returns what it printed. */
async function lexbridge(...args: string[]): Promise<string> {
  const program = new Command('lexbridge').exitOverride();
  register(program);
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    await program.parseAsync(['node', 'lexbridge', ...args]);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

describe('lexbridge map', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lexbridge-map-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'profile.json');
  const read = () => JSON.parse(readFileSync(file, 'utf8'));

  it('writes a draft of the default profile, then confirms it once, recording who and when', async () => {
    expect(await lexbridge('map', '--source', 'actionstep', '--out', file)).toMatch(/Draft profile "Actionstep → Dynamics 365 Sales" v1/);
    expect(read()).toMatchObject({ status: 'draft', source: 'actionstep' });
    expect(await lexbridge('map', 'confirm', file, '--by', 'admin@firm.example')).toMatch(/Confirmed .* by admin@firm.example/);
    expect(read()).toMatchObject({ status: 'confirmed', confirmedBy: 'admin@firm.example', hash: expect.stringMatching(/^sha256:/) });
    await expect(lexbridge('map', 'confirm', file, '--by', 'other@firm.example')).rejects.toThrow(LexError);
    expect(read().confirmedBy).toBe('admin@firm.example');
  });

  it('refuses an unknown source kind with the list of known ones', async () => {
    await expect(lexbridge('map', '--source', 'filemaker', '--out', file)).rejects.toMatchObject({
      code: 'LEX_CLI_BAD_SOURCE',
      fix: expect.stringMatching(/clio-api, clio-csv, actionstep, perfectportal/),
    });
  });

  it('regenerates the published schema and default profiles byte for byte', async () => {
    const out = path.join(dir, 'profiles');
    await lexbridge('map', 'write-defaults', '--dir', out);
    for (const name of ['profile.schema.json', 'clio-api.json', 'clio-csv.json', 'actionstep.json', 'perfectportal.json'])
      expect(readFileSync(path.join(out, name), 'utf8')).toBe(readFileSync(path.resolve(__dirname, '../../profiles', name), 'utf8'));
  });
});
