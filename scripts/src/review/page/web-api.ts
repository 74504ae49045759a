/**
 * An `Xrm.WebApi`-shaped object over same-origin fetch: what the review page gives the controls
 * in place of PCF's `context.webAPI`. Errors reject as Xrm.WebApi's do (`{ errorCode, message }`).
 */
import type { Row, WebApiLike } from '../../../../pcf-controls/shared/data';
import { Tables, type TableName } from '../../../../solution/generated/names';

const HEADERS = { accept: 'application/json', 'odata-version': '4.0', 'odata-maxversion': '4.0', prefer: 'odata.include-annotations="*"' };

function entitySet(table: string): string {
  const def = Tables[table as TableName];
  if (!def) throw { errorCode: 0, message: `Unknown table ${table}` };
  return def.entitySetName;
}

async function call(method: string, url: string, body?: Row, extra: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(url, { method, headers: { ...HEADERS, ...(body ? { 'content-type': 'application/json' } : {}), ...extra }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!response.ok) {
    const error = ((await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }).error ?? {};
    throw { errorCode: error.code ? Number.parseInt(error.code, 16) | 0 : response.status, message: error.message ?? `${method} ${url}: HTTP ${response.status}` };
  }
  return response;
}

export function fetchWebApi(base = '/api/data/v9.2/'): WebApiLike {
  return {
    retrieveRecord: async (table, id, options = '') => (await call('GET', `${base}${entitySet(table)}(${id})${options}`)).json() as Promise<Row>,
    retrieveMultipleRecords: async (table, options = '') => ({ entities: ((await (await call('GET', `${base}${entitySet(table)}${options}`)).json()) as { value: Row[] }).value }),
    updateRecord: async (table, id, data) => {
      await call('PATCH', `${base}${entitySet(table)}(${id})`, data, { 'if-match': '*' });
      return { entityType: table, id };
    },
    createRecord: async (table, data) => {
      const response = await call('POST', `${base}${entitySet(table)}`, data);
      const id = /\(([0-9a-f-]{36})\)/i.exec(response.headers.get('odata-entityid') ?? '')?.[1] ?? '';
      return { entityType: table, id };
    },
  };
}
