/** The review page's server without a browser: sessions, the same-origin Web API proxy, local-only, seeding. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runReview } from '../../scripts/src/cli/commands/review';
import { createHttpClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import { parseProfile } from '../../scripts/src/mapping/profile-lifecycle';
import { seedReviewProfiles } from '../../scripts/src/review/seed';
import { roleFor, startReviewServer, type RunningReviewServer } from '../../scripts/src/review/server';
import { startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';
import { MIGRATION_ADMIN_ROLE } from '../../pcf-controls/shared/roles';

const users = {
  admin: { id: 'a', name: 'Avery Admin', email: 'avery.admin@lexbridge.test', roles: [roleFor('admin')] },
  reviewer: { id: 'r', name: 'Pat Paralegal', email: 'pat.paralegal@lexbridge.test', roles: [roleFor('reviewer')] },
};
const page = { html: '<!doctype html><title>t</title>', script: 'void 0;' };

describe('review server', () => {
  let sandbox: RunningSandbox;
  let server: RunningReviewServer;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    server = await startReviewServer({ apiUrl: sandbox.apiUrl, users, page });
  });
  afterAll(async () => {
    await server.close();
    await sandbox.close();
  });

  it('listens on 127.0.0.1 and serves the page', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await (await fetch(server.url)).text()).toBe(page.html);
    expect((await fetch(`${server.url}nothing`)).status).toBe(404);
  });

  it('signs in as admin by default and as a reviewer (without the admin role) on request', async () => {
    const admin = (await (await fetch(`${server.url}review/session`)).json()) as typeof users.admin;
    expect(admin.roles).toEqual([{ id: MIGRATION_ADMIN_ROLE.id, name: 'Lexbridge Migration Admin' }]);
    const reviewer = (await (await fetch(`${server.url}review/session?as=reviewer`)).json()) as typeof users.reviewer;
    expect(reviewer.roles.map((r) => r.name)).toEqual(['Lexbridge Matter Reviewer']);
  });

  it('forwards same-origin Web API calls to the sandbox, writes included', async () => {
    const id = '5d0b5a2c-0000-5000-8000-000000000042';
    const patch = await fetch(`${server.url}api/data/v9.2/lex_matters(${id})`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lex_name: 'Forwarded' }) });
    expect(patch.status).toBe(204);
    const read = (await (await fetch(`${server.url}api/data/v9.2/lex_matters(${id})?$select=lex_name`)).json()) as Record<string, unknown>;
    expect(read['lex_name']).toBe('Forwarded');
    const error = await fetch(`${server.url}api/data/v9.2/lex_nothings`);
    expect(error.status).toBe(404);
  });

  it('writes the confirmed profile and a draft with suggestions, once', async () => {
    const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('t') });
    try {
      await client.upsert('lex_matter', '5d0b5a2c-0000-5000-8000-000000000043', { lex_name: 'm', lex_sourcesnapshot: JSON.stringify({ 'Matter Number': '1', Court: 'High Court', 'Estimated Fee': '5000' }) });
      const first = await seedReviewProfiles(client, 'avery.admin@lexbridge.test');
      await seedReviewProfiles(client, 'avery.admin@lexbridge.test');
      const rows = [];
      for await (const p of client.query('lex_mappingprofile', { select: ['lex_version', 'lex_profilejson'] })) rows.push(...p);
      expect(rows.map((r) => r['lex_version']).sort()).toEqual([1, 2]);
      expect(parseProfile(JSON.parse(String(rows.find((r) => r['lex_version'] === 1)!['lex_profilejson']))).status).toBe('confirmed');
      expect(first.draft.proposals.map((p) => p.field).sort()).toEqual(['Court', 'Estimated Fee']);
      expect(first.draft.proposals.find((p) => p.field === 'Estimated Fee')!.column).toBe('lex_estimatedvalue');
    } finally {
      await client.close();
    }
  });
});

describe('lexbridge review', () => {
  it('refuses anything but a local sandbox', async () => {
    await expect(startReviewServer({ apiUrl: 'https://contoso.crm.dynamics.com/api/data/v9.2/', users, page })).rejects.toMatchObject({ code: 'LEX_REVIEW_NOT_LOCAL' });
  });

  it('says how to get data when the demo has not run', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'lex-review-'));
    try {
      await expect(runReview({ cwd, log: () => undefined })).rejects.toMatchObject({ code: 'LEX_REVIEW_NO_DATA', fix: expect.stringContaining('npm start') });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
