/**
 * Data-quality rules: the kinds of dirt the seeds warn about. The generator labels dirty records
 * with these names and extraction reports findings under the same names, so a test can check
 * that every labelled record was reported.
 *
 * Where each rule is detected:
 * - record by record, here (`checkRecord`, run by staging on every record of every source):
 *   matter-without-client, blank-description, time-without-user, phone-in-email,
 *   oversized-document, odd-encoding, oversized-text;
 * - by the connector while parsing the source: bad-date (the value cannot be read as a date),
 *   formula-injection (CSV cells), plus bad rows/columns (which are not dirt rules but issues);
 * - across records, by staging at the end of an extraction: duplicate (two contacts with the
 *   same email or name) and orphan (a reference to a record the source does not have).
 * Pre-flight re-checks duplicates and orphans against the target before loading.
 */
import { findColumn, tableByLogicalName } from '../../../solution/src/schema';
import type { CanonicalRecord } from './records';

export const DIRT_RULES = [
  'matter-without-client',
  'blank-description',
  'time-without-user',
  'phone-in-email',
  'duplicate',
  'bad-date',
  'orphan',
  'oversized-document',
  'odd-encoding',
  'formula-injection',
  'oversized-text',
] as const;
export type DirtRule = (typeof DIRT_RULES)[number];

/** Dataverse's default `maxuploadfilesize` (5 MB): larger files go to SharePoint, not annotations. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/** `annotation.notetext`'s length in the schema (100,000): note and message bodies land there. */
export const MAX_NOTE_TEXT = (() => {
  const column = findColumn(tableByLogicalName('annotation')!, 'notetext');
  if (column?.type.kind !== 'memo') throw new Error('the schema has no memo annotation.notetext');
  return column.type.maxLength;
})();

export interface QualityFinding {
  rule: DirtRule;
  field: string;
  message: string;
  fix: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** U+FFFD (bytes that were not valid in the declared encoding) or UTF-8 read as Windows-1252 ("JosÃ©"). */
const MOJIBAKE = /\uFFFD|Ã[\u0080-\u00BF\u0100-\u017F\u2018-\u203A]|Â[\u00A0-\u00BF]|â€/;

export function checkRecord(record: CanonicalRecord): QualityFinding[] {
  const findings: QualityFinding[] = [];
  switch (record.type) {
    case 'matter':
      if (!record.clientRef)
        findings.push({
          rule: 'matter-without-client',
          field: 'clientRef',
          message: `matter ${record.number ?? record.key.id} has no client`,
          fix: 'Assign a client in the source, or set a fallback client in the mapping profile (`fallbackClient`).',
        });
      if (!record.description?.trim())
        findings.push({
          rule: 'blank-description',
          field: 'description',
          message: `matter ${record.number ?? record.key.id} has a blank description`,
          fix: 'Add a description in the source; otherwise the mapping uses the matter number as the name.',
        });
      break;
    case 'time_entry':
      if (!record.userRef)
        findings.push({
          rule: 'time-without-user',
          field: 'userRef',
          message: 'time entry has no user',
          fix: 'Assign the user in the source, or map it to a fallback timekeeper in the profile (`fallbackUser`).',
        });
      break;
    case 'contact':
      for (const email of record.emails)
        if (!EMAIL.test(email.value.trim()))
          findings.push({
            rule: 'phone-in-email',
            field: 'emails',
            message: `"${email.value}" in an email field is not an email address${/^[\d\s()+.-]{6,}$/.test(email.value) ? ' (it looks like a phone number)' : ''}`,
            fix: 'Move the value to the phone field in the source; the email is left empty in Dynamics until then.',
          });
      break;
    case 'document':
      if (record.size !== undefined && record.size > MAX_ATTACHMENT_BYTES)
        findings.push({
          rule: 'oversized-document',
          field: 'size',
          message: `document "${record.name}" is ${record.size} bytes, over the ${MAX_ATTACHMENT_BYTES}-byte attachment limit`,
          fix: 'It is linked through a SharePoint document location instead of an annotation; check SharePoint integration is on.',
        });
      break;
    case 'note':
    case 'communication':
      // Notes, and messages that are neither email nor call, become annotations.
      if (record.body && record.body.length > MAX_NOTE_TEXT && (record.type === 'note' || record.kind === 'other'))
        findings.push({
          rule: 'oversized-text',
          field: 'body',
          message: `the ${record.type} body is ${record.body.length} characters; annotation.notetext holds ${MAX_NOTE_TEXT}`,
          fix: `Dynamics gets the first ${MAX_NOTE_TEXT} characters (the profile truncates notetext); the full text stays in the staging store's raw record. Split the note in the source, or attach it as a document, if the rest matters.`,
        });
      break;
    default:
      break;
  }
  const odd = findOddEncoding(record);
  if (odd)
    findings.push({
      rule: 'odd-encoding',
      field: odd.field,
      message: `"${odd.value.slice(0, 60)}" looks wrongly decoded (mojibake or replacement characters)`,
      fix: 'Re-export the file as UTF-8, or pass `--encoding windows-1252` if the whole file is in that encoding.',
    });
  return findings;
}

function findOddEncoding(record: CanonicalRecord): { field: string; value: string } | undefined {
  for (const [field, value] of Object.entries(record)) {
    if (field === 'raw' || field === 'key') continue;
    if (typeof value === 'string' && MOJIBAKE.test(value)) return { field, value };
  }
  return undefined;
}

/** Fields holding source keys of other records, for orphan checks (`orphan` rule). */
export function referencesOf(record: CanonicalRecord): { field: string; ref: string }[] {
  const refs: { field: string; ref: string }[] = [];
  for (const [field, value] of Object.entries(record)) {
    if (field.endsWith('Ref') && typeof value === 'string') refs.push({ field, ref: value });
    if (field.endsWith('Refs') && Array.isArray(value))
      for (const ref of value) if (typeof ref === 'string') refs.push({ field, ref });
  }
  return refs;
}

/** Identity used to spot duplicate contacts: email when there is one, else the name. */
export function duplicateKeyOf(record: CanonicalRecord): string | undefined {
  if (record.type !== 'contact') return undefined;
  const email = record.emails.find((e) => EMAIL.test(e.value.trim()))?.value.trim().toLowerCase();
  if (email) return `email:${email}`;
  const name = record.name.trim().toLowerCase().replace(/\s+/g, ' ');
  return name ? `name:${record.kind}:${name}` : undefined;
}
