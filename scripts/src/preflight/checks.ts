/**
 * Pre-flight: everything that can be known before the first write, from staging, the profile
 * and a read-only look at the environment. Pure: the caller reads staging and Dataverse
 * (`environment.ts`, `run.ts`) and hands the data here, so the same checks run anywhere.
 */
import { CUSTOM_FIELDS_JSON, PROVENANCE } from '../mapping/columns';
import { createContext, setupOps, type SystemUser } from '../mapping/context';
import { mapRecord, type MappableRecord } from '../mapping/engine';
import type { Profile } from '../mapping/profile';
import { fieldsFromRecords, proposeField } from '../mapping/proposer';
import { checkRecord, duplicateKeyOf, referencesOf, type CanonicalRecord } from '../model';
import type { SourceKind } from '../sources/contract';
import { schema, type SolutionSchema } from '../../../solution/src/schema';
import { estimate, type Estimates } from './estimates';
import type { Finding, FindingLocation, Severity } from './findings';
import { grade, type Grade } from './grade';
import { matchExisting, type ExistingRows } from './matches';

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
  records: readonly MappableRecord[];
  stagingIssues?: readonly StagedIssueInput[];
  environment: EnvironmentFacts;
  /** Custom tables the licence allows: 15 on Sales Professional, unlimited (Infinity) on Enterprise. */
  customTableLimit?: number;
  /** D365 user licences in the tenant (they grow the daily request pool). */
  licences?: number;
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

const SEVERITY_ORDER: Record<Severity, number> = { blocking: 0, warning: 1, info: 2 };
const USER_REF = /^[a-z]+:user:/;

