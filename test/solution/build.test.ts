import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demo } from '../../scripts/src/cli/commands/demo';
import { buildSolution } from '../../solution/src/build';
import { zipEntries } from './zip-entries';

const REPO = path.resolve(__dirname, '../..');

function tempRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lex-build-'));
  copyFileSync(path.join(REPO, 'pac.config.json'), path.join(root, 'pac.config.json'));
  return root;
}

describe('npm run build:solution / lexbridge demo', () => {
  it('writes the unmanaged and managed zips named after the solution version', async () => {
    const root = tempRoot();
    const built = await buildSolution({ root });
    expect(built.unmanaged).toBe(path.join(root, 'dist', 'solution', 'Lexbridge_1_0_0_0.zip'));
    expect(built.managed).toBe(path.join(root, 'dist', 'solution', 'Lexbridge_1_0_0_0_managed.zip'));
    for (const file of [built.unmanaged, built.managed]) {
      expect(zipEntries(readFileSync(file)).map((e) => e.name)).toEqual(['customizations.xml', 'solution.xml', '[Content_Types].xml']);
    }
  });

  it('fails with the config key and fix when pac.config.json is wrong', async () => {
    const root = tempRoot();
    const config = JSON.parse(readFileSync(path.join(root, 'pac.config.json'), 'utf8'));
    config.solution.version = '1.0';
    writeFileSync(path.join(root, 'pac.config.json'), JSON.stringify(config));
    await expect(buildSolution({ root })).rejects.toThrow(/solution\.version: must have four numeric parts/);
    expect(existsSync(path.join(root, 'dist', 'solution', 'Lexbridge_1_0.zip'))).toBe(false);
  });

  it('demo builds the solution and says where the zips are', async () => {
    const root = tempRoot();
    const lines: string[] = [];
    await demo({ root, log: (l) => lines.push(l) });
    expect(lines).toEqual(expect.arrayContaining([`  unmanaged: ${path.join('dist', 'solution', 'Lexbridge_1_0_0_0.zip')}`, `  managed:   ${path.join('dist', 'solution', 'Lexbridge_1_0_0_0_managed.zip')}`]));
    expect(existsSync(path.join(root, 'dist', 'solution', 'Lexbridge_1_0_0_0_managed.zip'))).toBe(true);
  });
});
