/**
 * Bad-input corpus through the whole pipeline: each case is a clean generated export with one
 * defect, written under a name that says the situation (`Contacts.csv` saved as UTF-16 without
 * a BOM, a 500 HTML page from the Clio API, …). Each goes extract → map → plan → load into its
 * own sandbox, and must give
 *   - at least one finding the clean export does not give, each with a LEX_ code, a location
 *     (file and line, record key or URL) and a fix;
 *   - exact record accounting: extracted = loaded + skipped + failed for every entity, and the
 *     run completes;
 *   - no silent loss: every record the clean run loaded is loaded again or recorded as failed
 *     or skipped with its reason; and the rest of the run goes on (most of the firm loads).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExtract } from '../../scripts/src/cli/commands/extract';
import { createHttpClient } from '../../scripts/src/dataverse/http';
import { staticTokenSource } from '../../scripts/src/dataverse/http/auth';
import { LexError } from '../../scripts/src/errors';
import { startClioFixtureServer } from '../../scripts/src/fixtures/clio-server';
import { generate } from '../../scripts/src/generate';
import { Journal, runsRoot } from '../../scripts/src/journal/journal';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import type { Profile } from '../../scripts/src/mapping/profile';
import { confirmProfile } from '../../scripts/src/mapping/profile-lifecycle';
import { startRun } from '../../scripts/src/pipeline/run';
import { DEFAULT_USERS, startSandbox } from '../../scripts/src/sandbox/server';
import { ADMIN, mapStaging } from './support/harness';

type Source = 'clio-csv' | 'clio-api' | 'perfectportal';

interface Case {
  /** The fixture's name: the file as written, named after the situation. */
  fixture: string;
  source: Source;
  /** CSV / JSON Lines cases: the file changed and how. */
  file?: string;
  mutate?: (bytes: Buffer) => Buffer;
  /** API cases: fixture-server faults from the n-th request on. */
  faults?: { kind: 'html-500' | 'invalid-json'; at: number; times: number }[];
  /** Share of the clean run's loaded records that must still load (whole-file defects lose more). */
  minLoaded?: number;
  /**
   * `finding` (default): the defect must be reported. `tolerated`: valid input after all (the
   * reason says why); nothing may be lost. `gap`: should be reported and is not yet — the case
   * runs as `it.failing`, so it turns red the day it is fixed and the flag can go.
   */
  expect?: 'finding' | 'tolerated' | 'gap';
  reason?: string;
}

