/**
 * A record that maps to rows but loses a field on the way (here an email body longer than the
 * column) loads without that field, and says so: a warning in the journal and the run report,
 * never a silent drop. Record accounting is unchanged (the record is loaded).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import type { MappableRecord } from '../../scripts/src/mapping/engine';
import { confirmProfile } from '../../scripts/src/mapping/profile-lifecycle';
import { mapFirm } from '../../scripts/src/pipeline/from-staging';
import { startRun, approveRun } from '../../scripts/src/pipeline/run';
import { createHttpClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import { DEFAULT_USERS, startSandbox } from '../../scripts/src/sandbox/server';

const admin = DEFAULT_USERS[0]!;
const draft = defaultProfile('clio-csv');
const profile = confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: admin.internalemailaddress } }, admin.internalemailaddress, new Date('2026-01-01T00:00:00Z'));
const users = DEFAULT_USERS.map((u) => ({ systemuserid: u.systemuserid, internalemailaddress: u.internalemailaddress, isdisabled: u.isdisabled }));

function email(id: number, body: string): MappableRecord {
  return { type: 'communication', kind: 'email', sourceKey: `clio:communication:${id}`, key: { system: 'clio', type: 'communication', id: String(id) }, subject: `Email ${id}`, body, direction: 'outbound', receiverRefs: [], raw: { id } };
}

const records = [email(1, 'short body'), email(2, 'x'.repeat(200_000))];

describe('fields the map could not convert', () => {
  it('are reported as warnings on records that still load', () => {
    const firm = mapFirm({ profile, records: () => records, systemUsers: users });
    expect([...firm.ops].filter((o) => o.table === 'email')).toHaveLength(2);
    expect(firm.failures).toEqual([]);
    expect(firm.warnings).toEqual([expect.objectContaining({ sourceKey: 'clio:communication:2', code: expect.stringMatching(/^LEX_MAP_/) })]);
    expect(firm.warnings[0]!.message).toMatch(/description/);
  });

  it('reach the run report, with accounting unchanged', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lex-warnings-'));
    const sandbox = await startSandbox();
    try {
      const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('t') });
      const firm = mapFirm({ profile, records: () => records, systemUsers: users });
      const base = { cwd: dir, source: 'clio', environment: sandbox.apiUrl, client, ops: firm.ops, extracted: firm.extracted, skips: firm.skips, failures: firm.failures, warnings: firm.warnings, profile: { version: profile.version, hash: profile.hash! } };
      const sample = await startRun({ ...base, mode: 'sample', sample: { size: 10, candidates: firm.candidates } });
      approveRun(dir, sample.runId, admin.internalemailaddress);
      const full = await startRun({ ...base, mode: 'full' });
      expect(full.counts['communication']).toMatchObject({ extracted: 2, loaded: 2, failed: 0 });
      const report = JSON.parse(readFileSync(path.join(path.dirname(full.report!), 'report.json'), 'utf8')) as { warnings: { code: string; count: number; examples: { sourceKey: string }[] }[] };
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]!).toMatchObject({ count: 1, examples: [expect.objectContaining({ sourceKey: 'clio:communication:2' })] });
      expect(readFileSync(full.report!, 'utf8')).toContain('Loaded with warnings');
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
