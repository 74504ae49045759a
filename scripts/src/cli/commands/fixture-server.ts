/**
 * `lexbridge fixture-server clio|actionstep --data <dir> --port <p> [--rate 50/min]`: serves a
 * generated firm (`lexbridge generate --source clio-api|actionstep`) the way the real API does,
 * on 127.0.0.1 only, until Ctrl-C. `extract --from <url>` connects to it with the fixture's
 * development client, no credentials needed.
 */
import type { Command } from 'commander';
import { LexError } from '../../errors';
import { startActionstepFixtureServer } from '../../fixtures/actionstep-server';
import { startClioFixtureServer } from '../../fixtures/clio-server';
import type { Fault } from '../../fixtures/http';
import { parseRate } from '../../fixtures/rate-limit';

interface FixtureServerOptions {
  data: string;
  port: string;
  rate?: string;
  fault: string[];
  retryAfter?: boolean;
}

const FAULT_KINDS: Fault['kind'][] = ['expire-token', 'rate-limit', 'html-500', 'invalid-json'];

/** `rate-limit@5x3`: three 429s from the 5th API request on. */
export function parseFault(text: string): Fault {
  const match = /^([a-z0-9-]+)@(\d+)(?:x(\d+))?$/.exec(text.trim());
  const kind = match?.[1] as Fault['kind'] | undefined;
  if (!match || !kind || !FAULT_KINDS.includes(kind)) {
    throw new LexError({
      code: 'LEX_FIXTURE_BAD_FAULT',
      message: `cannot read the fault "${text}"`,
      fix: `Write it as <kind>@<nth request>[x<times>], kind one of ${FAULT_KINDS.join(', ')}; e.g. --fault rate-limit@5x3.`,
      location: { field: 'fault' },
    });
  }
  return { kind, at: Number(match[2]), times: match[3] ? Number(match[3]) : 1 };
}

export function register(program: Command): void {
  program
    .command('fixture-server')
    .description('Serve a generated firm as a Clio API v4 or Actionstep API stand-in on 127.0.0.1 (OAuth, paging, rate limits, faults)')
    .argument('<source>', 'clio | actionstep')
    .requiredOption('--data <dir>', 'folder written by `lexbridge generate --source clio-api|actionstep`')
    .option('--port <p>', 'port on 127.0.0.1 (0 picks a free one)', '0')
    .option('--rate <requests/window>', 'rate limit per access token, e.g. 50/min (Clio at peak) or 50/2s')
    .option('--fault <kind@n[xN]>', 'inject a fault: expire-token, rate-limit, html-500 or invalid-json at the nth API request (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--retry-after', 'Actionstep: send Retry-After on 429 (Actionstep documents none)')
    .action(async (source: string, options: FixtureServerOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new LexError({ code: 'LEX_FIXTURE_BAD_PORT', message: `--port ${options.port} is not a port`, fix: 'Pass a number from 0 to 65535 (0 picks a free port).', location: { field: 'port' } });
      }
      const rate = options.rate ? parseRate(options.rate) : undefined;
      const faults = options.fault.map(parseFault);
      let server;
      if (source === 'clio') server = await startClioFixtureServer({ dataDir: options.data, port, rate, faults });
      else if (source === 'actionstep') server = await startActionstepFixtureServer({ dataDir: options.data, port, rate, faults, retryAfter: options.retryAfter });
      else throw new LexError({ code: 'LEX_FIXTURE_UNKNOWN_SOURCE', message: `no fixture server for "${source}"`, fix: 'Use `lexbridge fixture-server clio` or `lexbridge fixture-server actionstep`.' });
      const kind = source === 'clio' ? 'clio-api' : 'actionstep';
      console.log(`${source} fixture server on ${server.baseUrl} serving ${options.data}${rate ? ` (limit ${rate.limit} per ${rate.windowMs} ms per token)` : ''}`);
      // The connectors never assume these credentials: the command says how to opt in.
      console.log(`  extract it with: lexbridge extract --source ${kind} --from ${server.baseUrl} --fixture-credentials --out <dir>`);
      console.log(`  (or set ${kind === 'clio-api' ? 'LEXBRIDGE_CLIO' : 'LEXBRIDGE_ACTIONSTEP'}_CLIENT_ID / _CLIENT_SECRET / _REFRESH_TOKEN to the fixture's development client, see docs/sources-api.md)`);
      console.log('  Ctrl-C stops it.');
      const running = server;
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
      await running.close();
    });
}
