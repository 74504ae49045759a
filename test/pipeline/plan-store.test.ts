import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Journal } from '../../scripts/src/journal/journal';
import { buildPlan, plannedRows, type Plan } from '../../scripts/src/pipeline/plan';
import { buildStoredPlan, openStoredPlan } from '../../scripts/src/pipeline/plan-store';
import type { TargetOp } from '../../scripts/src/mapping/target-op';
import { op, ref, smallFirm } from './fixtures';

/** A plan as data: what each step holds, read once. */
const contents = (plan: Plan) => plan.steps.map((s) => ({ index: s.index, phase: s.phase, table: s.table, size: s.size, ops: s.ops }));

describe('buildStoredPlan (a plan kept on disk)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lex-plan-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const firm = () => [
    ...smallFirm(),
    ...Array.from({ length: 23 }, (_, i) => op('contact', `clio:contact:${100 + ((i * 7) % 23)}`, { lastname: `Person ${i}` }, { parentcustomerid: ref('account', 'clio:contact:1') })),
    op('lex_nonsense', 'clio:x:1'),
    op('account', 'clio:contact:1', { name: 'Duplicate' }),
  ];

  it('cuts the same steps, issues and hash as the in-memory plan', () => {
    const memory = buildPlan(firm(), { batchSize: 4 });
    const stored = buildStoredPlan(firm(), dir, { batchSize: 4 });
    expect(stored.hash).toBe(memory.hash);
    expect(contents(stored)).toEqual(contents(memory));
    expect(stored.issues).toEqual(memory.issues);
    expect(stored.rowsPerTable).toEqual(memory.rowsPerTable);
    expect(stored.deferredLookups).toEqual(memory.deferredLookups);
    expect(stored.opsFile).toBe(`plan-${stored.hash.slice(0, 12)}.db`);
  });

  it('keeps no ops in the plan object: each step reads its batch from the file when asked', () => {
    const stored = buildStoredPlan(firm(), dir, { batchSize: 4 });
    expect(JSON.stringify(stored)).not.toContain('Person 3');
    const first = stored.steps.find((s) => s.table === 'contact')!;
    expect(first.ops).not.toBe(first.ops); // read afresh, not cached
    expect(first.ops).toEqual(first.ops);
  });

  it("reads a step's ids alone, in the order of its ops", () => {
    const stored = buildStoredPlan(firm(), dir, { batchSize: 4 });
    for (const step of stored.steps) expect(step.ids).toEqual(step.ops.map((op) => op.id));
  });

  it('plans the same ops again to the same file, and leaves no partial file behind', () => {
    const a = buildStoredPlan(firm(), dir, { batchSize: 4 });
    expect(buildStoredPlan(firm(), dir, { batchSize: 4 }).opsFile).toBe(a.opsFile);
    expect(readdirSync(dir)).toEqual([a.opsFile]);
    const other = buildStoredPlan(firm(), dir, { batchSize: 5 });
    expect(readdirSync(dir).sort()).toEqual([a.opsFile, other.opsFile].sort());
  });

  it('reopens from its file, and through the journal that saved it', () => {
    const stored = buildStoredPlan(firm(), dir, { batchSize: 4 });
    expect(contents(openStoredPlan(path.join(dir, stored.opsFile!)))).toEqual(contents(stored));
    const journal = Journal.create(path.dirname(dir), { runId: path.basename(dir), mode: 'full', source: 'clio', environment: 'http://127.0.0.1:1', profileVersion: 1, profileHash: 'p', planHash: null, watermark: null, parentRunId: null });
    try {
      journal.savePlan(stored);
      expect(contents(journal.plan()!)).toEqual(contents(stored));
    } finally {
      journal.close();
    }
  });

  it('says which file is missing and how to fix it', () => {
    const stored = buildStoredPlan(firm(), dir, { batchSize: 4 });
    rmSync(path.join(dir, stored.opsFile!));
    expect(existsSync(path.join(dir, stored.opsFile!))).toBe(false);
    expect(() => openStoredPlan(path.join(dir, stored.opsFile!))).toThrow(expect.objectContaining({ code: 'LEX_PLAN_FILE_MISSING', fix: expect.stringContaining('.lexbridge/runs') }));
  });

  it('merges each row\'s write, deferred lookups and state as the steps stream (plannedRows)', () => {
    const stored = buildStoredPlan(firm(), dir, { batchSize: 4 });
    // The plain way: every step's ops into one map per row.
    const expected = new Map<string, TargetOp>();
    for (const step of buildPlan(firm(), { batchSize: 4 }).steps) {
      for (const o of step.ops) {
        const seen = expected.get(`${o.table}:${o.id}`);
        expected.set(`${o.table}:${o.id}`, seen ? { ...seen, lookups: { ...seen.lookups, ...o.lookups }, ...(o.state ? { state: o.state } : {}) } : o);
      }
    }
    const rows = [...plannedRows(stored)];
    expect(rows).toHaveLength(expected.size);
    expect(new Map(rows.map((r) => [`${r.table}:${r.id}`, r]))).toEqual(expected);
    const account = rows.find((r) => r.table === 'account')!;
    expect(Object.keys(account.lookups)).toContain('primarycontactid'); // set in the link pass
    expect(rows.find((r) => r.table === 'lex_matter')!.state).toEqual({ statecode: 1, statuscode: 2 }); // set in the state pass
  });
});
