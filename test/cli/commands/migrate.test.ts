/**
 * `lexbridge sample` / `run` through the function the commands call, against the sandbox, on the
 * bundled Clio CSV firm with one Matters.csv row that cannot be read, in an environment that
 * already holds a hand-made contact and account the firm's records match:
 * - the unreadable row is extracted-and-failed in the run's accounting (and its report);
 * - the matched rows are updated under their own ids (before-images journaled), never duplicated,
 *   also by a second run, when they already carry the source key;
 * - rolling back every run, newest first, restores the environment exactly.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExtract } from '../../../scripts/src/cli/commands/extract';
import { migrateFromStaging } from '../../../scripts/src/cli/commands/migrate';
import { createHttpClient, type HttpDataverseClient } from '../../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../../scripts/src/dataverse/http/auth';
import { Journal, runsRoot } from '../../../scripts/src/journal/journal';
import { defaultProfile } from '../../../scripts/src/mapping/default-profiles';
import { confirmProfile } from '../../../scripts/src/mapping/profile-lifecycle';
import { rowId } from '../../../scripts/src/mapping/target-op';
import type { ContactRecord } from '../../../scripts/src/model';
import { selectFor, tableOf } from '../../../scripts/src/pipeline/row-body';
import { approveRun, rollbackRun } from '../../../scripts/src/pipeline/run';
import { DEFAULT_USERS, startSandbox, type RunningSandbox } from '../../../scripts/src/sandbox/server';
import { StagingStore } from '../../../scripts/src/staging/store';
import { schema } from '../../../solution/src/schema';
import { withoutRunNotes } from '../../pipeline/fixtures';

const ROOT = path.resolve(__dirname, '../../..');
const HAND_CONTACT = '00000000-0000-4000-8000-0000000000c1';
const HAND_ACCOUNT = '00000000-0000-4000-8000-0000000000a1';

async function snapshot(client: HttpDataverseClient): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of schema.tables.filter((t) => t.provenance || t.logicalName === 'annotation')) {
    const rows: unknown[] = [];
    for await (const page of client.query(table.logicalName, { select: selectFor(tableOf(table.logicalName)) })) rows.push(...page.map(({ ['@odata.etag']: _, ...r }) => r));
    out[table.logicalName] = (await withoutRunNotes(client, table.logicalName, rows)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

async function rowsWhere(client: HttpDataverseClient, table: string, filter: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const page of client.query(table, { filter })) rows.push(...page);
  return rows;
}

describe('sample and run commands on a firm with a lost row and pre-existing matches', () => {
  let sandbox: RunningSandbox;
  let client: HttpDataverseClient;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, limits: false });
    client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('migrate-cmd') });
    dir = mkdtempSync(path.join(tmpdir(), 'lex-migrate-cmd-'));
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts the lost row as failed, updates matched rows in place, and rolls back to the exact start', async () => {
    const exportDir = path.join(dir, 'export');
    cpSync(path.join(ROOT, 'samples/clio-csv-small'), exportDir, { recursive: true });
    // A matter row cut short (3 fields): extraction reports it and cannot stage it.
    appendFileSync(path.join(exportDir, 'Matters.csv'), '999,00999-Cut,Cut short\r\n');
    const stagingDir = path.join(dir, 'staging');
    await runExtract({ source: 'clio-csv', from: exportDir, out: stagingDir });

    // Pick a person with a unique email and an organization: the firm's Dynamics already has them.
    const staging = StagingStore.open(stagingDir);
    const contacts = [...staging.records('contacts')] as ContactRecord[];
    const emailOf = (c: ContactRecord) => c.emails?.[0]?.value ?? '';
    const person = contacts.find((c) => c.kind === 'person' && emailOf(c).includes('@') && contacts.filter((o) => emailOf(o) === emailOf(c)).length === 1)!;
    const organization = contacts.find((c) => c.kind === 'organization' && c.name && contacts.filter((o) => o.name === c.name).length === 1)!;
    expect(staging.lostRecords()).toEqual([expect.objectContaining({ sourceKey: 'clio:matter:Matters.csv#L42', code: 'LEX_SOURCE_CSV_BAD_ROW' })]);
    staging.close();
    const owner = { 'ownerid@odata.bind': `/systemusers(${DEFAULT_USERS[1]!.systemuserid})` };
    await client.upsert('contact', HAND_CONTACT, { firstname: 'Entered', lastname: 'ByHand', emailaddress1: emailOf(person).toUpperCase(), telephone1: '555-0100', ...owner });
    await client.upsert('account', HAND_ACCOUNT, { name: organization.name, telephone1: '555-0199', ...owner });
    const before = await snapshot(client);

    const admin = DEFAULT_USERS[0]!.internalemailaddress;
    const draft = defaultProfile('clio-csv');
    const profileFile = path.join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: admin } }, admin)));
    const options = { from: stagingDir, profile: profileFile, env: sandbox.baseUrl, config: path.join(ROOT, 'pac.config.json'), cwd: dir };

    const sample = await migrateFromStaging('sample', { ...options, size: '20' });
    approveRun(dir, sample.runId, admin);
    const full = await migrateFromStaging('full', options);

    // The lost row: one more matter extracted than staged, failed with the extraction's reason.
    expect(full.counts['matter']!.extracted).toBe(41);
    for (const c of Object.values(full.counts)) expect(c.extracted).toBe(c.loaded + c.skipped + c.failed);
    const report = JSON.parse(readFileSync(path.join(path.dirname(full.report), 'report.json'), 'utf8')) as { accountingHolds: boolean; errors: { code: string }[] };
    expect(report.accountingHolds).toBe(true);
    expect(report.errors.map((e) => e.code)).toContain('LEX_SOURCE_CSV_BAD_ROW');

    // Matched rows: updated under their own ids, journaled with before-images, never duplicated.
    const journal = Journal.open(runsRoot(dir), full.runId);
    expect(journal.operations().filter((o) => o.sourceKey === 'clio:matter:Matters.csv#L42')).toEqual([expect.objectContaining({ status: 'failed', errorCode: 'LEX_SOURCE_CSV_BAD_ROW' })]);
    const images = journal.beforeImages().map((b) => `${b.table}:${b.id}`);
    journal.close();
    for (const image of [`contact:${HAND_CONTACT}`, `account:${HAND_ACCOUNT}`]) expect([...images, ...beforeImagesOf(dir, sample.runId)]).toContain(image);
    const second = await migrateFromStaging('full', options);
    for (const [table, id, record] of [['contact', HAND_CONTACT, person], ['account', HAND_ACCOUNT, organization]] as const) {
      const rows = await rowsWhere(client, table, `lex_sourcekey eq '${record.sourceKey}'`);
      expect(rows.map((r) => r[`${table}id`])).toEqual([id]);
      expect(await client.retrieve(table, rowId(record.sourceKey))).toBeUndefined();
    }
    // Both runs write every contact: the matched ones under their own ids (no key clash with a new row).
    for (const run of [full, second]) expect(run.counts['contact']).toMatchObject({ extracted: 67, loaded: 67, failed: 0 });

    for (const runId of [second.runId, full.runId, sample.runId]) expect(await rollbackRun({ cwd: dir, runId, client, environment: sandbox.apiUrl })).toMatchObject({ verified: true });
    expect(await snapshot(client)).toEqual(before);
  });
});

function beforeImagesOf(cwd: string, runId: string): string[] {
  const journal = Journal.open(runsRoot(cwd), runId);
  try {
    return journal.beforeImages().map((b) => `${b.table}:${b.id}`);
  } finally {
    journal.close();
  }
}