const text = (f: (s: string) => string) => (b: Buffer) => Buffer.from(f(b.toString('utf8')), 'utf8');
const lines = (f: (rows: string[]) => string[]) => text((s) => f(s.replace(/\r?\n$/, '').split(/\r?\n/)).join('\r\n') + '\r\n');
/** Replace column `name` of data row `row` (1-based) with `value`, quoting as CSV needs. */
function setCell(name: string, row: number, value: string) {
  return lines((rows) => {
    const header = rows[0]!.replace(/^\uFEFF/, '').split(',');
    const col = header.indexOf(name);
    if (col < 0) throw new Error(`no column ${name}`);
    const cells = splitCsv(rows[row]!);
    cells[col] = /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
    rows[row] = cells.join(',');
    return rows;
  });
}
/** Splits one CSV line into raw cells (quotes kept), enough for the generator's output. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out;
}
const stripBom = (s: string) => s.replace(/^\uFEFF/, '');

const CASES: Case[] = [
  // encodings and byte-level damage
  { fixture: 'Contacts.csv as UTF-16LE without a BOM', source: 'clio-csv', file: 'Contacts.csv', mutate: (b) => Buffer.from(stripBom(b.toString('utf8')), 'utf16le'), minLoaded: 0 },
  { fixture: 'Matters.csv as Windows-1252 with a non-UTF-8 byte', source: 'clio-csv', file: 'Matters.csv', mutate: (b) => Buffer.from(b.toString('utf8').replace('Hourly', 'Caf\u00e9'), 'latin1') },
  { fixture: 'Time Entries.csv with a double BOM', source: 'clio-csv', file: 'Time Entries.csv', mutate: (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), expect: 'tolerated', reason: 'the reader strips every leading BOM' },
  { fixture: 'Tasks.csv with a NUL byte in a cell', source: 'clio-csv', file: 'Tasks.csv', mutate: setCell('Description', 1, 'Draft\u0000brief') },
  // structure
  { fixture: 'Contacts.csv with an unclosed quote', source: 'clio-csv', file: 'Contacts.csv', mutate: lines((r) => ((r[2] = r[2]!.replace(',', ',"')), r)), minLoaded: 0.4 },
  { fixture: 'Matters.csv semicolon header over comma rows', source: 'clio-csv', file: 'Matters.csv', mutate: lines((r) => ((r[0] = r[0]!.replace(/,/g, ';')), r)), minLoaded: 0 },
  { fixture: 'Time Entries.csv truncated mid-row', source: 'clio-csv', file: 'Time Entries.csv', mutate: (b) => b.subarray(0, Math.floor(b.length * 0.6)), minLoaded: 0.5 },
  { fixture: 'Tasks.csv empty (0 bytes)', source: 'clio-csv', file: 'Tasks.csv', mutate: () => Buffer.alloc(0), minLoaded: 0.7 },
  { fixture: 'Calendar Entries.csv header only', source: 'clio-csv', file: 'Calendar Entries.csv', mutate: lines((r) => [r[0]!]), expect: 'tolerated', reason: 'a firm with no calendar exports just the header', minLoaded: 0.8 },
  { fixture: 'Expense Entries.csv with a row of extra cells', source: 'clio-csv', file: 'Expense Entries.csv', mutate: lines((r) => ((r[1] = `${r[1]},surplus,cells`), r)) },
  { fixture: 'Expense Entries.csv with a row missing cells', source: 'clio-csv', file: 'Expense Entries.csv', mutate: lines((r) => ((r[1] = r[1]!.split(',').slice(0, 4).join(',')), r)) },
  { fixture: 'Matters.csv missing the Id column', source: 'clio-csv', file: 'Matters.csv', mutate: lines((r) => r.map((row) => splitCsv(stripBom(row)).slice(1).join(','))), minLoaded: 0 },
  { fixture: 'Tasks.csv with an unknown extra column', source: 'clio-csv', file: 'Tasks.csv', mutate: lines((r) => r.map((row, i) => `${row},${i === 0 ? 'Favourite Colour' : 'teal'}`)) },
  { fixture: 'Contacts.csv with an extra column (a Clio custom field)', source: 'clio-csv', file: 'Contacts.csv', mutate: lines((r) => r.map((row, i) => `${row},${i === 0 ? 'Favourite Colour' : 'teal'}`)), expect: 'tolerated', reason: 'Clio exports contact custom fields as extra columns; they become custom field definitions' },
  // records that do not fit
  { fixture: 'Time Entries.csv orphan: matter 999 does not exist', source: 'clio-csv', file: 'Time Entries.csv', mutate: setCell('Matter Id', 1, '999') },
  { fixture: 'Contact Related Matters.csv orphan contact', source: 'clio-csv', file: 'Contact Related Matters.csv', mutate: setCell('Contact Id', 1, '4242') },
  { fixture: 'Matters.csv duplicate Id with different values', source: 'clio-csv', file: 'Matters.csv', mutate: lines((r) => [...r, r[1]!.replace('Hourly', 'Flat Rate')]) },
  { fixture: 'Contacts.csv duplicate person', source: 'clio-csv', file: 'Contacts.csv', mutate: lines((r) => [...r, r[r.length - 1]!.replace(/^\d+/, '777')]) },
  { fixture: 'Time Entries.csv date 31/02/2024', source: 'clio-csv', file: 'Time Entries.csv', mutate: setCell('Date', 1, '02/31/2024') },
  { fixture: 'Matters.csv open date "next Tuesday"', source: 'clio-csv', file: 'Matters.csv', mutate: setCell('Open Date', 1, 'next Tuesday') },
  { fixture: 'Time Entries.csv amount "12,50 EUR"', source: 'clio-csv', file: 'Time Entries.csv', mutate: setCell('Total', 2, '12,50 EUR') },
  { fixture: 'Expense Entries.csv negative quantity', source: 'clio-csv', file: 'Expense Entries.csv', mutate: setCell('Quantity', 1, '-3'), expect: 'tolerated', reason: 'a credit is a negative expense' },
  { fixture: 'Time Entries.csv hours "1h30"', source: 'clio-csv', file: 'Time Entries.csv', mutate: setCell('Quantity', 3, '1h30') },
  { fixture: 'Contacts.csv phone number in the email column', source: 'clio-csv', file: 'Contacts.csv', mutate: setCell('Email Address', 2, '(634) 207-4674') },
  { fixture: 'Matter Notes.csv 2 MB note', source: 'clio-csv', file: 'Matter Notes.csv', mutate: setCell('Note Description', 1, 'x'.repeat(2_000_000)) },
  { fixture: 'Contacts.csv formula injection in a name', source: 'clio-csv', file: 'Contacts.csv', mutate: setCell('Last Name', 2, '=HYPERLINK("http://evil.example","x")') },
  { fixture: 'Matters.csv unknown status "Archived"', source: 'clio-csv', file: 'Matters.csv', mutate: setCell('Matter Status', 1, 'Archived'), minLoaded: 0.7 },
  { fixture: 'Tasks.csv unknown priority "Urgent!!"', source: 'clio-csv', file: 'Tasks.csv', mutate: setCell('Priority', 1, 'Urgent!!') },
  { fixture: 'Time Entries.csv user nobody knows', source: 'clio-csv', file: 'Time Entries.csv', mutate: setCell('User', 1, 'Nobody Atall'), expect: 'tolerated', reason: 'the confirmed profile names a fallback owner (pre-flight reports the unmatched user)' },
  { fixture: 'Matters.csv client id that is not a number', source: 'clio-csv', file: 'Matters.csv', mutate: setCell('Client Id', 1, 'abc'), minLoaded: 0.7 },
  // APIs
  { fixture: 'Clio API answers 500 with an HTML error page, three times', source: 'clio-api', faults: [{ kind: 'html-500', at: 4, times: 3 }], expect: 'tolerated', reason: 'retried with backoff until the page comes back' },
  { fixture: 'Clio API answers invalid JSON, persistently', source: 'clio-api', faults: [{ kind: 'invalid-json', at: 20, times: 50 }], minLoaded: 0.3 },
  { fixture: 'Clio API answers invalid JSON once', source: 'clio-api', faults: [{ kind: 'invalid-json', at: 3, times: 1 }], expect: 'tolerated', reason: 'a cut-off body is fetched again' },
  // Perfect Portal package (JSON Lines)
  { fixture: 'matters.jsonl with a line that is not JSON', source: 'perfectportal', file: 'matters.jsonl', mutate: text((s) => s.replace('\n', '\n{"id": 12, broken\n')) },
  { fixture: 'manifest.json truncated', source: 'perfectportal', file: 'manifest.json', mutate: (b) => b.subarray(0, 20), minLoaded: 0 },
];

interface Finding {
  code: string;
  where: string;
  fix: string;
}

interface Outcome {
  findings: Finding[];
  /** Every record staging held. */
  extracted: Set<string>;
  loaded: Set<string>;
  accounted: Set<string>;
  holds: boolean;
  status: string;
}

