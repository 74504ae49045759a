/**
 * The profile as a `lex_mappingprofile` row (DESIGN.md: the field map, its status, who confirmed
 * it and when, stored in Dataverse beside the runs that used it). One row per source and version.
 */
import { Choices, Tables } from '../../../solution/generated/names';
import type { Profile } from './profile';
import { rowId, type TargetOp } from './target-op';

const columns = Tables.lex_mappingprofile.columns;
const SYSTEM: Record<Profile['source'], number> = {
  'clio-api': Choices.lex_sourcesystem.Clio,
  'clio-csv': Choices.lex_sourcesystem.Clio,
  actionstep: Choices.lex_sourcesystem.Actionstep,
  perfectportal: Choices.lex_sourcesystem.PerfectPortal,
};

export function profileTargetKey(profile: Profile): string {
  return `lexbridge:mappingprofile:${profile.source}:v${profile.version}`;
}

export function profileOp(profile: Profile): TargetOp {
  const targetKey = profileTargetKey(profile);
  return {
    table: Tables.lex_mappingprofile.logicalName,
    targetKey,
    sourceKey: 'lexbridge:profile',
    id: rowId(targetKey),
    columns: {
      [columns.lex_name]: `${profile.name} v${profile.version}`.slice(0, 200),
      [columns.lex_sourcesystem]: SYSTEM[profile.source],
      [columns.lex_version]: profile.version,
      [columns.lex_profilestatus]: profile.status === 'confirmed' ? Choices.lex_profilestatus.Confirmed : Choices.lex_profilestatus.Draft,
      [columns.lex_profilejson]: JSON.stringify(profile),
      [columns.lex_profilehash]: profile.hash ?? null,
      [columns.lex_confirmedby]: profile.confirmedBy ?? null,
      [columns.lex_confirmedon]: profile.confirmedAt ?? null,
    },
    lookups: {},
  };
}
