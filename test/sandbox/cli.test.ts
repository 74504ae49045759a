import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readUsersFile, runSandbox } from '../../scripts/src/cli/commands/sandbox';
import { LexError } from '../../scripts/src/errors';

describe('lexbridge sandbox', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'lex-sandbox-cli-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the listening line and serves from the data file it creates', async () => {
    const lines: string[] = [];
    const sandbox = await runSandbox({ port: '0', data: path.join(dir, 'nested', 'sandbox.db'), limits: 'off' }, (l) => lines.push(l));
    expect(lines).toEqual([`listening on ${sandbox.apiUrl}`]);
    expect(lines[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/$/);
    const reply = await fetch(`${sandbox.apiUrl}WhoAmI`, { headers: { Authorization: 'Bearer t' } });
    expect(reply.status).toBe(200);
    await sandbox.close();
  });

  it('names the file, the user and the field when the users file is wrong', () => {
    const file = path.join(dir, 'users.json');
    writeFileSync(file, JSON.stringify([{ systemuserid: 'not-a-guid', firstname: 'A', lastname: 'B', internalemailaddress: 'a@b.test' }]));
    try {
      readUsersFile(file);
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(LexError);
      expect((error as LexError).location).toEqual({ file, recordKey: 'user 1', field: 'systemuserid' });
      expect((error as LexError).code).toBe('LEX_SANDBOX_USERS_FILE');
    }
  });

  it('rejects a bad --limits value with the fix', async () => {
    await expect(runSandbox({ port: '0', data: ':memory:', limits: 'maybe' })).rejects.toMatchObject({ code: 'LEX_SANDBOX_LIMITS' });
  });
});
