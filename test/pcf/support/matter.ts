/** A migrated Clio matter whose Dynamics row differs from its source in two fields, and the confirmed profile. */
import { Choices } from '../../../solution/generated/names';
import { defaultProfile } from '../../../scripts/src/mapping/default-profiles';
import { confirmProfile } from '../../../scripts/src/mapping/profile-lifecycle';
import type { Profile } from '../../../scripts/src/mapping/profile';
import type { Row } from '../../../pcf-controls/shared/data';

export const MATTER_ID = '7d3f1c2a-0000-5000-8000-000000000123';

/** A canonical matter snapshot as the engine keeps it; the description holds markup that must stay text. */
export const snapshot = {
  type: 'matter',
  sourceKey: 'clio:matter:123',
  key: { system: 'clio', type: 'matter', id: '123' },
  number: '00123',
  description: 'Smith v Jones <img src=x onerror="alert(1)">',
  openedOn: '2024-03-01',
  closedOn: null,
  billingMethod: 'flat',
  estimatedValue: 1500.5,
  status: 'Open',
  originatingOffice: 'Leeds',
};

export function confirmedClioProfile(lock: string[] = []): Profile {
  const base = defaultProfile('clio-api');
  const matter = base.entities['matter']!.targets[0]!;
  for (const column of lock) matter.columns[column] = { ...matter.columns[column], lock: true };
  return confirmProfile(base, 'admin@firm.example', new Date('2026-11-01T09:00:00Z'));
}

export function matterRow(overrides: Row = {}): Row {
  return {
    lex_matterid: MATTER_ID,
    lex_name: '00123 - Smith v Jones <img src=x onerror="alert(1)">',
    lex_matternumber: '00123',
    lex_description: 'Smith v Jones (edited in Dynamics)',
    lex_opendate: '2024-03-01',
    lex_billingmethod: Choices.lex_billingmethod.Hourly,
    lex_status: Choices.lex_matterstatus.Open,
    lex_estimatedvalue: 1500.5,
    lex_sourcekey: 'clio:matter:123',
    lex_sourcesystem: Choices.lex_sourcesystem.Clio,
    'lex_sourcesystem@OData.Community.Display.V1.FormattedValue': 'Clio',
    lex_sourceid: '123',
    lex_sourcesnapshot: JSON.stringify(snapshot),
    lex_reviewstatus: Choices.lex_reviewstatus.NotReviewed,
    ...overrides,
  };
}

export function profileRow(profile: Profile, id = 'aaaaaaaa-0000-5000-8000-000000000001'): Row {
  return {
    lex_mappingprofileid: id,
    lex_name: `${profile.name} v${profile.version}`,
    lex_version: profile.version,
    lex_sourcesystem: Choices.lex_sourcesystem.Clio,
    lex_profilestatus: profile.status === 'confirmed' ? Choices.lex_profilestatus.Confirmed : Choices.lex_profilestatus.Draft,
    lex_profilejson: JSON.stringify(profile),
  };
}
