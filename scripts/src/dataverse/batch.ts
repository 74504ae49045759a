/**
 * `$batch` bodies (reference/notes/dataverse-webapi.md §3): multipart/mixed with CRLF line ends,
 * change sets as nested multiparts, `Content-ID` on change-set parts, at most 1000 requests.
 * Pure: builds and parses text only.
 */
import type { HttpMethod, WebApiResponse } from './transport';

export const MAX_BATCH_REQUESTS = 1000;
const CRLF = '\r\n';

export interface BatchPart {
  method: HttpMethod;
  /** Relative to the Web API root; made absolute in the body, as Microsoft's examples are. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface BatchPartResponse extends WebApiResponse {
  contentId?: string;
}

let boundaryCounter = 0;
function boundary(prefix: string): string {
  boundaryCounter = (boundaryCounter + 1) % 1_000_000;
  return `${prefix}_${Date.now().toString(16)}${boundaryCounter.toString(16)}${Math.random().toString(16).slice(2, 10)}`;
}

function requestText(part: BatchPart, apiUrl: string, contentId?: number): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `${part.method} ${apiUrl}${part.path} HTTP/1.1`);
  const headers = { ...(part.body !== undefined ? { 'Content-Type': 'application/json; type=entry' } : {}), ...part.headers };
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push('', part.body ?? '');
  return lines.join(CRLF);
}

/**
 * The `$batch` request body for `parts`: one change set (atomic) or independent requests.
 * Change-set parts get `Content-ID` 1..n, in order.
 */
export function buildBatch(parts: readonly BatchPart[], apiUrl: string, atomic: boolean): { contentType: string; body: string } {
  if (parts.length === 0) throw new Error('a $batch needs at least one request');
  if (parts.length > MAX_BATCH_REQUESTS) throw new Error(`a $batch holds at most ${MAX_BATCH_REQUESTS} requests (got ${parts.length})`);
  const batch = boundary('batch');
  let body = '';
  if (atomic) {
    const changeset = boundary('changeset');
    body += `--${batch}${CRLF}Content-Type: multipart/mixed; boundary=${changeset}${CRLF}${CRLF}`;
    parts.forEach((part, i) => {
      body += `--${changeset}${CRLF}${requestText(part, apiUrl, i + 1)}${CRLF}`;
    });
    body += `--${changeset}--${CRLF}`;
  } else {
    for (const part of parts) body += `--${batch}${CRLF}${requestText(part, apiUrl)}${CRLF}`;
  }
  body += `--${batch}--${CRLF}`;
  return { contentType: `multipart/mixed; boundary=${batch}`, body };
}

function boundaryOf(contentType: string): string | undefined {
  const match = /boundary="?([^";]+)"?/i.exec(contentType);
  return match?.[1];
}

function splitHead(text: string): { head: string; rest: string } {
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return { head: text, rest: '' };
  return { head: text.slice(0, match.index), rest: text.slice(match.index + match[0].length) };
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Every response in a `$batch` response body, change-set responses flattened in order. */
export function parseBatchResponse(contentType: string, body: string): BatchPartResponse[] {
  const separator = boundaryOf(contentType);
  if (!separator) throw new Error(`$batch response has no multipart boundary (Content-Type: ${contentType})`);
  const responses: BatchPartResponse[] = [];
  const segments = body.split(`--${separator}`).slice(1);
  for (const segment of segments) {
    if (segment.startsWith('--')) break;
    const { head, rest } = splitHead(segment.replace(/^\r?\n/, ''));
    const partHeaders = parseHeaders(head);
    const partType = partHeaders['content-type'] ?? '';
    if (partType.startsWith('multipart/mixed')) {
      responses.push(...parseBatchResponse(partType, rest));
      continue;
    }
    const statusLine = /^HTTP\/1\.1\s+(\d{3})/.exec(rest);
    if (!statusLine) throw new Error(`$batch response part without an HTTP status line: ${rest.slice(0, 80)}`);
    const { head: responseHead, rest: responseBody } = splitHead(rest);
    const headers = parseHeaders(responseHead.split(/\r?\n/).slice(1).join('\r\n'));
    responses.push({
      status: Number(statusLine[1]),
      headers,
      body: responseBody.replace(/\r?\n$/, '').trim(),
      ...(partHeaders['content-id'] ? { contentId: partHeaders['content-id'] } : {}),
    });
  }
  return responses;
}
