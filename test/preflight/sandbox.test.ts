/**
 * Pre-flight end to end, the way an admin runs it: a generated Clio CSV export, extracted into
 * staging by the real connector, checked against the sandbox through the HTTP client.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExtract } from '../../scripts/src/cli/commands/extract';
import { preflightCommand } from '../../scripts/src/cli/commands/preflight';
import { draftProfile } from '../../scripts/src/cli/commands/map';
import { generate, type GenerateManifest } from '../../scripts/src/generate';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { toJsonFile } from '../../scripts/src/mapping/profile-json-schema';
import { isWrite, startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';

const repo = path.resolve(__dirname, '../..');

describe('lexbridge preflight against the sandbox', () => {
  let dir: string;
  let sandbox: RunningSandbox;
  let manifest: GenerateManifest;
  let log: jest.SpyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lexbridge-preflight-'));
    manifest = await generate({ source: 'clio-csv', matters: 60, seed: 11, dirtRate: 0.08, out: path.join(dir, 'export') });
    await runExtract({ source: 'clio-csv', from: path.join(dir, 'export'), out: path.join(dir, 'staging') });
    sandbox = await startSandbox({ port: 0 });
  });

  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => log.mockRestore());

  const run = (extra: { profile?: string; out: string }) =>
    preflightCommand({ from: path.join(dir, 'staging'), env: sandbox.apiUrl, json: true, config: path.join(repo, 'pac.config.json'), tier: 'professional', licences: '10', ...extra }, {});
  const printed = () => JSON.parse(String(log.mock.calls.at(-1)![0])) as { blocking: number; findings: { rule: string; severity: string; sourceKey?: string }[] };

  it('exits 2 while owners have no Dynamics user and no fallback, and lists every labelled dirty record under its rule', async () => {
    expect(await run({ out: path.join(dir, 'report-1') })).toBe(2);
    const { blocking, findings } = printed();
    expect(blocking).toBeGreaterThan(0);
    expect(findings.find((f) => f.rule === 'fallback-owner')).toMatchObject({ severity: 'blocking' });
    expect(manifest.dirty.length).toBeGreaterThan(10);
    const found = new Set(findings.map((f) => `${f.rule}|${f.sourceKey}`));
    expect(manifest.dirty.filter((d) => !found.has(`${d.rule}|${d.sourceKey}`))).toEqual([]);
  });

  it('exits 0 once the profile names an enabled fallback owner, and writes JSON, CSV and HTML', async () => {
    const file = path.join(dir, 'profile.json');
    writeFileSync(file, toJsonFile({ ...defaultProfile('clio-csv'), owners: { match: 'email', fallbackOwnerEmail: 'avery.admin@lexbridge.test' } }));
    const out = path.join(dir, 'report-2');
    expect(await run({ profile: file, out })).toBe(0);
    expect(printed().blocking).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'preflight.json'), 'utf8'));
    expect(report.grade.overall).toMatch(/^[A-D]$/);
    expect(report.users.fallbackOwner).toBe('avery.admin@lexbridge.test');
    expect(readFileSync(path.join(out, 'preflight.csv'), 'utf8').split('\r\n')[0]).toBe('rule,severity,sourceKey,location,message,fix');
    expect(readFileSync(path.join(out, 'preflight.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('makes no writes: the sandbox request log holds reads only', () => {
    const requests = sandbox.requestLog();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => isWrite(r.method))).toEqual([]);
  });

  it("proposes the generator's true target first for at least 90% of the extracted custom fields", () => {
    const { profile } = draftProfile({ from: path.join(dir, 'staging'), out: path.join(dir, 'draft.json') });
    expect(profile.status).toBe('draft');
    const truth = new Map(manifest.customFields.map((c) => [`${c.parentType}.${c.name}`, c.expectedTarget]));
    expect(profile.proposals.length).toBe(truth.size);
    const right = profile.proposals.filter((p) => truth.get(`${p.entity}.${p.field}`) === `${p.table}.${p.column}`);
    const wrong = profile.proposals.filter((p) => !right.includes(p)).map((p) => `${p.entity}.${p.field} → ${p.table}.${p.column}`);
    if (right.length / profile.proposals.length < 0.9) throw new Error(`below 90%, wrong: ${wrong.join('; ')}`);
    expect(right.length / profile.proposals.length).toBeGreaterThanOrEqual(0.9);
    for (const p of profile.proposals) expect(p.reason).not.toBe('');
  });
});

describe('lexbridge preflight straight from a source export', () => {
  it('extracts into a fresh staging directory first, then checks it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lexbridge-preflight-source-'));
    const sandbox = await startSandbox({ port: 0 });
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const manifest = await generate({ source: 'perfectportal', matters: 15, seed: 5, dirtRate: 0.1, out: path.join(dir, 'export') });
      const code = await preflightCommand(
        { from: path.join(dir, 'export'), source: 'perfectportal', env: sandbox.apiUrl, json: true, out: path.join(dir, 'report'), config: path.join(repo, 'pac.config.json'), tier: 'professional', licences: '10' },
        {},
      );
      expect(code).toBe(2); // the generated firm's users are not Dynamics users and no fallback is set
      const { findings } = JSON.parse(String(log.mock.calls.at(-1)![0])) as { findings: { rule: string; sourceKey?: string }[] };
      const found = new Set(findings.map((f) => `${f.rule}|${f.sourceKey}`));
      expect(manifest.dirty.filter((d) => !found.has(`${d.rule}|${d.sourceKey}`))).toEqual([]);
      expect(sandbox.requestLog().filter((r) => isWrite(r.method))).toEqual([]);
    } finally {
      log.mockRestore();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
