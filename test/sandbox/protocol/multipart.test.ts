import { DataverseError } from '../../../scripts/src/sandbox/errors';
import { boundaryOf, parseBatch, writeBatch } from '../../../scripts/src/sandbox/protocol/multipart';

const CRLF = '\r\n';

describe('multipart for $batch', () => {
  it('reads quoted and bare boundaries', () => {
    expect(boundaryOf('multipart/mixed; boundary="batch_80dd"')).toBe('batch_80dd');
    expect(boundaryOf('multipart/mixed;boundary=batch_1')).toBe('batch_1');
    expect(boundaryOf('application/json')).toBeUndefined();
  });

  it('parses requests and change sets, with Content-ID in the part or the inner headers', () => {
    const body = [
      '--b',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'GET accounts?$top=1 HTTP/1.1',
      'Accept: application/json',
      '',
      '',
      '--b',
      'Content-Type: multipart/mixed; boundary=cs',
      '',
      '--cs',
      'Content-Type: application/http',
      'Content-ID: 1',
      '',
      'POST /api/data/v9.2/accounts HTTP/1.1',
      'Content-Type: application/json',
      '',
      '{"name":"a"}',
      '--cs',
      'Content-Type: application/http',
      '',
      'PATCH $1 HTTP/1.1',
      'Content-ID: 2',
      'Content-Type: application/json',
      '',
      '{"name":"b"}',
      '--cs--',
      '--b--',
      '',
    ].join(CRLF);
    const parts = parseBatch(body, 'b');
    expect(parts[0]).toEqual({ kind: 'request', method: 'GET', url: 'accounts?$top=1', headers: { accept: 'application/json' }, body: '' });
    expect(parts[1]).toMatchObject({
      kind: 'changeset',
      requests: [
        { method: 'POST', url: '/api/data/v9.2/accounts', contentId: '1', body: '{"name":"a"}' },
        { method: 'PATCH', url: '$1', contentId: '2', body: '{"name":"b"}' },
      ],
    });
  });

  it('refuses bare LF line endings', () => {
    expect(() => parseBatch('--b\nContent-Type: application/http\n\nGET x HTTP/1.1\n\n--b--\n', 'b')).toThrow(DataverseError);
  });

  it('writes responses with CRLF, status lines and change set boundaries', () => {
    const text = writeBatch('batchresponse_1', [
      { changeset: [{ contentId: '1', status: 204, headers: { 'OData-EntityId': 'x' } }], boundary: 'changesetresponse_1' },
      { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{}' },
    ]);
    expect(text.split(CRLF)).toEqual([
      '--batchresponse_1',
      'Content-Type: multipart/mixed; boundary=changesetresponse_1',
      '',
      '--changesetresponse_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'HTTP/1.1 204 No Content',
      'OData-EntityId: x',
      '',
      '',
      '--changesetresponse_1--',
      '--batchresponse_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json',
      '',
      '{}',
      '--batchresponse_1--',
      '',
    ]);
  });
});
