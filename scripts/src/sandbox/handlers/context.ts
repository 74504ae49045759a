/** What every handler receives: the store, the absolute API URL, the caller, and batch state. */
import type { TableDef } from '../../../../solution/src/schema/types';
import type { SandboxStore } from '../storage/store';

export interface ContentIdTarget {
  table: TableDef;
  id: string;
  url: string;
}

export interface HandlerContext {
  store: SandboxStore;
  /** `http://127.0.0.1:<port>/api/data/v9.2/` */
  apiUrl: string;
  /** systemuserid of the caller (the first enabled seed user). */
  callerId: string;
  /** `Content-ID` → created/updated row, inside one change set. */
  contentIds?: Map<string, ContentIdTarget>;
  /** The row the last create/upsert wrote, so a change set can remember it under its Content-ID. */
  lastWrite?: { table: TableDef; id: string };
}

export interface SandboxRequest {
  method: string;
  /** Path relative to the API root, without query: `accounts(…)`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  /** Rows the request touched, for the latency model. */
  records?: number;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse => ({
  status,
  headers: { 'Content-Type': 'application/json; odata.metadata=minimal', 'OData-Version': '4.0', ...headers },
  body: JSON.stringify(body),
});

export const noContent = (headers: Record<string, string> = {}): SandboxResponse => ({
  status: 204,
  headers: { 'OData-Version': '4.0', ...headers },
});

/** `Prefer: return=representation, odata.maxpagesize=10` → map of preferences. */
export function preferences(headers: Record<string, string>): Map<string, string> {
  const prefs = new Map<string, string>();
  for (const part of (headers['prefer'] ?? '').split(',')) {
    const [name, value = ''] = part.trim().split('=', 2) as [string, string?];
    if (name) prefs.set(name.trim(), value.replace(/^"|"$/g, ''));
  }
  return prefs;
}
