/**
 * Record identity. Every canonical record carries `key = { system, type, id }` and the same
 * thing as one string, its source key (`clio:matter:123`), which is what references between
 * records hold and what Dataverse stores in `lex_sourcekey`.
 */
import { LexError } from '../errors';

export const SOURCE_SYSTEMS = ['clio', 'actionstep', 'perfectportal'] as const;
export type SourceSystem = (typeof SOURCE_SYSTEMS)[number];

/** Canonical record types, singular (`type` in a key) … */
export const RECORD_TYPES = [
  'user',
  'contact',
  'practice_area',
  'matter',
  'participant',
  'time_entry',
  'expense',
  'bill',
  'trust_snapshot',
  'milestone',
  'task',
  'calendar_event',
  'note',
  'communication',
  'document',
  'custom_field_definition',
  'custom_field_value',
  'workflow_definition',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * … and the entity names used for counts everywhere (generator manifest, `extract --json`,
 * staging, reports): one entity per record type, so counts agree whichever files or
 * endpoints a source spreads its records over.
 */
export const ENTITY_OF_TYPE = {
  user: 'users',
  contact: 'contacts',
  practice_area: 'practice_areas',
  matter: 'matters',
  participant: 'participants',
  time_entry: 'time_entries',
  expense: 'expenses',
  bill: 'bills',
  trust_snapshot: 'trust_snapshots',
  milestone: 'milestones',
  task: 'tasks',
  calendar_event: 'calendar_events',
  note: 'notes',
  communication: 'communications',
  document: 'documents',
  custom_field_definition: 'custom_field_definitions',
  custom_field_value: 'custom_field_values',
  workflow_definition: 'workflow_definitions',
} as const satisfies Record<RecordType, string>;
export type EntityName = (typeof ENTITY_OF_TYPE)[RecordType];
export const ENTITY_NAMES = Object.values(ENTITY_OF_TYPE) as EntityName[];

export interface RecordKey {
  system: SourceSystem;
  type: RecordType;
  /** The source's own id, as a string (Clio calendar entry ids are strings; Actionstep ids can be composite). */
  id: string;
}

export type SourceKey = string;

export function toSourceKey(key: RecordKey): SourceKey {
  return `${key.system}:${key.type}:${key.id}`;
}

export function sourceKeyOf(system: SourceSystem, type: RecordType, id: string | number): SourceKey {
  return `${system}:${type}:${id}`;
}

/** Inverse of `toSourceKey`. The id may itself contain colons (Actionstep composite ids), so split twice only. */
export function parseSourceKey(sourceKey: string): RecordKey | LexError {
  const first = sourceKey.indexOf(':');
  const second = first < 0 ? -1 : sourceKey.indexOf(':', first + 1);
  const system = sourceKey.slice(0, first);
  const type = sourceKey.slice(first + 1, second);
  const id = sourceKey.slice(second + 1);
  if (second < 0 || !id || !isSourceSystem(system) || !isRecordType(type)) {
    return new LexError({
      code: 'LEX_MODEL_BAD_SOURCE_KEY',
      message: `"${sourceKey}" is not a source key`,
      fix: `Source keys look like "<system>:<type>:<id>", with system one of ${SOURCE_SYSTEMS.join(', ')} and type one of ${RECORD_TYPES.join(', ')}.`,
      location: { recordKey: sourceKey },
    });
  }
  return { system, type, id };
}

export function isSourceSystem(value: string): value is SourceSystem {
  return (SOURCE_SYSTEMS as readonly string[]).includes(value);
}

export function isRecordType(value: string): value is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(value);
}
