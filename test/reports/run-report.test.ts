import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OperationRecord, RunMeta } from '../../scripts/src/journal/journal';
import { readLedes1998B, validateLedes1998B } from '../../scripts/src/ledes/ledes1998b';
import { rowId } from '../../scripts/src/mapping/target-op';
import { diffRecord, verifiedFrom } from '../../scripts/src/pipeline/verify';
import { escapeHtml, renderHtmlReport } from '../../scripts/src/reports/html';
import { buildRunReport } from '../../scripts/src/reports/run-report';
import { trustBalancesCsv } from '../../scripts/src/reports/supplemental';
import { writeRunReport, writeSupplementalPackage } from '../../scripts/src/reports/write';
import { op, ref } from '../pipeline/fixtures';

const meta: RunMeta = { runId: 'r1', mode: 'full', source: 'clio', environment: 'http://127.0.0.1:5555', profileVersion: 2, profileHash: 'abc', planHash: 'def', status: 'completed', startedOn: '2026-11-23T10:00:00Z', completedOn: '2026-11-23T10:00:10Z', watermark: null, parentRunId: null, approvedBy: null, approvedOn: null };
const operation = (over: Partial<OperationRecord>): OperationRecord => ({ step: 0, table: 'contact', targetKey: 'k', sourceKey: 'clio:contact:1', targetId: 'id', action: 'created', status: 'ok', at: '2026-11-23T10:00:00.000Z', ...over });

const operations = [
  operation({ at: '2026-11-23T10:00:00.000Z' }),
  operation({ sourceKey: 'clio:contact:2', at: '2026-11-23T10:00:02.000Z' }),
  operation({ sourceKey: 'clio:contact:3', at: '2026-11-23T10:00:04.000Z', action: 'updated' }),
  operation({ sourceKey: 'clio:contact:<script>alert(1)</script>', status: 'failed', errorCode: 'LEX_DATAVERSE_REJECTED', errorMessage: 'Name <b>too long</b>', at: '2026-11-23T10:00:04.000Z' }),
  operation({ sourceKey: 'clio:contact:5', status: 'failed', errorCode: 'LEX_DATAVERSE_REJECTED', errorMessage: 'x', at: '2026-11-23T10:00:04.000Z' }),
  operation({ sourceKey: 'clio:matter:1', status: 'failed', errorCode: 'LEX_PLAN_UNKNOWN_TABLE', errorMessage: 'y', action: 'planned', step: -1 }),
];
const accounting = [{ entity: 'contact', extracted: 5, loaded: 3, skipped: 0, failed: 2, holds: true }, { entity: 'matter', extracted: 2, loaded: 0, skipped: 0, failed: 1, holds: false }];
const diffs = [diffRecord(op('contact', 'clio:contact:1', { lastname: '=HYPERLINK("x")' }), { lastname: 'other' }), diffRecord(op('contact', 'clio:contact:2', { lastname: 'A' }), { lastname: 'A' })];

describe('buildRunReport', () => {
  const report = buildRunReport({ meta, accounting, operations, verified: verifiedFrom(diffs), now: new Date('2026-11-23T11:00:00Z') });

  it('counts operations, groups errors by rule with examples, and flags accounting that does not hold', () => {
    expect(report.operations).toEqual({ created: 2, updated: 1, linked: 0, state: 0, deleted: 0, failed: 3 });
    expect(report.errors.map((e) => [e.code, e.count, e.examples.length])).toEqual([
      ['LEX_DATAVERSE_REJECTED', 2, 2],
      ['LEX_PLAN_UNKNOWN_TABLE', 1, 1],
    ]);
    expect(report.accountingHolds).toBe(false);
  });

  it('plots rows written over time', () => {
    expect(report.throughput).toEqual([
      { seconds: 0, rows: 1 },
      { seconds: 2, rows: 2 },
      { seconds: 4, rows: 3 },
    ]);
    expect(report.rowsPerSecond).toBe(0.8);
  });

  it('keeps the diff summary and only the records that differ', () => {
    expect(report.diff).toMatchObject({ records: 2, matching: 1, differing: 1 });
    expect(report.differences.map((d) => d.sourceKey)).toEqual(['clio:contact:1']);
  });
});

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(buildRunReport({ meta, accounting, operations, verified: verifiedFrom(diffs) }));

  it('escapes all source text', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('clio:contact:&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Name &lt;b&gt;too long&lt;/b&gt;');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });

  it('is self-contained: inline SVG chart, no scripts or external resources', () => {
    expect(html).toContain('<svg');
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
  });

  it('shows record accounting per entity, the worst fields and the rollback status', () => {
    expect(html).toContain('does NOT hold');
    expect(html).toMatch(/<td>matter<\/td><td>2<\/td><td>0<\/td><td>0<\/td><td>1<\/td><td>NO<\/td>/);
    expect(html).toContain('Worst fields');
    expect(html).toContain('not rolled back');
  });
});

