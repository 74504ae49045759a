import { runPreflight, requiredColumns, type EnvironmentFacts } from '../../scripts/src/preflight/checks';
import { estimate } from '../../scripts/src/preflight/estimates';
import { renderCsv, renderHtml, findingsJson } from '../../scripts/src/preflight/render';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { schema } from '../../solution/src/schema';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../scripts/src/preflight/defaults';
import { generatedFirmRecords } from '../mapping/support/firm-records';
import type { Firm } from '../../scripts/src/generate/firm';

/** An environment with the Lexbridge solution imported and the firm's current users licensed. */
function environmentFor(firm: Firm, overrides: Partial<EnvironmentFacts> = {}): EnvironmentFacts {
  return {
    systemUsers: firm.users.filter((u) => u.inDynamics).map((u, i) => ({ systemuserid: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, internalemailaddress: u.email, isdisabled: false })),
    tables: new Map(schema.tables.map((t) => [t.logicalName, new Set(t.columns.map((c) => c.logicalName))])),
    customTables: schema.tables.filter((t) => t.origin === 'custom').map((t) => t.logicalName),
    maxUploadFileSize: DEFAULT_MAX_UPLOAD_BYTES,
    notes: [],
    ...overrides,
  };
}

const withFallback = (firm: Firm, kind: Parameters<typeof defaultProfile>[0] = 'clio-api') => ({
  ...defaultProfile(kind),
  owners: { match: 'email' as const, fallbackOwnerEmail: firm.users.find((u) => u.inDynamics)!.email },
});

describe('pre-flight on a generated firm with dirt', () => {
  const { firm, records, labels } = generatedFirmRecords('clio', 80, 0.08);
  const report = runPreflight({ source: 'clio-api', profile: withFallback(firm), records, environment: environmentFor(firm) });

  it('reports every record the generator labels dirty, under the same rule', () => {
    expect(labels.length).toBeGreaterThan(20);
    expect(new Set(labels.map((l) => l.dirt)).size).toBeGreaterThanOrEqual(8);
    const found = new Set(report.findings.map((f) => `${f.rule}|${f.sourceKey}`));
    const missed = labels.filter((l) => !found.has(`${l.dirt}|${l.sourceKey}`)).map((l) => `${l.dirt} ${l.sourceKey}`);
    expect(missed).toEqual([]);
  });

  it('blocks nothing when the environment is ready and owners have a fallback', () => {
    expect(report.findings.filter((f) => f.severity === 'blocking')).toEqual([]);
    expect(report.blocking).toBe(0);
  });

  it('lists unmatched users with the fallback owner, once each', () => {
    const unmatched = firm.users.filter((u) => !u.inDynamics);
    expect(unmatched.length).toBeGreaterThan(0);
    const findings = report.findings.filter((f) => f.rule === 'user-unmatched');
    expect(findings.map((f) => f.sourceKey).sort()).toEqual(unmatched.map((u) => `clio:user:${u.id}`).sort());
    expect(findings.filter((f) => f.severity === 'warning').every((f) => f.message.includes('fallback owner'))).toBe(true);
    expect(report.users).toMatchObject({ unmatched: unmatched.length, disabled: 0 });
  });

  it('counts rows per table, estimates with formulas and grades in the seeds\' terms', () => {
    expect(report.rows['lex_matter']).toBe(records.filter((r) => r.type === 'matter').length);
    expect(report.estimates.extractionHours.formula).toMatch(/÷ 50\/min/);
    expect(report.estimates.loadHours.formula).toMatch(/6000|20\/s/);
    expect(report.grade.dimensions.map((d) => d.name)).toEqual(['Object compatibility', 'Field mapping clarity', 'Timeline complexity', 'API constraints', 'Data volume sensitivity']);
    expect(report.grade.dimensions.find((d) => d.name === 'API constraints')!.grade).toBe('B');
    expect(report.grade.dimensions.find((d) => d.name === 'Field mapping clarity')!.grade).toBe('C');
    expect(report.grade.overall).toMatch(/^[A-D]$/);
  });

  it('says where each custom field lands, with the proposer\'s reason', () => {
    const fields = report.findings.filter((f) => f.rule === 'unmapped-field');
    expect(fields.map((f) => f.location.field)).toContain('contact.Date of Birth');
    expect(fields.find((f) => f.location.field === 'contact.Date of Birth')!.message).toMatch(/contact\.birthdate/);
  });
});

