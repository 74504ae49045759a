/**
 * What the mapping stage produces and every later stage (plan, load, journal, verify, rollback)
 * consumes: one intended write to one Dataverse row. Pure data, no I/O.
 */
import { parse as parseUuid, v5 as uuidv5 } from 'uuid';

/** Fixed namespace for Lexbridge row ids. Never change it: ids of rows already migrated depend on it. */
export const LEXBRIDGE_ROW_NAMESPACE = '6f1c1c9e-7a0b-5d3e-9b1e-4c2f6a8d0e11';

/**
 * Deterministic primary key for a row Lexbridge creates (DESIGN.md, "Row ids"): UUID v5 of its
 * target key (RFC 9562: SHA-1 of namespace bytes + UTF-8 name, version and variant bits set).
 * Upserts and lookup binds address rows by this id without reading anything first.
 *
 * Mapping derives one or more per record, so the name goes to uuid's v5 as bytes where it can:
 * given a string, v5 spends most of its time converting it (`unescape(encodeURIComponent())`).
 * Target keys are ASCII in practice and are copied straight into a reused buffer. (A SHA-1 written
 * out here was 4x faster still; decision 008 keeps hashing to audited libraries.)
 */
export function rowId(targetKey: string): string {
  return formatRowId(rowIdHash(targetKey));
}

/**
 * The 16 bytes of a row id (version and variant bits set), for indexes that keep ids as bytes.
 * The array is reused by the next call: copy what you keep.
 */
export function rowIdHash(targetKey: string): Uint8Array {
  const n = targetKey.length;
  if (n <= NAME_ROOM) {
    let i = 0;
    for (; i < n; i++) {
      const c = targetKey.charCodeAt(i);
      if (c > 0x7f) break;
      NAME[i] = c;
    }
    if (i === n) return uuidv5(NAME.subarray(0, n), NAMESPACE, ID_BYTES);
  }
  // Other text as uuid encodes it (a lone surrogate throws URIError).
  return uuidv5(targetKey, NAMESPACE, ID_BYTES);
}

/** The row id (UUID v5 text) of bytes from `rowIdHash`, 16 of them starting at `offset`. */
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
const NAME_ROOM = 256;
/** An ASCII name's bytes, reused for every key up to NAME_ROOM characters. */
const NAME = new Uint8Array(NAME_ROOM);
const ID_BYTES = new Uint8Array(16);

/**
 * Target keys of the rows a profile sets up once (connection roles, price list, fallback client).
 * Here, with no dependencies, so the controls inside Dynamics use the same keys.
 */
export const SETUP_KEYS = {
  priceList: 'lexbridge:pricelevel:migration',
  fallbackClient: 'lexbridge:account:fallback-client',
  connectionRole: (name: string) => `lexbridge:connectionrole:${name.toLowerCase()}`,
} as const;

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
