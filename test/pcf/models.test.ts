/** The controls' pure models: labels, the record comparison on a raw source payload, run summaries, decisions. */
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { Choices } from '../../solution/generated/names';
import { formatLabel, labelsFromResx } from '../../pcf-controls/shared/labels';
import { applyDecisions } from '../../pcf-controls/shared/mapping-review';
import { buildRecordDiff, lockedColumns } from '../../pcf-controls/shared/record-diff';
import { readRunSummary } from '../../pcf-controls/shared/run-summary';
import { isMigrationAdmin, MIGRATION_ADMIN_ROLE } from '../../pcf-controls/shared/roles';

/** A Clio CSV matter row as the engine snapshots it (the raw payload), and its row as loaded. */
const csvSnapshot = {
  Id: '28',
  'Matter Number': '00028-Cole',
  'Matter Description': 'Cole: Unfair dismissal claim',
  'Matter Status': 'Closed',
  'Practice Area': 'Employment',
  'Open Date': '04/04/2022',
  'Close Date': '11/14/2024',
  'Billing Method': 'Flat',
  Court: '',
};
const loaded = {
  lex_name: '00028-Cole - Cole: Unfair dismissal claim',
  lex_matternumber: '00028-Cole',
  lex_description: 'Cole: Unfair dismissal claim',
  lex_status: Choices.lex_matterstatus.Closed,
  lex_practicearea: 'Employment',
  lex_opendate: '2022-04-04',
  lex_closedate: '2024-11-14',
  lex_billingmethod: Choices.lex_billingmethod.FlatFee,
};
const byKey = (rows: { key: string }[]) => Object.fromEntries(rows.map((r) => [r.key, r]));

describe('record comparison on a raw source payload', () => {
  const profile = defaultProfile('clio-csv');

  it('finds each mapped field under its source name and compares after the engine\'s conversion', () => {
    const diff = buildRecordDiff('lex_matter', JSON.stringify(csvSnapshot), loaded, profile);
    const rows = byKey(diff.rows);
    expect(rows['lex_opendate']).toMatchObject({ sourcePath: 'Open Date', source: '04/04/2022', target: '2022-04-04', status: 'match' });
    expect(rows['lex_billingmethod']).toMatchObject({ sourcePath: 'Billing Method', target: 'Flat Fee', status: 'match' });
    expect(rows['lex_status']).toMatchObject({ sourcePath: 'Matter Status', source: 'Closed', target: 'Closed', status: 'match' });
    expect(rows['lex_name']).toMatchObject({ sourcePath: 'Matter Number + Matter Description', status: 'match' });
    expect(diff.differing).toBe(0);
    // Unmapped source fields stay visible; empty ones are left out.
    expect(rows['source:Id']).toMatchObject({ status: 'sourceOnly', source: '28' });
    expect(rows['source:Court']).toBeUndefined();
  });

  it('flags a value changed in Dynamics and a status that no longer matches', () => {
    const diff = buildRecordDiff('lex_matter', JSON.stringify(csvSnapshot), { ...loaded, lex_opendate: '2022-04-05', lex_status: Choices.lex_matterstatus.Open }, profile);
    expect(diff.rows.filter((r) => r.status === 'differs').map((r) => r.key).sort()).toEqual(['lex_opendate', 'lex_status']);
    expect(diff.differing).toBe(2);
  });

  it('reads `$raw.<field>` paths from the snapshot: "Estimated Fee" against lex_estimatedvalue', () => {
    const snapshot = JSON.stringify({ ...csvSnapshot, 'Estimated Fee': '53000' });
    const row = (values: Record<string, unknown>, map = profile) => byKey(buildRecordDiff('lex_matter', snapshot, values, map).rows)['lex_estimatedvalue'];
    expect(row({ ...loaded, lex_estimatedvalue: 53000 })).toMatchObject({ sourcePath: 'Estimated Fee', status: 'match' });
    expect(row({ ...loaded, lex_estimatedvalue: null })).toMatchObject({ status: 'differs' });
    // Only the raw path: no help from loose name matching on "estimatedValue".
    const matter = profile.entities['matter']!.targets[0]!;
    const rawOnly = { ...profile, entities: { ...profile.entities, matter: { targets: [{ ...matter, columns: { ...matter.columns, lex_estimatedvalue: { from: '$raw.Estimated Fee' } } }] } } };
    expect(row({ ...loaded, lex_estimatedvalue: 53000 }, rawOnly)).toMatchObject({ sourcePath: 'Estimated Fee', status: 'match' });
  });

  it('reports a missing or unreadable snapshot rather than comparing nothing', () => {
    expect(buildRecordDiff('lex_matter', null, loaded, profile).snapshotMissing).toBe(true);
    expect(buildRecordDiff('lex_matter', '{not json', loaded, profile).snapshotMissing).toBe(true);
  });

  it('lists the columns a profile locks', () => {
    const locked = structuredClone(profile);
    locked.entities['matter']!.targets[0]!.columns['lex_matternumber']!.lock = true;
    expect(lockedColumns(locked, 'lex_matter')).toEqual(['lex_matternumber']);
    expect(lockedColumns(profile, 'lex_matter')).toEqual([]);
  });
});

