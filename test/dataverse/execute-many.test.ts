/**
 * `executeMany` over a scripted transport: batches of the client's batch size, each call a POST
 * part with `odata.continue-on-error`, results mapped back in order, and a whole-batch failure
 * (429) given to every call of that batch only. Against the sandbox: test/dataverse/contract.ts.
 */
import type { WebApiRequest, WebApiResponse } from '../../scripts/src/dataverse/transport';
import { WebApiClient } from '../../scripts/src/dataverse/web-api-client';

const api = 'http://127.0.0.1:1/api/data/v9.2/';

/** A multipart response with one part per status, in order. */
function batchResponse(statuses: number[]): WebApiResponse {
  const parts = statuses.map((status) => {
    const body = status >= 400 ? JSON.stringify({ error: { code: '0x80040217', message: `failed with ${status}` } }) : '';
    return `--batchresponse_x\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 ${status} X\r\nContent-Type: application/json\r\n\r\n${body}\r\n`;
  });
  return { status: 200, headers: { 'content-type': 'multipart/mixed; boundary=batchresponse_x' }, body: `${parts.join('')}--batchresponse_x--\r\n` };
}

describe('WebApiClient.executeMany', () => {
  it('sends the calls in $batch requests of the batch size, each a POST part, results in order', async () => {
    const sent: WebApiRequest[] = [];
    const replies = [batchResponse([204, 404]), batchResponse([204])];
    const client = new WebApiClient({ apiUrl: api, batchSize: 2, transport: async (request) => (sent.push(request), replies.shift()!) });
    const results = await client.executeMany([
      { name: 'WinOpportunity', body: { Status: 3 }, recordKey: 'a' },
      { name: 'CloseIncident', body: { Status: 5 }, recordKey: 'b' },
      { name: 'Recalculate', boundTo: 'opportunity' },
    ]);
    expect(sent.map((r) => [r.method, r.path, r.headers?.Prefer, r.idempotent])).toEqual([
      ['POST', '$batch', 'odata.continue-on-error', false],
      ['POST', '$batch', 'odata.continue-on-error', false],
    ]);
    expect(sent[0]!.body).toContain(`POST ${api}WinOpportunity HTTP/1.1\r\nContent-Type: application/json; type=entry\r\n\r\n{"Status":3}`);
    expect(sent[0]!.body).toContain(`POST ${api}CloseIncident HTTP/1.1`);
    expect(sent[1]!.body).toContain(`POST ${api}opportunities/Microsoft.Dynamics.CRM.Recalculate HTTP/1.1`);
    expect(results.map((r) => [r.recordKey, r.ok])).toEqual([['a', true], ['b', false], ['Recalculate#3', true]]);
    const failed = results[1]!;
    expect(failed.ok ? undefined : [failed.error.status, failed.error.recordKey, failed.error.transient]).toEqual([404, 'b', false]);
  });

  it('gives a whole-batch failure (429) to each call of that batch, transient, and no part missing goes unnoticed', async () => {
    const replies: WebApiResponse[] = [
      { status: 429, headers: { 'retry-after': '2', 'content-type': 'application/json' }, body: JSON.stringify({ error: { code: '0x80072322', message: 'Number of requests exceeded the limit' } }) },
      batchResponse([204]),
    ];
    const client = new WebApiClient({ apiUrl: api, batchSize: 2, transport: async () => replies.shift()! });
    const results = await client.executeMany(['x', 'y', 'z'].map((recordKey) => ({ name: 'WinOpportunity', recordKey })));
    expect(results.map((r) => (r.ok ? 'ok' : `${r.recordKey}:${r.error.status}:${r.error.transient}`))).toEqual(['x:429:true', 'y:429:true', 'ok']);
    const short = new WebApiClient({ apiUrl: api, transport: async () => batchResponse([204]) });
    const missing = await short.executeMany([{ name: 'A' }, { name: 'B' }]);
    expect(missing.map((r) => r.ok)).toEqual([true, false]);
  });
});
