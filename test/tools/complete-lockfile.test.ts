import { execFileSync } from 'node:child_process';
import path from 'node:path';

describe('package-lock.json', () => {
  it('lists every platform package npm ci expects (run node scripts/tools/complete-lockfile.mjs after npm install)', () => {
    const root = path.resolve(__dirname, '../..');
    expect(() => execFileSync(process.execPath, ['scripts/tools/complete-lockfile.mjs', '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });
});
