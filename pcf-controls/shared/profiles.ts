/**
 * The confirmed mapping profile of a source, as stored on `lex_mappingprofile` (newest version
 * first). Read without zod on purpose: the CLI validated the profile before it was confirmed,
 * and zod would make the form script ten times larger. A row that is not a profile still fails clearly.
 */
import { Choices } from '../../solution/generated/names';
import type { Profile } from '../../scripts/src/mapping/profile';
import type { LexData } from './data';

export async function loadConfirmedProfile(data: LexData, sourceSystem: unknown): Promise<Profile | undefined> {
  const filter = [`lex_profilestatus eq ${Choices.lex_profilestatus.Confirmed}`, typeof sourceSystem === 'number' ? `lex_sourcesystem eq ${sourceSystem}` : '']
    .filter(Boolean)
    .join(' and ');
  const [row] = await data.list('lex_mappingprofile', { select: ['lex_mappingprofileid', 'lex_profilejson', 'lex_version'], filter, orderBy: 'lex_version desc', top: 1 });
  const json = row?.['lex_profilejson'];
  if (typeof json !== 'string') return undefined;
  const profile = JSON.parse(json) as Profile;
  if (!profile || typeof profile.entities !== 'object') {
    throw new Error(`lex_mappingprofile ${String(row?.['lex_mappingprofileid'] ?? '')}: lex_profilejson is not a mapping profile (no "entities"). Write it again with \`lexbridge map confirm\`.`);
  }
  return profile;
}
