/**
 * Writes a firm as a Perfect Portal export package (our format: sources/perfectportal/format.ts):
 * manifest.json plus one JSON Lines file per entity, and the content of small attachments under
 * files/. Perfect Portal tracks matters, parties, key stages, attachments, notes and matter
 * updates — no time, billing or tasks — so the firm's other records are not written.
 */
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { sourceKeyOf } from '../../model/keys';
import { slugOf } from '../../sources/clio-csv/columns';
import { PP_FILES, PP_FORMAT, PP_FORMAT_VERSION, type PpAttachment, type PpFileKey, type PpManifest, type PpMatter, type PpMatterParty, type PpMatterUpdate, type PpMilestone, type PpNote, type PpParty, type PpUser } from '../../sources/perfectportal/format';
import { matterDetails, type Firm, type FirmMatter } from '../firm';
import { RenderTally, type CustomFieldTruth, type RenderResult } from './types';

class JsonLines {
  private readonly stream: WriteStream;
  count = 0;
  constructor(file: string) {
    this.stream = createWriteStream(file);
  }
  async write(value: object): Promise<void> {
    this.count++;
    if (!this.stream.write(JSON.stringify(value) + '\n')) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

const STATUS = { open: 'Active', pending: 'On Hold', closed: 'Closed Won' } as const;
const MILESTONE = { not_started: 'NotStarted', in_progress: 'InProgress', completed: 'Completed' } as const;

export async function renderPerfectPortal(firm: Firm, outDir: string): Promise<RenderResult> {
  mkdirSync(outDir, { recursive: true });
  const tally = new RenderTally();
  const files = Object.fromEntries((Object.keys(PP_FILES) as PpFileKey[]).map((k) => [k, new JsonLines(path.join(outDir, PP_FILES[k]))])) as Record<PpFileKey, JsonLines>;
  const key = (type: Parameters<typeof sourceKeyOf>[1], id: string | number) => sourceKeyOf('perfectportal', type, id);
  const fieldsSeen = new Set<string>();
  const customFields = (parentType: 'matter' | 'contact', values: Record<number, string | number | boolean>) => {
    const out: Record<string, string | number | boolean> = {};
    for (const field of firm.customFields.filter((f) => f.parentType === parentType)) {
      const value = values[field.id];
      if (value === undefined || value === '') continue;
      out[field.name] = value;
      tally.count('custom_field_values');
      if (!fieldsSeen.has(`${parentType}-${field.name}`)) {
        fieldsSeen.add(`${parentType}-${field.name}`);
        tally.count('custom_field_definitions');
      }
    }
    return out;
  };

  for (const u of firm.users) {
    tally.record('users', key('user', u.id));
    await files.users.write({ id: String(u.id), name: `${u.firstName} ${u.lastName}`, email: u.email, role: u.role === 'attorney' ? 'Fee Earner' : u.role === 'paralegal' ? 'Paralegal' : 'Staff', updatedAt: firm.exportedAt } satisfies PpUser);
  }
  for (const c of firm.contacts) {
    tally.record('contacts', key('contact', c.id), c.dirt);
    await files.parties.write({
      id: String(c.id),
      kind: c.kind === 'organization' ? 'organisation' : 'individual',
      fullName: c.name,
      firstName: c.firstName,
      lastName: c.lastName,
      organisationName: c.companyName,
      email: c.email,
      phone: c.phone,
      address: { line1: c.address.street, town: c.address.city, region: c.address.region, postcode: c.address.postalCode, country: c.address.country },
      customFields: customFields('contact', c.customValues),
      updatedAt: c.updatedAt,
    } satisfies PpParty);
  }

  const matterTypes = new Set<number>();
  for (const m of firm.matters) {
    const area = firm.practiceAreas.find((a) => a.id === m.practiceAreaId)!;
    if (!matterTypes.has(area.id)) {
      matterTypes.add(area.id);
      tally.count('practice_areas');
    }
    tally.record('matters', key('matter', m.id), m.dirt);
    await files.matters.write({
      id: String(m.id),
      matterName: m.description,
      caseReference: m.number,
      matterType: area.name,
      status: m.status === 'closed' && m.id % 5 === 0 ? 'Closed Lost' : STATUS[m.status],
      openedDate: m.openedOn,
      closedDate: m.closedOn,
      assignedFeeEarnerId: String(m.responsibleUserId),
      clientPartyId: m.clientId === null ? null : String(m.clientId),
      amount: m.billingMethod === 'flat' ? m.estimatedValue : { min: m.estimatedValue * 0.8, max: m.estimatedValue * 1.2 },
      billingArrangement: m.billingMethod === 'flat' ? 'Fixed fee' : m.billingMethod === 'hourly' ? 'Hourly rates' : 'No win no fee',
      customFields: customFields('matter', m.customValues),
      updatedAt: m.updatedAt,
    } satisfies PpMatter & { clientPartyId: string | null });
    await renderMatterDetails(firm, m, files, tally, outDir);
  }
  for (const file of Object.values(files)) await file.close();

  const manifest: PpManifest = {
    format: PP_FORMAT,
    version: PP_FORMAT_VERSION,
    firm: firm.name,
    region: 'uk',
    exportedAt: firm.exportedAt,
    files: Object.fromEntries((Object.keys(PP_FILES) as PpFileKey[]).map((k) => [PP_FILES[k], files[k].count])),
  };

  const truth: CustomFieldTruth[] = firm.customFields.map((f) => ({ sourceKey: key('custom_field_definition', `${f.parentType}-${slugOf(f.name)}`), name: f.name, parentType: f.parentType, expectedTarget: f.expectedTarget }));
  // The package's manifest.json: `generate` merges its own keys (source, seed, counts, dirty) into it.
  const users = firm.users.map((u) => ({ sourceKey: key('user', u.id), name: `${u.firstName} ${u.lastName}`, email: u.email, inDynamics: u.inDynamics }));
  return { ...tally.result(truth), users, packageManifest: manifest };
}

async function renderMatterDetails(firm: Firm, m: FirmMatter, files: Record<PpFileKey, JsonLines>, tally: RenderTally, outDir: string): Promise<void> {
  const key = (type: Parameters<typeof sourceKeyOf>[1], id: string | number) => sourceKeyOf('perfectportal', type, id);
  const d = matterDetails(firm, m);
  if (m.clientId !== null) {
    tally.record('participants', key('participant', `client-${m.id}`));
    await files.matterParties.write({ id: `client-${m.id}`, matterId: String(m.id), partyId: String(m.clientId), role: 'Client', isPrimary: true, updatedAt: m.updatedAt } satisfies PpMatterParty);
  }
  for (const p of d.participants) {
    tally.record('participants', key('participant', p.id), p.dirt);
    await files.matterParties.write({ id: String(p.id), matterId: String(p.matterId), partyId: String(p.contactId), role: p.role, isPrimary: false, updatedAt: p.updatedAt } satisfies PpMatterParty);
  }
  for (const s of d.milestones) {
    tally.record('milestones', key('milestone', s.id), s.dirt);
    await files.milestones.write({ id: String(s.id), matterId: String(s.matterId), name: s.name, order: s.sequence, stageEnteredAt: s.enteredAt, completedAt: s.completedAt, status: MILESTONE[s.status], updatedAt: s.updatedAt } satisfies PpMilestone);
  }
  for (const doc of d.documents) {
    tally.record('documents', key('document', doc.id), doc.dirt);
    let filePath: string | undefined;
    if (doc.content !== null) {
      filePath = `files/${doc.id}/${doc.name}`;
      mkdirSync(path.join(outDir, 'files', String(doc.id)), { recursive: true });
      writeFileSync(path.join(outDir, filePath), doc.content);
    }
    await files.attachments.write({ id: String(doc.id), matterId: String(doc.matterId), fileName: doc.name, contentType: doc.contentType, sizeBytes: doc.size, url: `https://firm.perfectportal.example/attachments/${doc.id}`, path: filePath, uploadedAt: doc.createdAt, uploadedById: String(doc.authorId), updatedAt: doc.updatedAt } satisfies PpAttachment);
  }
  for (const n of d.notes) {
    if (n.kind === 'note') {
      tally.record('notes', key('note', n.id), n.dirt);
      await files.notes.write({ id: String(n.id), matterId: String(n.matterId), subject: n.subject, body: n.body, createdAt: n.notedAt, authorId: String(n.authorId), updatedAt: n.updatedAt } satisfies PpNote);
    } else {
      tally.record('notes', key('note', `update-${n.id}`), n.dirt);
      await files.matterUpdates.write({ id: String(n.id), matterId: String(n.matterId), description: `${n.subject}. ${n.body}`, occurredAt: n.notedAt, userId: String(n.authorId), updatedAt: n.updatedAt } satisfies PpMatterUpdate);
    }
  }
}
