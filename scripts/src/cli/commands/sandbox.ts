/**
 * `lexbridge sandbox`: serve the local Dataverse sandbox until stopped (Ctrl+C).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { LexError } from '../../errors';
import { startSandbox, type RunningSandbox, type SeedUser } from '../../sandbox/server';

export interface SandboxCommandOptions {
  port: string;
  data: string;
  empty?: boolean;
  users?: string;
  requireToken?: string;
  limits: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Seed users from a JSON array; each problem names the file, the entry and the field. */
export function readUsersFile(file: string): SeedUser[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new LexError({
      code: 'LEX_SANDBOX_USERS_FILE',
      message: `Cannot read the users file: ${(cause as Error).message}`,
      fix: 'Pass --users a JSON array like scripts/src/sandbox/default-users.json.',
      location: { file },
      cause,
    });
  }
  if (!Array.isArray(parsed)) {
    throw new LexError({ code: 'LEX_SANDBOX_USERS_FILE', message: 'The users file must hold a JSON array.', fix: 'Wrap the users in [ … ].', location: { file } });
  }
  return parsed.map((entry: Record<string, unknown>, index) => {
    for (const field of ['systemuserid', 'firstname', 'lastname', 'internalemailaddress']) {
      const value = entry?.[field];
      const bad = typeof value !== 'string' || !value || (field === 'systemuserid' && !GUID.test(value));
      if (bad) {
        throw new LexError({
          code: 'LEX_SANDBOX_USERS_FILE',
          message: `User ${index + 1} has no valid ${field}.`,
          fix: field === 'systemuserid' ? 'Give each user a GUID systemuserid.' : `Give each user a non-empty ${field}.`,
          location: { file, recordKey: `user ${index + 1}`, field },
        });
      }
    }
    return entry as unknown as SeedUser;
  });
}

export async function runSandbox(options: SandboxCommandOptions, log: (line: string) => void = console.log): Promise<RunningSandbox> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LexError({ code: 'LEX_SANDBOX_PORT', message: `'${options.port}' is not a port number.`, fix: 'Pass --port a number from 0 to 65535 (0 = any free port).' });
  }
  if (options.limits !== 'on' && options.limits !== 'off') {
    throw new LexError({ code: 'LEX_SANDBOX_LIMITS', message: `--limits must be on or off, not '${options.limits}'.`, fix: 'Pass --limits on (Dataverse defaults) or --limits off.' });
  }
  if (options.data !== ':memory:') mkdirSync(path.dirname(path.resolve(options.data)), { recursive: true });
  const sandbox = await startSandbox({
    port,
    dataFile: options.data,
    empty: options.empty ?? false,
    ...(options.users ? { users: readUsersFile(options.users) } : {}),
    ...(options.requireToken !== undefined ? { requireToken: options.requireToken } : {}),
    ...(options.limits === 'off' ? { limits: false as const } : {}),
  });
  log(`listening on ${sandbox.apiUrl}`);
  return sandbox;
}

export function register(program: Command): void {
  program
    .command('sandbox')
    .description('Serve a local Dataverse Web API v9.2 sandbox on 127.0.0.1, data in one SQLite file (see docs/sandbox.md)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '5555')
    .option('--data <file>', 'SQLite data file (":memory:" for none)', '.lexbridge/sandbox.db')
    .option('--empty', 'native tables only, without the Lexbridge solution (to exercise `solution deploy`)')
    .option('--users <file>', 'seed users (JSON array, see scripts/src/sandbox/default-users.json)')
    .option('--require-token <token>', 'accept only this bearer token (401 otherwise)')
    .option('--limits <on|off>', 'service protection limits (Dataverse defaults) on or off', 'on')
    .action(async (options: SandboxCommandOptions) => {
      const sandbox = await runSandbox(options);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sandbox.close();
    });
}
