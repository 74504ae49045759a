/**
 * The HTML report opens in Chromium and renders its chart (a screenshot is taken). Skips with a
 * notice where no Chromium is installed (set CHROMIUM_PATH to point at one).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { OperationRecord, RunMeta } from '../../scripts/src/journal/journal';
import { buildRunReport } from '../../scripts/src/reports/run-report';
import { writeRunReport } from '../../scripts/src/reports/write';

const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
const maybe = executablePath ? describe : describe.skip;
if (!executablePath) console.warn('[skipped] report screenshot: no Chromium found (set CHROMIUM_PATH).');

maybe('report.html in Chromium', () => {
  it('opens, shows the chart and the accounting table, and screenshots', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lex-chromium-'));
    const browser = await chromium.launch({ executablePath: executablePath!, args: ['--no-sandbox'] });
    try {
      const meta: RunMeta = { runId: 'r1', mode: 'full', source: 'clio', environment: 'http://127.0.0.1:5555', profileVersion: 1, profileHash: 'p', planHash: 'h', status: 'completed', startedOn: '2026-11-23T10:00:00Z', completedOn: '2026-11-23T10:01:00Z', watermark: null, parentRunId: null, approvedBy: 'a@b.c', approvedOn: '2026-11-23T09:00:00Z' };
      const operations: OperationRecord[] = Array.from({ length: 30 }, (_, i) => ({ step: i, table: 'contact', targetKey: `clio:contact:${i}`, sourceKey: `clio:contact:${i}`, targetId: `id${i}`, action: 'created', status: 'ok', at: new Date(Date.parse('2026-11-23T10:00:00Z') + i * 1000).toISOString() }));
      const written = writeRunReport(dir, buildRunReport({ meta, accounting: [{ entity: 'contact', extracted: 30, loaded: 30, skipped: 0, failed: 0, holds: true }], operations }));
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(written.html).href);
      expect(await page.title()).toBe('Lexbridge run r1');
      expect(await page.locator('svg polyline').count()).toBe(1);
      expect(await page.locator('text=holds for every entity').count()).toBe(1);
      const shot = path.join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(5000);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]); // self-contained
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