describe('pre-flight blocking findings', () => {
  const { firm, records } = generatedFirmRecords('actionstep', 20, 0);

  it('blocks on columns the profile writes that the environment lacks, and on a missing solution', () => {
    const tables = new Map(schema.tables.map((t) => [t.logicalName, new Set(t.columns.map((c) => c.logicalName))]));
    tables.get('contact')!.delete('nickname');
    let report = runPreflight({ source: 'actionstep', profile: { ...withFallback(firm, 'actionstep'), customFields: { 'contact.Preferred Name': { table: 'contact', column: 'nickname' } } }, records, environment: environmentFor(firm, { tables }) });
    expect(report.findings.find((f) => f.rule === 'missing-column')).toMatchObject({ severity: 'blocking', location: { table: 'contact', column: 'nickname' } });
    tables.delete('lex_matter');
    tables.delete('lex_timeentry');
    report = runPreflight({ source: 'actionstep', profile: withFallback(firm, 'actionstep'), records, environment: environmentFor(firm, { tables }) });
    expect(report.findings.find((f) => f.rule === 'missing-table')!.fix).toMatch(/solution deploy/);
  });

  it('blocks on a status value the profile has no map for, once per value with a count', () => {
    const odd = records.map((r) => (r.type === 'matter' ? { ...r, sourceStatus: 'Dormant' } : r));
    const report = runPreflight({ source: 'actionstep', profile: withFallback(firm, 'actionstep'), records: odd, environment: environmentFor(firm) });
    const values = report.findings.filter((f) => f.rule === 'unmapped-value');
    expect(values).toHaveLength(1);
    expect(values[0]).toMatchObject({ severity: 'blocking' });
    expect(values[0]!.message).toMatch(/Dormant.*\(20 records/);
    expect(report.grade.dimensions[1]!.grade).toBe('D');
  });

  it('blocks past the 15 custom tables of Sales Professional, not on Enterprise', () => {
    const existing = Array.from({ length: 12 }, (_, i) => `new_table${i}`);
    const env = environmentFor(firm, { customTables: existing });
    const pro = runPreflight({ source: 'actionstep', profile: withFallback(firm, 'actionstep'), records, environment: env });
    expect(pro.findings.find((f) => f.rule === 'custom-table-limit')).toMatchObject({ severity: 'blocking' });
    expect(pro.findings.find((f) => f.rule === 'custom-table-limit')!.message).toMatch(/^18 custom tables/);
    const ent = runPreflight({ source: 'actionstep', profile: withFallback(firm, 'actionstep'), records, environment: env, customTableLimit: Infinity });
    expect(ent.findings.find((f) => f.rule === 'custom-table-limit')).toMatchObject({ severity: 'info' });
  });

  it('blocks when owners need a fallback and there is none, or it is disabled', () => {
    const none = runPreflight({ source: 'actionstep', profile: defaultProfile('actionstep'), records, environment: environmentFor(firm) });
    expect(none.findings.find((f) => f.rule === 'fallback-owner')).toMatchObject({ severity: 'blocking' });
    const fallback = firm.users.find((u) => u.inDynamics)!;
    const env = environmentFor(firm);
    const disabled = { ...env, systemUsers: env.systemUsers.map((u) => (u.internalemailaddress === fallback.email ? { ...u, isdisabled: true } : u)) };
    const report = runPreflight({ source: 'actionstep', profile: withFallback(firm, 'actionstep'), records, environment: disabled });
    expect(report.findings.find((f) => f.rule === 'fallback-owner')!.message).toMatch(/disabled/);
    expect(report.findings.find((f) => f.rule === 'user-disabled')!.sourceKey).toBe(`actionstep:user:${fallback.id}`);
  });

  it('measures oversized files against this environment\'s maxuploadfilesize (Base64 size)', () => {
    const doc = records.find((r) => r.type === 'document')!;
    const big = { ...doc, size: 3_000_000 }; // 4 MB as Base64
    const report = runPreflight({ source: 'actionstep', profile: withFallback(firm, 'actionstep'), records: [...records, { ...big, sourceKey: 'actionstep:document:big' }], environment: environmentFor(firm, { maxUploadFileSize: 3_500_000 }) });
    expect(report.findings.find((f) => f.rule === 'oversized-document')!.sourceKey).toBe('actionstep:document:big');
  });
});

describe('pre-flight outputs', () => {
  const { firm, records } = generatedFirmRecords('clio', 10, 0);
  const hostile = records.map((r) => (r.type === 'matter' ? { ...r, sourceStatus: '=HYPERLINK("http://x")', description: '<script>alert(1)</script>' } : r));
  const report = runPreflight({ source: 'clio-api', profile: withFallback(firm), records: hostile, environment: environmentFor(firm) });

  it('--json carries exactly { blocking, findings } with rule, severity, sourceKey, location, message, fix', () => {
    const json = findingsJson(report);
    expect(Object.keys(json)).toEqual(['blocking', 'findings']);
    for (const f of json.findings) expect(Object.keys(f)).toEqual(expect.arrayContaining(['rule', 'severity', 'location', 'message', 'fix']));
    expect(json.blocking).toBeGreaterThan(0);
  });

  it('neutralises formula cells in the CSV and escapes the HTML', () => {
    const csv = renderCsv(report);
    expect(csv.split('\r\n')[0]).toBe('rule,severity,sourceKey,location,message,fix');
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    const html = renderHtml(report, '2026-01-01T00:00:00Z');
    expect(html).not.toContain('<script>');
    expect(html).toContain('=HYPERLINK(&quot;http://x&quot;)');
    expect(html).not.toMatch(/<link|src=/);
  });
});

describe('estimates', () => {
  it('follows the documented limits: Clio 50/min, 200 per page; entitlement 500k + 5k per licence', () => {
    const e = estimate({ source: 'clio-api', records: { matter: 10_000, time_entry: 100_000 }, documents: 0, rows: { lex_matter: 10_000, lex_timeentry: 100_000 }, stateChanges: 0, licences: 20 });
    expect(e.extractionRequests.value).toBe(50 + 500);
    expect(e.extractionHours.value).toBeCloseTo(550 / 50 / 60, 2);
    expect(e.dailyEntitlement.value).toBe(600_000);
    expect(e.dataverseRequests.value).toBe(110_000 + 22);
    const csv = estimate({ source: 'clio-csv', records: { matter: 10 }, documents: 0, rows: {}, stateChanges: 0, licences: 1 });
    expect(csv.extractionRequests.value).toBe(0);
  });

  it('knows which columns each profile needs in the environment', () => {
    const needed = requiredColumns(defaultProfile('perfectportal'));
    expect([...needed.get('lex_matter')!]).toEqual(expect.arrayContaining(['lex_status', 'lex_clientid', 'lex_customfields', 'lex_sourcekey']));
  });
});

describe('pre-flight matches rows already in Dynamics', () => {
  const { firm, records } = generatedFirmRecords('clio', 20, 0);
  const person = records.find((r) => r.type === 'contact' && r['kind'] === 'person')!;
  const org = records.find((r) => r.type === 'contact' && r['kind'] === 'organization')!;
  const emailOf = (r: typeof person) => (r['emails'] as { value: string }[])[0]!.value;

  it('matches a contact by email and an account by name, and maps them onto the existing ids', () => {
    const existing = {
      contacts: [{ id: '11111111-1111-4111-8111-111111111111', email: emailOf(person).toUpperCase(), name: 'Someone' }],
      accounts: [{ id: '22222222-2222-4222-8222-222222222222', email: null, name: ` ${String(org['name']).toLowerCase()} ` }],
    };
    const report = runPreflight({ source: 'clio-api', profile: withFallback(firm), records, environment: environmentFor(firm, { existing }) });
    expect(report.matches).toEqual({ [person.sourceKey]: existing.contacts[0]!.id, [org.sourceKey]: existing.accounts[0]!.id });
    expect(report.findings.filter((f) => f.rule === 'pre-existing-match').map((f) => f.sourceKey).sort()).toEqual([person.sourceKey, org.sourceKey].sort());
  });

  it('does not guess when several existing rows share the email', () => {
    const existing = { contacts: [{ id: 'a', email: emailOf(person) }, { id: 'b', email: emailOf(person) }], accounts: [] };
    const report = runPreflight({ source: 'clio-api', profile: withFallback(firm), records, environment: environmentFor(firm, { existing }) });
    expect(report.matches).toEqual({});
    expect(report.findings.find((f) => f.rule === 'pre-existing-ambiguous')).toMatchObject({ sourceKey: person.sourceKey, severity: 'warning' });
  });
});

describe('unmapped source fields', () => {
  it('lists canonical fields with values that the profile reads nowhere', () => {
    const { firm, records } = generatedFirmRecords('clio', 10, 0);
    const withExtra = records.map((r) => (r.type === 'matter' ? { ...r, clientReference: 'REF-1' } : r));
    const report = runPreflight({ source: 'clio-api', profile: withFallback(firm), records: withExtra, environment: environmentFor(firm) });
    const unread = report.findings.filter((f) => f.rule === 'unmapped-field' && f.location.field === 'matter.clientReference');
    expect(unread).toHaveLength(1);
    expect(unread[0]!.message).toMatch(/10 record\(s\).*lex_sourcesnapshot/);
    expect(report.findings.some((f) => f.location.field === 'matter.number')).toBe(false);
  });
});

describe('users without an email in the source (Clio CSV exports users by name)', () => {
  const { firm, records } = generatedFirmRecords('clio', 10, 0);
  const nameless = records.map((r) => (r.type === 'user' ? { ...r, email: undefined } : r));
  const user = firm.users[0]!;
  const systemUsers = [
    { systemuserid: 'aaaaaaaa-0000-4000-8000-000000000001', fullname: ` ${user.firstName}  ${user.lastName} `.toUpperCase(), internalemailaddress: 'someone@firm.example' },
    { systemuserid: 'aaaaaaaa-0000-4000-8000-000000000002', fullname: `${firm.users[1]!.firstName} ${firm.users[1]!.lastName}`, internalemailaddress: 'a@firm.example' },
    { systemuserid: 'aaaaaaaa-0000-4000-8000-000000000003', fullname: `${firm.users[1]!.firstName} ${firm.users[1]!.lastName}`, internalemailaddress: 'b@firm.example' },
  ];

  it('matches a unique full name, says so for a person to check, and never guesses between namesakes', () => {
    const report = runPreflight({ source: 'clio-csv', profile: withFallback(firm, 'clio-csv'), records: nameless, environment: environmentFor(firm, { systemUsers }) });
    expect(report.findings.filter((f) => f.rule === 'user-matched-by-name').map((f) => f.sourceKey)).toEqual([`clio:user:${user.id}`]);
    const namesake = report.findings.find((f) => f.rule === 'user-unmatched' && f.sourceKey === `clio:user:${firm.users[1]!.id}`)!;
    expect(namesake.message).toMatch(/no email in the source and no Dynamics user of the same name/);
    expect(report.users.matched).toBe(1);
  });
});

describe('profile and staging from different sources', () => {
  it('warns when the profile was written for another source', () => {
    const { firm, records } = generatedFirmRecords('clio', 5, 0);
    const report = runPreflight({ source: 'actionstep', profile: withFallback(firm, 'actionstep'), records, environment: environmentFor(firm), stagingSource: 'clio-csv' });
    expect(report.findings.find((f) => f.rule === 'profile-source')!.message).toBe('the profile is written for actionstep but staging holds clio-csv');
  });
});
