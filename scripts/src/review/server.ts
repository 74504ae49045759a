/**
 * The local review page: the same React components that run inside Dynamics, served on
 * 127.0.0.1 against a local sandbox, so a person can try the review flow without a tenant.
 * The page talks to `/api/data/v9.2/` on its own origin, as a model-driven app does; this server
 * forwards those requests to the sandbox. `/review/session` says who is signed in (a sandbox
 * user with a Lexbridge role), chosen with `?as=admin` or `?as=reviewer`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LexError } from '../errors';
import { MIGRATION_ADMIN_ROLE } from '../../../pcf-controls/shared/roles';
import { ROLE_NAMES } from '../../../solution/src/app/roles';
import { componentId } from '../../../solution/src/ids';
import { buildReviewPage, type ReviewPage } from './bundle';

export interface ReviewUser {
  id: string;
  name: string;
  email: string;
  roles: { id: string; name: string }[];
}

export interface ReviewServerOptions {
  /** The sandbox's Web API root, `http://127.0.0.1:<port>/api/data/v9.2/`. */
  apiUrl: string;
  /** 0 = any free port. */
  port?: number;
  users: { admin: ReviewUser; reviewer: ReviewUser };
  /** Prebuilt page (tests build once); built at start otherwise. */
  page?: ReviewPage;
}

export interface RunningReviewServer {
  url: string;
  close(): Promise<void>;
}

const FORWARDED_HEADERS = ['accept', 'content-type', 'prefer', 'if-match', 'if-none-match', 'odata-version', 'odata-maxversion'];
const LOCAL = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//;

export const roleFor = (kind: keyof ReviewServerOptions['users']) =>
  kind === 'admin' ? { id: MIGRATION_ADMIN_ROLE.id, name: MIGRATION_ADMIN_ROLE.name } : { id: componentId('role', ROLE_NAMES.reviewer), name: ROLE_NAMES.reviewer };

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startReviewServer(options: ReviewServerOptions): Promise<RunningReviewServer> {
  if (!LOCAL.test(options.apiUrl)) {
    throw new LexError({
      code: 'LEX_REVIEW_NOT_LOCAL',
      message: `The review page runs against a local sandbox, not ${options.apiUrl}`,
      fix: 'Start one with `lexbridge sandbox --data .lexbridge/demo/sandbox.db` and pass --env sandbox (or its URL). In a real environment the controls are on the forms themselves.',
      location: { url: options.apiUrl },
    });
  }
  const apiUrl = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  const page = options.page ?? (await buildReviewPage());

  async function forward(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const headers: Record<string, string> = { authorization: 'Bearer lexbridge-review' };
    for (const name of FORWARDED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : new Uint8Array(await readBody(req));
    const response = await fetch(new URL(path, apiUrl), { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) });
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name)) out[name] = value;
    });
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname.startsWith('/api/data/v9.2/')) {
      forward(req, res, url.pathname.slice('/api/data/v9.2/'.length) + url.search).catch((error: unknown) => {
        send(502, 'application/json', JSON.stringify({ error: { code: 'LEX_REVIEW_SANDBOX_DOWN', message: `The sandbox did not answer: ${(error as Error).message}` } }));
      });
      return;
    }
    if (url.pathname === '/review/session') {
      const kind = url.searchParams.get('as') === 'reviewer' ? 'reviewer' : 'admin';
      send(200, 'application/json', JSON.stringify(options.users[kind]));
      return;
    }
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (url.pathname === '/app.js') return send(200, 'text/javascript; charset=utf-8', page.script);
    if (url.pathname === '/' || url.pathname === '/index.html') return send(200, 'text/html; charset=utf-8', page.html);
    send(404, 'text/plain', 'Not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
