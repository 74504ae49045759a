/**
 * Mapping profiles for the review page: the migration's confirmed profile (what RecordDiff
 * compares through) and the next draft, with the engine's proposer's suggestions for the source
 * fields the profile does not place yet (Clio CSV custom-field columns seen in the matters'
 * snapshots), so a person can review and confirm it. Rows get deterministic ids: seeding twice
 * changes nothing.
 */
import type { DataverseClient } from '../dataverse/client';
import { defaultProfile } from '../mapping/default-profiles';
import { confirmProfile, reviseProfile } from '../mapping/profile-lifecycle';
import type { Profile } from '../mapping/profile';
import { applyProposals, proposeFields, type FieldToPlace } from '../mapping/proposer';
import { rowId } from '../mapping/target-op';
import { CLIO_CSV_FILES } from '../sources/clio-csv/columns';
import { Choices, Tables } from '../../../solution/generated/names';

const P = Tables.lex_mappingprofile.columns;

export const profileRowId = (profile: Pick<Profile, 'source' | 'version'>) => rowId(`lexbridge:profile:${profile.source}:v${profile.version}`);

export function profileRow(profile: Profile): Record<string, unknown> {
  const status = profile.status === 'confirmed' ? Choices.lex_profilestatus.Confirmed : Choices.lex_profilestatus.Draft;
  return {
    [P.lex_name]: `${profile.name} v${profile.version}`,
    [P.lex_sourcesystem]: profile.source.startsWith('clio') ? Choices.lex_sourcesystem.Clio : profile.source === 'actionstep' ? Choices.lex_sourcesystem.Actionstep : Choices.lex_sourcesystem.PerfectPortal,
    [P.lex_version]: profile.version,
    [P.lex_profilestatus]: status,
    [P.lex_profilejson]: JSON.stringify(profile, null, 2),
    [P.lex_profilehash]: profile.hash ?? null,
    [P.lex_confirmedby]: profile.confirmedBy ?? null,
    [P.lex_confirmedon]: profile.confirmedAt ?? null,
  };
}

/** Matter snapshot columns the Clio CSV reader does not map: Clio exports custom fields as extra columns. */
async function unplacedMatterFields(client: DataverseClient, sample = 50): Promise<FieldToPlace[]> {
  const known = new Set(Object.values(CLIO_CSV_FILES.matters.columns).map((c) => c.header.toLowerCase()));
  const fields = new Map<string, unknown[]>();
  for await (const page of client.query(Tables.lex_matter.logicalName, { select: [Tables.lex_matter.columns.lex_sourcesnapshot], top: sample })) {
    for (const row of page) {
      let snapshot: Record<string, unknown>;
      try {
        snapshot = JSON.parse(String(row[Tables.lex_matter.columns.lex_sourcesnapshot] ?? '{}')) as Record<string, unknown>;
      } catch {
        continue;
      }
      for (const [name, value] of Object.entries(snapshot)) {
        if (known.has(name.toLowerCase())) continue;
        const samples = fields.get(name) ?? [];
        if (value !== '' && value !== null && samples.length < 20) samples.push(value);
        fields.set(name, samples);
      }
    }
    break;
  }
  return [...fields].map(([name, samples]) => ({ entity: 'matter', name, samples }));
}

export interface SeededProfiles {
  confirmed: Profile;
  draft: Profile;
}

/** Writes the confirmed clio-csv profile and its next draft with suggestions; `confirmedBy` is the admin who confirmed the map. */
export async function seedReviewProfiles(client: DataverseClient, confirmedBy: string, at = new Date('2024-06-01T00:00:00Z')): Promise<SeededProfiles> {
  const base = defaultProfile('clio-csv');
  const confirmed = confirmProfile({ ...base, owners: { ...base.owners, fallbackOwnerEmail: confirmedBy } }, confirmedBy, at);
  const fields = await unplacedMatterFields(client);
  const draft = reviseProfile(confirmed, (p) => applyProposals(p, proposeFields(fields, p)));
  for (const profile of [confirmed, draft]) await client.upsert(Tables.lex_mappingprofile.logicalName, profileRowId(profile), profileRow(profile));
  return { confirmed, draft };
}
