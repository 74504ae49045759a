/**
 * End to end through the shared pipeline: `generate --source actionstep`, the fixture server,
 * `extract --source actionstep` into staging. Counts equal the manifest, every labelled dirty
 * record is reported, and an extraction that dies mid-run resumes without losing or repeating.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate, type GenerateManifest } from '../../../scripts/src/generate';
import { runExtract } from '../../../scripts/src/cli/commands/extract';
import { startActionstepFixtureServer } from '../../../scripts/src/fixtures/actionstep-server';
import type { FixtureServer } from '../../../scripts/src/fixtures/http';
import { FIXTURE_CLIENT } from '../../../scripts/src/fixtures/oauth';
import { createActionstepConnector } from '../../../scripts/src/sources/actionstep/connector';
import { extractToStaging } from '../../../scripts/src/staging/extract';
import { StagingStore } from '../../../scripts/src/staging/store';

const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `actionstep-e2e-${name}-`));
const dataDir = tmp('data');
let manifest: GenerateManifest;
let server: FixtureServer;

beforeAll(async () => {
  manifest = await generate({ source: 'actionstep', matters: 12, seed: 21, dirtRate: 0.1, out: dataDir });
  server = await startActionstepFixtureServer({ dataDir, rate: '100000/min' });
  // Actionstep sends no rate headers: the connector's own pace comes from the environment
  process.env.LEXBRIDGE_ACTIONSTEP_RATE = '100000/min';
});
afterAll(() => {
  delete process.env.LEXBRIDGE_ACTIONSTEP_RATE;
  return server.close();
});

it('extract --source actionstep stages exactly the generated records and reports every labelled dirty one', async () => {
  const summary = await runExtract({ source: 'actionstep', from: server.baseUrl, fixtureCredentials: true, out: tmp('stage') });
  expect(summary.counts).toEqual(manifest.counts);
  const reported = new Set(summary.issues.map((i) => `${i.sourceKey} ${i.rule}`));
  expect(manifest.dirty.length).toBeGreaterThan(0);
  for (const label of manifest.dirty) expect(reported).toContain(`${label.sourceKey} ${label.rule}`);
});

it('gives the same content hash per entity on a second extraction', async () => {
  const digests = async () => {
    const out = tmp('digest');
    await runExtract({ source: 'actionstep', from: server.baseUrl, fixtureCredentials: true, out });
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
    if (!String(input).includes('/oauth/') && ++calls > 9) return Promise.reject(new Error('process killed'));
    return fetch(input, init);
  };
  const before = server.requestLog().length;
  const first = StagingStore.open(out);
  await expect(extractToStaging(createActionstepConnector({ from: server.baseUrl, config: { ...FIXTURE_CLIENT } }, { fetch: dying, env: { LEXBRIDGE_ACTIONSTEP_RATE: '100000/min' }, clock: noWait }), first, { source: 'actionstep', from: server.baseUrl })).rejects.toThrow();
  first.close();

  const second = StagingStore.open(out);
  try {
    const result = await extractToStaging(createActionstepConnector({ from: server.baseUrl, config: { ...FIXTURE_CLIENT } }, { env: { LEXBRIDGE_ACTIONSTEP_RATE: '100000/min' } }), second, { source: 'actionstep', from: server.baseUrl });
    expect(result.resumed).toBe(true);
    expect(second.counts()).toEqual(manifest.counts);
  } finally {
    second.close();
  }
  // the streams finished before the crash are not read again
  const actionTypeRequests = server.requestLog().slice(before).filter((r) => r.path.startsWith('/api/rest/actiontypes'));
  expect(actionTypeRequests).toHaveLength(1);
});
