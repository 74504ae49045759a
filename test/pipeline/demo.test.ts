import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Journal, runsRoot } from '../../scripts/src/journal/journal';
import { demoMigration } from '../../scripts/src/pipeline/demo';

describe('demoMigration (npm start)', () => {
  it('migrates the bundled firm into .lexbridge/demo/sandbox.db, and a second start creates nothing', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lex-demo-'));
    try {
      cpSync(path.resolve(__dirname, '../../samples/clio-csv-small'), path.join(root, 'samples', 'clio-csv-small'), { recursive: true });
      const lines: string[] = [];
      const first = await demoMigration({ root, log: (l) => lines.push(l) });
      expect(first.full.status).toBe('completed');
      expect(existsSync(first.full.report)).toBe(true);
      expect(first.sandboxFile).toBe(path.join(root, '.lexbridge', 'demo', 'sandbox.db'));
      expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^Pre-flight: grade [A-D]/), `Report: ${first.full.report}`]));

      const second = await demoMigration({ root, log: () => undefined });
      const journal = Journal.open(runsRoot(root), second.full.runId);
      const created = journal.operations().filter((o) => o.action === 'created');
      journal.close();
      expect(created).toEqual([]);
      expect(second.full.counts).toEqual(first.full.counts);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