export function runPreflight(input: PreflightInput): PreflightReport {
  const { profile, records, environment } = input;
  const solution = input.solution ?? schema;
  const findings: Finding[] = [];
  const seen = new Set<string>();
  /** One finding per rule and record: the same dirt found twice (staging and mapping) is reported once. */
  const add = (f: Finding) => {
    const key = f.sourceKey ? `${f.rule}|${f.sourceKey}` : `${f.rule}|${f.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };

  if (profile.status !== 'confirmed')
    add({
      rule: 'profile-draft',
      severity: 'warning',
      location: { field: 'status' },
      message: `profile "${profile.name}" v${profile.version} is a draft: no record moves until a person confirms it`,
      fix: 'Review the map (proposals included), then `lexbridge map confirm <profile.json> --by <your email>`.',
    });

  // Rows already in Dynamics: matched first, so every row mapped below knows its real id.
  let matches = new Map<string, string>();
  if (environment.existing) {
    const probe = createContext({ profile, records, systemUsers: environment.systemUsers });
    const found = matchExisting(records, profile, probe.context, environment.existing);
    matches = found.matches;
    found.findings.forEach(add);
  }

  // Users: who owns what once migrated.
  const built = createContext({ profile, records, systemUsers: environment.systemUsers, preExisting: matches });
  const ownedBy = new Map<string, number>();
  for (const r of records) for (const { ref } of referencesOf(r as unknown as CanonicalRecord)) if (USER_REF.test(ref)) ownedBy.set(ref, (ownedBy.get(ref) ?? 0) + 1);
  const fallback = profile.owners.fallbackOwnerEmail;
  const fallbackOk = built.users.fallbackOwnerId !== undefined;
  let ownersNeedingFallback = 0;
  const userFinding = (rule: 'user-unmatched' | 'user-disabled', user: MappableRecord, why: string) => {
    const refs = ownedBy.get(user.sourceKey) ?? 0;
    if (refs > 0) ownersNeedingFallback++;
    add({
      rule,
      severity: refs === 0 ? 'info' : fallbackOk ? 'warning' : 'blocking',
      sourceKey: user.sourceKey,
      location: { recordKey: user.sourceKey, field: 'email' },
      message: `${String(user['name'] ?? user.sourceKey)} <${String(user['email'] ?? 'no email')}> ${why}; ${refs} record(s) reference them` + (fallbackOk && refs ? `, they go to the fallback owner ${fallback}` : ''),
      fix: fallbackOk
        ? 'Create or enable the user in Dynamics with the same email to keep ownership, or accept the fallback owner.'
        : 'Create or enable the user in Dynamics with the same email, or set "owners.fallbackOwnerEmail" in the profile to an enabled Dynamics user.',
    });
  };
  for (const user of built.users.unmatched) userFinding('user-unmatched', user, 'has no Dynamics user with the same email');
  for (const { user } of built.users.disabled) userFinding('user-disabled', user, 'matches a disabled Dynamics user');
  if (built.users.fallbackProblem || (!fallback && ownersNeedingFallback > 0))
    add({
      rule: 'fallback-owner',
      severity: ownersNeedingFallback > 0 ? 'blocking' : 'warning',
      location: { field: 'owners.fallbackOwnerEmail' },
      message: built.users.fallbackProblem ?? `${ownersNeedingFallback} source user(s) owning records have no Dynamics user and the profile names no fallback owner`,
      fix: 'Set "owners.fallbackOwnerEmail" in the profile to the email of an enabled Dynamics user.',
    });

  // Map every record: what it becomes, and what the map cannot do.
  const rows: Record<string, number> = {};
  const counts: Record<string, number> = {};
  let stateChanges = 0;
  // One finding per unmapped value, role or type, counting the records (a matter gives two rows).
  const aggregated = new Map<string, { finding: Finding; records: Set<string> }>();
  const aggregate = (key: string, finding: Finding) => {
    const hit = aggregated.get(key);
    if (hit) hit.records.add(finding.sourceKey!);
    else aggregated.set(key, { finding, records: new Set([finding.sourceKey!]) });
  };
  for (const op of setupOps(profile)) rows[op.table] = (rows[op.table] ?? 0) + 1;
  for (const record of records) {
    counts[record.type] = (counts[record.type] ?? 0) + 1;
    const { ops, errors } = mapRecord(record, profile, built.context);
    for (const op of ops) {
      rows[op.table] = (rows[op.table] ?? 0) + 1;
      if (op.state) stateChanges++;
    }
    for (const e of errors) {
      const location: FindingLocation = { recordKey: record.sourceKey, ...(e.location.field ? { field: e.location.field } : {}) };
      switch (e.code) {
        case 'LEX_MAP_UNMAPPED_STATUS':
        case 'LEX_MAP_UNMAPPED_VALUE': {
          const value = /"([^"]*)"/.exec(e.message)?.[1] ?? e.message;
          aggregate(`value|${record.type}|${e.location.field}|${value}`, {
            rule: 'unmapped-value',
            severity: e.code === 'LEX_MAP_UNMAPPED_STATUS' ? 'blocking' : 'warning',
            sourceKey: record.sourceKey,
            location,
            message: `${record.type} ${e.message}`,
            fix: e.fix,
          });
          break;
        }
        case 'LEX_MAP_UNMAPPED_ROLE': {
          const role = /role "([^"]*)"/.exec(e.message)?.[1] ?? e.message;
          aggregate(`role|${role}`, { rule: 'unmapped-role', severity: 'warning', sourceKey: record.sourceKey, location, message: e.message, fix: e.fix });
          break;
        }
        case 'LEX_MAP_ENTITY_NOT_MAPPED':
          aggregate(`entity|${record.type}`, { rule: 'unmapped-entity', severity: 'warning', sourceKey: record.sourceKey, location, message: e.message, fix: e.fix });
          break;
        case 'LEX_MAP_USER_UNRESOLVED':
          break; // reported once per user above
        default:
          add({ rule: ruleOfMapError(record, e.code, e.message, e.location.field), severity: 'warning', sourceKey: record.sourceKey, location, message: e.message, fix: e.fix });
      }
    }
  }
  for (const { finding, records: keys } of aggregated.values())
    add({ ...finding, message: keys.size > 1 ? `${finding.message} (${keys.size} records, e.g. ${finding.sourceKey})` : finding.message });

  // Data rules: the model's quality rules and seed 002's import rules, record by record.
  const keys = new Set(records.map((r) => r.sourceKey));
  const firstOfDuplicate = new Map<string, string>();
  const limit = environment.maxUploadFileSize;
  for (const record of records) {
    const canonical = record as unknown as CanonicalRecord;
    for (const q of safe(() => checkRecord(canonical), [])) {
      if (q.rule === 'oversized-document') continue; // judged against this environment's limit below
      add({ rule: q.rule, severity: 'warning', sourceKey: record.sourceKey, location: { recordKey: record.sourceKey, field: q.field }, message: q.message, fix: q.fix });
    }
    const dupKey = safe(() => duplicateKeyOf(canonical), undefined);
    if (dupKey) {
      const first = firstOfDuplicate.get(dupKey);
      if (first === undefined) firstOfDuplicate.set(dupKey, record.sourceKey);
      else
        add({
          rule: 'duplicate',
          severity: 'warning',
          sourceKey: record.sourceKey,
          location: { recordKey: record.sourceKey, field: dupKey.startsWith('email:') ? 'emails' : 'name' },
          message: `${record.sourceKey} looks like a duplicate of ${first} (same ${dupKey.startsWith('email:') ? 'email' : 'name'})`,
          fix: 'Merge the two in the source before the migration (the seeds: nobody cleans duplicates for you), or accept two rows.',
        });
    }
    for (const { field, ref } of safe(() => referencesOf(canonical), [])) {
      if (keys.has(ref)) continue;
      add({
        rule: 'orphan',
        severity: 'warning',
        sourceKey: record.sourceKey,
        location: { recordKey: record.sourceKey, field },
        message: `${record.sourceKey} refers to ${ref}, which is not among the extracted records`,
        fix: 'Check the export is complete, or fix the reference in the source; the row loads without that link.',
      });
    }
    if (record.type === 'document' && typeof record['size'] === 'number') {
      const base64 = Math.ceil(record['size'] / 3) * 4;
      if (base64 > limit)
        add({
          rule: 'oversized-document',
          severity: 'warning',
          sourceKey: record.sourceKey,
          location: { recordKey: record.sourceKey, field: 'size' },
          message: `${String(record['name'])} is ${mb(record['size'])} (${mb(base64)} as Base64), over this environment's maxuploadfilesize of ${mb(limit)}`,
          fix: 'It is linked as a SharePoint document location instead of a note attachment; or raise "Maximum file size" in the environment\'s email settings (up to 128 MB).',
        });
    }
    if (record.type === 'task' && !record['assigneeRef'])
      add({ rule: 'task-without-user', severity: 'warning', sourceKey: record.sourceKey, location: { recordKey: record.sourceKey, field: 'assigneeRef' }, message: `task ${String(record['name'] ?? record.sourceKey)} has no assigned user`, fix: 'Assign the task in the source, or accept the fallback owner (seed 002: tasks must have an assigned user).' });
    if (record.type === 'note' && !record['parentRef'])
      add({ rule: 'note-without-parent', severity: 'warning', sourceKey: record.sourceKey, location: { recordKey: record.sourceKey, field: 'parentRef' }, message: `note ${record.sourceKey} belongs to no matter or contact`, fix: 'Attach the note to a matter or contact in the source (seed 002: notes do not import without one).' });
  }

  for (const issue of input.stagingIssues ?? [])
    add({
      rule: issue.rule ?? 'extraction-issue',
      severity: 'warning',
      ...(issue.sourceKey ? { sourceKey: issue.sourceKey } : {}),
      location: issue.location,
      message: issue.message,
      fix: issue.fix,
    });

  // The environment: tables and columns the profile writes, the custom-table ceiling.
  checkEnvironment(input, solution, add);
  for (const note of environment.notes) add(note);

  // Canonical fields the profile never reads: they reach Dynamics only inside the snapshot.
  for (const [type, fields] of unreadFields(profile, records))
    for (const [field, count] of fields)
      add({
        rule: 'unmapped-field',
        severity: 'info',
        location: { field: `${type}.${field}` },
        message: `${type}.${field} has values on ${count} record(s) but the profile maps it nowhere; it is kept only in ${PROVENANCE.snapshot}`,
        fix: `Map it in "entities.${type}" of the profile if Dynamics should show it.`,
      });

  // Custom fields: where each lands.
  const fields = fieldsFromRecords(records);
  let explicit = 0;
  for (const field of fields) {
    const placed = profile.customFields[`${field.entity}.${field.name}`];
    if (placed && 'column' in placed) {
      explicit++;
      continue;
    }
    const proposal = profile.proposals.find((p) => p.entity === field.entity && p.field === field.name) ?? proposeField(field, profile, solution);
    add({
      rule: 'unmapped-field',
      severity: 'info',
      location: { field: `${field.entity}.${field.name}`, table: proposal.table, column: proposal.column },
      message: placed
        ? `${field.entity} custom field "${field.name}" goes to the JSON column by choice`
        : `${field.entity} custom field "${field.name}" has no explicit column; proposal: ${proposal.table}.${proposal.column} (score ${proposal.score}): ${proposal.reason}`,
      fix: `Map it in the profile's "customFields" ("${field.entity}.${field.name}": { "table": "…", "column": "…" }) or leave it in the JSON column.`,
    });
  }

  const documents = counts['document'] ?? 0;
  const estimates = estimate({ source: input.source, records: counts, documents, rows, stateChanges, licences: input.licences ?? 10 });
  add({
    rule: 'entitlement',
    severity: estimates.loadDays.value > 1 ? 'warning' : 'info',
    location: {},
    message:
      `${estimates.dataverseRequests.value.toLocaleString('en-US')} Dataverse requests against a pool of ${estimates.dailyEntitlement.value.toLocaleString('en-US')}/24 h: ` +
      `${estimates.loadDays.value} day(s); load about ${estimates.loadHours.value} h, extraction about ${estimates.extractionHours.value} h`,
    fix: estimates.loadDays.value > 1 ? 'Spread the load over several days, or buy request capacity add-ons (+50,000/24 h each).' : 'None needed.',
  });

  const mapBlocking = findings.filter((f) => f.severity === 'blocking' && ['unmapped-value', 'missing-column', 'missing-table'].includes(f.rule)).length;
  const graded = grade({ source: input.source, profile, records: counts, customFields: { explicit, total: fields.length }, mapBlocking, estimates });

  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return {
    source: input.source,
    profile: { name: profile.name, version: profile.version, status: profile.status, ...(profile.hash ? { hash: profile.hash } : {}) },
    blocking: findings.filter((f) => f.severity === 'blocking').length,
    findings,
    records: counts,
    rows,
    users: {
      matched: built.users.resolved.size,
      unmatched: built.users.unmatched.length,
      disabled: built.users.disabled.length,
      ...(fallbackOk && fallback ? { fallbackOwner: fallback } : {}),
    },
    matches: Object.fromEntries(matches),
    estimates,
    grade: graded,
  };
}

