/**
 * What the mapping stage produces and every later stage (plan, load, journal, verify, rollback)
 * consumes: one intended write to one Dataverse row. Pure data, no I/O.
 */
import { parse as parseUuid, v5 as uuidv5 } from 'uuid';

/** Fixed namespace for Lexbridge row ids. Never change it: ids of rows already migrated depend on it. */
export const LEXBRIDGE_ROW_NAMESPACE = '6f1c1c9e-7a0b-5d3e-9b1e-4c2f6a8d0e11';

/**
 * Deterministic primary key for a row Lexbridge creates (DESIGN.md, "Row ids"): UUID v5 of its
 * target key. Upserts and lookup binds address rows by this id without reading anything first.
 */
export function rowId(targetKey: string): string {
  return uuidv5(targetKey, NAMESPACE_BYTES);
}

/** Parsed once: uuid would otherwise parse and validate the namespace string on every call (mapping makes millions). */
const NAMESPACE_BYTES = parseUuid(LEXBRIDGE_ROW_NAMESPACE);

/** A value as the Web API takes it: strings for dates (ISO), numbers for choices and money. */
export type ColumnValue = string | number | boolean | null;

export interface LookupValue {
  /** Logical name of the referenced table (one of the lookup's targets). */
  table: string;
  id: string;
  /** The source key of the referenced record, for messages and orphan checks. */
  sourceKey?: string;
}

export interface TargetOp {
  /** Logical name of the target table (from solution/src/schema). */
  table: string;
  /**
   * Unique name of this row: the source key, with a suffix when one source record yields
   * several rows (`clio:contact:7#account`, `clio:matter:12#opportunity`).
   */
  targetKey: string;
  /** The source record this row comes from (record accounting is per source record). */
  sourceKey: string;
  /** Primary key: `rowId(targetKey)`, or the id of a pre-existing row matched in pre-flight. */
  id: string;
  /** True when `id` belongs to a row that existed before the migration (it keeps its id; rollback restores it). */
  preExisting?: boolean;
  /** Column logical name → value. Lookups are not here but in `lookups`. */
  columns: Record<string, ColumnValue>;
  /** Lookup column logical name → referenced row (null clears it). */
  lookups: Record<string, LookupValue | null>;
  /** Owner: a systemuser id resolved from the source user's email, or the fallback owner. */
  ownerId?: string;
  /** statecode/statuscode to reach after the upsert (set the documented way). */
  state?: { statecode: number; statuscode: number };
}
