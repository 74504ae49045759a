/**
 * The Perfect Portal export package. Perfect Portal publishes no API and no export format
 * (reference/notes/sources.md §4), so this is OUR definition, modelled on seed 004 (matters with
 * parties, key-stage milestones with stage-entered timestamps, attachments as URLs, notes and
 * matter updates). A firm asks Perfect Portal (or its PMS) for an export in this shape, or
 * converts whatever it gets into it. Documented in docs/sources.md.
 *
 * A package is a folder (or a .zip of that folder) holding `manifest.json` and one JSON Lines
 * file per entity (one JSON object per line, UTF-8). Files may be absent when empty.
 */
import { z } from 'zod';

export const PP_FORMAT = 'lexbridge-perfectportal-export';
export const PP_FORMAT_VERSION = 1;

export const PP_FILES = {
  users: 'users.jsonl',
  parties: 'parties.jsonl',
  matters: 'matters.jsonl',
  matterParties: 'matter-parties.jsonl',
  milestones: 'milestones.jsonl',
  attachments: 'attachments.jsonl',
  notes: 'notes.jsonl',
  matterUpdates: 'matter-updates.jsonl',
} as const;
export type PpFileKey = keyof typeof PP_FILES;

const instant = z.iso.datetime({ offset: true });
const day = z.iso.date();
const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const customFields = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({});

export const ppManifestSchema = z.object({
  format: z.literal(PP_FORMAT),
  version: z.literal(PP_FORMAT_VERSION),
  firm: z.string().optional(),
  region: z.enum(['au', 'ca', 'nz', 'uk', 'us']).optional(),
  exportedAt: instant,
  /** Record count per file, so an incomplete copy is noticed. Other keys are allowed and ignored. */
  files: z.record(z.string(), z.number().int().nonnegative()).default({}),
});

/** Fee earners and staff. */
export const ppUserSchema = z.object({ id, name: z.string(), email: z.string().optional(), role: z.string().optional(), updatedAt: instant });

/** A client card or contact: an individual or an organisation. */
export const ppPartySchema = z.object({
  id,
  kind: z.enum(['individual', 'organisation']),
  fullName: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  organisationName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  address: z.object({ line1: z.string().optional(), town: z.string().optional(), region: z.string().optional(), postcode: z.string().optional(), country: z.string().optional() }).optional(),
  customFields,
  updatedAt: instant,
});

export const PP_MATTER_STATUSES = ['Active', 'On Hold', 'Closed Won', 'Closed Lost'] as const;

export const ppMatterSchema = z.object({
  id,
  matterName: z.string().default(''),
  caseReference: z.string().optional(),
  matterType: z.string().optional(),
  status: z.string(),
  openedDate: day.optional(),
  closedDate: day.nullable().optional(),
  assignedFeeEarnerId: id.nullable().optional(),
  /** A quoted amount, or a range (the seed: "fee ranges rather than a single amount"). */
  amount: z.union([z.number(), z.object({ min: z.number(), max: z.number() })]).optional(),
  billingArrangement: z.string().optional(),
  referralSource: z.string().optional(),
  customFields,
  updatedAt: instant,
});

/** A party in a role on a matter; the client is the party with role "Client". */
export const ppMatterPartySchema = z.object({ id, matterId: id, partyId: id, role: z.string(), isPrimary: z.boolean().default(false), updatedAt: instant });

export const ppMilestoneSchema = z.object({
  id,
  matterId: id,
  name: z.string(),
  order: z.number().int().nonnegative(),
  stageEnteredAt: instant.nullable().optional(),
  completedAt: instant.nullable().optional(),
  status: z.enum(['NotStarted', 'InProgress', 'Completed', 'Skipped']),
  updatedAt: instant,
});

export const ppAttachmentSchema = z.object({
  id,
  matterId: id,
  fileName: z.string(),
  contentType: z.string().optional(),
  sizeBytes: z.number().int().nonnegative(),
  /** Where the portal serves the file (dead after cutover: the seed's 404 gotcha). */
  url: z.string(),
  /** Path of the file inside the package, when the export includes the content. */
  path: z.string().optional(),
  uploadedAt: instant.optional(),
  uploadedById: id.optional(),
  updatedAt: instant,
});

export const ppNoteSchema = z.object({ id, matterId: id, subject: z.string().optional(), body: z.string(), createdAt: instant, authorId: id.optional(), updatedAt: instant });

/** Status changes and system-logged events on a matter. */
export const ppMatterUpdateSchema = z.object({ id, matterId: id, description: z.string(), occurredAt: instant, userId: id.optional(), updatedAt: instant });

export type PpManifest = z.infer<typeof ppManifestSchema>;
export type PpUser = z.input<typeof ppUserSchema>;
export type PpParty = z.input<typeof ppPartySchema>;
export type PpMatter = z.input<typeof ppMatterSchema>;
export type PpMatterParty = z.input<typeof ppMatterPartySchema>;
export type PpMilestone = z.input<typeof ppMilestoneSchema>;
export type PpAttachment = z.input<typeof ppAttachmentSchema>;
export type PpNote = z.input<typeof ppNoteSchema>;
export type PpMatterUpdate = z.input<typeof ppMatterUpdateSchema>;
