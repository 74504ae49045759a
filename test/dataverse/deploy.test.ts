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
