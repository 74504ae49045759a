/**
 * Owners: source users resolved by email against Dynamics users. Unmatched and disabled ones are
 * listed with the records they own; without a usable fallback owner they block the run.
 */
import type { UserResolution } from '../../mapping/context';
import type { MappableRecord } from '../../mapping/engine';
import type { Profile } from '../../mapping/profile';
import { referencesOf, type CanonicalRecord } from '../../model';
import type { FindingSink } from '../findings';

const USER_REF = /^[a-z]+:user:/;

export function checkUsers(records: () => Iterable<MappableRecord>, profile: Profile, users: UserResolution, add: FindingSink): { fallbackOwner?: string } {
  const ownedBy = new Map<string, number>();
  for (const r of records()) for (const { ref } of referencesOf(r as unknown as CanonicalRecord)) if (USER_REF.test(ref)) ownedBy.set(ref, (ownedBy.get(ref) ?? 0) + 1);
  const fallback = profile.owners.fallbackOwnerEmail;
  const fallbackOk = users.fallbackOwnerId !== undefined;
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
  for (const user of users.unmatched)
    userFinding('user-unmatched', user, typeof user['email'] === 'string' && user['email'] ? 'has no Dynamics user with the same email' : 'has no email in the source and no Dynamics user of the same name');
  for (const { user, systemUser } of users.byName)
    add({
      rule: 'user-matched-by-name',
      severity: 'warning',
      sourceKey: user.sourceKey,
      location: { recordKey: user.sourceKey, field: 'name' },
      message: `${String(user['name'])} has no email in the source; matched by name to the Dynamics user ${systemUser.fullname ?? systemUser.systemuserid} <${systemUser.internalemailaddress ?? ''}>`,
      fix: 'Check it is the same person; if not, give the user an email in the source export (or create the right Dynamics user) and run pre-flight again.',
    });
  for (const { user } of users.disabled) userFinding('user-disabled', user, 'matches a disabled Dynamics user');
  if (users.fallbackProblem || (!fallback && ownersNeedingFallback > 0))
    add({
      rule: 'fallback-owner',
      severity: ownersNeedingFallback > 0 ? 'blocking' : 'warning',
      location: { field: 'owners.fallbackOwnerEmail' },
      message: users.fallbackProblem ?? `${ownersNeedingFallback} source user(s) owning records have no Dynamics user and the profile names no fallback owner`,
      fix: 'Set "owners.fallbackOwnerEmail" in the profile to the email of an enabled Dynamics user.',
    });

  return fallbackOk && fallback ? { fallbackOwner: fallback } : {};
}