const PROFILE_SOURCE: Record<Source, 'clio-csv' | 'clio-api' | 'perfectportal'> = { 'clio-csv': 'clio-csv', 'clio-api': 'clio-api', perfectportal: 'perfectportal' };

function profileFor(source: Source): Profile {
  const draft = defaultProfile(PROFILE_SOURCE[source]);
  return confirmProfile({ ...draft, owners: { ...draft.owners, fallbackOwnerEmail: ADMIN } }, ADMIN, new Date('2024-06-01T00:00:00Z'));
}

const whereOf = (l: LexError['location'] | undefined) => [l?.file && `${l.file}${l.line ? `:${l.line}` : ''}`, l?.recordKey, l?.url].filter(Boolean).join(' ');

/** Extract → map → plan → load (everything, as a sample of unlimited size) into a fresh sandbox. */
async function migrate(dir: string, source: Source, from: string): Promise<Outcome> {
  const findings: Finding[] = [];
  const staging = path.join(dir, 'staging');
  try {
    const extracted = await runExtract({ source, from, out: staging, ...(source === 'clio-api' ? { fixtureCredentials: true } : {}) });
    for (const i of extracted.issues) findings.push({ code: i.code, where: whereOf(i.location) || (i.sourceKey ?? ''), fix: i.fix });
  } catch (error) {
    if (!(error instanceof LexError)) throw error;
    findings.push({ code: error.code, where: whereOf(error.location), fix: error.fix });
  }
  const sandbox = await startSandbox({ port: 0, limits: false });
  const client = createHttpClient({ url: sandbox.apiUrl, auth: staticTokenSource('corpus') });
  try {
    const profile = profileFor(source);
    const users = DEFAULT_USERS.map((u) => ({ systemuserid: u.systemuserid, internalemailaddress: u.internalemailaddress, isdisabled: u.isdisabled }));
    let firm;
    try {
      firm = mapStaging(staging, profile, users);
    } catch {
      firm = undefined; // no staging store at all: nothing was extracted
    }
    if (!firm) return { findings, extracted: new Set(), loaded: new Set(), accounted: new Set(), holds: true, status: 'not started' };
    const run = await startRun({ cwd: dir, mode: 'sample', source, environment: sandbox.apiUrl, client, ops: firm.ops, extracted: firm.extracted, skips: firm.skips, failures: firm.failures, profile: { version: profile.version, hash: profile.hash! }, sample: { size: 1_000_000, candidates: firm.candidates } });
    const journal = Journal.open(runsRoot(dir), run.runId);
    try {
      const ops = journal.operations();
      for (const o of ops) if (o.status === 'failed') findings.push({ code: o.errorCode ?? '', where: o.sourceKey, fix: /Fix:/.test(o.errorMessage ?? '') ? o.errorMessage! : '' });
      const failed = new Set(ops.filter((o) => o.status === 'failed').map((o) => o.sourceKey));
      const loaded = new Set(ops.filter((o) => o.status === 'ok' && !failed.has(o.sourceKey)).map((o) => o.sourceKey));
      const accounted = new Set([...failed, ...firm.skips.map((s) => s.sourceKey)]);
      const extracted = new Set([...[...firm.candidates].map((c) => c.sourceKey), ...firm.skips.map((k) => k.sourceKey), ...firm.failures.map((f) => f.sourceKey)]);
      return { findings, extracted, loaded, accounted, holds: journal.accounting().every((a) => a.holds), status: run.status };
    } finally {
      journal.close();
    }
  } finally {
    await client.close();
    await sandbox.close();
  }
}

