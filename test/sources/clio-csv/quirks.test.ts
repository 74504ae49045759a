/**
 * Each situation a real CSV export can be in, staged as a small Matters.csv written by the test
 * (file names say the situation), read through the Clio CSV connector.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ReadMessage } from '../../../scripts/src/sources/contract';
import { createClioCsvConnector } from '../../../scripts/src/sources/clio-csv/connector';
import { detectDelimiter } from '../../../scripts/src/sources/clio-csv/read-csv';
import type { MatterRecord } from '../../../scripts/src/model';

const HEADER = ['Id', 'Matter Number', 'Matter Description', 'Matter Status', 'Practice Area', 'Client Id', 'Client', 'Responsible Attorney', 'Originating Attorney', 'Open Date', 'Close Date', 'Billing Method', 'Updated At'];
const ROW1 = ['1', '00001-Lee', 'Lee: Purchase of 1 Main St – café', 'Open', 'Conveyancing', '7', 'Ann Lee', 'Ann Smith', 'Ann Smith', '03/04/2024', '', 'Hourly', '03/05/2024 10:00:00'];
const ROW2 = ['2', '00002-Kim', 'Kim: Divorce', 'Closed', 'Family Law', '8', 'Bo Kim', 'Ann Smith', '', '01/02/2020', '06/30/2021', 'Flat', '07/01/2021 09:30:00'];

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lex-clio-csv-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function csv(rows: string[][], delimiter = ','): string {
  return rows.map((r) => r.map((v) => (v.includes(delimiter) || v.includes('"') ? `"${v.replace(/"/g, '""')}"` : v)).join(delimiter)).join('\r\n') + '\r\n';
}

/** Writes `Matters.csv` (the situation is in the test name) and reads the matters stream. */
async function readMatters(bytes: Buffer | string, options: { csvColumns?: Record<string, Record<string, string>>; encoding?: string } = {}) {
  writeFileSync(path.join(dir, 'Matters.csv'), bytes);
  const connector = createClioCsvConnector({ from: dir, ...options });
  const messages: ReadMessage[] = [];
  for await (const message of connector.read('matters')) messages.push(message);
  const matters = messages.flatMap((m) => (m.kind === 'record' && m.record.type === 'matter' ? [m.record as MatterRecord] : []));
  const issues = messages.flatMap((m) => (m.kind === 'issue' ? [{ ...m.error.toJSON(), rule: m.rule }] : []));
  return { matters, issues, messages };
}

