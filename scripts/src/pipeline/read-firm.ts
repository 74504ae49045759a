/**
 * A run's input, read the one way the CLI (`plan`, `sample`, `run`, `delta`) and the demo share:
 * staging through the confirmed profile, with the environment's users, the rows already in
 * Dynamics that records land in (updated, not duplicated), and the source rows extraction lost
 * (failed records, so record accounting sees them). Node edge: opens the staging store.
 */
import type { DataverseClient } from '../dataverse/client';
import type { SystemUser } from '../mapping/context';
import type { MappableRecord } from '../mapping/engine';
import type { Profile } from '../mapping/profile';
import { openStaging } from '../preflight/staging-input';
import { changedSince, mapFirm, type MappedFirm } from './from-staging';
import { readPreExisting } from './pre-existing';

export interface StagedFirm {
  firm: MappedFirm;
  /** The source system staging says it holds (`clio`, …), else the profile's source. */
  source: string;
  /** When staging last extracted: a later delta starts here. */
  watermark: string | undefined;
  /** Target key → existing id, as used by the map. */
  preExisting: ReadonlyMap<string, string>;
}

export async function systemUsersOf(client: DataverseClient): Promise<SystemUser[]> {
  const users: SystemUser[] = [];
  for await (const page of client.query('systemuser', { select: ['systemuserid', 'internalemailaddress', 'isdisabled', 'fullname'] })) users.push(...(page as unknown as SystemUser[]));
  return users;
}

/**
 * Staging through the profile, for as long as `use` runs: the firm's ops and sample candidates
 * are mapped afresh from staging on each pass, so staging stays open until `use` is done.
 */
export async function withStagedFirm<T>(options: { from: string; client: DataverseClient; profile: Profile; since?: string }, use: (staged: StagedFirm) => Promise<T>): Promise<T> {
  const { client, profile } = options;
  const staging = openStaging(options.from);
  try {
    const manifest = staging.manifest();
    const records = () => staging.records() as unknown as Iterable<MappableRecord>;
    const systemUsers = await systemUsersOf(client);
    const preExisting = await readPreExisting(client, records, profile, systemUsers);
    const dirty = new Set(staging.issues().map((i) => i.sourceKey).filter((k): k is string => !!k));
    const since = options.since;
    const changed = since ? changedSince((key) => staging.versions(key), since) : undefined;
    const firm = mapFirm({ profile, records, systemUsers, dirty, preExisting, lost: staging.lostRecords(), ...(changed ? { changed } : {}) });
    const last = manifest.runs[manifest.runs.length - 1];
    return await use({ firm, source: manifest.source ?? profile.source, watermark: last ? (last.finishedAt ?? last.startedAt) : undefined, preExisting });
  } finally {
    staging.close();
  }
}