describe('report files and the supplemental package', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lex-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes HTML, JSON and CSV with formula cells neutralised', () => {
    const written = writeRunReport(dir, buildRunReport({ meta, accounting, operations, verified: verifiedFrom(diffs) }));
    expect(JSON.parse(readFileSync(written.json, 'utf8')).run.runId).toBe('r1');
    expect(readFileSync(path.join(dir, 'diffs.csv'), 'utf8')).toContain(`"'=HYPERLINK(""x"")"`);
    expect(readFileSync(path.join(dir, 'counts.csv'), 'utf8').split('\r\n')[0]).toBe('entity,extracted,loaded,skipped,failed,holds');
    expect(written.files).toHaveLength(5);
  });

  it('lists every failed record in errors.csv, not only the examples the report shows per rule', () => {
    const many = Array.from({ length: 7 }, (_, i) => operation({ sourceKey: `clio:contact:${10 + i}`, status: 'failed', errorCode: 'LEX_DATAVERSE_REJECTED', errorMessage: `bad ${i}` }));
    const all = [...operations, ...many];
    const report = buildRunReport({ meta, accounting, operations: all, verified: verifiedFrom(diffs) });
    expect(report.errors[0]).toMatchObject({ code: 'LEX_DATAVERSE_REJECTED', count: 9 });
    expect(report.errors[0]!.examples).toHaveLength(3);
    writeRunReport(dir, report, all.filter((o) => o.status === 'failed'));
    const lines = readFileSync(path.join(dir, 'errors.csv'), 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(1 + 10);
    expect(lines).toContain('LEX_DATAVERSE_REJECTED,9,clio:contact:16,contact,bad 6');
  });

  it('writes trust balances as CSV and bills as LEDES 1998B that validate', () => {
    const invoice = op('invoice', 'clio:bill:9', { name: 'January', invoicenumber: 'INV-9', lex_ledesinvoicedate: '2024-02-01' }, { customerid: ref('account', 'clio:contact:1'), lex_matterid: ref('lex_matter', 'clio:matter:10') });
    const ops = [
      invoice,
      op('invoicedetail', 'clio:bill:9#line:1', { quantity: 2, priceperunit: 350, manualdiscountamount: 70, lex_ledeslinetype: 'F', lex_utbmstaskcode: 'L510', lex_utbmsactivitycode: 'A102', productdescription: 'Research' }, { invoiceid: { table: 'invoice', id: rowId('clio:bill:9') } }),
      op('invoicedetail', 'clio:bill:9#line:2', { quantity: 1, priceperunit: 24.95, lex_ledeslinetype: 'E', lex_utbmsexpensecode: 'E111', productdescription: '=cmd|meals' }, { invoiceid: { table: 'invoice', id: rowId('clio:bill:9') } }),
      op('lex_trustsnapshot', 'clio:trust:1', { lex_balance: 1200.5, lex_totalin: 2000, lex_totalout: 799.5, lex_trustaccount: '=Trust', lex_currencycode: 'AUD', lex_asof: '2026-11-01' }, { lex_matterid: ref('lex_matter', 'clio:matter:10') }),
    ];
    const files = writeSupplementalPackage(dir, ops, '24-6437381');
    expect(files.map((f) => path.basename(f))).toEqual(['trust-balances.csv', 'INV-9.txt']);
    const ledes = readLedes1998B(readFileSync(files[1]!, 'utf8'));
    expect(validateLedes1998B(ledes)).toEqual([]);
    expect(ledes.lines.map((l) => [l.values.LINE_ITEM_TOTAL, l.values.INVOICE_TOTAL, l.values.LAW_FIRM_MATTER_ID])).toEqual([
      ['630.00', '654.95', 'clio:matter:10'],
      ['24.95', '654.95', 'clio:matter:10'],
    ]);
    expect(ledes.lines[1]!.values.LINE_ITEM_DESCRIPTION).toBe('=cmd/meals');
    expect(trustBalancesCsv(ops)).toContain("clio:trust:1,clio:matter:10,,'=Trust,AUD,2026-11-01,2000,799.5,1200.5");
  });
});

describe('workflow definitions', () => {
  it('are handed over as a rebuild reference, one section per workflow', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lex-wf-'));
    try {
      const files = writeSupplementalPackage(dir, [op('account', 'clio:contact:1', { name: 'A' })], '', [{ sourceKey: 'actionstep:workflow:3', name: 'Conveyancing\nintake', steps: ['Open file', 'Send engagement letter'] }]);
      const text = readFileSync(files.find((f) => f.endsWith('workflow-definitions.md'))!, 'utf8');
      expect(text).toContain('## Conveyancing intake');
      expect(text).toContain('2. Send engagement letter');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