describe('Clio CSV quirks', () => {
  it('utf8-with-bom-and-crlf.csv: reads headers without the BOM, dates as MM/DD/YYYY, instants as UTC', async () => {
    const { matters, issues } = await readMatters('\uFEFF' + csv([HEADER, ROW1, ROW2]));
    expect(issues).toEqual([]);
    expect(matters.map((m) => m.sourceKey)).toEqual(['clio:matter:1', 'clio:matter:2']);
    expect(matters[0]).toMatchObject({ description: 'Lee: Purchase of 1 Main St – café', status: 'open', openedOn: '2024-03-04', clientRef: 'clio:contact:7', responsibleUserRef: 'clio:user:ann-smith', practiceAreaRef: 'clio:practice_area:conveyancing', updatedAt: '2024-03-05T10:00:00Z', origin: { file: 'Matters.csv', line: 2 } });
    expect(matters[1]).toMatchObject({ closedOn: '2021-06-30', originatingUserRef: null, billingMethod: 'flat' });
  });

  it('semicolon-delimited.csv (European Excel) and tab-delimited.csv', async () => {
    expect((await readMatters(csv([HEADER, ROW1], ';'))).matters[0]?.description).toBe(ROW1[2]);
    expect((await readMatters(csv([HEADER, ROW1], '\t'))).matters[0]?.number).toBe('00001-Lee');
    expect(detectDelimiter('"a;b",c,d')).toBe(',');
  });

  it('utf16le-with-bom.csv and utf16be-with-bom.csv', async () => {
    const text = csv([HEADER, ROW1]);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect((await readMatters(le)).matters[0]?.description).toBe(ROW1[2]);
    const be = Buffer.from(le);
    be.swap16();
    be[0] = 0xfe;
    be[1] = 0xff;
    expect((await readMatters(be)).matters[0]?.description).toBe(ROW1[2]);
  });

  it('windows-1252.csv: not valid UTF-8, so read as Windows-1252 (é and – survive)', async () => {
    const text = csv([HEADER, ROW1]);
    const bytes = Buffer.from([...text].map((ch) => (ch === 'é' ? 0xe9 : ch === '–' ? 0x96 : ch.charCodeAt(0))));
    const { matters, issues } = await readMatters(bytes);
    expect(issues).toEqual([]);
    expect(matters[0]?.description).toBe(ROW1[2]);
  });

  it('broken-quoting.csv: reports the unreadable lines with file and line, reads the rest', async () => {
    const text = csv([HEADER, ROW1]) + '3,00003-Bad,He said "hi",Open,,,,,,,,,\r\n' + csv([ROW2]);
    const { matters, issues } = await readMatters(text);
    expect(issues).toEqual([expect.objectContaining({ code: 'LEX_SOURCE_CSV_BAD_ROW', location: expect.objectContaining({ file: 'Matters.csv', line: 3 }) })]);
    expect(matters.map((m) => m.key.id)).toEqual(['1', '2']);
  });

  it('mixed-line-endings.csv (CRLF and LF rows, as after a hand edit): every row is its own record', async () => {
    const line = (r: string[]) => csv([r]).replace(/\r\n$/, '');
    const text = `${line(HEADER)}\r\n${line(ROW1)}\n${line(ROW2)}\r\n${line(['3', ...ROW2.slice(1)])}\n`;
    const { matters, issues } = await readMatters(text);
    expect(issues).toEqual([]);
    expect(matters.map((m) => [m.key.id, m.origin?.line])).toEqual([['1', 2], ['2', 3], ['3', 4]]);
  });

  it('truncated-inside-quotes.csv: the cut-off last row is reported, earlier rows kept', async () => {
    const text = csv([HEADER, ROW1]) + '2,00002-Kim,"Kim: Divorce and';
    const { matters, issues } = await readMatters(text);
    expect(matters.map((m) => m.key.id)).toEqual(['1']);
    expect(issues).toEqual([expect.objectContaining({ code: 'LEX_SOURCE_CSV_BAD_ROW', location: expect.objectContaining({ line: 3 }) })]);
  });

  it('truncated-row.csv: a row with too few fields is reported and skipped', async () => {
    const text = csv([HEADER, ROW1]) + '2,00002-Kim,Kim\r\n';
    const { matters, issues } = await readMatters(text);
    expect(matters).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'LEX_SOURCE_CSV_BAD_ROW', location: { file: 'Matters.csv', line: 3 } });
    expect(issues[0]!.message).toContain('has 3 fields, the header has 13');
  });

  it('missing-column.csv and missing-id-column.csv', async () => {
    const noStatus = await readMatters(csv([HEADER.filter((h) => h !== 'Matter Status'), ROW1.filter((_, i) => i !== 3)]));
    expect(noStatus.matters).toHaveLength(1);
    expect(noStatus.issues).toEqual([expect.objectContaining({ code: 'LEX_SOURCE_CSV_MISSING_COLUMN', location: { file: 'Matters.csv', line: 1, field: 'Matter Status' } })]);
    const noId = await readMatters(csv([HEADER.slice(1), ROW1.slice(1)]));
    expect(noId.matters).toHaveLength(0);
    expect(noId.issues[0]).toMatchObject({ code: 'LEX_SOURCE_CSV_MISSING_COLUMN', location: { field: 'Id' } });
    expect(noId.issues[0]!.fix).toContain('csvColumns["Matters.csv"].id');
  });

  it('renamed-columns.csv: the profile override maps a differently named header', async () => {
    const header = HEADER.map((h) => (h === 'Matter Number' ? 'Display Number' : h));
    const { matters, issues } = await readMatters(csv([header, ROW1]), { csvColumns: { 'Matters.csv': { number: 'Display Number' } } });
    expect(issues).toEqual([]);
    expect(matters[0]?.number).toBe('00001-Lee');
  });

  it('unknown-columns.csv: extra matter columns become custom field definitions and values', async () => {
    const { messages, issues } = await readMatters(csv([[...HEADER, 'Court'], [...ROW1, 'District Court'], [...ROW2, '']]));
    expect(issues).toEqual([]);
    const records = messages.flatMap((m) => (m.kind === 'record' ? [m.record] : []));
    expect(records.filter((r) => r.type === 'custom_field_definition').map((r) => r.sourceKey)).toEqual(['clio:custom_field_definition:matter-court']);
    expect(records.filter((r) => r.type === 'custom_field_value')).toEqual([
      expect.objectContaining({ parentRef: 'clio:matter:1', fieldRef: 'clio:custom_field_definition:matter-court', value: 'District Court' }),
    ]);
  });

  it('unknown-column-in-time-entries.csv: reported once with file and header', async () => {
    writeFileSync(path.join(dir, 'Time Entries.csv'), csv([['Id', 'Date', 'Matter Id', 'Mood'], ['5', '01/02/2024', '1', 'happy']]));
    const issues: string[] = [];
    for await (const m of createClioCsvConnector({ from: dir }).read('time_entries'))
      if (m.kind === 'issue' && m.error.code === 'LEX_SOURCE_CSV_UNKNOWN_COLUMN') issues.push(`${m.error.location.file}:${m.error.location.field}`);
    expect(issues).toEqual(['Time Entries.csv:Mood']);
  });

  it('empty-file.csv and a missing file', async () => {
    const empty = await readMatters('');
    expect(empty.issues.map((i) => i.code)).toEqual(['LEX_SOURCE_CSV_EMPTY_FILE']);
    const messages: ReadMessage[] = [];
    for await (const m of createClioCsvConnector({ from: dir }).read('tasks')) messages.push(m);
    expect(messages).toEqual([expect.objectContaining({ kind: 'issue', error: expect.objectContaining({ code: 'LEX_SOURCE_CSV_MISSING_FILE' }) })]);
  });

  it('header-only.csv: no records, no issues', async () => {
    expect(await readMatters(csv([HEADER]))).toMatchObject({ matters: [], issues: [] });
  });

  it('formula-injection.csv: the value is kept as data and flagged; negative numbers are not', async () => {
    const row = [...ROW1];
    row[2] = '=HYPERLINK("http://evil.example","click")';
    const { matters, issues } = await readMatters(csv([HEADER, row]));
    expect(matters[0]?.description).toBe(row[2]);
    expect(issues).toEqual([expect.objectContaining({ code: 'LEX_SOURCE_CSV_FORMULA', rule: 'formula-injection', location: expect.objectContaining({ line: 2, field: 'Matter Description' }) })]);
  });

  it('nul-byte.csv: control characters are stripped and reported at file:line and column; the row is kept', async () => {
    const row = [...ROW1];
    row[2] = 'Draft\u0000brief\u0007';
    const { matters, issues } = await readMatters(csv([HEADER, row, ROW2]));
    expect(matters.map((m) => m.description)).toEqual(['Draftbrief', ROW2[2]]);
    expect(JSON.stringify(matters[0]?.raw)).not.toMatch(/\\u0000/);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'LEX_SOURCE_CSV_CONTROL_CHAR', message: expect.stringContaining('Draft\\u0000brief'), location: { file: 'Matters.csv', line: 2, field: 'Matter Description', recordKey: 'clio:matter:1' } }),
    ]);
  });

  it('bad-values.csv: an impossible date and a wrong status keep the record, with the field empty and an issue', async () => {
    const row = [...ROW1];
    row[9] = '02/30/2024';
    row[3] = 'Archived';
    const { matters, issues } = await readMatters(csv([HEADER, row]));
    expect(matters[0]).toMatchObject({ openedOn: null, status: null, sourceStatus: 'Archived' });
    expect(issues).toEqual([
      expect.objectContaining({ code: 'LEX_SOURCE_CSV_UNKNOWN_VALUE', location: { file: 'Matters.csv', line: 2, recordKey: 'clio:matter:1', field: 'Matter Status' } }),
      expect.objectContaining({ code: 'LEX_SOURCE_CSV_BAD_DATE', rule: 'bad-date', location: { file: 'Matters.csv', line: 2, recordKey: 'clio:matter:1', field: 'Open Date' } }),
    ]);
    expect(issues[0]!.fix).toContain('open, pending, closed');
  });

  it('resumes after a checkpoint: rows before it are not read again', async () => {
    const rows = [HEADER, ...Array.from({ length: 1203 }, (_, i) => [String(i + 1), ...ROW1.slice(1)])];
    writeFileSync(path.join(dir, 'Matters.csv'), csv(rows));
    const connector = createClioCsvConnector({ from: dir });
    const checkpoints: unknown[] = [];
    for await (const m of connector.read('matters')) if (m.kind === 'checkpoint') checkpoints.push(m.checkpoint);
    expect(checkpoints).toEqual([{ file: 'Matters.csv', rows: 500 }, { file: 'Matters.csv', rows: 1000 }]);
    const ids: string[] = [];
    for await (const m of connector.read('matters', { checkpoint: { file: 'Matters.csv', rows: 1000 } })) if (m.kind === 'record' && m.record.type === 'matter') ids.push(m.record.key.id);
    expect(ids[0]).toBe('1001');
    expect(ids).toHaveLength(203);
  });
});
