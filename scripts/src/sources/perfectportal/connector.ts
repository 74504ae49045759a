/**
 * Perfect Portal export package (our format, `format.ts`) as a source. Each stream reads one
 * JSON Lines file; a line that is not JSON or does not fit the format is an issue naming the
 * file and line, and reading goes on. Checkpoints `{ file, lines }` every 500 lines.
 *
 * Delta: Perfect Portal has no change feed. Extract a newer export into the same staging
 * folder: staging compares each record's content hash and reports new/changed/unchanged
 * per stream (`--since` additionally skips records not updated after that instant).
 */
import type { Readable } from 'node:stream';
import { Readable as NodeReadable } from 'node:stream';
import type { z } from 'zod';
import { LexError } from '../../errors';
import { recordBase, sourceKeyOf, type CanonicalRecordInput, type RecordType, type CustomFieldDefinitionRecord, type DocumentRecord, type UserRecord } from '../../model';
import { slugOf } from '../clio-csv/columns';
import { lostRowKey, type ConnectorOptions, type DiscoverResult, type ReadMessage, type ReadOptions, type SourceConnector, type SourceDeclaration } from '../contract';
import {
  PP_FILES,
  ppAttachmentSchema,
  ppManifestSchema,
  ppMatterPartySchema,
  ppMatterSchema,
  ppMatterUpdateSchema,
  ppMilestoneSchema,
  ppNoteSchema,
  ppPartySchema,
  ppUserSchema,
  type PpFileKey,
  type PpManifest,
} from './format';
import { openPackage, type ExportPackage } from './package';

const CHECKPOINT_EVERY = 500;
/** Records derived from names (matter types, custom fields) have no change time of their own. */
const DERIVED_AT = '1970-01-01T00:00:00Z';

const STREAMS: Record<string, PpFileKey[]> = {
  users: ['users'],
  contacts: ['parties'],
  matters: ['matters'],
  participants: ['matterParties'],
  milestones: ['milestones'],
  documents: ['attachments'],
  notes: ['notes', 'matterUpdates'],
};

export const perfectPortalDeclaration: SourceDeclaration = {
  system: 'perfectportal',
  kind: 'perfectportal',
  entities: [
    { name: 'users', key: 'id', cursorField: 'updatedAt', dependsOn: [] },
    { name: 'contacts', key: 'id', cursorField: 'updatedAt', dependsOn: [] },
    { name: 'matters', key: 'id', cursorField: 'updatedAt', dependsOn: ['contacts', 'users'] },
    { name: 'participants', key: 'id', cursorField: 'updatedAt', dependsOn: ['matters', 'contacts'] },
    { name: 'milestones', key: 'id', cursorField: 'updatedAt', dependsOn: ['matters'] },
    { name: 'documents', key: 'id', cursorField: 'updatedAt', dependsOn: ['matters'] },
    { name: 'notes', key: 'id', cursorField: 'updatedAt', dependsOn: ['matters'] },
  ],
};

const MATTER_STATUS: Record<string, 'open' | 'pending' | 'closed'> = { active: 'open', 'on hold': 'pending', 'closed won': 'closed', 'closed lost': 'closed', closed: 'closed' };
const MILESTONE_STATUS = { NotStarted: 'not_started', InProgress: 'in_progress', Completed: 'completed', Skipped: 'skipped' } as const;

