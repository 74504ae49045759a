/**
 * Delta pickup on the sandbox: after a full run, the export changes (one contact edited, one
 * added), staging re-extracts it, and `delta --since <run>` loads only those two records —
 * journaled as its own run, with every other record accounted as unchanged, and rollback-able.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExtract } from '../../scripts/src/cli/commands/extract';
import { sinceTimestamp } from '../../scripts/src/cli/commands/migrate';
import { createHttpClient, type HttpDataverseClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import type { SystemUser } from '../../scripts/src/mapping/context';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import type { MappableRecord } from '../../scripts/src/mapping/engine';
import { confirmProfile } from '../../scripts/src/mapping/profile-lifecycle';
import { rowId } from '../../scripts/src/mapping/target-op';
import { changedSince, mapFirm } from '../../scripts/src/pipeline/from-staging';
import { approveRun, rollbackRun, startRun } from '../../scripts/src/pipeline/run';
import { DEFAULT_USERS, startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';
import { StagingStore } from '../../scripts/src/staging/store';

describe('changedSince', () => {
  const versions: Record<string, { extractedAt: string; contentHash: string }[]> = {
    same: [{ extractedAt: '2026-01-01T00:00:00Z', contentHash: 'a' }, { extractedAt: '2026-02-01T00:00:00Z', contentHash: 'a' }],
    edited: [{ extractedAt: '2026-01-01T00:00:00Z', contentHash: 'a' }, { extractedAt: '2026-02-01T00:00:00Z', contentHash: 'b' }],
    added: [{ extractedAt: '2026-02-01T00:00:00Z', contentHash: 'c' }],
    old: [{ extractedAt: '2026-01-01T00:00:00Z', contentHash: 'd' }],
  };
  const changed = changedSince((k) => versions[k] ?? [], '2026-01-15T00:00:00Z');
  it('picks new and edited records, not re-extracted unchanged ones', () => {
    expect(Object.keys(versions).filter(changed)).toEqual(['edited', 'added']);
  });
});

describe('delta on the sandbox', () => {
  let sandbox: RunningSandbox;
  let client: HttpDataverseClient;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, limits: false });
    client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('delta') });
    dir = mkdtempSync(path.join(tmpdir(), 'lex-delta-'));
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads only what changed since the full run, and rolls back on its own', async () => {
    const exportDir = path.join(dir, 'export');
    cpSync(path.resolve(__dirname, '../../samples/clio-csv-small'), exportDir, { recursive: true });
    const stagingDir = path.join(dir, 'staging');
    await runExtract({ source: 'clio-csv', from: exportDir, out: stagingDir });
    const users: SystemUser[] = [];
    for await (const page of client.query('systemuser', { select: ['systemuserid', 'internalemailaddress', 'isdisabled'] })) users.push(...(page as unknown as SystemUser[]));
    const draft = defaultProfile('clio-csv');
    const admin = DEFAULT_USERS[0]!.internalemailaddress;
    const profile = confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: admin } }, admin);
    const mapped = (since?: string) => {
      const staging = StagingStore.open(stagingDir);
      try {
        const last = staging.runs()[staging.runs().length - 1]!;
        const records = [...staging.records()] as unknown as MappableRecord[];
        const versions = new Map(records.map((r) => [r.sourceKey, staging.versions(r.sourceKey)]));
        const firm = mapFirm({ profile, records: () => records, systemUsers: users, ...(since ? { changed: changedSince((k) => versions.get(k) ?? [], since) } : {}) });
        return { firm, watermark: last.finishedAt ?? last.startedAt };
      } finally {
        staging.close();
      }
    };
    const first = mapped();
    const base = { cwd: dir, source: 'clio', environment: sandbox.apiUrl, client, profile: { version: profile.version, hash: profile.hash! } };
    const input = (m: ReturnType<typeof mapped>) => ({ ops: m.firm.ops, extracted: m.firm.extracted, skips: m.firm.skips, failures: m.firm.failures, watermark: m.watermark });
    const sample = await startRun({ ...base, ...input(first), mode: 'sample', sample: { size: 10, candidates: first.firm.candidates } });
    approveRun(dir, sample.runId, admin);
    const full = await startRun({ ...base, ...input(first), mode: 'full' });

    // The firm keeps working during cutover: one contact's email changes, one contact is new.
    await new Promise((r) => setTimeout(r, 5)); // a later extraction time than the watermark
    const contacts = path.join(exportDir, 'Contacts.csv');
    const text = readFileSync(contacts, 'utf8').replace('solon.barton1@mail.example', 'solon.barton@new.example');
    writeFileSync(contacts, `${text.trimEnd()}\r\n9001,Person,,Newly,Added,,,newly.added@mail.example,,,,,,,true,11/01/2026 09:00:00,11/01/2026 09:00:00,,,\r\n`);
    await runExtract({ source: 'clio-csv', from: exportDir, out: stagingDir });

    const since = sinceTimestamp(dir, full.runId);
    const second = mapped(since);
    const delta = await startRun({ ...base, ...input(second), mode: 'delta' });
    expect(delta.status).toBe('completed');
    expect(delta.counts.contact).toMatchObject({ loaded: 2, failed: 0 });
    expect(delta.counts.contact!.extracted).toBe(first.firm.extracted.contact! + 1);
    expect(delta.counts.matter).toMatchObject({ loaded: 0, skipped: first.firm.extracted.matter });
    expect(await client.retrieve('contact', rowId('clio:contact:1'), { select: ['emailaddress1'] })).toMatchObject({ emailaddress1: 'solon.barton@new.example' });

    const undo = await rollbackRun({ cwd: dir, runId: delta.runId, client, environment: sandbox.apiUrl });
    expect(undo.verified).toBe(true);
    expect(await client.retrieve('contact', rowId('clio:contact:1'), { select: ['emailaddress1'] })).toMatchObject({ emailaddress1: 'solon.barton1@mail.example' });
    expect(await client.retrieve('contact', rowId('clio:contact:9001'), { select: ['contactid'] })).toBeUndefined();
  });
});