const exportDirs: Partial<Record<Source, string>> = {};
const clean: Partial<Record<Source, Outcome>> = {};
let root: string;

async function cleanExport(source: Source): Promise<string> {
  const dir = path.join(root, `clean-${source}`);
  await generate({ source, matters: 4, seed: 11, dirtRate: 0, out: path.join(dir, 'export') });
  exportDirs[source] = path.join(dir, 'export');
  return dir;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'lex-reliability-corpus-'));
  for (const source of ['clio-csv', 'perfectportal'] as const) {
    const dir = await cleanExport(source);
    clean[source] = await migrate(dir, source, exportDirs[source]!);
  }
  const dir = await cleanExport('clio-api');
  const server = await startClioFixtureServer({ dataDir: exportDirs['clio-api']!, rate: '100000/min' });
  try {
    clean['clio-api'] = await migrate(dir, 'clio-api', server.baseUrl);
  } finally {
    await server.close();
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('has at least 30 cases across sources', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(30);
  expect(new Set(CASES.map((c) => c.source)).size).toBe(3);
  expect(new Set(CASES.map((c) => c.fixture)).size).toBe(CASES.length);
});

describe.each(CASES.map((c) => [c.fixture, c] as const))('%s', (_name, bad) => {
  const title = bad.expect === 'tolerated' ? `is valid input (${bad.reason}): nothing lost, accounting exact` : 'gives a located error with a fix, exact accounting, and the rest of the run goes on';
  (bad.expect === 'gap' ? it.failing : it)(bad.expect === 'gap' ? `${title} — known gap: ${bad.reason}` : title, async () => {
    const dir = path.join(root, `case-${CASES.indexOf(bad)}`);
    const from = path.join(dir, 'export');
    cpSync(exportDirs[bad.source]!, from, { recursive: true });
    let outcome: Outcome;
    if (bad.file) {
      const file = path.join(from, bad.file);
      expect(readdirSync(from)).toContain(bad.file);
      writeFileSync(file, bad.mutate!(readFileSync(file)));
      outcome = await migrate(dir, bad.source, from);
    } else {
      const server = await startClioFixtureServer({ dataDir: from, rate: '100000/min', faults: bad.faults! });
      try {
        outcome = await migrate(dir, bad.source, server.baseUrl);
      } finally {
        await server.close();
      }
    }
    const baseline = clean[bad.source]!;
    const known = new Set(baseline.findings.map((f) => `${f.code} ${f.where}`));
    const fresh = outcome.findings.filter((f) => !known.has(`${f.code} ${f.where}`));
    // A clear error: a stable code, where, and how to fix it.
    if (bad.expect !== 'tolerated') expect(fresh.length).toBeGreaterThan(0);
    for (const f of fresh) {
      expect(f.code).toMatch(/^LEX_[A-Z0-9_]+$/);
      expect(f.where).not.toBe('');
      expect(f.fix.length).toBeGreaterThan(10);
    }
    // Exact accounting, and nothing the clean run loaded is silently missing.
    expect(outcome.holds).toBe(true);
    if (outcome.status !== 'not started') expect(outcome.status).toBe('completed');
    const missing = [...baseline.loaded].filter((k) => !outcome.loaded.has(k));
    // Staged but neither loaded nor failed/skipped with a reason: lost by the pipeline.
    expect(missing.filter((k) => outcome.extracted.has(k) && !outcome.accounted.has(k))).toEqual([]);
    // Never staged: a row-level defect costs its own rows only; whole-file defects are named by their file-level finding.
    if (bad.expect !== 'tolerated' && (bad.minLoaded ?? 0.8) >= 0.8) expect(missing.filter((k) => !outcome.extracted.has(k)).length).toBeLessThanOrEqual(fresh.length + 2);
    // The rest of the run goes on.
    const kept = [...baseline.loaded].filter((k) => outcome.loaded.has(k)).length;
    expect(kept).toBeGreaterThanOrEqual(bad.expect === 'tolerated' && bad.minLoaded === undefined ? baseline.loaded.size : Math.floor(baseline.loaded.size * (bad.minLoaded ?? 0.8)));
  }, 60_000);
});
