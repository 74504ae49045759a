/**
 * Pre-flight: everything that can be known before the first write, from staging, the profile
 * and a read-only look at the environment. Pure: the caller reads staging and Dataverse
 * (`environment.ts`, `run.ts`) and hands the data here, so the same checks run anywhere.
 */
import { createContext, type SystemUser } from '../mapping/context';
import type { MappableRecord } from '../mapping/engine';
import type { Profile } from '../mapping/profile';
import type { SourceKind } from '../sources/contract';
import { schema, type SolutionSchema } from '../../../solution/src/schema';
import { estimate, type Estimates } from './estimates';
import { FindingCollector, type Finding, type FindingLocation } from './findings';
import { grade, type Grade } from './grade';
import { matchExisting, type ExistingRows } from './matches';
import { checkData } from './rules/data';
import { checkFields } from './rules/fields';
import { checkMapping } from './rules/mapping';
import { checkTarget } from './rules/target';
import { checkUsers } from './rules/users';

export { requiredColumns } from './rules/target';
export { unreadFields } from './rules/fields';

/** What pre-flight read from the environment. Absent parts could not be read (a finding says so). */
export interface EnvironmentFacts {
  systemUsers: readonly SystemUser[];
  /** Table → its column names, for the tables the profile writes; a table not in the map is missing. */
  tables?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Logical names of the environment's custom tables. */
  customTables?: readonly string[];
  /** `organization.maxuploadfilesize` in bytes (Base64 size of a note attachment). */
  maxUploadFileSize: number;
  /** Findings about the reading itself (defaults assumed). */
  notes: readonly Finding[];
  /** Contacts and accounts already in Dynamics (not migrated by Lexbridge), for matching. */
  existing?: ExistingRows;
}

export interface StagedIssueInput {
  entity?: string;
  sourceKey?: string;
  rule?: string;
  code: string;
  message: string;
  fix: string;
  location: FindingLocation;
}

export interface PreflightInput {
  source: SourceKind;
  profile: Profile;
  /** The extracted records: an array, or a function that streams them afresh (pre-flight reads them several times). */
  records: readonly MappableRecord[] | (() => Iterable<MappableRecord>);
  stagingIssues?: readonly StagedIssueInput[];
  environment: EnvironmentFacts;
  /** Custom tables the licence allows: 15 on Sales Professional, unlimited (Infinity) on Enterprise. */
  customTableLimit?: number;
  /** D365 user licences in the tenant (they grow the daily request pool). */
  licences?: number;
  /** The source kind staging says it holds, to catch a profile written for another source. */
  stagingSource?: string;
  solution?: SolutionSchema;
}

export interface PreflightReport {
  source: SourceKind;
  profile: { name: string; version: number; status: string; hash?: string };
  blocking: number;
  findings: Finding[];
  records: Record<string, number>;
  rows: Record<string, number>;
  users: { matched: number; unmatched: number; disabled: number; fallbackOwner?: string };
  /** Target key → id of a row that already exists: the run updates it instead of creating one. */
  matches: Record<string, string>;
  estimates: Estimates;
  grade: Grade;
}

export function runPreflight(input: PreflightInput): PreflightReport {
  const { profile, environment } = input;
  const source = input.records;
  const records = typeof source === 'function' ? source : () => source;
  const solution = input.solution ?? schema;
  const findings = new FindingCollector();
  const add = findings.add;

  if (profile.status !== 'confirmed')
    add({
      rule: 'profile-draft',
      severity: 'warning',
      location: { field: 'status' },
      message: `profile "${profile.name}" v${profile.version} is a draft: no record moves until a person confirms it`,
      fix: 'Review the map (proposals included), then `lexbridge map confirm <profile.json> --by <your email>`.',
    });

  if (input.stagingSource && input.stagingSource !== profile.source)
    add({
      rule: 'profile-source',
      severity: 'warning',
      location: { field: 'source' },
      message: `the profile is written for ${profile.source} but staging holds ${input.stagingSource}`,
      fix: `Use a profile for ${input.stagingSource}: \`lexbridge map --from <staging dir> --out profile.json\` starts from its default.`,
    });

  // Rows already in Dynamics: matched first, so every row mapped below knows its real id.
  let matches = new Map<string, string>();
  if (environment.existing) {
    const probe = createContext({ profile, records: records(), systemUsers: environment.systemUsers });
    const found = matchExisting(records(), profile, probe.context, environment.existing);
    matches = found.matches;
    found.findings.forEach(add);
  }
  const built = createContext({ profile, records: records(), systemUsers: environment.systemUsers, preExisting: matches });

  const owners = checkUsers(records, profile, built.users, add);
  const { counts, rows, stateChanges } = checkMapping(records, profile, built.context, add);
  checkData(records, environment.maxUploadFileSize, add);
  for (const issue of input.stagingIssues ?? [])
    add({ rule: issue.rule ?? 'extraction-issue', severity: 'warning', ...(issue.sourceKey ? { sourceKey: issue.sourceKey } : {}), location: issue.location, message: issue.message, fix: issue.fix });
  checkTarget(environment, profile, input.customTableLimit ?? 15, solution, add);
  for (const note of environment.notes) add(note);
  const customFields = checkFields(records, profile, solution, add);

  const estimates = estimate({ source: input.source, records: counts, documents: counts['document'] ?? 0, rows, stateChanges, licences: input.licences ?? 10 });
  add({
    rule: 'entitlement',
    severity: estimates.loadDays.value > 1 ? 'warning' : 'info',
    location: {},
    message:
      `${estimates.dataverseRequests.value.toLocaleString('en-US')} Dataverse requests against a pool of ${estimates.dailyEntitlement.value.toLocaleString('en-US')}/24 h: ` +
      `${estimates.loadDays.value} day(s); load about ${estimates.loadHours.value} h, extraction about ${estimates.extractionHours.value} h`,
    fix: estimates.loadDays.value > 1 ? 'Spread the load over several days, or buy request capacity add-ons (+50,000/24 h each).' : 'None needed.',
  });

  const sorted = findings.sorted();
  const mapBlocking = sorted.filter((f) => f.severity === 'blocking' && ['unmapped-value', 'missing-column', 'missing-table'].includes(f.rule)).length;
  return {
    source: input.source,
    profile: { name: profile.name, version: profile.version, status: profile.status, ...(profile.hash ? { hash: profile.hash } : {}) },
    blocking: sorted.filter((f) => f.severity === 'blocking').length,
    findings: sorted,
    records: counts,
    rows,
    users: { matched: built.users.resolved.size, unmatched: built.users.unmatched.length, disabled: built.users.disabled.length, ...owners },
    matches: Object.fromEntries(matches),
    estimates,
    grade: grade({ source: input.source, profile, records: counts, customFields, mapBlocking, estimates }),
  };
}
