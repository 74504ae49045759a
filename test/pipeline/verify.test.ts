import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Journal } from '../../scripts/src/journal/journal';
import { rowId } from '../../scripts/src/mapping/target-op';
import { executePlan } from '../../scripts/src/pipeline/load';
import { buildPlan } from '../../scripts/src/pipeline/plan';
import { diffRecord, diffRecords, diffStatusOps, diffStatusValue, readBack, summariseDiffs } from '../../scripts/src/pipeline/verify';
import { schema } from '../../solution/src/schema';
import { op, ref, smallFirm, USER_ID } from './fixtures';
import { MemoryClient } from './memory-client';

const matter = op(
  'lex_matter',
  'clio:matter:10',
  { lex_name: '00010-Acme', lex_estimatedvalue: 1000.5, lex_opendate: '2024-01-01', lex_customfields: '{"a":1,"b":[2]}', overriddencreatedon: '2019-05-01T10:00:00Z', lex_description: '' },
  { lex_clientid: ref('account', 'clio:contact:1'), lex_opportunityid: null },
  { ownerId: USER_ID, state: { statecode: 0, statuscode: 1 } },
);

const row = {
  lex_name: '00010-Acme',
  lex_estimatedvalue: 1000.5,
  lex_opendate: '2024-01-01T00:00:00Z',
  lex_customfields: '{"b":[2],"a":1}',
  createdon: '2019-05-01T10:00:00.000Z',
  overriddencreatedon: '2026-11-23T11:00:00Z',
  lex_description: null,
  _lex_clientid_value: rowId('clio:contact:1').toUpperCase(),
  _lex_opportunityid_value: null,
  _ownerid_value: USER_ID,
  statecode: 0,
  statuscode: 1,
};

describe('diffRecord', () => {
  it('forgives what the platform changes: date-only as datetime, JSON key order, empty as null, GUID case, overriddencreatedon shown as createdon', () => {
    const diff = diffRecord(matter, row);
    expect(diff.fields.filter((f) => f.status !== 'match')).toEqual([]);
    expect(diff.status).toBe('match');
  });

  it('names each field that differs with expected and actual', () => {
    const diff = diffRecord(matter, { ...row, lex_estimatedvalue: 1000.51, _lex_clientid_value: rowId('clio:contact:99') });
    expect(diff.status).toBe('differs');
    expect(diff.fields.filter((f) => f.status === 'differs')).toEqual([
      { field: 'lex_estimatedvalue', expected: 1000.5, actual: 1000.51, status: 'differs' },
      { field: 'lex_clientid', expected: rowId('clio:contact:1'), actual: rowId('clio:contact:99'), status: 'differs' },
    ]);
  });

  it('rounds money to its precision, and compares date-times to the second', () => {
    const entry = op('lex_timeentry', 'clio:activity:1', { lex_amount: 10.004, lex_hours: 1.5 });
    expect(diffRecord(entry, { lex_amount: 10, lex_hours: 1.5 }).status).toBe('match');
    const milestone = op('lex_milestone', 'clio:stage:1', { lex_enteredon: '2024-01-01T10:00:00.400Z' });
    expect(diffRecord(milestone, { lex_enteredon: '2024-01-01T10:00:00Z' }).status).toBe('match');
    expect(diffRecord(milestone, { lex_enteredon: '2024-01-01T10:00:01Z' }).status).toBe('differs');
  });

  it('reports a row that is not there, and a field the row lacks, as missing', () => {
    expect(diffRecord(matter, undefined)).toMatchObject({ status: 'missing' });
    const { lex_name: _, ...withoutName } = row;
    const diff = diffRecord(matter, withoutName);
    expect(diff.status).toBe('differs');
    expect(diff.fields.find((f) => f.field === 'lex_name')).toEqual({ field: 'lex_name', expected: '00010-Acme', actual: undefined, status: 'missing' });
  });
});

describe('summaries and lex_diffstatus', () => {
  const diffs = [diffRecord(matter, row), diffRecord(matter, { ...row, lex_name: 'x' }), diffRecord(op('contact', 'clio:contact:3', { lastname: 'A' }), undefined)];

  it('counts records and ranks the worst fields', () => {
    expect(summariseDiffs(diffs)).toEqual({
      records: 3,
      matching: 1,
      differing: 1,
      missing: 1,
      worstFields: [
        { table: 'contact', field: 'lastname', differs: 0, missing: 1 },
        { table: 'lex_matter', field: 'lex_name', differs: 1, missing: 0 },
      ],
    });
  });

  it('writes Match / Differs on matters using the schema choice values', () => {
    const choice = schema.choices.find((c) => c.name === 'lex_diffstatus')!;
    expect(diffStatusValue('match')).toBe(choice.options.find((o) => o.label === 'Match')!.value);
    expect(diffStatusOps(diffs).map((o) => o.columns.lex_diffstatus)).toEqual([diffStatusValue('match'), diffStatusValue('differs')]);
  });
});

describe('readBack + diffRecords after a load', () => {
  it('finds 0 diffs on a clean load, and the changed field after someone edits a row', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'lex-verify-'));
    try {
      const client = new MemoryClient();
      const ops = smallFirm();
      const journal = Journal.create(root, { runId: 'r', mode: 'full', source: 'clio', environment: 'memory', profileVersion: 1, profileHash: 'p', planHash: null, watermark: null, parentRunId: null });
      await executePlan(buildPlan(ops), { client, journal });
      expect(summariseDiffs(diffRecords(ops, await readBack(client, ops))).matching).toBe(ops.length);
      client.row('contact', rowId('clio:contact:2'))!.values.emailaddress1 = 'changed@example.com';
      const summary = summariseDiffs(diffRecords(ops, await readBack(client, ops, undefined, 2)));
      expect(summary.worstFields).toEqual([{ table: 'contact', field: 'emailaddress1', differs: 1, missing: 0 }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