/** Record fields that are not identity or provenance. */
const OWN_FIELDS = new Set(['type', 'key', 'sourceKey', 'updatedAt', 'raw', 'sourceUrl', 'origin']);

/** Per record type: fields with values that no path of the profile reads, with how many records have them. */
export function unreadFields(profile: Profile, records: readonly MappableRecord[]): Map<string, Map<string, number>> {
  const read = new Map<string, Set<string>>();
  for (const [type, { targets }] of Object.entries(profile.entities)) {
    const fields = new Set<string>();
    const addPath = (path: string | undefined) => {
      for (const alternative of (path ?? '').split('|')) fields.add(alternative.split('->')[0]!.split('.')[0]!.trim());
    };
    for (const t of targets) {
      addPath(t.each);
      addPath(t.owner);
      addPath(t.when?.field);
      addPath(t.status?.from);
      for (const c of Object.values(t.columns)) for (const p of Array.isArray(c.from) ? c.from : [c.from]) addPath(p);
      for (const l of Object.values(t.lookups)) addPath(l.from);
    }
    if (profile.matterStrategy?.entity === type) addPath(profile.matterStrategy.practiceAreaField);
    read.set(type, fields);
  }
  const unread = new Map<string, Map<string, number>>();
  for (const record of records) {
    const fields = read.get(record.type);
    if (!fields) continue;
    for (const [field, value] of Object.entries(record)) {
      if (OWN_FIELDS.has(field) || fields.has(field) || value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) continue;
      let counts = unread.get(record.type);
      if (!counts) unread.set(record.type, (counts = new Map()));
      counts.set(field, (counts.get(field) ?? 0) + 1);
    }
  }
  return unread;
}