describe('run summary', () => {
  it('reads the engine\'s accounting and checks extracted = loaded + skipped + failed', () => {
    const summary = readRunSummary({
      lex_counts: JSON.stringify([{ entity: 'matter', extracted: 40, loaded: 28, skipped: 0, failed: 12, holds: true }, { entity: 'note', extracted: 5, loaded: 3, skipped: 0, failed: 0, holds: false }]),
      lex_summary: JSON.stringify({ errors: [{ code: 'A', count: 1 }, { code: 'B', count: 7 }], diff: { records: 3, matching: 2, differing: 1, missing: 0 } }),
      lex_runstatus: Choices.lex_runstatus.Completed,
    });
    expect(summary.entities.map((e) => [e.entity, e.balanced])).toEqual([['matter', true], ['note', false]]);
    expect(summary.errors.map((e) => e.code)).toEqual(['B', 'A']);
    expect(summary.diff).toEqual({ records: 3, matching: 2, differing: 1, missing: 0 });
  });

  it('survives a row without summary columns', () => {
    expect(readRunSummary({})).toMatchObject({ entities: [], errors: [] });
  });
});

describe('mapping decisions', () => {
  it('accepting the JSON column writes no explicit column entry', () => {
    const base = defaultProfile('clio-csv');
    const proposal = { entity: 'matter', field: 'Court', table: 'lex_matter', column: 'lex_customfields', score: 0.5, reason: 'r', alternatives: [] };
    const revised = applyDecisions({ ...base, proposals: [proposal] }, new Map([['matter.Court', { kind: 'accepted' as const, column: 'lex_customfields' }]]));
    expect(revised.customFields['matter.Court']).toEqual({ json: true });
    expect(revised.proposals).toEqual([]);
  });
});

describe('labels and roles', () => {
  it('reads resx values with entities and fills {n} arguments', () => {
    const label = labelsFromResx('<root><data name="A" xml:space="preserve"><value>{0} &lt;of&gt; {1}</value></data></root>');
    expect(label('A', 1, 2)).toBe('1 <of> 2');
    expect(label('Missing')).toBe('Missing');
    expect(formatLabel('{0} and {2}', ['x'])).toBe('x and {2}');
  });

  it('knows the Migration Admin role by id (braced, any case) or by name', () => {
    expect(isMigrationAdmin([{ id: `{${MIGRATION_ADMIN_ROLE.id.toUpperCase()}}` }])).toBe(true);
    expect(isMigrationAdmin([{ name: 'Lexbridge Migration Admin' }])).toBe(true);
    expect(isMigrationAdmin([{ id: '00000000-0000-0000-0000-000000000001', name: 'Lexbridge Matter Reviewer' }])).toBe(false);
  });
});
