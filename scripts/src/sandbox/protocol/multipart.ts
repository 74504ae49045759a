/**
 * `multipart/mixed` for `$batch` (OData 4.0 §11.7, Learn "Execute batch operations"): parse the
 * request into parts and embedded HTTP requests, and write the response. Line endings must be
 * CRLF; Dataverse rejects anything else with "Stream was not readable", and so does this.
 */
import { errors } from '../errors';

export interface HttpPart {
  kind: 'request';
  contentId?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface ChangeSetPart {
  kind: 'changeset';
  requests: HttpPart[];
}

export type BatchPart = HttpPart | ChangeSetPart;

export function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /boundary=("?)([^";]+)\1/i.exec(contentType ?? '');
  return m?.[2];
}

/** Split a header block (`Name: value` lines) into lower-cased names. */
function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function splitParts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const chunks = body.split(delimiter);
  const parts: string[] = [];
  // chunks[0] is the preamble; a chunk starting with `--` is the close delimiter's epilogue.
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    parts.push(chunk.replace(/^\r\n/, '').replace(/\r\n$/, ''));
  }
  return parts;
}

function headAndBody(text: string): [string, string] {
  const at = text.indexOf('\r\n\r\n');
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 4)];
}

function parseHttpPart(partHeaders: Record<string, string>, content: string): HttpPart {
  const [head, body] = headAndBody(content);
  const [requestLine = '', ...headerLines] = head.split('\r\n');
  const m = /^([A-Z]+) (\S+)( HTTP\/1\.1)?$/.exec(requestLine.trim());
  if (!m) throw errors.badRequest(`The request line '${requestLine}' in the batch is not valid.`, '0x80048d19');
  const headers = parseHeaders(headerLines.join('\r\n'));
  const contentId = partHeaders['content-id'] ?? headers['content-id'];
  return { kind: 'request', method: m[1]!, url: m[2]!, headers, body: body.replace(/\r\n$/, ''), ...(contentId ? { contentId } : {}) };
}

export function parseBatch(body: string, boundary: string): BatchPart[] {
  if (/[^\r]\n/.test(body) || body.startsWith('\n')) throw errors.batchNotCrlf();
  return splitParts(body, boundary).map((part): BatchPart => {
    const [head, content] = headAndBody(part);
    const headers = parseHeaders(head);
    const type = headers['content-type'] ?? '';
    if (type.startsWith('multipart/mixed')) {
      const inner = boundaryOf(type);
      if (!inner) throw errors.badRequest('A change set needs a boundary.', '0x80048d19');
      const requests = splitParts(content, inner).map((p) => {
        const [h, c] = headAndBody(p);
        const ph = parseHeaders(h);
        if ((ph['content-type'] ?? '').startsWith('multipart/mixed')) throw errors.badRequest('Change sets cannot be nested.', '0x80048d19');
        return parseHttpPart(ph, c);
      });
      return { kind: 'changeset', requests };
    }
    if (!type.startsWith('application/http')) throw errors.badRequest(`Unsupported batch part content type '${type}'.`, '0x80048d19');
    return parseHttpPart(headers, content);
  });
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};
export const reasonPhrase = (status: number) => REASONS[status] ?? 'Unknown';

export interface ResponsePart {
  contentId?: string;
  status: number;
  headers: Record<string, string>;
  body?: string;
}

function writeHttpPart(part: ResponsePart): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (part.contentId) lines.push(`Content-ID: ${part.contentId}`);
  lines.push('', `HTTP/1.1 ${part.status} ${reasonPhrase(part.status)}`);
  for (const [name, value] of Object.entries(part.headers)) lines.push(`${name}: ${value}`);
  lines.push('', part.body ?? '');
  return lines.join('\r\n');
}

export function writeBatch(boundary: string, parts: (ResponsePart | { changeset: ResponsePart[]; boundary: string })[]): string {
  const out: string[] = [];
  for (const part of parts) {
    out.push(`--${boundary}`);
    if ('changeset' in part) {
      const inner = part.changeset.map((p) => `--${part.boundary}\r\n${writeHttpPart(p)}`).join('\r\n');
      out.push(`Content-Type: multipart/mixed; boundary=${part.boundary}\r\n\r\n${inner}\r\n--${part.boundary}--`);
    } else {
      out.push(writeHttpPart(part));
    }
  }
  out.push(`--${boundary}--`, '');
  return out.join('\r\n');
}