function ruleOfMapError(record: MappableRecord, code: string, message: string, field: string | undefined): string {
  if (code === 'LEX_MAP_ORPHAN') return 'orphan';
  if (code === 'LEX_MAP_BAD_VALUE' && /is not a date/.test(message)) return 'bad-date';
  if (code === 'LEX_MAP_BAD_VALUE' && /is not an email address/.test(message)) return /\d{3}/.test(message) ? 'phone-in-email' : 'map-error';
  if (code === 'LEX_MAP_REQUIRED_MISSING' && record.type === 'time_entry' && field === 'userRef') return 'time-without-user';
  if (code === 'LEX_MAP_REQUIRED_MISSING' && field === 'clientRef') return 'matter-without-client';
  return 'map-error';
}

/** Columns each target table of the profile needs in the environment. */
export function requiredColumns(profile: Profile, solution: SolutionSchema = schema): Map<string, Set<string>> {
  const needed = new Map<string, Set<string>>();
  const need = (table: string, column: string) => {
    let set = needed.get(table);
    if (!set) needed.set(table, (set = new Set()));
    set.add(column);
  };
  for (const { targets } of Object.values(profile.entities)) {
    for (const t of targets) {
      const def = solution.tables.find((x) => x.logicalName === t.table);
      for (const c of Object.keys(t.columns)) need(t.table, c);
      for (const c of Object.keys(t.lookups)) need(t.table, c);
      if (t.status?.column) need(t.table, t.status.column);
      if (t.customFields && def?.columns.some((c) => c.logicalName === CUSTOM_FIELDS_JSON)) need(t.table, CUSTOM_FIELDS_JSON);
      if (t.provenance ?? def?.provenance) for (const c of [PROVENANCE.sourceKey, PROVENANCE.sourceSystem, PROVENANCE.sourceId, PROVENANCE.snapshot]) need(t.table, c);
    }
  }
  for (const target of Object.values(profile.customFields)) if ('column' in target) need(target.table, target.column);
  return needed;
}

