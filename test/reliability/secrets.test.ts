/**
 * Secrets scan: the whole journey on the command line — extract from the Clio fixture server
 * with a recognisable client secret and refresh token, sample, approve, run, verify, rollback
 * against a sandbox that demands a recognisable static token, plus the commands failing with a
 * wrong token and a wrong Clio secret — then every byte Lexbridge wrote (stdout, stderr, logs,
 * staging, journals, reports, supplemental files, the sandbox's own data file) is searched for
 * each secret: 0 hits.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startClioFixtureServer } from '../../scripts/src/fixtures/clio-server';
import type { FixtureServer } from '../../scripts/src/fixtures/http';
import { generate } from '../../scripts/src/generate';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { confirmProfile } from '../../scripts/src/mapping/profile-lifecycle';
import { startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';
import { ADMIN, cli, REPO } from './support/harness';

const SECRETS = {
  clioClientSecret: 'LEXSECRET-clio-client-9f2c41d7',
  clioRefreshToken: 'LEXSECRET-clio-refresh-7b1e88a0',
  dataverseToken: 'LEXSECRET-dataverse-token-51c9aa3e',
  dataverseClientSecret: 'LEXSECRET-aad-client-secret-3d0f17c2',
  wrongToken: 'LEXSECRET-wrong-token-aa11bb22',
  wrongClioSecret: 'LEXSECRET-wrong-clio-secret-cc33dd44',
};

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

/** Hits of each secret in `bytes`, as it is and in the encodings a leak could take (URL, JSON-escaped, Base64 of the whole value). */
function hits(bytes: Buffer): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(SECRETS)) {
    const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').slice(0, 24)];
    if (forms.some((f) => bytes.includes(f)) || bytes.includes(Buffer.from(secret, 'utf16le'))) found.push(name);
  }
  return found;
}

describe('secrets never reach logs, journals, reports, staging or errors', () => {
  let dir: string;
  let server: FixtureServer;
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lex-reliability-secrets-'));
    mkdirSync(path.join(dir, 'work'));
    await generate({ source: 'clio-api', matters: 6, seed: 5, dirtRate: 0.1, out: path.join(dir, 'clio-data') });
    server = await startClioFixtureServer({ dataDir: path.join(dir, 'clio-data'), rate: '100000/min', client: { clientId: 'lexbridge-secrets-test', clientSecret: SECRETS.clioClientSecret, refreshToken: SECRETS.clioRefreshToken } });
    sandbox = await startSandbox({ port: 0, limits: false, requireToken: SECRETS.dataverseToken, dataFile: path.join(dir, 'work', 'sandbox.db') });
  });
  afterAll(async () => {
    await server.close();
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('0 hits after a full journey and its failures', async () => {
    const cwd = path.join(dir, 'work');
    writeFileSync(path.join(cwd, 'pac.config.json'), readFileSync(path.join(REPO, 'pac.config.json')));
    const draft = defaultProfile('clio-api');
    writeFileSync(path.join(cwd, 'profile.json'), JSON.stringify(confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: ADMIN } }, ADMIN)));
    const env = {
      LEXBRIDGE_CLIO_CLIENT_ID: 'lexbridge-secrets-test',
      LEXBRIDGE_CLIO_CLIENT_SECRET: SECRETS.clioClientSecret,
      LEXBRIDGE_CLIO_REFRESH_TOKEN: SECRETS.clioRefreshToken,
      LEXBRIDGE_TOKEN: SECRETS.dataverseToken,
      LEXBRIDGE_CLIENT_SECRET: SECRETS.dataverseClientSecret,
    };
    const output: string[] = [];
    const run = async (args: string[], extra: Record<string, string> = {}) => {
      const result = await cli(cwd, args, { ...env, ...extra }).done;
      output.push(`$ lexbridge ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
      return result;
    };
    const target = ['--from', 'staging', '--profile', 'profile.json', '--env', sandbox.apiUrl];

    expect((await run(['extract', '--source', 'clio-api', '--from', server.baseUrl, '--out', 'staging', '--json'])).code).toBe(0);
    const sample = await run(['sample', ...target, '--size', '20', '--json']);
    expect([0, 2]).toContain(sample.code);
    const sampleId = (JSON.parse(sample.stdout) as { runId: string }).runId;
    expect((await run(['approve', sampleId, '--by', ADMIN])).code).toBe(0);
    const full = await run(['run', ...target, '--json']);
    expect([0, 2]).toContain(full.code);
    const runId = (JSON.parse(full.stdout) as { runId: string }).runId;
    expect([0, 2]).toContain((await run(['verify', runId, '--env', sandbox.apiUrl, '--json'])).code);
    expect([0, 2]).toContain((await run(['rollback', runId, '--env', sandbox.apiUrl, '--json'])).code);

    // Failures print errors: a token the sandbox refuses, a Clio secret the server refuses.
    const refused = await run(['run', ...target, '--json'], { LEXBRIDGE_TOKEN: SECRETS.wrongToken });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/LEX_/);
    const badClio = await run(['extract', '--source', 'clio-api', '--from', server.baseUrl, '--out', 'staging-2', '--json'], { LEXBRIDGE_CLIO_CLIENT_SECRET: SECRETS.wrongClioSecret });
    expect(badClio.code).not.toBe(0);

    // The scanner finds what it looks for (a test that cannot fail proves nothing).
    expect(hits(Buffer.from(`token=${encodeURIComponent(SECRETS.clioRefreshToken)}`))).toEqual(['clioRefreshToken']);
    const written = files(cwd);
    expect(written.some((f) => f.endsWith('journal.db'))).toBe(true);
    expect(written.some((f) => f.endsWith('report.html'))).toBe(true);
    const leaks = [
      ...output.flatMap((o, i) => hits(Buffer.from(o)).map((s) => `output of command ${i + 1}: ${s}`)),
      ...written.flatMap((f) => hits(readFileSync(f)).map((s) => `${path.relative(cwd, f)}: ${s}`)),
    ];
    console.log(`secrets scan: ${output.length} commands, ${written.length} files, ${leaks.length} hits`);
    expect(leaks).toEqual([]);
  }, 300_000);
});
