/**
 * The DataverseClient contract through the Xrm adapter: a fake `Xrm.WebApi` that sends what
 * Dynamics sends, and same-origin fetch, against the sandbox. The browser session is played by
 * a fetch that adds one fixed bearer token, since the sandbox authenticates by bearer.
 */
import { startSandbox } from '../../scripts/src/sandbox/server';
import { XrmDataverseClient } from '../../scripts/src/dataverse/xrm';
import { dataverseClientContract } from './contract';
import { fakeXrmWebApi } from './fake-xrm';

const sessionFetch: typeof fetch = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: 'Bearer browser-session' } });

dataverseClientContract({
  adapter: 'Xrm.WebApi',
  throttled: { faults: { throttleRate: 0.25, retryAfterSeconds: 2 }, seed: 7 },
  async start(options = {}) {
    const sandbox = await startSandbox(options);
    const client = new XrmDataverseClient({ webApi: fakeXrmWebApi(sandbox.apiUrl, sessionFetch), clientUrl: sandbox.baseUrl, fetch: sessionFetch });
    return {
      client,
      requests: () => sandbox.requestLog().map((r) => ({ method: r.method, path: r.path, status: r.status, at: r.time })),
      close: () => sandbox.close(),
    };
  },
});

describe('Xrm adapter roads', () => {
  it('reads and single-row writes go through Xrm.WebApi; upsert and $batch through same-origin fetch', async () => {
    const sandbox = await startSandbox();
    const calls: string[] = [];
    const webApi = fakeXrmWebApi(sandbox.apiUrl, sessionFetch);
    const counted = Object.fromEntries(
      Object.entries(webApi).map(([name, fn]) => [name, (...args: unknown[]) => (calls.push(name), (fn as (...a: unknown[]) => unknown)(...args))]),
    ) as unknown as typeof webApi;
    const fetched: string[] = [];
    const pageFetch: typeof fetch = (input, init) => (fetched.push(`${init?.method ?? 'GET'} ${String(input).replace(sandbox.apiUrl, '')}`), sessionFetch(input, init));
    try {
      const client = new XrmDataverseClient({ webApi: counted, clientUrl: sandbox.baseUrl, fetch: pageFetch });
      const id = await client.create('lex_milestone', { lex_name: 'Road test' });
      await client.update('lex_milestone', id, { lex_name: 'Road test 2' });
      expect(await client.retrieve('lex_milestone', id, { select: ['lex_name'] })).toMatchObject({ lex_name: 'Road test 2' });
      for await (const page of client.query('lex_milestone', { select: ['lex_name'] })) expect(page.length).toBeGreaterThan(0);
      expect(calls).toEqual(['createRecord', 'updateRecord', 'retrieveRecord', 'retrieveMultipleRecords']);
      expect(fetched).toEqual([]);
      await client.upsert('lex_milestone', id, { lex_name: 'Road test 3' });
      await client.deleteMany('lex_milestone', [id]);
      expect(fetched).toEqual([`PATCH lex_milestones(${id})`, 'POST $batch']);
    } finally {
      await sandbox.close();
    }
  });
});
