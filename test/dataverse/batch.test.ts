import { buildBatch, parseBatchResponse } from '../../scripts/src/dataverse/batch';

const api = 'http://127.0.0.1:1/api/data/v9.2/';

describe('buildBatch', () => {
  it('writes a change set with CRLF line ends and Content-ID 1..n', () => {
    const { contentType, body } = buildBatch(
      [
        { method: 'PATCH', path: 'accounts(00000000-0000-0000-0000-000000000001)', body: '{"name":"A"}' },
        { method: 'DELETE', path: 'accounts(00000000-0000-0000-0000-000000000002)' },
      ],
      api,
      true,
    );
    const boundary = /boundary=(\S+)/.exec(contentType)![1]!;
    expect(body.startsWith(`--${boundary}\r\nContent-Type: multipart/mixed; boundary=changeset_`)).toBe(true);
    expect(body).toContain('Content-ID: 1\r\n');
    expect(body).toContain('Content-ID: 2\r\n');
    expect(body).toContain(`PATCH ${api}accounts(00000000-0000-0000-0000-000000000001) HTTP/1.1\r\nContent-Type: application/json; type=entry\r\n\r\n{"name":"A"}`);
    expect(body.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(body.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  it('refuses more than 1000 requests', () => {
    const parts = Array.from({ length: 1001 }, () => ({ method: 'DELETE' as const, path: 'accounts(x)' }));
    expect(() => buildBatch(parts, api, false)).toThrow(/at most 1000/);
  });
});

describe('parseBatchResponse', () => {
  // The shape of Microsoft Learn's documented response (execute-batch-operations-using-web-api).
  const response = [
    '--batchresponse_f27ef42d',
    'Content-Type: multipart/mixed; boundary=changesetresponse_64cc3fff',
    '',
    '--changesetresponse_64cc3fff',
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    'Content-ID: 1',
    '',
    'HTTP/1.1 204 No Content',
    'OData-Version: 4.0',
    'Location: https://org.crm.dynamics.com/api/data/v9.2/tasks(e73ffc82-0000-0000-0000-000000000001)',
    'OData-EntityId: https://org.crm.dynamics.com/api/data/v9.2/tasks(e73ffc82-0000-0000-0000-000000000001)',
    '',
    '',
    '--changesetresponse_64cc3fff--',
    '--batchresponse_f27ef42d',
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    '',
    'HTTP/1.1 404 Not Found',
    'REQ_ID: 5ecd1cb3-0000',
    'Content-Type: application/json; odata.metadata=minimal',
    '',
    '{"error":{"code":"0x80040217","message":"SystemUser With Id = 018d0d88 Does Not Exist"}}',
    '--batchresponse_f27ef42d--',
    '',
  ].join('\r\n');

  it('flattens change-set responses and keeps status, headers, body and Content-ID', () => {
    const parts = parseBatchResponse('multipart/mixed; boundary=batchresponse_f27ef42d', response);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatchObject({ status: 204, contentId: '1' });
    expect(parts[0]!.headers['odata-entityid']).toContain('e73ffc82-0000-0000-0000-000000000001');
    expect(parts[1]!.status).toBe(404);
    expect(JSON.parse(parts[1]!.body).error.code).toBe('0x80040217');
  });
});