function checkEnvironment(input: PreflightInput, solution: SolutionSchema, add: (f: Finding) => void): void {
  const { environment, profile } = input;
  const ours = solution.tables.filter((t) => t.origin === 'custom').map((t) => t.logicalName);
  if (environment.tables) {
    const needed = requiredColumns(profile, solution);
    const missingOurs = [...needed.keys()].filter((t) => ours.includes(t) && !environment.tables!.has(t));
    if (missingOurs.length)
      add({
        rule: 'missing-table',
        severity: 'blocking',
        location: { table: missingOurs.join(', ') },
        message: `the Lexbridge tables ${missingOurs.join(', ')} are not in the environment`,
        fix: 'Import the Lexbridge solution first: `lexbridge solution deploy --env <url|name>` (or import Lexbridge_managed.zip in the maker portal).',
      });
    for (const [table, columns] of needed) {
      const present = environment.tables.get(table);
      if (!present) {
        if (!ours.includes(table))
          add({ rule: 'missing-table', severity: 'blocking', location: { table }, message: `table ${table} is not in the environment`, fix: `Enable the app that provides ${table} (Dynamics 365 Sales), or remove it from the profile.` });
        continue;
      }
      for (const column of columns) {
        if (present.has(column)) continue;
        add({
          rule: 'missing-column',
          severity: 'blocking',
          location: { table, column },
          message: `${table}.${column}, which the profile writes, is not in the environment`,
          fix: 'Import the current Lexbridge solution (it adds the lex_ columns), create the column, or remove it from the profile.',
        });
      }
    }
  }
  if (environment.customTables) {
    const all = new Set([...environment.customTables, ...ours]);
    const limit = input.customTableLimit ?? 15;
    const existing = environment.customTables.filter((t) => !ours.includes(t));
    add({
      rule: 'custom-table-limit',
      severity: all.size > limit ? 'blocking' : 'info',
      location: {},
      message:
        `${all.size} custom tables with Lexbridge's ${ours.length} (${existing.length} already in the environment${existing.length ? `: ${existing.slice(0, 10).join(', ')}${existing.length > 10 ? ', …' : ''}` : ''})` +
        (Number.isFinite(limit) ? ` against the licence's ${limit}` : ''),
      fix: all.size > limit ? 'Sales Professional allows 15 custom tables: retire unused custom tables, or license Sales Enterprise (no limit).' : 'None needed.',
    });
  }
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
