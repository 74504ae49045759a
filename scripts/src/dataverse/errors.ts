/**
 * Errors from Dataverse, typed for the loader: transient ones (throttling, unavailability,
 * dropped connections, timeouts) are retried; data errors are recorded against the record and
 * the run goes on. Each carries the Dataverse hex code, the HTTP status and the record key.
 * Pure: no Node-only imports.
 */
import { LexError } from '../errors';

export interface DataverseErrorInit {
  /** HTTP status; 0 when no response arrived (connection dropped, timeout). */
  status: number;
  /** Dataverse `error.code`, e.g. `0x80060891`; empty when the service sent none. */
  dataverseCode?: string;
  message: string;
  /** Request method and path relative to the Web API root (never a token). */
  request?: string;
  recordKey?: string;
  field?: string;
  /** `Retry-After` in seconds when the service sent one. */
  retryAfterSeconds?: number;
  /** Forces transient; otherwise derived from the status. */
  transient?: boolean;
  cause?: unknown;
}

/** Documented codes worth a specific fix (reference/notes/dataverse-webapi.md §6). */
const FIX_BY_DATAVERSE_CODE: Record<string, string> = {
  '0x80040217': 'the referenced row does not exist: load the table it belongs to first (plan order) or correct the id',
  '0x80060891': 'no row has these alternate-key values: load the referenced record first (plan order) or correct its source key',
  '0x80060890': 'the key columns are not an alternate key of this table: deploy the solution (`lexbridge solution deploy`) or address the row by id',
  '0x80060892': 'another row already has this alternate-key value: fix the duplicate in the source or map it to the existing row',
  '0x80040237': 'a row with this id or key already exists: upsert instead of create',
  '0x80048d19': 'the payload names a column or navigation property the table does not have: check the mapping profile against the schema',
  '0x8006088a': 'the table or action is not in this environment: deploy the Lexbridge solution (`lexbridge solution deploy`)',
  '0x80072322': 'service protection limit (requests): the client already waited as told; run the command again later to resume, or spread the load over more hours',
  '0x80072321': 'service protection limit (execution time): use smaller batches (batchSize/bulkSize) or a lower maxParallel, then run again to resume',
  '0x80072326': 'service protection limit (concurrent requests): lower maxParallel for this environment, then run again to resume',
  '0x80044331': 'a value breaks a column rule (length, range): fix it in the source or the mapping profile',
};

function codeFor(status: number): string {
  if (status === 0) return 'LEX_DATAVERSE_CONNECTION';
  if (status === 429) return 'LEX_DATAVERSE_THROTTLED';
  if (status === 502 || status === 503 || status === 504) return 'LEX_DATAVERSE_UNAVAILABLE';
  if (status === 401 || status === 403) return 'LEX_DATAVERSE_AUTH';
  if (status === 404) return 'LEX_DATAVERSE_NOT_FOUND';
  if (status === 412) return 'LEX_DATAVERSE_PRECONDITION';
  if (status === 501) return 'LEX_DATAVERSE_NOT_IMPLEMENTED';
  if (status >= 500) return 'LEX_DATAVERSE_SERVER_ERROR';
  return 'LEX_DATAVERSE_REJECTED';
}

function fixFor(status: number, dataverseCode: string | undefined): string {
  if (dataverseCode && FIX_BY_DATAVERSE_CODE[dataverseCode.toLowerCase()]) return FIX_BY_DATAVERSE_CODE[dataverseCode.toLowerCase()]!;
  if (status === 0 || status === 429 || status >= 502) return 'transient: the client retried with backoff; run the same command again to resume';
  if (status === 401) return 'sign in again: check the environment\'s auth settings in pac.config.json and the secret\'s environment variable';
  if (status === 403) return 'give the Lexbridge application user a security role with this privilege';
  if (status === 412) return 'the row changed or already exists: re-read it, or upsert without a condition';
  return 'correct the record (see the message) and run again; the rest of the run went on';
}

export function isTransientStatus(status: number): boolean {
  return status === 0 || status === 429 || status === 502 || status === 503 || status === 504;
}

/** Bearer tokens and JWT-shaped strings never leave the client in a message. */
export function redactSecrets(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [redacted]')
    .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-token]');
}

export class DataverseError extends LexError {
  readonly status: number;
  readonly dataverseCode: string;
  readonly recordKey: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** The service's own message, without code and request. */
  readonly detail: string;
  readonly request: string | undefined;

  constructor(init: DataverseErrorInit) {
    const where = init.request ? ` [${redactSecrets(init.request)}]` : '';
    super({
      code: codeFor(init.status),
      message: `${redactSecrets(init.message)}${init.dataverseCode ? ` (${init.dataverseCode})` : ''}${where}`,
      fix: fixFor(init.status, init.dataverseCode),
      location: {
        ...(init.recordKey ? { recordKey: init.recordKey } : {}),
        ...(init.field ? { field: init.field } : {}),
      },
      transient: init.transient ?? isTransientStatus(init.status),
      cause: init.cause,
    });
    this.name = 'DataverseError';
    this.status = init.status;
    this.dataverseCode = init.dataverseCode ?? '';
    this.recordKey = init.recordKey;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.detail = redactSecrets(init.message);
    this.request = init.request ? redactSecrets(init.request) : undefined;
  }

  /** The same error, now known to concern one record. */
  forRecord(recordKey: string | undefined): DataverseError {
    if (!recordKey || recordKey === this.recordKey) return this;
    return new DataverseError({
      status: this.status,
      dataverseCode: this.dataverseCode,
      message: this.detail,
      ...(this.request ? { request: this.request } : {}),
      recordKey,
      transient: this.transient,
      ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
      cause: this,
    });
  }
}

/** `{"error":{"code":"0x…","message":"…"}}` → code and message; anything else → the raw text. */
export function parseErrorBody(body: string): { code: string; message: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    if (parsed.error && typeof parsed.error === 'object') {
      return { code: String(parsed.error.code ?? ''), message: String(parsed.error.message ?? '') };
    }
  } catch {
    // not JSON: fall through
  }
  return { code: '', message: body.slice(0, 500) || 'no response body' };
}
