import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { LexError } from '../../../scripts/src/errors';
import { generate, type GenerateManifest } from '../../../scripts/src/generate';
import type { DocumentRecord } from '../../../scripts/src/model';
import type { ReadMessage } from '../../../scripts/src/sources/contract';
import { createPerfectPortalConnector } from '../../../scripts/src/sources/perfectportal/connector';
import { extractToStaging } from '../../../scripts/src/staging/extract';
import { StagingStore } from '../../../scripts/src/staging/store';

let root: string;
let pkg: string;
let manifest: GenerateManifest;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'lex-pp-'));
  pkg = path.join(root, 'export');
  manifest = await generate({ source: 'perfectportal', matters: 50, seed: 21, dirtRate: 0.08, out: pkg });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function extract(from: string, out: string) {
  const staging = StagingStore.open(path.join(root, out));
  try {
    const result = await extractToStaging(await createPerfectPortalConnector({ from }), staging, { source: 'perfectportal', from });
    return { result, counts: staging.counts(), issues: staging.issues() };
  } finally {
    staging.close();
  }
}

async function messagesOf(from: string, entity: string): Promise<ReadMessage[]> {
  const out: ReadMessage[] = [];
  for await (const m of (await createPerfectPortalConnector({ from })).read(entity)) out.push(m);
  return out;
}

describe('Perfect Portal export package', () => {
  it('extracts exactly the generated records and reports every labelled dirty record', async () => {
    const { counts, issues } = await extract(pkg, 'full');
    expect(counts).toEqual(manifest.counts);
    expect(new Set(manifest.dirty.map((d) => d.rule))).toEqual(new Set(['matter-without-client', 'blank-description', 'phone-in-email', 'duplicate', 'oversized-document', 'odd-encoding']));
    const reported = new Set(issues.map((i) => `${i.sourceKey}|${i.rule}`));
    expect(manifest.dirty.filter((d) => !reported.has(`${d.sourceKey}|${d.rule}`))).toEqual([]);
  });

  it('reads the same package from a zip', async () => {
    const zip = new JSZip();
    const add = (dir: string, prefix: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) add(full, `${prefix}${name}/`);
        else zip.file(`${prefix}${name}`, readFileSync(full));
      }
    };
    add(pkg, 'export/');
    const zipFile = path.join(root, 'export.zip');
    writeFileSync(zipFile, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect((await extract(zipFile, 'from-zip')).counts).toEqual(manifest.counts);
  });

  it('delta: a newer export is compared by content hash per record (new, changed, unchanged)', async () => {
    const newer = path.join(root, 'newer');
    cpSync(pkg, newer, { recursive: true });
    const file = path.join(newer, 'matters.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const first = JSON.parse(lines[0]!);
    lines[0] = JSON.stringify({ ...first, status: 'Closed Won', closedDate: '2025-07-01', updatedAt: '2025-07-01T09:00:00Z' });
    lines.push(JSON.stringify({ ...first, id: '9001', caseReference: '09001-New', customFields: {}, updatedAt: '2025-07-02T09:00:00Z' }));
    writeFileSync(file, lines.join('\n') + '\n');
    const manifestFile = path.join(newer, 'manifest.json');
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    m.files['matters.jsonl'] += 1;
    writeFileSync(manifestFile, JSON.stringify(m));

    await extract(pkg, 'delta');
    const { result, counts } = await extract(newer, 'delta');
    expect(result.resumed).toBe(false);
    // The edited matter and its custom field values (they carry its updatedAt) changed; the new one is new.
    const stream = result.streams.matters!;
    expect(stream.new).toBe(1);
    expect(stream.changed).toBe(1 + Object.keys(first.customFields).length);
    expect(stream.unchanged).toBe(stream.records - stream.new - stream.changed);
    const staging = StagingStore.open(path.join(root, 'delta'));
    try {
      expect(staging.get(`perfectportal:matter:${first.id}`)).toMatchObject({ status: 'closed', closedOn: '2025-07-01' });
      expect(staging.versions(`perfectportal:matter:${first.id}`).map((v) => v.contentHash)).toHaveLength(2);
    } finally {
      staging.close();
    }
    expect(counts.matters).toBe(manifest.counts.matters! + 1);
  });

  it('bad-lines.jsonl: a line that is not JSON and a record that does not fit are issues with file and line; the rest is read', async () => {
    const broken = path.join(root, 'broken');
    cpSync(pkg, broken, { recursive: true });
    const file = path.join(broken, 'milestones.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    lines[1] = '{"id": "x", "matterId": ';
    lines[2] = JSON.stringify({ ...JSON.parse(lines[2]!), status: 'Done' });
    writeFileSync(file, lines.join('\n') + '\n');
    const messages = await messagesOf(broken, 'milestones');
    const issues = messages.flatMap((m) => (m.kind === 'issue' ? [m.error] : []));
    expect(issues.map((e) => [e.code, e.location.file, e.location.line])).toEqual([
      ['LEX_SOURCE_PP_BAD_LINE', 'milestones.jsonl', 2],
      ['LEX_SOURCE_PP_BAD_RECORD', 'milestones.jsonl', 3],
    ]);
    expect(issues[1]!.location.field).toBe('status');
    expect(messages.filter((m) => m.kind === 'record')).toHaveLength(manifest.counts.milestones! - 2);
    // Both lines are milestones the run must count as failed: by position, and by id when it is known.
    const lost = messages.flatMap((m) => (m.kind === 'issue' ? [m.lost] : []));
    expect(lost).toEqual(['perfectportal:milestone:milestones.jsonl#L2', `perfectportal:milestone:${JSON.parse(lines[2]!).id}`]);
  });

  it('a folder without manifest.json is not a package', async () => {
    const empty = mkdtempSync(path.join(root, 'empty-'));
    await expect(createPerfectPortalConnector({ from: empty })).rejects.toMatchObject({ code: 'LEX_SOURCE_PP_NOT_A_PACKAGE' });
    await expect(createPerfectPortalConnector({ from: path.join(root, 'nope.zip') })).rejects.toBeInstanceOf(LexError);
  });

  it('streams an attachment included in the package; oversized ones only declare their size', async () => {
    const connector = await createPerfectPortalConnector({ from: pkg });
    const docs = (await messagesOf(pkg, 'documents')).flatMap((m) => (m.kind === 'record' ? [m.record as DocumentRecord] : []));
    const small = docs.find((d) => d.location.kind === 'file')!;
    const chunks: Uint8Array[] = [];
    for await (const chunk of connector.openDocument!(small)) chunks.push(chunk);
    expect(Buffer.concat(chunks).length).toBe(small.size);
    expect(docs.some((d) => d.location.kind === 'url' && (d.size ?? 0) > 5 * 1024 * 1024)).toBe(true);
  });
});
