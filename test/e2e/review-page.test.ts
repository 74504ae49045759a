/**
 * End to end in real headless Chromium: the bundled sample firm migrated by the engine into a
 * sandbox (the demo's own pipeline), one matter edited in Dynamics afterwards, then the local
 * review page: filter a diff, mark the matter reviewed, confirm the mapping, open a run as admin
 * and as reviewer. Screenshots go to test/e2e/screenshots/ (gitignored); axe-core checks each page.
 * Skips with a notice when /usr/bin/chromium is absent (CI installs it: .ci/run).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runReview, type RunningReview } from '../../scripts/src/cli/commands/review';
import { demoMigration } from '../../scripts/src/pipeline/demo';
import { Choices } from '../../solution/generated/names';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(__dirname, 'screenshots');
const repo = path.resolve(__dirname, '../..');
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`e2e skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

let root: string;
let review: RunningReview;
let browser: Browser;
let apiUrl: string;
const EDITED = 'Edited in Dynamics after the migration';

async function api(pathAndQuery: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}${pathAndQuery}`, { ...init, headers: { authorization: 'Bearer e2e', 'content-type': 'application/json', ...(init.headers ?? {}) } });
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

/**
 * axe-core in the page: serious and critical violations, with the nodes they hit. Fluent's focus
 * manager (Tabster) adds `<i data-tabster-dummy aria-hidden tabindex=0>` sentinels that pass focus
 * straight on; axe cannot know that, so they are left out of the scan, and nothing else is.
 */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    type Axe = { run(context: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
    const result = await (window as unknown as { axe: Axe }).axe.run({ exclude: [['[data-tabster-dummy]']] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

async function openPage(query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${review.url}${query}`);
  return page;
}

describeWithChromium('local review page in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    root = mkdtempSync(path.join(tmpdir(), 'lex-review-e2e-'));
    symlinkSync(path.join(repo, 'samples'), path.join(root, 'samples'));
    await demoMigration({ root, log: () => undefined });
    review = await runReview({ cwd: root, port: 0, log: () => undefined });
    apiUrl = review.sandbox!.apiUrl;
    // Someone edits a migrated matter in Dynamics: the review must show it.
    const first = (await api('lex_matters?$select=lex_matterid,lex_matternumber&$orderby=lex_matternumber&$top=1')).value as { lex_matterid: string }[];
    await api(`lex_matters(${first[0]!.lex_matterid})`, { method: 'PATCH', body: JSON.stringify({ lex_description: EDITED }), headers: { 'if-match': '*' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await review?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('lists matters, opens one, filters its diff and marks it reviewed', async () => {
    const page = await openPage();
    const matters = page.getByRole('table', { name: 'Matters' });
    await matters.waitFor();
    expect(await matters.getByRole('row').count()).toBeGreaterThan(10);
    await page.screenshot({ path: path.join(SHOTS, '01-matters.png'), animations: 'disabled' });
    expect(await axeViolations(page)).toEqual([]);

    await matters.getByRole('link').first().click();
    const diff = page.getByRole('table', { name: 'Source and Dynamics values by field' });
    await diff.waitFor();
    const differing = diff.locator('tr[data-status="differs"]');
    const count = await differing.count();
    await page.getByText(`${count} field(s) differ`).waitFor();
    // The edit made in Dynamics shows against the source value.
    const description = differing.filter({ hasText: EDITED });
    await expect(description.innerText()).resolves.toContain('Matter Description');
    expect(await diff.locator('tr[data-status="match"]').count()).toBeGreaterThan(3);
    // Mapped lookups are compared with the row they point at (by id; the sandbox gives no
    // FormattedValue, so the control reads the names), never listed as "Source only".
    const byField: Record<string, { status: string | null; source?: string | null; target?: string | null }> = Object.fromEntries(
      await diff.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => {
          const cells = Array.from(tr.querySelectorAll('td'));
          return [cells[0]?.querySelector('span')?.textContent ?? '', { status: tr.getAttribute('data-status'), source: cells[1]?.textContent, target: cells[2]?.textContent }] as const;
        }),
      ),
    );
    expect(byField['Client']).toEqual({ status: 'match', source: 'Solon Barton', target: 'Solon Barton' });
    // The sandbox has no user Richard Spinka: the demo's profile sends unknown people to its admin
    // (fallbackOwnerEmail), so the attorney in Dynamics is not the source's, and that shows.
    expect(byField['Responsible Attorney']).toEqual({ status: 'differs', source: 'Richard Spinka', target: 'Avery Admin' });
    expect(byField['Originating Attorney']).toMatchObject({ status: 'differs', target: 'Avery Admin' });
    expect(Object.entries(byField).filter(([, r]) => r.status === 'sourceOnly').map(([field]) => field)).not.toEqual(expect.arrayContaining(['Client', 'Client Id', 'Responsible Attorney']));
    await page.screenshot({ path: path.join(SHOTS, '02-record-diff.png'), fullPage: true, animations: 'disabled' });
    expect(await axeViolations(page)).toEqual([]);

    // Keyboard only: focus the switch and toggle it with Space, as a screen-reader user would.
    await page.getByRole('switch', { name: 'Show only differences' }).focus();
    await page.keyboard.press('Space');
    const rows = diff.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(count);
    expect(await diff.locator('tbody tr:not([data-status="differs"])').count()).toBe(0);
    await page.getByRole('textbox', { name: 'Review note' }).fill('Description changed on purpose by the supervising partner.');
    await page.getByRole('button', { name: 'Mark reviewed' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Marked reviewed by avery.admin@lexbridge.test.').waitFor();
    await page.screenshot({ path: path.join(SHOTS, '03-record-diff-reviewed.png'), fullPage: true, animations: 'disabled' });

    const reviewed = (await api(`lex_matters?$select=lex_reviewstatus,lex_reviewedby,lex_reviewnote&$filter=lex_description eq '${EDITED}'`)).value as Record<string, unknown>[];
    expect(reviewed[0]).toMatchObject({ lex_reviewstatus: Choices.lex_reviewstatus.Reviewed, lex_reviewedby: 'avery.admin@lexbridge.test', lex_reviewnote: 'Description changed on purpose by the supervising partner.' });
    await page.close();
  }, 120_000);

  it('reviews the draft mapping profile and confirms it', async () => {
    const page = await openPage();
    await page.getByRole('tab', { name: 'Mapping profiles' }).click();
    const profiles = page.getByRole('table', { name: 'Mapping profiles' });
    await profiles.locator('tr', { hasText: 'Draft' }).getByRole('link').click();
    const suggestions = page.getByRole('table', { name: 'Suggested maps for fields the profile does not cover' });
    await suggestions.waitFor();
    await page.screenshot({ path: path.join(SHOTS, '04-mapping-review.png'), animations: 'disabled' });
    expect(await axeViolations(page)).toEqual([]);

    const rows = suggestions.locator('tbody tr');
    const count = await rows.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) await rows.nth(i).getByRole('button', { name: i === 0 ? 'Reject' : 'Accept' }).click();
    await page.getByRole('button', { name: 'Confirm mapping' }).click();
    await page.getByText('Mapping confirmed').waitFor();
    await page.screenshot({ path: path.join(SHOTS, '05-mapping-confirmed.png'), fullPage: true, animations: 'disabled' });

    const confirmed = (await api(`lex_mappingprofiles?$select=lex_version,lex_confirmedby&$filter=lex_profilestatus eq ${Choices.lex_profilestatus.Confirmed}&$orderby=lex_version desc`)).value as Record<string, unknown>[];
    expect(confirmed[0]).toMatchObject({ lex_version: 2, lex_confirmedby: 'avery.admin@lexbridge.test' });
    await page.close();
  }, 120_000);

  it('shows a run to the admin with approve, and to a reviewer without approve or rollback', async () => {
    const admin = await openPage();
    await admin.getByRole('tab', { name: 'Migration runs' }).click();
    await admin.getByRole('table', { name: 'Migration runs' }).locator('tr', { hasText: 'Sample' }).getByRole('link').click();
    const progress = admin.getByRole('table', { name: 'Progress by entity' });
    await progress.waitFor();
    await expect(progress.locator('tr', { hasText: 'matter' }).innerText()).resolves.toMatch(/matter\s+40\s/);
    await admin.getByRole('button', { name: 'Approve sample' }).waitFor();
    expect(await admin.getByRole('button', { name: 'Request rollback' }).count()).toBe(1);
    await admin.screenshot({ path: path.join(SHOTS, '06-run-monitor-admin.png'), fullPage: true, animations: 'disabled' });
    expect(await axeViolations(admin)).toEqual([]);
    await admin.close();

    const reviewer = await openPage('?as=reviewer');
    await reviewer.getByRole('tab', { name: 'Migration runs' }).click();
    await reviewer.getByRole('table', { name: 'Migration runs' }).locator('tr', { hasText: 'Sample' }).getByRole('link').click();
    await reviewer.getByRole('table', { name: 'Progress by entity' }).waitFor();
    expect(await reviewer.getByRole('button', { name: 'Approve sample' }).count()).toBe(0);
    expect(await reviewer.getByRole('button', { name: 'Request rollback' }).count()).toBe(0);
    await reviewer.screenshot({ path: path.join(SHOTS, '07-run-monitor-reviewer.png'), fullPage: true, animations: 'disabled' });
    await reviewer.close();
  }, 120_000);
});
