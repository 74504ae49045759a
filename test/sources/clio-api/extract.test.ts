/**
 * End to end through the shared pipeline: `generate --source clio-api`, the fixture server,
 * `extract --source clio-api` into staging. Counts equal the manifest, every labelled dirty
 * record is reported, and an extraction that dies mid-run resumes without losing or repeating.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate, type GenerateManifest } from '../../../scripts/src/generate';
import { runExtract } from '../../../scripts/src/cli/commands/extract';
import { startClioFixtureServer } from '../../../scripts/src/fixtures/clio-server';
import type { FixtureServer } from '../../../scripts/src/fixtures/http';
import { FIXTURE_CLIENT } from '../../../scripts/src/fixtures/oauth';
import { createClioApiConnector } from '../../../scripts/src/sources/clio-api/connector';
import { extractToStaging } from '../../../scripts/src/staging/extract';
import { StagingStore } from '../../../scripts/src/staging/store';

const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `clio-e2e-${name}-`));
const dataDir = tmp('data');
let manifest: GenerateManifest;
let server: FixtureServer;

beforeAll(async () => {
  manifest = await generate({ source: 'clio-api', matters: 12, seed: 21, dirtRate: 0.1, out: dataDir });
  // a generous limit: the server's X-RateLimit-Limit resizes the connector's bucket
  server = await startClioFixtureServer({ dataDir, rate: '100000/min' });
});
afterAll(() => server.close());

it('extract --source clio-api stages exactly the generated records and reports every labelled dirty one', async () => {
  const summary = await runExtract({ source: 'clio-api', from: server.baseUrl, fixtureCredentials: true, out: tmp('stage') });
  expect(summary.counts).toEqual(manifest.counts);
  const reported = new Set(summary.issues.map((i) => `${i.sourceKey} ${i.rule}`));
  expect(manifest.dirty.length).toBeGreaterThan(0);
  for (const label of manifest.dirty) expect(reported).toContain(`${label.sourceKey} ${label.rule}`);
});

it('uses the fixture\'s development client only when told to (--fixture-credentials), and only on this machine', async () => {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('LEXBRIDGE_CLIO_')) delete process.env[key];
  try {
    const refused = await runExtract({ source: 'clio-api', from: server.baseUrl, out: tmp('no-creds') }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'LEX_SOURCE_CLIO_NO_CREDENTIALS', fix: expect.stringContaining('--fixture-credentials') });
    await expect(runExtract({ source: 'clio-api', from: 'https://app.clio.com', fixtureCredentials: true, out: tmp('remote') })).rejects.toMatchObject({ code: 'LEX_SOURCE_FIXTURE_CREDENTIALS_REMOTE' });
  } finally {
    Object.assign(process.env, env);
  }
});

it('gives the same content hash per entity on a second extraction', async () => {
  const digests = async () => {
    const out = tmp('digest');
    await runExtract({ source: 'clio-api', from: server.baseUrl, fixtureCredentials: true, out });
    const staging = StagingStore.open(out);
    try {
      return Object.fromEntries(Object.keys(manifest.counts).map((entity) => [entity, staging.entityDigest(entity)]));
    } finally {
      staging.close();
    }
  };
  expect(await digests()).toEqual(await digests());
});

it('resumes an extraction that died mid-run: nothing lost, nothing read twice', async () => {
  const out = tmp('resume');
  // retries of the dead connection need not wait in a test
  const noWait = { now: () => Date.now(), sleep: () => Promise.resolve() };
  let calls = 0;
  const dying: typeof fetch = (input, init) => {
    if (!String(input).includes('/oauth/') && ++calls > 12) return Promise.reject(new Error('process killed'));
    return fetch(input, init);
  };
  const before = server.requestLog().length;
  const first = StagingStore.open(out);
  await expect(extractToStaging(createClioApiConnector({ from: server.baseUrl, config: { ...FIXTURE_CLIENT } }, { fetch: dying, env: {}, clock: noWait }), first, { source: 'clio-api', from: server.baseUrl })).rejects.toThrow();
  first.close();

  const second = StagingStore.open(out);
  try {
    const result = await extractToStaging(createClioApiConnector({ from: server.baseUrl, config: { ...FIXTURE_CLIENT } }, { env: {} }), second, { source: 'clio-api', from: server.baseUrl });
    expect(result.resumed).toBe(true);
    expect(second.counts()).toEqual(manifest.counts);
  } finally {
    second.close();
  }
  // the streams finished before the crash are not read again
  const usersRequests = server.requestLog().slice(before).filter((r) => r.path.startsWith('/api/v4/users.json'));
  expect(usersRequests).toHaveLength(1);
});

it('recovers from a 429 storm and an expired token mid-run without losing or duplicating a record', async () => {
  const faulty = await startClioFixtureServer({
    dataDir,
    rate: '100000/min',
    faults: [
      { kind: 'rate-limit', at: 4, times: 3 },
      { kind: 'expire-token', at: 9 },
    ],
  });
  try {
    const summary = await runExtract({ source: 'clio-api', from: faulty.baseUrl, fixtureCredentials: true, out: tmp('faults') });
    expect(summary.counts).toEqual(manifest.counts);
    const statuses = faulty.requestLog().map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(statuses).toContain(401);
  } finally {
    await faulty.close();
  }
});
