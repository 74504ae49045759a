import { buildPlan, renderPlan, tableLoadOrder } from '../../scripts/src/pipeline/plan';
import { op, ref, smallFirm } from './fixtures';

describe('tableLoadOrder', () => {
  const order = tableLoadOrder();
  const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));

  it('puts every table after the tables its lookups point at, as derived from the schema', () => {
    before('systemuser', 'account');
    before('account', 'contact');
    before('contact', 'lex_matter');
    before('opportunity', 'lex_matter'); // the matter links to the opportunity it projects to
    before('incident', 'lex_matter');
    before('lex_matter', 'connection');
    before('invoice', 'lex_timeentry'); // time entries point at the bill that billed them
    before('invoice', 'invoicedetail');
    before('lex_matter', 'lex_trustsnapshot');
    before('lex_milestone', 'task');
    before('task', 'annotation');
    before('annotation', 'sharepointdocumentlocation');
  });

  it('lists each table once', () => {
    expect(new Set(order).size).toBe(order.length);
  });
});

describe('buildPlan', () => {
  const plan = buildPlan(smallFirm(), { batchSize: 2 });

  it('writes tables in dependency order, then links deferred lookups, then moves states', () => {
    expect(plan.tableOrder).toEqual(['account', 'contact', 'lex_matter', 'lex_timeentry', 'task', 'annotation']);
    expect(plan.steps.map((s) => `${s.phase}:${s.table}`)).toEqual([
      'write:account',
      'write:contact',
      'write:lex_matter',
      'write:lex_timeentry',
      'write:task',
      'write:annotation',
      'link:account',
      'state:lex_matter',
    ]);
    expect(plan.steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('defers the account → contact lookup of the cycle to the link pass', () => {
    expect(plan.deferredLookups).toEqual(['account.primarycontactid']);
    const write = plan.steps.find((s) => s.phase === 'write' && s.table === 'account')!.ops[0]!;
    expect(write.lookups).toEqual({});
    expect(write.state).toEqual({ statecode: 0, statuscode: 1 }); // default state rides along
    const link = plan.steps.find((s) => s.phase === 'link')!.ops[0]!;
    expect(link.columns).toEqual({});
    expect(Object.keys(link.lookups)).toEqual(['primarycontactid']);
  });

  it('defers self-references', () => {
    const runs = buildPlan([
      op('lex_migrationrun', 'run:2', { lex_name: 'two' }, { lex_parentrunid: ref('lex_migrationrun', 'run:1') }),
      op('lex_migrationrun', 'run:1', { lex_name: 'one' }),
    ]);
    expect(runs.deferredLookups).toEqual(['lex_migrationrun.lex_parentrunid']);
  });

  it('splits a table into batches of the configured size', () => {
    const many = Array.from({ length: 5 }, (_, i) => op('account', `clio:contact:${i}`, { name: `A${i}` }));
    expect(buildPlan(many, { batchSize: 2 }).steps.map((s) => s.ops.length)).toEqual([2, 2, 1]);
  });

  it('has a content hash that ignores input order and changes with content', () => {
    expect(buildPlan([...smallFirm()].reverse(), { batchSize: 2 }).hash).toBe(plan.hash);
    const changed = smallFirm();
    changed[2] = op('contact', 'clio:contact:2', { firstname: 'Ada', lastname: 'King' });
    expect(buildPlan(changed, { batchSize: 2 }).hash).not.toBe(plan.hash);
    expect(buildPlan(smallFirm(), { batchSize: 3 }).hash).not.toBe(plan.hash);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(plan.steps[0]!.ops[0]!.columns)).toBe(true);
  });

  it('leaves bad ops out as issues naming the record, and keeps the rest', () => {
    const withBad = buildPlan([
      ...smallFirm(),
      op('lex_nonsense', 'clio:x:1'),
      op('contact', 'clio:contact:9', { fullname: 'Read Only' }),
      op('contact', 'clio:contact:8', { lastname: 'X' }, { parentcustomerid: ref('lex_matter', 'clio:matter:10') }),
      op('account', 'clio:contact:1', { name: 'Duplicate' }),
    ]);
    expect(withBad.issues.map((i) => [i.code, i.sourceKey])).toEqual([
      ['LEX_PLAN_UNKNOWN_TABLE', 'clio:x:1'],
      ['LEX_PLAN_READONLY_COLUMN', 'clio:contact:9'],
      ['LEX_PLAN_LOOKUP_TARGET', 'clio:contact:8'],
      ['LEX_PLAN_DUPLICATE_ROW', 'clio:contact:1'],
    ]);
    expect(withBad.rowsPerTable.contact).toBe(1);
  });

  it('links documents over maxuploadfilesize (Base64 size) as document locations, flagged', () => {
    const big = op('annotation', 'clio:document:3', { subject: 'Brief', filename: 'brief.pdf', documentbody: 'A'.repeat(101) }, { objectid: ref('lex_matter', 'clio:matter:10') });
    const small = op('annotation', 'clio:document:4', { subject: 'Memo', filename: 'memo.pdf', documentbody: 'A'.repeat(100) });
    const docs = buildPlan([big, small], { maxUploadFileSize: 100, documentUrl: () => 'https://app.clio.com/documents/3' });
    expect(docs.rowsPerTable).toEqual({ annotation: 1, sharepointdocumentlocation: 1 });
    expect(docs.flaggedDocuments).toEqual([{ targetKey: 'clio:document:3', sourceKey: 'clio:document:3', base64Size: 101, url: 'https://app.clio.com/documents/3' }]);
    const location = docs.steps.find((s) => s.table === 'sharepointdocumentlocation')!.ops[0]!;
    expect(location.columns.absoluteurl).toBe('https://app.clio.com/documents/3');
    expect(location.lookups.regardingobjectid).toEqual(ref('lex_matter', 'clio:matter:10'));

    const noUrl = buildPlan([big], { maxUploadFileSize: 100 });
    expect(noUrl.issues[0]!.code).toBe('LEX_PLAN_DOCUMENT_TOO_LARGE');
  });

  it('refuses a batch size Dataverse would reject', () => {
    expect(() => buildPlan([], { batchSize: 5000 })).toThrow(expect.objectContaining({ code: 'LEX_PLAN_BATCH_SIZE', fix: expect.stringMatching(/between 1 and 1000/) }));
  });

  it('renders without writing anything', () => {
    const text = renderPlan(plan);
    expect(text).toContain(plan.hash.slice(0, 12));
    expect(text).toMatch(/1\. account\s+1 rows \(1 linked after\)/);
    expect(text).toContain('account.primarycontactid');
  });
});
