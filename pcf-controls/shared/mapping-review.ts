/**
 * MappingReview's model, pure: the profile as rows a person can check (source field → target
 * column, transform, sample values), the proposer's suggestions with score and reason, and
 * what the profile leaves unmapped. Confirming goes through the engine's own profile lifecycle
 * (`reviseProfile`, `confirmProfile`), so the hash the CLI checks is the hash written here.
 */
import { confirmProfile, reviseProfile } from '../../scripts/src/mapping/profile-lifecycle';
import type { FieldMap, Profile, Proposal } from '../../scripts/src/mapping/profile';

export interface MapRow {
  key: string;
  entity: string;
  table: string;
  column: string;
  from: string;
  transform: string;
}

export type ProposalDecision = { kind: 'pending' } | { kind: 'accepted'; column: string } | { kind: 'rejected' };

export interface ProposalRow {
  key: string;
  proposal: Proposal;
}

export function describeTransform(map: FieldMap): string {
  const parts: string[] = [];
  if (Array.isArray(map.from) && map.from.length > 1) parts.push(`join "${map.separator ?? ' '}"`);
  if (map.valueMap) parts.push(`value map (${Object.keys(map.valueMap).length})`);
  if (map.value !== undefined) parts.push(`constant ${JSON.stringify(map.value)}`);
  if (map.default !== undefined) parts.push(`default ${JSON.stringify(map.default)}`);
  if (map.truncate) parts.push('truncate');
  if (map.required) parts.push('required');
  return parts.join(', ');
}

export function mapRows(profile: Profile): MapRow[] {
  const rows: MapRow[] = [];
  for (const [entity, { targets }] of Object.entries(profile.entities)) {
    for (const target of targets) {
      for (const [column, map] of Object.entries(target.columns)) {
        const from = map.from === undefined ? '' : Array.isArray(map.from) ? map.from.join(' + ') : map.from;
        rows.push({ key: `${entity}/${target.table}${target.suffix ?? ''}/${column}`, entity, table: target.table, column, from, transform: describeTransform(map) });
      }
    }
  }
  return rows;
}

const JSON_COLUMNS = new Set(['lex_customfields', 'lex_sourcesnapshot']);

export const proposalKey = (p: Proposal) => `${p.entity}.${p.field}`;

/** Record types the profile gives no row of their own, and why. */
export const unmappedEntities = (profile: Profile): { entity: string; reason: string }[] =>
  Object.entries(profile.skip).map(([entity, reason]) => ({ entity, reason }));

/** What a reviewer changed: decisions on suggestions, and new source paths for mapped columns (by `MapRow.key`). */
export interface ReviewChanges {
  decisions: ReadonlyMap<string, ProposalDecision>;
  /** `number + description` concatenates; `a|b` takes the first that has a value, as in the profile. */
  sources?: ReadonlyMap<string, string>;
}

function parseSource(text: string): string | string[] {
  const parts = text.split('+').map((p) => p.trim()).filter(Boolean);
  return parts.length === 1 ? parts[0]! : parts;
}

/**
 * The profile with the reviewer's changes written in: accepted suggestions → explicit column
 * (or the JSON column), rejected → the JSON column, edited source paths replaced. A confirmed
 * profile is never edited in place: the result is its next draft version.
 */
export function applyChanges(profile: Profile, changes: ReviewChanges): Profile {
  return reviseProfile(profile, (draft) => {
    const customFields = { ...draft.customFields };
    const remaining: Proposal[] = [];
    for (const p of draft.proposals) {
      const decision = changes.decisions.get(proposalKey(p)) ?? { kind: 'pending' };
      // The JSON column (and the snapshot) are where unlisted fields go anyway: no explicit column entry.
      if (decision.kind === 'accepted' && !JSON_COLUMNS.has(decision.column)) customFields[proposalKey(p)] = { table: p.table, column: decision.column };
      else if (decision.kind === 'accepted') customFields[proposalKey(p)] = { json: true };
      else if (decision.kind === 'rejected') customFields[proposalKey(p)] = { json: true };
      else remaining.push(p);
    }
    const entities = structuredClone(draft.entities);
    for (const [entity, { targets }] of Object.entries(entities)) {
      for (const target of targets) {
        for (const [column, map] of Object.entries(target.columns)) {
          const edited = changes.sources?.get(`${entity}/${target.table}${target.suffix ?? ''}/${column}`)?.trim();
          if (edited) target.columns[column] = { ...map, from: parseSource(edited) };
        }
      }
    }
    return { ...draft, entities, customFields, proposals: remaining };
  });
}

export const applyDecisions = (profile: Profile, decisions: ReadonlyMap<string, ProposalDecision>): Profile => applyChanges(profile, { decisions });

/** The confirmed version a person's confirmation creates; suggestions still pending stop it. */
export function confirmedVersion(profile: Profile, changes: ReviewChanges, by: string, at: Date): { profile?: Profile; pending: number } {
  const draft = applyChanges(profile, changes);
  if (draft.proposals.length) return { pending: draft.proposals.length };
  return { profile: confirmProfile(draft, by, at), pending: 0 };
}
