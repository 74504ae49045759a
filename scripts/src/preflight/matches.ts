/**
 * Rows that already exist in Dynamics before the migration: a contact the firm entered by hand
 * with the same email, an account with the same email or name. Matched rows keep their own id
 * (the loader updates them, rollback restores their before-image) instead of being duplicated,
 * as seed 004 asks ("we match on EmailAddress1 to avoid duplicating records"). An email or name
 * shared by several existing rows is ambiguous: no match, a finding instead.
 */
import { primaryTarget, type MappableRecord, type MappingContext } from '../mapping/engine';
import type { Profile } from '../mapping/profile';
import type { Finding } from './findings';

export interface ExistingRow {
  id: string;
  name?: string | null;
  email?: string | null;
}

export interface ExistingRows {
  contacts: readonly ExistingRow[];
  accounts: readonly ExistingRow[];
}

const norm = (text: string | null | undefined) => (text ?? '').trim().toLowerCase().replace(/\s+/g, ' ');

function indexBy(rows: readonly ExistingRow[], key: (row: ExistingRow) => string): Map<string, ExistingRow[]> {
  const index = new Map<string, ExistingRow[]>();
  for (const row of rows) {
    const k = key(row);
    if (!k) continue;
    const list = index.get(k);
    if (list) list.push(row);
    else index.set(k, [row]);
  }
  return index;
}

export function matchExisting(
  records: Iterable<MappableRecord>,
  profile: Profile,
  context: MappingContext,
  existing: ExistingRows,
): { matches: Map<string, string>; findings: Finding[] } {
  const byTable = {
    contact: { email: indexBy(existing.contacts, (r) => norm(r.email)), name: new Map<string, ExistingRow[]>() },
    account: { email: indexBy(existing.accounts, (r) => norm(r.email)), name: indexBy(existing.accounts, (r) => norm(r.name)) },
  };
  const matches = new Map<string, string>();
  const findings: Finding[] = [];
  for (const record of records) {
    if (record.type !== 'contact') continue;
    const target = primaryTarget(record, profile, context);
    if (!target || (target.table !== 'contact' && target.table !== 'account')) continue;
    const emails = Array.isArray(record['emails']) ? (record['emails'] as { value?: unknown }[]) : [];
    const email = norm(typeof emails[0]?.value === 'string' ? emails[0].value : '');
    const index = byTable[target.table];
    const byEmail = email.includes('@') ? index.email.get(email) : undefined;
    const byName = !byEmail ? index.name.get(norm(String(record['name'] ?? ''))) : undefined;
    const candidates = byEmail ?? byName;
    if (!candidates) continue;
    const on = byEmail ? `email ${email}` : `name "${String(record['name'])}"`;
    if (candidates.length > 1) {
      findings.push({
        rule: 'pre-existing-ambiguous',
        severity: 'warning',
        sourceKey: record.sourceKey,
        location: { recordKey: record.sourceKey, table: target.table },
        message: `${candidates.length} existing ${target.table} rows share the ${on}; ${record.sourceKey} gets a new row`,
        fix: `Merge the duplicates in Dynamics first if ${record.sourceKey} is one of them, then run pre-flight again.`,
      });
      continue;
    }
    matches.set(target.targetKey, candidates[0]!.id);
    findings.push({
      rule: 'pre-existing-match',
      severity: 'info',
      sourceKey: record.sourceKey,
      location: { recordKey: record.sourceKey, table: target.table },
      message: `${record.sourceKey} matches the existing ${target.table} ${candidates[0]!.id} on ${on}: it is updated, not duplicated (rollback restores it)`,
      fix: 'None needed; if they are different people or organizations, change one of them in the source or in Dynamics.',
    });
  }
  return { matches, findings };
}
