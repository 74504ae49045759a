/**
 * The local Dataverse sandbox: Web API v9.2 over HTTP on 127.0.0.1, data in one SQLite file.
 * Layers, Azurite-style: HTTP protocol (this file) → auth → service protection and faults →
 * router/handlers → storage. Start it in-process with `startSandbox()` or with
 * `lexbridge sandbox`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors, type DataverseError } from './errors';
import { FaultPlan, type FaultInjection } from './faults';
import type { HandlerContext, SandboxRequest, SandboxResponse } from './handlers/context';
import { DATAVERSE_LIMITS, ServiceProtection, type ServiceProtectionLimits } from './protection';
import { dispatch, errorResponse } from './router';
import { DEFAULT_USERS, openStore, type SeedUser } from './storage/install';
import type { SandboxStore } from './storage/store';

export type { FaultInjection } from './faults';
export type { ServiceProtectionLimits } from './protection';
export { DATAVERSE_LIMITS } from './protection';
export type { SeedUser } from './storage/install';
export { setBulkSupport, DEFAULT_USERS, BASE_CURRENCY_ID } from './storage/install';
export type { SandboxStore } from './storage/store';

export interface SandboxOptions {
  /** 0 = any free port. */
  port?: number;
  /** Default ':memory:'. */
  dataFile?: string;
  /** Native tables only (platform columns), no Lexbridge solution: for `solution deploy`. */
  empty?: boolean;
  users?: SeedUser[];
  /** When set, only `Authorization: Bearer <requireToken>` is accepted. */
  requireToken?: string;
  /** Default: Dataverse's limits. `false` turns service protection off. */
  limits?: ServiceProtectionLimits | false;
  latency?: { perRequestMs: number; perRecordMs: number };
  faults?: FaultInjection;
  seed?: number;
}

export interface LoggedRequest {
  method: string;
  /** Path and query as sent, e.g. `/api/data/v9.2/accounts?$top=1`. */
  path: string;
  /** 0 when the connection was dropped by fault injection. */
  status: number;
  /** When the request arrived (ms since epoch) and how long it took. */
  time: number;
  durationMs: number;
}

export interface RunningSandbox {
  baseUrl: string;
  apiUrl: string;
  requestLog(): LoggedRequest[];
  store: SandboxStore;
  close(): Promise<void>;
}

const API_PREFIX = /^\/api\/data\/v9\.[0-2]\//;
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

export function isWrite(method: string): boolean {
  return WRITE_METHODS.has(method);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const store = openStore({ dataFile: options.dataFile ?? ':memory:', empty: options.empty ?? false, users: options.users ?? DEFAULT_USERS });
  const caller = store.select('systemuser', { where: 'isdisabled = 0', orderBy: 'createdon, systemuserid', limit: 1 })[0];
  const callerId = String(caller?.['systemuserid'] ?? '00000000-0000-0000-0000-000000000000');
  const protection = options.limits === false ? undefined : new ServiceProtection(options.limits ?? DATAVERSE_LIMITS);
  const faults = options.faults ? new FaultPlan(options.faults, options.seed ?? 1) : undefined;
  const log: LoggedRequest[] = [];
  let apiUrl = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const entry: LoggedRequest = { method, path: rawUrl, status: 0, time: started, durationMs: 0 };
    log.push(entry);
    const send = (response: SandboxResponse) => {
      entry.status = response.status;
      entry.durationMs = Date.now() - started;
      res.writeHead(response.status, response.headers);
      res.end(response.body ?? '');
    };
    const fail = (error: DataverseError) => send(errorResponse(error));
    const body = await readBody(req);
    const headers = lowerHeaders(req);

    const [pathPart = '', queryPart = ''] = rawUrl.split('?', 2) as [string, string?];
    if (!API_PREFIX.test(pathPart)) return fail(errors.resourceNotFound(pathPart));

    const auth = headers['authorization'] ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
    if (!token || (options.requireToken !== undefined && token !== options.requireToken)) return fail(errors.unauthorized());

    const fault = faults?.next();
    if (fault === 'drop') {
      entry.durationMs = Date.now() - started;
      req.socket.destroy();
      return;
    }
    if (fault === 'throttle') {
      return fail(errors.throttledRequests(protection?.limits.maxRequests ?? 6000, protection?.limits.windowSeconds ?? 300, options.faults?.retryAfterSeconds ?? 1));
    }
    if (fault === 'unavailable') return fail(errors.serviceUnavailable());

    const refused = protection?.admit(token);
    if (refused) return fail(refused);

    let response: SandboxResponse;
    try {
      let path: string;
      try {
        path = decodeURIComponent(pathPart.replace(API_PREFIX, ''));
      } catch {
        throw errors.badRequest(`The request URI '${pathPart}' is not valid.`, '0x80060888');
      }
      const request: SandboxRequest = { method, path, query: new URLSearchParams(queryPart), headers, body };
      const ctx: HandlerContext = { store, apiUrl, callerId };
      response = dispatch(ctx, request);
      const latency = options.latency;
      if (latency) await sleep(latency.perRequestMs + latency.perRecordMs * (response.records ?? 0));
      if (fault === 'slow') await sleep(options.faults?.slowMs ?? 1000);
    } finally {
      protection?.finish(token, Date.now() - started);
    }
    if (fault === 'dropAfter') {
      entry.durationMs = Date.now() - started;
      req.socket.destroy();
      return;
    }
    const extra: Record<string, string> = { 'x-ms-service-request-id': crypto.randomUUID() };
    if (protection) Object.assign(extra, protection.headers(token), { 'x-ms-dop-hint': String(protection.limits.dopHint ?? 4) });
    else extra['x-ms-dop-hint'] = '4';
    send({ ...response, headers: { ...response.headers, ...extra } });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        const response = errorResponse(error);
        res.writeHead(response.status, response.headers);
        res.end(response.body);
      }
    });
  });
  // Connections stay open between requests, as Dataverse's do (close() ends them all). Not 1 s:
  // undici takes 1 s off the server's keep-alive hint, so it opened a connection per request.
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  apiUrl = `${baseUrl}/api/data/v9.2/`;
  let closed: Promise<void> | undefined;

  return {
    baseUrl,
    apiUrl,
    requestLog: () => log.map((e) => ({ ...e })),
    store,
    close: () => {
      // Idempotent, so a test's cleanup can close what an assertion already closed.
      if (closed) return closed;
      closed = new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          store.close();
          if (error) reject(error);
          else resolve();
        });
      });
      return closed;
    },
  };
}
