/**
 * `lexbridge solution deploy` against an empty sandbox: every table, column and key of the
 * schema is created, `$metadata` shows them with their alternate keys, and a second run sends
 * no metadata write at all (counted in the sandbox's request log).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { schema } from '../../solution/src/schema';
import { solutionDeploy } from '../../scripts/src/cli/commands/solution';
import { createHttpClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import { startSandbox, type RunningSandbox } from '../../scripts/src/sandbox/server';
import { loadPacConfig } from '../../solution/src/config';
import { renderMetadataRequests } from '../../solution/src/metadata/requests';
import { deploySolution } from '../../scripts/src/dataverse/deploy';
import { WebApiClient } from '../../scripts/src/dataverse/web-api-client';
import type { WebApiRequest, WebApiResponse } from '../../scripts/src/dataverse/transport';

const repo = path.resolve(__dirname, '../..');
const isMetadataWrite = (r: { method: string; path: string }) => r.method !== 'GET' && !/\/Publish(All)?Xml(\?|$)/.test(r.path);

describe('lexbridge solution deploy', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ empty: true, limits: false });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('creates every table, column and key of the schema in an empty environment, then publishes', async () => {
    const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('t') });
    try {
      expect(await client.entityDefinition('lex_matter')).toBeUndefined();

      const result = await solutionDeploy({ env: sandbox.baseUrl, cwd: repo, environmentVariables: {} });
      expect(result.published).toBe(true);
      expect(result.created).toBeGreaterThan(0);

      for (const table of schema.tables.filter((t) => t.columns.some((c) => c.origin === 'solution'))) {
        const definition = await client.entityDefinition(table.logicalName);
        expect(definition?.entitySetName).toBe(table.entitySetName);
        const solutionColumns = table.columns.filter((c) => c.origin === 'solution').map((c) => c.logicalName);
        expect(definition!.attributes).toEqual(expect.arrayContaining(solutionColumns));
        for (const key of table.keys) {
          expect(definition!.keys).toContainEqual(expect.objectContaining({ logicalName: key.logicalName, keyAttributes: [...key.columns] }));
        }
      }
    } finally {
      await client.close();
    }
  });

  it('$metadata then shows the tables with their alternate-key annotations', async () => {
    const response = await fetch(`${sandbox.apiUrl}$metadata`, { headers: { Authorization: 'Bearer t' } });
    const csdl = await response.text();
    expect(response.status).toBe(200);
    const matter = /<EntityType Name="lex_matter"[\s\S]*?<\/EntityType>/.exec(csdl)?.[0] ?? '';
    expect(matter).toContain('OData.Community.Keys.V1.AlternateKeys');
    expect(matter).toMatch(/PropertyPath="lex_sourcekey"/);
    for (const table of schema.tables.filter((t) => t.origin === 'custom')) expect(csdl).toContain(`<EntityType Name="${table.logicalName}"`);
  });

  it('a second run changes nothing: no metadata write, everything skipped', async () => {
    const writesBefore = sandbox.requestLog().filter(isMetadataWrite).length;
    const result = await solutionDeploy({ env: sandbox.baseUrl, cwd: repo, environmentVariables: {} });
    expect(result.created).toBe(0);
    expect(result.skipped).toBeGreaterThan(0);
    expect(sandbox.requestLog().filter(isMetadataWrite).length).toBe(writesBefore);
  });

  it('--json prints { created, skipped, published }', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/lexbridge.js', 'solution', 'deploy', '--env', sandbox.baseUrl, '--json'], { cwd: repo, env: { ...process.env, LEXBRIDGE_TOKEN: '' } });
    const printed = JSON.parse(stdout) as { created: number; skipped: number; published: boolean };
    expect(printed).toEqual({ created: 0, skipped: expect.any(Number), published: true });
    expect(printed.skipped).toBeGreaterThan(0);
  }, 60_000);
});

describe('alternate-key indexes after deploy', () => {
  it('fails with the duplicate columns named when existing rows break a key', async () => {
    const sandbox = await startSandbox({ empty: true, limits: false });
    const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('t') });
    try {
      const requests = renderMetadataRequests(schema, loadPacConfig(path.join(repo, 'pac.config.json')));
      await deploySolution(client, requests.filter((r) => r.describes.kind !== 'key'));
      // Two accounts created by hand with the same source key, before the key exists.
      for (const name of ['Acme', 'Acme Ltd']) await client.create('account', { name, lex_sourcekey: 'clio:contact:1' });
      const error = await deploySolution(client, requests).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'LEX_DEPLOY_KEY_FAILED', location: { field: 'account.lex_sourcekey_key' } });
      expect(String(error)).toMatch(/account\.lex_sourcekey_key \(lex_sourcekey\).*duplicate/);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });

  /** A Web API that has lex_matter and its key, whose index reports `statuses` in turn. */
  function environmentWithKey(statuses: string[]) {
    const sent: string[] = [];
    const json = (body: unknown): WebApiResponse => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const transport = async (request: WebApiRequest): Promise<WebApiResponse> => {
      sent.push(`${request.method} ${request.path}`);
      if (request.path.startsWith('EntityDefinitions?')) return json({ value: [{ LogicalName: 'lex_matter' }] });
      if (request.path.endsWith('/Keys?$select=LogicalName')) return json({ value: [{ LogicalName: 'lex_sourcekey_key' }] });
      if (request.path.includes('EntityKeyIndexStatus')) {
        const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
        return json({ value: [{ LogicalName: 'lex_sourcekey_key', KeyAttributes: ['lex_sourcekey'], EntityKeyIndexStatus: status }] });
      }
      if (request.path === 'PublishXml') return { status: 204, headers: {}, body: '' };
      return { status: 500, headers: {}, body: '{"error":{"code":"","message":"unexpected in this test"}}' };
    };
    const requests = [
      { method: 'POST' as const, path: "EntityDefinitions(LogicalName='lex_matter')/Keys", headers: {}, body: {}, describes: { kind: 'key', table: 'lex_matter', name: 'lex_sourcekey_key' } },
      { method: 'POST' as const, path: 'PublishXml', headers: {}, body: {}, describes: { kind: 'publish', name: 'Lexbridge' } },
    ];
    return { client: new WebApiClient({ transport, apiUrl: 'http://127.0.0.1:1/api/data/v9.2/' }), requests, sent };
  }

  it('waits while an index is Pending or InProgress, then reports it Active', async () => {
    const { client, requests } = environmentWithKey(['Pending', 'InProgress', 'Active']);
    const slept: number[] = [];
    const result = await deploySolution(client, requests, { keyWait: { timeoutMs: 60_000, pollMs: 15_000 }, sleep: async (ms) => void slept.push(ms) });
    expect(result).toMatchObject({ created: 0, skipped: 1, published: true, activeKeys: ['lex_matter.lex_sourcekey_key'] });
    expect(slept).toEqual([15_000, 15_000]);
  });

  it('gives up after the wait with a transient error that says to run again', async () => {
    const { client, requests } = environmentWithKey(['Pending']);
    const error = await deploySolution(client, requests, { keyWait: { timeoutMs: 30_000, pollMs: 15_000 }, sleep: async () => undefined }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LEX_DEPLOY_KEY_PENDING', transient: true });
  });
});
