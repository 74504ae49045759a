/**
 * What the mapping stage produces and every later stage (plan, load, journal, verify, rollback)
 * consumes: one intended write to one Dataverse row. Pure data, no I/O.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { parse as parseUuid } from 'uuid';

/** Fixed namespace for Lexbridge row ids. Never change it: ids of rows already migrated depend on it. */
export const LEXBRIDGE_ROW_NAMESPACE = '6f1c1c9e-7a0b-5d3e-9b1e-4c2f6a8d0e11';

/**
 * Deterministic primary key for a row Lexbridge creates (DESIGN.md, "Row ids"): UUID v5 of its
 * target key (RFC 9562: SHA-1 of namespace bytes + UTF-8 name, version and variant bits set).
 * Upserts and lookup binds address rows by this id without reading anything first. Mapping
 * derives one or more per record, so this is written for speed: the uuid package's v5 spent
 * most of its time converting the name and allocating, not hashing (test/mapping/target-op.test.ts
 * checks it against uuid's v5).
 */
export function rowId(targetKey: string): string {
  return formatRowId(rowIdHash(targetKey));
}

/** The SHA-1 a row id is made of (its first 16 bytes), for indexes that keep ids as bytes. */
export function rowIdHash(targetKey: string): Uint8Array {
  return sha1(uuidName(targetKey));
}

/** The row id (UUID v5 text) of a hash from `rowIdHash`, whose 16 bytes start at `offset`. */
export function formatRowId(hash: Uint8Array, offset = 0): string {
  let at = 0;
  for (let i = 0; i < 16; i++) {
    if (at === 8 || at === 13 || at === 18 || at === 23) at++; // the dashes, set once below
    const b = hash[offset + i]!;
    const byte = i === 6 ? (b & 0x0f) | 0x50 : i === 8 ? (b & 0x3f) | 0x80 : b;
    UUID_CHARS[at++] = HEX_DIGITS[byte >> 4]!;
    UUID_CHARS[at++] = HEX_DIGITS[byte & 0x0f]!;
  }
  // One flat string: joining 20 hex pairs with `+` leaves a rope of cons cells (≈490 bytes per id
  // instead of ≈66), and every op keeps its id.
  return String.fromCharCode(...UUID_CHARS);
}

const HEX_DIGITS = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const UUID_CHARS: number[] = new Array<number>(36).fill('-'.charCodeAt(0));

const NAMESPACE = parseUuid(LEXBRIDGE_ROW_NAMESPACE);
/** Namespace then name, reused: sha1 reads it before the next call writes it. */
const MESSAGE = new Uint8Array(NAMESPACE.length + 256);
MESSAGE.set(NAMESPACE);

/** Namespace + UTF-8 of the name. Target keys are ASCII in practice: copied straight in. */
function uuidName(name: string): Uint8Array {
  const n = name.length;
  if (n <= MESSAGE.length - NAMESPACE.length) {
    let i = 0;
    for (; i < n; i++) {
      const c = name.charCodeAt(i);
      if (c > 0x7f) break;
      MESSAGE[NAMESPACE.length + i] = c;
    }
    if (i === n) return MESSAGE.subarray(0, NAMESPACE.length + n);
  }
  // Other text as uuid encoded it (so a lone surrogate still throws URIError, as before).
  const utf8 = unescape(encodeURIComponent(name));
  const bytes = new Uint8Array(NAMESPACE.length + utf8.length);
  bytes.set(NAMESPACE);
  for (let i = 0; i < utf8.length; i++) bytes[NAMESPACE.length + i] = utf8.charCodeAt(i);
  return bytes;
}

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
