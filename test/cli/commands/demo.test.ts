/**
 * `npm start` (`lexbridge demo`) ends in one of two ways: at a terminal it prints the summary and
 * the report path, then serves the review page until Ctrl-C; with --no-review, --json, or stdout
 * not a terminal (CI, a pipe) it exits after the summary.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDemo, servesReview } from '../../../scripts/src/cli/commands/demo';

const ROOT = path.resolve(__dirname, '../../..');

function demoRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'lex-demo-cmd-'));
  cpSync(path.join(ROOT, 'samples', 'clio-csv-small'), path.join(root, 'samples', 'clio-csv-small'), { recursive: true });
  copyFileSync(path.join(ROOT, 'pac.config.json'), path.join(root, 'pac.config.json'));
  return root;
}

describe('lexbridge demo: serve the review page or exit', () => {
  it('serves only to a terminal, unless --no-review or --json', () => {
    expect(servesReview({ review: true }, true)).toBe(true);
    expect(servesReview({ review: false }, true)).toBe(false);
    expect(servesReview({ review: true, json: true }, true)).toBe(false);
    expect(servesReview({ review: true }, false)).toBe(false);
  });

  it('at a terminal: the summary and the report path first, then "Review page: … — press Ctrl-C to stop", and the page is up', async () => {
    const root = demoRoot();
    const lines: string[] = [];
    const result = await runDemo({ root, review: true, stdoutIsTTY: true, port: 0, log: (l) => lines.push(l) });
    try {
      expect(result.review).toBeDefined();
      const report = lines.indexOf(`Report: ${result.full.report}`);
      expect(report).toBeGreaterThan(0);
      expect(lines.findIndex((l) => l.startsWith('Full run '))).toBeLessThan(report);
      expect(lines[lines.length - 1]).toBe(`Review page: ${result.review!.url} — press Ctrl-C to stop`);
      expect(result.review!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await fetch(result.review!.url)).status).toBe(200);
    } finally {
      await result.review?.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('stdout piped (not a terminal): the real command prints the summary and exits 0 without serving', async () => {
    const root = demoRoot();
    try {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'lexbridge.js'), 'demo'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      expect(out).toMatch(/Report: .*report\.html/);
      expect(out).toContain('Review page not served (stdout is not a terminal)');
      expect(out).not.toContain('press Ctrl-C');
      expect(code).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
