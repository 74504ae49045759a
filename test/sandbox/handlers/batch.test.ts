import { startSandbox, type RunningSandbox } from '../../../scripts/src/sandbox/server';
import { api } from '../http';

let sandbox: RunningSandbox;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  sandbox = await startSandbox({ limits: false });
  http = api(sandbox);
});
afterAll(() => sandbox.close());

interface Part {
  method: string;
  url: string;
  body?: unknown;
  contentId?: string;
}

const CRLF = '\r\n';

function request(part: Part): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (part.contentId) lines.push(`Content-ID: ${part.contentId}`);
  lines.push('', `${part.method} ${part.url} HTTP/1.1`);
  if (part.body !== undefined) lines.push('Content-Type: application/json; type=entry', '', JSON.stringify(part.body));
  else lines.push('');
  return lines.join(CRLF);
}

function batchBody(items: (Part | Part[])[], boundary = 'batch_test'): string {
  const out: string[] = [];
  items.forEach((item, i) => {
    out.push(`--${boundary}`);
    if (Array.isArray(item)) {
      const cs = `changeset_${i}`;
      out.push(`Content-Type: multipart/mixed; boundary=${cs}`, '', ...item.flatMap((p) => [`--${cs}`, request(p)]), `--${cs}--`);
    } else {
      out.push(request(item));
    }
  });
  out.push(`--${boundary}--`, '');
  return out.join(CRLF);
}

const postBatch = (body: string, headers: Record<string, string> = {}) =>
  http.send('POST', '$batch', body, { 'Content-Type': 'multipart/mixed; boundary="batch_test"', ...headers });

/** Status lines of the inner responses, in order. */
const statuses = (text: string) => [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));

describe('$batch', () => {
  it('runs a change set with Content-ID references ($1 in a bind and in a URL) and answers multipart with CRLF', async () => {
    const reply = await postBatch(
      batchBody([
        [
          { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'Batch Parent' }, contentId: '1' },
          { method: 'POST', url: 'contacts', body: { lastname: 'Batch Child', 'parentcustomerid_account@odata.bind': '$1' }, contentId: '2' },
          { method: 'PATCH', url: '$1', body: { accountnumber: 'B-1' }, contentId: '3' },
        ],
        { method: 'GET', url: `${sandbox.apiUrl}contacts?$select=lastname,_parentcustomerid_value&$filter=${encodeURIComponent("lastname eq 'Batch Child'")}` },
      ]),
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/);
    expect(reply.text).toMatch(/changesetresponse_[0-9a-f-]{36}/);
    expect(reply.text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(statuses(reply.text)).toEqual([204, 204, 204, 200]);
    expect(reply.text).toMatch(/Location: http:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/accounts\(/);
    const account = (await http.get(`accounts?$filter=name eq 'Batch Parent'&$select=accountnumber`)).json.value[0];
    expect(account.accountnumber).toBe('B-1');
    const child = JSON.parse(reply.text.slice(reply.text.indexOf('{"@odata.context"'), reply.text.lastIndexOf('}') + 1));
    expect(child.value[0]._parentcustomerid_value).toBe(account.accountid);
  });

  it('rolls the whole change set back when one request fails, and the batch takes its status', async () => {
    const reply = await postBatch(
      batchBody([
        [
          { method: 'POST', url: 'accounts', body: { name: 'Rolled back 1' }, contentId: '1' },
          { method: 'POST', url: 'accounts', body: { name: 'Rolled back 2' }, contentId: '2' },
          { method: 'POST', url: 'accounts', body: { name: 'x'.repeat(200) }, contentId: '3' },
        ],
      ]),
    );
    expect(reply.status).toBe(400);
    expect(statuses(reply.text)).toEqual([400]);
    expect(reply.text).toContain('0x80044331');
    expect(reply.text).toContain('REQ_ID:');
    expect((await http.get(`accounts?$filter=startswith(name,'Rolled back')`)).json.value).toEqual([]);
  });

  it('stops at the first failure by default, continues with Prefer: odata.continue-on-error', async () => {
    const parts = batchBody([
      { method: 'POST', url: 'accounts', body: { name: 'Before failure' } },
      { method: 'POST', url: 'accounts', body: { Name: 'bad property' } },
      { method: 'POST', url: 'accounts', body: { name: 'After failure' } },
    ]);
    const stopped = await postBatch(parts);
    expect(stopped.status).toBe(400);
    expect((await http.get(`accounts?$filter=name eq 'After failure'`)).json.value).toHaveLength(0);

    const continued = await postBatch(parts, { Prefer: 'odata.continue-on-error' });
    expect(continued.status).toBe(200);
    expect(statuses(continued.text)).toEqual([204, 400, 204]);
    expect((await http.get(`accounts?$filter=name eq 'After failure'`)).json.value).toHaveLength(1);
  });

  it('refuses more than 1000 requests, LF line endings, GET in a change set and unknown Content-ID references', async () => {
    const many = batchBody(Array.from({ length: 1001 }, () => ({ method: 'GET', url: 'WhoAmI' })));
    const tooMany = await postBatch(many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toContain('1000');

    const lf = await postBatch(batchBody([{ method: 'GET', url: 'WhoAmI' }]).replace(/\r\n/g, '\n'));
    expect(lf.status).toBe(400);
    expect(lf.json.error.message).toContain('Stream was not readable');

    const getInChangeSet = await postBatch(batchBody([[{ method: 'GET', url: 'accounts' }]]));
    expect(getInChangeSet.status).toBe(400);

    const missingRef = await postBatch(batchBody([[{ method: 'POST', url: 'contacts', body: { lastname: 'x', 'parentcustomerid_account@odata.bind': '$9' }, contentId: '1' }]]));
    expect(missingRef.status).toBe(400);
    expect(missingRef.text).toContain("Content-ID Reference: '$9' does not exist in the batch context.");
  });
});
