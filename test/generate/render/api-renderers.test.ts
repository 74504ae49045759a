/**
 * The clio-api and actionstep renderers: byte-identical output for the same seed, every dirty
 * label pointing at a record that was written, and the source shapes the connectors rely on.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from '../../../scripts/src/generate';
import { readJsonLines } from '../../../scripts/src/fixtures/http';

const out = (name: string) => mkdtempSync(path.join(tmpdir(), `render-${name}-`));
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.jsonl') || f.endsWith('.json')).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));

describe.each([['clio-api'], ['actionstep']])('%s renderer', (source) => {
  it('writes byte-identical output for the same seed', async () => {
    const a = out(source);
    const b = out(source);
    await generate({ source, matters: 8, seed: 4, dirtRate: 0.2, out: a });
    await generate({ source, matters: 8, seed: 4, dirtRate: 0.2, out: b });
    expect(snapshot(a)).toEqual(snapshot(b));
  });

  it('labels only records it wrote', async () => {
    const dir = out(source);
    const manifest = await generate({ source, matters: 8, seed: 4, dirtRate: 0.2, out: dir });
    expect(manifest.dirty.length).toBeGreaterThan(0);
    const written = new Set<string>();
    const system = source === 'clio-api' ? 'clio' : 'actionstep';
    const files: Record<string, string[]> =
      source === 'clio-api'
        ? { matter: ['matters'], contact: ['contacts'], time_entry: ['activities'], expense: ['activities'], note: ['notes'], document: ['documents'] }
        : { matter: ['actions'], contact: ['participants'], time_entry: ['timeentries'], expense: ['disbursements'], note: ['filenotes'], document: ['actiondocuments'] };
    for (const [type, resources] of Object.entries(files))
      for (const resource of resources) for (const row of readJsonLines<{ id: unknown }>(dir, resource)) written.add(`${system}:${type}:${String(row.id)}`);
    for (const label of manifest.dirty) expect(written).toContain(label.sourceKey);
  });
});

it('actionstep: T/F booleans, composite ids and timestamps in Actionstep’s format', async () => {
  const dir = out('actionstep-shapes');
  await generate({ source: 'actionstep', matters: 4, seed: 2, dirtRate: 0, out: dir });
  const actions = readJsonLines<Record<string, unknown>>(dir, 'actions');
  expect(actions[0]).toMatchObject({ isBillableOverride: 'T', modifiedTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$/) });
  for (const p of readJsonLines<{ id: string; links: { action: number; participantType: number; participant: number } }>(dir, 'actionparticipants'))
    expect(p.id).toBe(`${p.links.action}--${p.links.participantType}--${p.links.participant}`);
  for (const d of readJsonLines<{ date: string }>(dir, 'disbursements')) expect(d.date).toMatch(/^\d\d-[A-Z][a-z]{2}-\d{4}$/);
});

it('clio-api: time-entry quantity in seconds, quantity_in_hours in hours', async () => {
  const dir = out('clio-shapes');
  await generate({ source: 'clio-api', matters: 4, seed: 2, dirtRate: 0, out: dir });
  for (const a of readJsonLines<{ type: string; quantity: number; quantity_in_hours: number }>(dir, 'activities').filter((x) => x.type === 'TimeEntry'))
    expect(a.quantity).toBeCloseTo(a.quantity_in_hours * 3600, 6);
});