export async function createPerfectPortalConnector(options: ConnectorOptions): Promise<SourceConnector> {
  const pkg = await openPackage(options.from).catch((cause: unknown) => {
    throw new LexError({
      code: 'LEX_SOURCE_PP_NOT_A_PACKAGE',
      message: `${options.from} is neither a folder nor a readable zip`,
      fix: 'Pass --from the Perfect Portal export folder or its .zip (see docs/sources.md, "Perfect Portal export package").',
      location: { file: options.from },
      cause,
    });
  });
  const manifest = await readManifest(pkg);
  const ref = (type: Parameters<typeof sourceKeyOf>[1], id: string | null | undefined) => (id ? sourceKeyOf('perfectportal', type, id) : undefined);

  async function* readFile(key: PpFileKey, skipLines: number, since: string | undefined): AsyncGenerator<ReadMessage> {
    const file = PP_FILES[key];
    if (!pkg.has(file)) {
      if ((manifest.files[file] ?? 0) > 0)
        yield issue('LEX_SOURCE_PP_MISSING_FILE', `the package has no ${file} but its manifest counts ${manifest.files[file]} records`, 'The copy is incomplete: export the package again.', { file });
      return;
    }
    const seen = new Set<string>();
    let lines = 0;
    let records = 0;
    for await (const { line, text } of pkg.lines(file)) {
      lines = line;
      if (line <= skipLines) {
        if (text.trim()) records++;
        continue;
      }
      if (!text.trim()) continue;
      records++;
      const origin = { file, line };
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        yield issue('LEX_SOURCE_PP_BAD_LINE', `line is not JSON: ${(cause as Error).message}`, 'Each line of a .jsonl file must be one complete JSON object; fix or re-export that line.', { file, line }, cause, lostRowKey('perfectportal', TYPE_OF_FILE[key], file, line));
        continue;
      }
      for (const message of toMessages(key, json, origin, seen, since)) yield message;
      if (line % CHECKPOINT_EVERY === 0) yield { kind: 'checkpoint', checkpoint: { file, lines: line } };
    }
    const expected = manifest.files[file];
    if (expected !== undefined && expected !== records)
      yield issue('LEX_SOURCE_PP_COUNT_MISMATCH', `${file} holds ${records} records but the manifest says ${expected}`, 'The file was cut short or edited after export: export the package again.', { file, line: lines });
  }

  function* toMessages(key: PpFileKey, json: unknown, origin: { file: string; line: number }, seen: Set<string>, since: string | undefined): Generator<ReadMessage> {
    const checked = <S extends z.ZodType>(schema: S): z.output<S> | undefined => {
      const parsed = schema.safeParse(json);
      if (parsed.success) return parsed.data;
      const first = parsed.error.issues[0];
      const idValue = json && typeof json === 'object' && 'id' in json ? String((json as { id: unknown }).id) : undefined;
      const type = TYPE_OF_FILE[key];
      const lost = idValue ? sourceKeyOf('perfectportal', type, key === 'matterUpdates' ? `update-${idValue}` : idValue) : lostRowKey('perfectportal', type, origin.file, origin.line);
      badLine = issue('LEX_SOURCE_PP_BAD_RECORD', `record does not fit the export format: ${first?.path.join('.') || '(root)'}: ${first?.message}`, 'Correct the value in the export (format in docs/sources.md); the record is left out until then.', { ...origin, field: first?.path.join('.'), recordKey: idValue }, undefined, lost);
      return undefined;
    };
    let badLine: ReadMessage | undefined;
    const out: CanonicalRecordInput[] = [];
    const base = <T extends Parameters<typeof recordBase>[1]>(type: T, id: string, updatedAt: string) => recordBase('perfectportal', type, id, { updatedAt, raw: json as Record<string, unknown>, origin });
    const derived = (record: CanonicalRecordInput) => {
      if (!seen.has(record.sourceKey)) {
        seen.add(record.sourceKey);
        out.push(record);
      }
    };
    const customValues = (parentType: 'matter' | 'contact', parentId: string, updatedAt: string, values: Record<string, string | number | boolean | null>) => {
      for (const [name, value] of Object.entries(values)) {
        if (value === null || value === '') continue;
        const fieldId = `${parentType}-${slugOf(name)}`;
        derived({ ...recordBase('perfectportal', 'custom_field_definition', fieldId, { updatedAt: DERIVED_AT, raw: { name } }), name, parentType, fieldType: fieldTypeOf(value) });
        out.push({ ...recordBase('perfectportal', 'custom_field_value', `${parentId}-${fieldId}`, { updatedAt, raw: { [name]: value }, origin }), fieldRef: sourceKeyOf('perfectportal', 'custom_field_definition', fieldId), parentRef: sourceKeyOf('perfectportal', parentType, parentId), value });
      }
    };

    switch (key) {
      case 'users': {
        const u = checked(ppUserSchema);
        if (u) {
          const role = (u.role ?? '').toLowerCase();
          const [firstName, ...rest] = u.name.split(/\s+/);
          out.push({ ...base('user', u.id, u.updatedAt), name: u.name, firstName, lastName: rest.join(' ') || undefined, email: u.email, role: role.includes('paralegal') ? 'paralegal' : /partner|solicitor|attorney|fee earner|lawyer/.test(role) ? 'attorney' : role ? 'staff' : undefined });
        }
        break;
      }
      case 'parties': {
        const p = checked(ppPartySchema);
        if (p) {
          const a = p.address;
          out.push({
            ...base('contact', p.id, p.updatedAt),
            kind: p.kind === 'organisation' ? 'organization' : 'person',
            name: p.fullName,
            firstName: p.firstName,
            lastName: p.lastName,
            companyName: p.organisationName,
            emails: p.email ? [{ value: p.email, primary: true }] : [],
            phones: p.phone ? [{ value: p.phone, primary: true }] : [],
            addresses: a ? [{ street: a.line1, city: a.town, region: a.region, postalCode: a.postcode, country: a.country }] : [],
          });
          customValues('contact', p.id, p.updatedAt, p.customFields);
        }
        break;
      }
      case 'matters': {
        const m = checked(ppMatterSchema.extend({ clientPartyId: ppMatterSchema.shape.id.nullable().optional() }));
        if (m) {
          if (m.matterType) derived({ ...recordBase('perfectportal', 'practice_area', slugOf(m.matterType), { updatedAt: DERIVED_AT, raw: { matterType: m.matterType } }), kind: 'matter_type', name: m.matterType });
          const billing = m.billingArrangement?.toLowerCase() ?? '';
          out.push({
            ...base('matter', m.id, m.updatedAt),
            number: m.caseReference,
            description: m.matterName,
            status: MATTER_STATUS[m.status.toLowerCase()] ?? null,
            sourceStatus: m.status,
            practiceAreaRef: m.matterType ? sourceKeyOf('perfectportal', 'practice_area', slugOf(m.matterType)) : undefined,
            clientRef: ref('contact', m.clientPartyId) ?? null,
            responsibleUserRef: ref('user', m.assignedFeeEarnerId) ?? null,
            openedOn: m.openedDate,
            closedOn: m.closedDate,
            // A fee range becomes its midpoint (the seed's EstimatedValue rule); raw keeps the range.
            estimatedValue: m.amount === undefined ? undefined : typeof m.amount === 'number' ? m.amount : (m.amount.min + m.amount.max) / 2,
            billingMethod: billing.includes('fixed') || billing.includes('flat') ? 'flat' : billing.includes('hour') ? 'hourly' : billing.includes('contingen') || billing.includes('no win') ? 'contingency' : undefined,
            clientReference: m.referralSource,
          });
          customValues('matter', m.id, m.updatedAt, m.customFields);
        }
        break;
      }
      case 'matterParties': {
        const l = checked(ppMatterPartySchema);
        if (l) out.push({ ...base('participant', l.id, l.updatedAt), matterRef: ref('matter', l.matterId)!, contactRef: ref('contact', l.partyId)!, role: l.role, primary: l.isPrimary });
        break;
      }
      case 'milestones': {
        const s = checked(ppMilestoneSchema);
        if (s) out.push({ ...base('milestone', s.id, s.updatedAt), matterRef: ref('matter', s.matterId)!, name: s.name, sequence: s.order, enteredAt: s.stageEnteredAt, completedAt: s.completedAt, status: MILESTONE_STATUS[s.status] });
        break;
      }
      case 'attachments': {
        const d = checked(ppAttachmentSchema);
        if (d)
          out.push({
            ...base('document', d.id, d.updatedAt),
            matterRef: ref('matter', d.matterId) ?? null,
            name: d.fileName,
            contentType: d.contentType,
            size: d.sizeBytes,
            location: d.path ? { kind: 'file', path: d.path } : { kind: 'url', url: d.url },
            authorRef: ref('user', d.uploadedById) ?? null,
            createdAt: d.uploadedAt,
          });
        break;
      }
      case 'notes': {
        const n = checked(ppNoteSchema);
        if (n) out.push({ ...base('note', n.id, n.updatedAt), kind: 'note', parentRef: ref('matter', n.matterId) ?? null, subject: n.subject, body: n.body, notedAt: n.createdAt, authorRef: ref('user', n.authorId) ?? null });
        break;
      }
      case 'matterUpdates': {
        const u = checked(ppMatterUpdateSchema);
        // Matter updates share the notes stream; their ids get a prefix so they never collide with note ids.
        if (u) out.push({ ...base('note', `update-${u.id}`, u.updatedAt), kind: 'matter_update', parentRef: ref('matter', u.matterId) ?? null, subject: u.description.slice(0, 200), body: u.description, notedAt: u.occurredAt, authorRef: ref('user', u.userId) ?? null });
        break;
      }
    }
    if (badLine) yield badLine;
    for (const record of out) if (!since || record.updatedAt > since || record.updatedAt === DERIVED_AT) yield { kind: 'record', record: record as never };
  }

  return {
    declaration: perfectPortalDeclaration,
    async *read(entity: string, options: ReadOptions = {}) {
      const files = STREAMS[entity];
      if (!files) throw new LexError({ code: 'LEX_SOURCE_UNKNOWN_ENTITY', message: `perfectportal has no stream "${entity}"`, fix: `Use one of ${Object.keys(STREAMS).join(', ')}.` });
      const at = options.checkpoint;
      let index = at ? Math.max(0, files.findIndex((k) => PP_FILES[k] === at.file)) : 0;
      let skip = at && typeof at.lines === 'number' ? at.lines : 0;
      for (; index < files.length; index++) {
        yield* readFile(files[index]!, skip, options.since);
        skip = 0;
        const next = files[index + 1];
        if (next) yield { kind: 'checkpoint', checkpoint: { file: PP_FILES[next], lines: 0 } };
      }
    },
    async discover(): Promise<DiscoverResult> {
      const users: UserRecord[] = [];
      const definitions = new Map<string, CustomFieldDefinitionRecord>();
      for (const key of ['users', 'parties', 'matters'] as const)
        for await (const m of readFile(key, 0, undefined))
          if (m.kind === 'record' && m.record.type === 'user') users.push(m.record);
          else if (m.kind === 'record' && m.record.type === 'custom_field_definition') definitions.set(m.record.sourceKey, m.record);
      const entities = Object.entries(STREAMS).map(([name, keys]) => ({ name, count: keys.reduce((n, k) => n + (manifest.files[PP_FILES[k]] ?? 0), 0) }));
      return { entities, users, customFieldDefinitions: [...definitions.values()] };
    },
    async *openDocument(document: DocumentRecord): AsyncIterable<Uint8Array> {
      const stream: Readable = document.location.kind === 'file' ? pkg.open(document.location.path) : await fetchStream(document.location.kind === 'url' ? document.location.url : '');
      for await (const chunk of stream) yield chunk as Uint8Array;
    },
  };
}

