/**
 * Rows already in Dynamics that the firm's records land in, as target key → existing id: the
 * run updates them (keeping their ids, journaling their before-images) instead of creating
 * duplicates. Two kinds:
 * - rows the firm made by hand, matched on email or name exactly as pre-flight matches them
 *   (`preflight/matches.ts`);
 * - rows an earlier run matched: they now carry the record's `lex_sourcekey` under their own id
 *   (not the key's deterministic id), and no longer look hand-made, so they are found by key.
 * Reads through the `DataverseClient` only (GETs); the matching itself is pure.
 */
import type { DataverseClient } from '../dataverse/client';
import { createContext, type SystemUser } from '../mapping/context';
import { PROVENANCE } from '../mapping/columns';
import { primaryTarget, type MappableRecord } from '../mapping/engine';
import type { Profile } from '../mapping/profile';
import { rowId } from '../mapping/target-op';
import { matchExisting, type ExistingRow } from '../preflight/matches';

/** The tables pre-flight matches, with the columns it matches on. */
const MATCHED = {
  contact: { id: 'contactid', name: 'fullname' },
  account: { id: 'accountid', name: 'name' },
} as const;
type MatchedTable = keyof typeof MATCHED;

interface EnvironmentRows {
  handMade: Record<MatchedTable, ExistingRow[]>;
  /** `table:lex_sourcekey` → id, for rows a run already wrote. */
  migrated: Map<string, string>;
}

async function readRows(client: DataverseClient): Promise<EnvironmentRows> {
  const out: EnvironmentRows = { handMade: { contact: [], account: [] }, migrated: new Map() };
  for (const table of Object.keys(MATCHED) as MatchedTable[]) {
    const { id, name } = MATCHED[table];
    for await (const page of client.query(table, { select: [id, name, 'emailaddress1', PROVENANCE.sourceKey] }))
      for (const row of page) {
        const key = row[PROVENANCE.sourceKey];
        if (typeof key === 'string' && key) out.migrated.set(`${table}:${key}`, String(row[id]).toLowerCase());
        else out.handMade[table].push({ id: String(row[id]), name: (row[name] as string | null | undefined) ?? null, email: (row['emailaddress1'] as string | null | undefined) ?? null });
      }
  }
  return out;
}

/** Pure: which target keys land in existing rows, given what the environment holds. */
export function preExistingMatches(records: () => Iterable<MappableRecord>, profile: Profile, systemUsers: readonly SystemUser[], rows: EnvironmentRows): Map<string, string> {
  const probe = createContext({ profile, records: records(), systemUsers });
  const { matches } = matchExisting(records(), profile, probe.context, { contacts: rows.handMade.contact, accounts: rows.handMade.account });
  for (const record of records()) {
    if (record.type !== 'contact') continue;
    const target = primaryTarget(record, profile, probe.context);
    if (!target || !(target.table in MATCHED)) continue;
    const id = rows.migrated.get(`${target.table}:${record.sourceKey}`);
    if (id && id !== rowId(target.targetKey).toLowerCase()) matches.set(target.targetKey, id);
  }
  return matches;
}

export async function readPreExisting(client: DataverseClient, records: () => Iterable<MappableRecord>, profile: Profile, systemUsers: readonly SystemUser[]): Promise<Map<string, string>> {
  return preExistingMatches(records, profile, systemUsers, await readRows(client));
}
