import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { entityOf, Journal, newRunId } from '../../scripts/src/journal/journal';
import { buildPlan } from '../../scripts/src/pipeline/plan';
import { smallFirm } from '../pipeline/fixtures';

describe('Journal', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'lex-journal-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const start = (runId = 'run-1') => Journal.create(root, { runId, mode: 'full', source: 'clio', environment: 'http://127.0.0.1:5555', profileVersion: 3, profileHash: 'p', planHash: null, watermark: null, parentRunId: null });

  it('keeps run metadata, approval and status across reopening', () => {
    start().close();
    const j = Journal.open(root, 'run-1');
    expect(j.meta()).toMatchObject({ runId: 'run-1', mode: 'full', status: 'running', profileVersion: 3, approvedBy: null });
    j.approve('admin@firm.example', '2026-11-23T10:00:00.000Z');
    j.updateMeta({ status: 'completed', watermark: '2026-11-22T00:00:00Z' });
    j.close();
    expect(Journal.open(root, 'run-1').meta()).toMatchObject({ status: 'completed', approvedBy: 'admin@firm.example', watermark: '2026-11-22T00:00:00Z' });
    expect(Journal.list(root)).toEqual(['run-1']);
  });

  it('knows its serialised size without reading it (a big run\'s journal is attached only if it fits)', () => {
    const j = start();
    j.setExtracted({ contact: 3 });
    j.completeStep(0, Array.from({ length: 500 }, (_, i) => ({ table: 'contact', targetKey: `clio:contact:${i}`, sourceKey: `clio:contact:${i}`, targetId: `id${i}`, action: 'created' as const, status: 'ok' as const })));
    expect(j.byteSize()).toBe(j.serialize().length);
    j.close();
  });

  it('refuses to create a run twice and names a missing one with the fix', () => {
    start().close();
    expect(() => start()).toThrow(expect.objectContaining({ code: 'LEX_JOURNAL_EXISTS' }));
    expect(() => Journal.open(root, 'nope')).toThrow(expect.objectContaining({ code: 'LEX_JOURNAL_NOT_FOUND' }));
  });

  it('stores the frozen plan and refuses a different one on resume', () => {
    const j = start();
    const plan = buildPlan(smallFirm());
    j.savePlan(plan);
    j.savePlan(plan);
    expect(j.plan()!.hash).toBe(plan.hash);
    expect(j.meta().planHash).toBe(plan.hash);
    expect(() => j.savePlan(buildPlan(smallFirm(), { batchSize: 1 }))).toThrow(expect.objectContaining({ code: 'LEX_JOURNAL_PLAN_CHANGED' }));
  });

  it('keeps the first before-image of a row and the existence map of a prepared step', () => {
    const j = start();
    j.prepare(0, 'account', new Map([['a1', true], ['a2', false]]), [{ id: 'a1', row: { name: 'Before' } }]);
    j.prepare(3, 'account', new Map([['a1', true]]), [{ id: 'a1', row: { name: 'Written by this run' } }]);
    expect(j.prepared(0)).toEqual(new Map([['a1', true], ['a2', false]]));
    expect(j.prepared(1)).toBeUndefined();
    expect(j.beforeImages().map((b) => b.row)).toEqual([{ name: 'Before' }]);
    expect(j.hasBeforeImage('account', 'a1')).toBe(true);
  });

  it('checkpoints steps with their operations, and accounts for every record', () => {
    const j = start();
    j.setExtracted({ contact: 3, matter: 1 });
    j.completeStep(0, [
      { table: 'account', targetKey: 'clio:contact:1#account', sourceKey: 'clio:contact:1', targetId: 'a1', action: 'created', status: 'ok' },
      { table: 'contact', targetKey: 'clio:contact:2', sourceKey: 'clio:contact:2', targetId: 'c2', action: 'updated', status: 'ok' },
    ]);
    j.completeStep(1, [{ table: 'contact', targetKey: 'clio:contact:1', sourceKey: 'clio:contact:1', targetId: 'c1', action: 'created', status: 'failed', errorCode: 'LEX_LOAD_DATA', errorMessage: 'bad email' }]);
    j.recordSkip('clio:matter:9', 'not in sample');
    expect(j.doneSteps()).toEqual(new Set([0, 1]));
    expect(j.operations()).toHaveLength(3);
    expect(j.createdRows()).toEqual([{ table: 'account', id: 'a1' }]);
    expect(j.accounting()).toEqual([
      { entity: 'contact', extracted: 3, loaded: 1, skipped: 0, failed: 1, holds: false },
      { entity: 'matter', extracted: 1, loaded: 0, skipped: 1, failed: 0, holds: true },
    ]);
  });

  it('makes run ids that sort by time', () => {
    const a = newRunId('full', new Date('2026-01-01T00:00:00Z'));
    const b = newRunId('sample', new Date('2026-01-02T00:00:00Z'));
    expect(a).toMatch(/^20260101T000000Z-full-[0-9a-f]{4}$/);
    expect([b, a].sort()).toEqual([a, b]);
    expect(entityOf('clio:matter:12')).toBe('matter');
  });
});
