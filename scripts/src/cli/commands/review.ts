/**
 * `lexbridge review`: the local review page. Serves, on 127.0.0.1, the PCF controls' own
 * components against a local sandbox: list matters, open one and see its field diff, mark it
 * reviewed; confirm the mapping profile; open a run. Without --env it opens the demo's sandbox
 * data (`npm start` writes it) in-process. Mapping profiles are written when the sandbox has none.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadPacConfig, resolveEnvironment } from '../../../../solution/src/config';
import { createHttpClient } from '../../dataverse/http';
import { staticTokenSource } from '../../dataverse/http/auth';
import { LexError } from '../../errors';
import { seedReviewProfiles } from '../../review/seed';
import { roleFor, startReviewServer, type ReviewUser, type RunningReviewServer } from '../../review/server';
import { DEFAULT_USERS, startSandbox, type RunningSandbox } from '../../sandbox/server';

export interface ReviewOptions {
  cwd: string;
  env?: string;
  /** Sandbox data file when no --env is given. */
  data?: string;
  port?: number;
  log?: (line: string) => void;
}

export interface RunningReview {
  url: string;
  sandbox?: RunningSandbox;
  close(): Promise<void>;
}

function reviewUser(index: number, kind: 'admin' | 'reviewer'): ReviewUser {
  const u = DEFAULT_USERS[index]!;
  return { id: u.systemuserid, name: `${u.firstname} ${u.lastname}`, email: u.internalemailaddress, roles: [roleFor(kind)] };
}

export async function runReview(options: ReviewOptions): Promise<RunningReview> {
  const log = options.log ?? console.log;
  let sandbox: RunningSandbox | undefined;
  let apiUrl: string;
  if (options.env) {
    const env = resolveEnvironment(loadPacConfig(path.join(options.cwd, 'pac.config.json')), options.env);
    apiUrl = `${env.url.replace(/\/+$/, '')}/api/data/v9.2/`;
  } else {
    const dataFile = path.resolve(options.cwd, options.data ?? path.join('.lexbridge', 'demo', 'sandbox.db'));
    if (!existsSync(dataFile)) {
      throw new LexError({
        code: 'LEX_REVIEW_NO_DATA',
        message: `No sandbox data at ${path.relative(options.cwd, dataFile)}`,
        fix: 'Run `npm start` first (it migrates the sample firm into .lexbridge/demo/sandbox.db), or pass --data <file> or --env <sandbox url|name>.',
        location: { file: dataFile },
      });
    }
    sandbox = await startSandbox({ port: 0, dataFile, limits: false });
    apiUrl = sandbox.apiUrl;
  }
  const users = { admin: reviewUser(0, 'admin'), reviewer: reviewUser(3, 'reviewer') };
  const client = createHttpClient({ url: apiUrl, auth: staticTokenSource('lexbridge-review') });
  try {
    const existing = [];
    for await (const page of client.query('lex_mappingprofile', { select: ['lex_mappingprofileid'], top: 1 })) existing.push(...page);
    if (existing.length === 0) {
      const { draft } = await seedReviewProfiles(client, users.admin.email);
      log(`Wrote the confirmed mapping profile and draft v${draft.version} with ${draft.proposals.length} suggestion(s) to review.`);
    }
  } finally {
    await client.close();
  }
  let server: RunningReviewServer;
  try {
    server = await startReviewServer({ apiUrl, port: options.port ?? 0, users });
  } catch (error) {
    await sandbox?.close();
    throw error;
  }
  log(`Signed in as ${users.admin.name} (Migration Admin); as a reviewer without the admin role: ${server.url}?as=reviewer`);
  // Last, so it is the line a person sees while the page is served.
  log(`Review page: ${server.url} — press Ctrl-C to stop`);
  return {
    url: server.url,
    ...(sandbox ? { sandbox } : {}),
    close: async () => {
      await server.close();
      await sandbox?.close();
    },
  };
}

/** Runs the review page until Ctrl+C (the `review` command, and `npm start` at its end). */
export async function serveReview(options: ReviewOptions): Promise<void> {
  stopOnSignal(await runReview(options));
}

/** Ctrl-C (or SIGTERM) closes the page and its sandbox, then exits. */
export function stopOnSignal(running: RunningReview): void {
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function register(program: Command): void {
  program
    .command('review')
    .description('Serve the local review page on 127.0.0.1: the PCF controls (record diff, mapping review, run monitor) against a local sandbox, no tenant needed')
    .option('--env <url|name>', 'a running local sandbox (URL or pac.config.json environment name); default: the demo data in-process')
    .option('--data <file>', 'sandbox data file when no --env is given', path.join('.lexbridge', 'demo', 'sandbox.db'))
    .option('--port <port>', 'port for the page (0 = any free port)', '5560')
    .action(async (options: { env?: string; data: string; port: string }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new LexError({ code: 'LEX_REVIEW_PORT', message: `'${options.port}' is not a port number.`, fix: 'Pass --port a number from 0 to 65535 (0 = any free port).' });
      }
      await serveReview({ cwd: process.cwd(), data: options.data, port, ...(options.env ? { env: options.env } : {}) });
    });
}