async function readManifest(pkg: ExportPackage): Promise<PpManifest> {
  const notPackage = (message: string, cause?: unknown) =>
    new LexError({ code: 'LEX_SOURCE_PP_NOT_A_PACKAGE', message, fix: 'Pass --from a Perfect Portal export package: a folder or zip with manifest.json and .jsonl files (docs/sources.md).', location: { file: `${pkg.location}/manifest.json` }, cause });
  if (!pkg.has('manifest.json')) throw notPackage(`${pkg.location} has no manifest.json`);
  let text = '';
  for await (const { text: line } of pkg.lines('manifest.json')) text += line + '\n';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw notPackage(`manifest.json is not JSON: ${(cause as Error).message}`, cause);
  }
  const parsed = ppManifestSchema.safeParse(json);
  if (!parsed.success) throw notPackage(`manifest.json does not describe a ${'lexbridge-perfectportal-export'} v1 package: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, parsed.error);
  return parsed.data;
}

async function fetchStream(url: string): Promise<Readable> {
  const response = await fetch(url);
  if (!response.ok || !response.body)
    throw new LexError({ code: 'LEX_SOURCE_PP_DOCUMENT_UNREACHABLE', message: `${response.status} fetching the attachment`, fix: 'Portal URLs stop working after cutover: download attachments before the portal is switched off, or export them inside the package (attachments[].path).', location: { url }, transient: response.status >= 500 });
  return NodeReadable.fromWeb(response.body as never);
}

/** The record type each file's lines become (what a line that cannot be read counts as). */
const TYPE_OF_FILE: Record<PpFileKey, RecordType> = {
  users: 'user',
  parties: 'contact',
  matters: 'matter',
  matterParties: 'participant',
  milestones: 'milestone',
  attachments: 'document',
  notes: 'note',
  matterUpdates: 'note',
};

function issue(code: string, message: string, fix: string, location: LexError['location'], cause?: unknown, lost?: string): ReadMessage {
  return { kind: 'issue', error: new LexError({ code, message, fix, location, cause }), ...(lost ? { lost } : {}) };
}

function fieldTypeOf(value: string | number | boolean): CustomFieldDefinitionRecord['fieldType'] {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
  if (/^https?:\/\//.test(value)) return 'url';
  return 'text';
}
