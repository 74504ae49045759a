/**
 * What pre-flight reports: findings, each under a stable rule name. The data-quality rules use
 * the model's names (`matter-without-client`, `orphan`, …), the names the generator labels dirty
 * records with; the others say what in the profile or the environment needs attention.
 *
 * Severity: `blocking` must be fixed before a run (environment, profile, owners); `warning` is
 * data that will load degraded or fail with a reason (the run goes on and accounts for it);
 * `info` is context (counts, estimates, where a custom field lands).
 */
import type { ErrorLocation } from '../errors';

export type Severity = 'blocking' | 'warning' | 'info';

export interface FindingLocation extends ErrorLocation {
  table?: string;
  column?: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  sourceKey?: string;
  location: FindingLocation;
  message: string;
  fix: string;
}

/** Rules pre-flight adds to the model's data-quality rules (docs/preflight.md lists them all). */
export const PREFLIGHT_RULES = {
  'user-unmatched': 'A source user has no Dynamics user with the same email',
  'user-disabled': 'A source user matches a disabled Dynamics user',
  'user-matched-by-name': 'A source user without an email (Clio CSV) matched a Dynamics user by full name: check it',
  'fallback-owner': 'The fallback owner is missing, unknown or disabled while some owners need it',
  'custom-table-limit': 'Custom tables counted against the licence tier (15 on Sales Professional)',
  'missing-table': 'A table the profile writes does not exist in the environment',
  'missing-column': 'A column the profile writes does not exist in the environment',
  'unmapped-value': 'A status value has no entry in the profile\'s status map',
  'unmapped-role': 'A participant role has no connection role in the profile',
  'unmapped-entity': 'Records of a type the profile neither maps nor skips',
  'unmapped-field': 'A custom field lands in the JSON column (or only in the snapshot), or a proposal awaits review',
  'task-without-user': 'Seed 002: tasks must have an assigned user',
  'note-without-parent': 'Seed 002: notes will not import without a matter or contact',
  'map-error': 'Any other value the map cannot convert',
  'profile-draft': 'The profile is not confirmed yet',
  'profile-source': 'The profile was written for another source than the one staging holds',
  'entitlement': 'Dataverse daily request entitlement against the rows to write',
  'pre-existing-match': 'A source contact matches a row already in Dynamics (email, else account name): it is updated, keeping its id',
  'pre-existing-ambiguous': 'Several existing rows share the email or name: no match, a new row',
  'extraction-issue': 'A problem extraction recorded (bad row, bad column) that is not a data-quality rule',
  'environment-read': 'Something pre-flight could not read from the environment (a default was assumed)',
} as const;

export function formatFindingLocation(location: FindingLocation): string {
  const parts: string[] = [];
  if (location.file) parts.push(location.line !== undefined ? `${location.file}:${location.line}` : location.file);
  if (location.recordKey) parts.push(location.recordKey);
  if (location.field) parts.push(`field ${location.field}`);
  if (location.table) parts.push(location.column ? `${location.table}.${location.column}` : location.table);
  else if (location.column) parts.push(location.column);
  if (location.url) parts.push(location.url);
  return parts.join(' · ');
}

export type FindingSink = (finding: Finding) => void;

const SEVERITY_ORDER: Record<Severity, number> = { blocking: 0, warning: 1, info: 2 };

/** Collects findings once per rule and record: the same dirt found twice (staging and mapping) is reported once. */
export class FindingCollector {
  private readonly seen = new Set<string>();
  private readonly list: Finding[] = [];

  readonly add: FindingSink = (finding) => {
    const key = finding.sourceKey ? `${finding.rule}|${finding.sourceKey}` : `${finding.rule}|${finding.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(finding);
  };

  /** Blocking first, then warnings, then info; in the order found within each. */
  sorted(): Finding[] {
    return [...this.list].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  }
}
