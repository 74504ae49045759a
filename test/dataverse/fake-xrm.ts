/// <reference types="xrm" />
/**
 * A small in-browser-like `Xrm.WebApi`: each call becomes the Web API request Dynamics sends
 * for it, same-origin over `fetch`, against the sandbox. Entity set names come from the
 * environment's metadata, as in Dynamics; failures reject with `{ errorCode, message }`.
 * `updateRecord` sends `If-Match: *` (update never creates).
 */
import type { XrmWebApi } from '../../scripts/src/dataverse/xrm';

export function fakeXrmWebApi(apiUrl: string, pageFetch: typeof fetch): XrmWebApi {
  const entitySets = new Map<string, Promise<string>>();
  const headers = { Accept: 'application/json', 'OData-Version': '4.0', 'OData-MaxVersion': '4.0', 'Content-Type': 'application/json' };

  async function call(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
    const url = /^https?:/.test(path) ? path : apiUrl + path;
    const response = await pageFetch(url, { method, headers: { ...headers, ...extra }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (response.ok) return response;
    const text = await response.text();
    let error: { code?: string; message?: string } = {};
    try {
      error = (JSON.parse(text) as { error: typeof error }).error;
    } catch {
      error = { message: text };
    }
    throw { errorCode: error.code ? parseInt(error.code, 16) : 0, message: error.message ?? `HTTP ${response.status}` };
  }

  function entitySet(logicalName: string): Promise<string> {
    let set = entitySets.get(logicalName);
    if (!set) {
      set = call('GET', `EntityDefinitions(LogicalName='${logicalName}')?$select=EntitySetName`)
        .then((r) => r.json() as Promise<{ EntitySetName: string }>)
        .then((d) => d.EntitySetName);
      entitySets.set(logicalName, set);
      set.catch(() => entitySets.delete(logicalName));
    }
    return set;
  }

  const idOf = (response: Response) => /\(([0-9a-fA-F-]{36})\)$/.exec(response.headers.get('OData-EntityId') ?? '')?.[1] ?? '';

  return {
    createRecord: async (table: string, record: unknown) => {
      const response = await call('POST', await entitySet(table), record);
      return { entityType: table, id: idOf(response) };
    },
    retrieveRecord: async (table: string, id: string, options?: string) => {
      const response = await call('GET', `${await entitySet(table)}(${id})${options ?? ''}`);
      return response.json();
    },
    retrieveMultipleRecords: async (table: string, options?: string, maxPageSize?: number) => {
      const response = await call('GET', `${await entitySet(table)}${options ?? ''}`, undefined, maxPageSize ? { Prefer: `odata.maxpagesize=${maxPageSize}` } : {});
      const page = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string };
      return { entities: page.value, nextLink: page['@odata.nextLink'] } as Xrm.RetrieveMultipleResult;
    },
    updateRecord: async (table: string, id: string, data: unknown) => {
      await call('PATCH', `${await entitySet(table)}(${id})`, data, { 'If-Match': '*' });
      return { entityType: table, id };
    },
    deleteRecord: async (table: string, id: string) => {
      await call('DELETE', `${await entitySet(table)}(${id})`);
      return id;
    },
  } as unknown as XrmWebApi;
}
