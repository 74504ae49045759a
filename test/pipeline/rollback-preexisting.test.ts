/**
 * Rollback acceptance: the environment already holds accounts and contacts the firm's records
 * match (as pre-flight matches them, by target key → existing id). The migration updates those
 * rows and creates the rest; rolling back the full run and then the sample returns every table to
 * the snapshot taken before the migration.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExtract } from '../../scripts/src/cli/commands/extract';
import { createHttpClient, type HttpDataverseClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import type { SystemUser } from '../../scripts/src/mapping/context';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import type { MappableRecord } from '../../scripts/src/mapping/engine';
import { confirmProfile } from '../../scripts/src/mapping/profile-lifecycle';
import { mapFirm } from '../../scripts/src/pipeline/from-staging';
import { selectFor, tableOf } from '../../scripts/src/pipeline/row-body';
import { approveRun, rollbackRun, startRun } from '../../scripts/src/pipeline/run';
import { DEFAULT_USERS, startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';
import { StagingStore } from '../../scripts/src/staging/store';
import { schema } from '../../solution/src/schema';
import { withoutRunNotes } from './fixtures';

/** Every migrated table, every restorable column (what a rollback promises to put back). */
async function snapshot(client: HttpDataverseClient): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of schema.tables.filter((t) => t.provenance || t.logicalName === 'annotation')) {
    const rows: unknown[] = [];
    for await (const page of client.query(table.logicalName, { select: selectFor(tableOf(table.logicalName)) })) rows.push(...page.map(({ ['@odata.etag']: _, ...r }) => r));
    out[table.logicalName] = (await withoutRunNotes(client, table.logicalName, rows)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

describe('rollback with pre-existing matched rows', () => {
  let sandbox: RunningSandbox;
  let client: HttpDataverseClient;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, limits: false });
    client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('rollback') });
    dir = mkdtempSync(path.join(tmpdir(), 'lex-preexisting-'));
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns every table to its pre-migration snapshot', async () => {
    const exportDir = path.join(dir, 'export');
    cpSync(path.resolve(__dirname, '../../samples/clio-csv-small'), exportDir, { recursive: true });
    await runExtract({ source: 'clio-csv', from: exportDir, out: path.join(dir, 'staging') });
    const staging = StagingStore.open(path.join(dir, 'staging'));
    const users: SystemUser[] = [];
    for await (const page of client.query('systemuser', { select: ['systemuserid', 'internalemailaddress', 'isdisabled'] })) users.push(...(page as unknown as SystemUser[]));
    const draft = defaultProfile('clio-csv');
    const admin = DEFAULT_USERS[0]!.internalemailaddress;
    const profile = confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: admin } }, admin);
    const kept = [...staging.records()] as unknown as MappableRecord[];
    staging.close();
    const records = () => kept;

    // The firm's own Dynamics already has rows for five of the clients (entered by hand).
    const unmatched = mapFirm({ profile, records, systemUsers: users });
    const clients = [...unmatched.ops].filter((o) => (o.table === 'account' || o.table === 'contact') && o.sourceKey.startsWith('clio:contact:')).slice(0, 5);
    const preExisting = new Map<string, string>();
    for (const [i, op] of clients.entries()) {
      const id = `00000000-0000-4000-8000-00000000000${i}`;
      const nameColumns = op.table === 'account' ? { name: `Hand-entered ${i}`, telephone1: '555-0100' } : { firstname: 'Hand', lastname: `Entered ${i}`, emailaddress1: `hand${i}@firm.example` };
      await client.upsert(op.table, id, { ...nameColumns, 'ownerid@odata.bind': `/systemusers(${DEFAULT_USERS[1]!.systemuserid})` });
      preExisting.set(op.targetKey, id);
    }
    const before = await snapshot(client);

    const firm = mapFirm({ profile, records, systemUsers: users, preExisting });
    expect([...firm.ops].filter((o) => o.preExisting)).toHaveLength(5);
    const base = { cwd: dir, source: 'clio', environment: sandbox.apiUrl, client, ops: firm.ops, extracted: firm.extracted, skips: firm.skips, failures: firm.failures, profile: { version: profile.version, hash: profile.hash! } };
    const sample = await startRun({ ...base, mode: 'sample', sample: { size: 40, candidates: firm.candidates } });
    approveRun(dir, sample.runId, admin);
    const full = await startRun({ ...base, mode: 'full' });
    expect(full.status).toBe('completed');
    const during = await snapshot(client);
    expect(during.account!.length + during.contact!.length).toBeGreaterThan(before.account!.length + before.contact!.length);

    expect(await rollbackRun({ cwd: dir, runId: full.runId, client, environment: sandbox.apiUrl })).toMatchObject({ verified: true });
    expect(await rollbackRun({ cwd: dir, runId: sample.runId, client, environment: sandbox.apiUrl })).toMatchObject({ verified: true });
    expect(await snapshot(client)).toEqual(before);
  });
});
