/**
 * Versioning of mapping profiles: a content hash, confirmation by a person, and the rule that a
 * confirmed profile never changes (an edit makes the next draft version).
 */
import { LexError } from '../errors';
import { profileSchema, type Profile } from './profile';
import { sha256Hex } from '../hash';

/** JSON with object keys sorted, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Hash of what the profile does: everything but its confirmation state and the hash itself. */
export function profileHash(profile: Profile): string {
  const { status: _s, confirmedBy: _b, confirmedAt: _a, hash: _h, $schema: _sc, ...content } = profile;
  return `sha256:${sha256Hex(canonicalJson(content))}`;
}

/** Parses and validates a profile; every problem names its JSON path. */
export function parseProfile(input: unknown, file = 'profile.json'): Profile {
  const parsed = profileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LexError({
      code: 'LEX_PROFILE_INVALID',
      message: `Mapping profile is not valid: ${issue.message} at ${issue.path.join('.') || '(root)'}` +
        (parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : ''),
      fix: 'Correct the profile against profiles/profile.schema.json, or regenerate a draft with `lexbridge map --source <kind> --out profile.json`.',
      location: { file, field: issue.path.join('.') },
    });
  }
  const profile = parsed.data;
  if (profile.status === 'confirmed' && profile.hash !== profileHash(profile)) {
    throw new LexError({
      code: 'LEX_PROFILE_CONFIRMED_CHANGED',
      message: `Profile "${profile.name}" v${profile.version} is confirmed but its content no longer matches the confirmed hash`,
      fix: 'A confirmed profile is immutable: set "status": "draft", raise "version", then confirm it again with `lexbridge map confirm <file> --by <email>`.',
      location: { file, field: 'hash' },
    });
  }
  return profile;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Confirms a draft: records who and when, and pins the content hash. Never changes the mapping. */
export function confirmProfile(profile: Profile, by: string, at: Date = new Date()): Profile {
  if (!EMAIL.test(by)) {
    throw new LexError({
      code: 'LEX_PROFILE_CONFIRMER_INVALID',
      message: `"${by}" is not an email address`,
      fix: 'Pass the email of the person confirming the map: `lexbridge map confirm profile.json --by admin@firm.example`.',
      location: { field: 'confirmedBy' },
    });
  }
  if (profile.status === 'confirmed') {
    throw new LexError({
      code: 'LEX_PROFILE_ALREADY_CONFIRMED',
      message: `Profile "${profile.name}" v${profile.version} was already confirmed by ${profile.confirmedBy} at ${profile.confirmedAt}`,
      fix: 'Use it as it is. To change it, edit a copy with "status": "draft" and the next "version", then confirm that copy.',
      location: { field: 'status' },
    });
  }
  const confirmed: Profile = { ...profile, status: 'confirmed', confirmedBy: by, confirmedAt: at.toISOString() };
  return { ...confirmed, hash: profileHash(confirmed) };
}

/**
 * Applies a change to a profile. A confirmed profile is never edited in place: the result is
 * the next version, as a draft, without the confirmation.
 */
export function reviseProfile(profile: Profile, change: (draft: Profile) => Profile): Profile {
  const base: Profile = structuredClone(profile);
  const isConfirmed = base.status === 'confirmed';
  delete base.confirmedBy;
  delete base.confirmedAt;
  const changed = change({ ...base, status: 'draft', version: isConfirmed ? base.version + 1 : base.version });
  const draft: Profile = { ...changed, status: 'draft' };
  return { ...draft, hash: profileHash(draft) };
}
