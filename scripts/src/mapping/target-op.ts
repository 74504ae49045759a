/**
 * What the mapping stage produces and every later stage (plan, load, journal, verify, rollback)
 * consumes: one intended write to one Dataverse row. Pure data, no I/O.
 */
import { parse as parseUuid } from 'uuid';

/** Fixed namespace for Lexbridge row ids. Never change it: ids of rows already migrated depend on it. */
export const LEXBRIDGE_ROW_NAMESPACE = '6f1c1c9e-7a0b-5d3e-9b1e-4c2f6a8d0e11';

/**
 * Deterministic primary key for a row Lexbridge creates (DESIGN.md, "Row ids"): UUID v5 of its
 * target key (RFC 9562: SHA-1 of namespace bytes + UTF-8 name, version and variant bits set).
 * Upserts and lookup binds address rows by this id without reading anything first.
 *
 * Mapping derives one or more per record, and this was a third of its time, so the UUID is made
 * here: uuid's v5 (node:crypto) took ~2 µs per id, mostly converting the name and allocating;
 * @noble/hashes' sha1 took ~4 µs under tsx and Jest, whose CommonJS transform of that ESM package
 * turns every helper call in the compression loop into a getter call; the SHA-1 below, on a
 * reused buffer, ~0.4 µs. test/mapping/target-op.test.ts checks it against uuid's v5.
 */
export function rowId(targetKey: string): string {
  return formatRowId(rowIdHash(targetKey));
}

/**
 * The SHA-1 a row id is made of (its first 16 bytes), for indexes that keep ids as bytes. The
 * array is reused by the next call: copy what you keep.
 */
export function rowIdHash(targetKey: string): Uint8Array {
  const n = targetKey.length;
  if (n <= NAME_ROOM) {
    let i = 0;
    for (; i < n; i++) {
      const c = targetKey.charCodeAt(i);
      if (c > 0x7f) break;
      MESSAGE[NAMESPACE.length + i] = c;
    }
    // Target keys are ASCII in practice: copied straight in.
    if (i === n) return sha1(MESSAGE, NAMESPACE.length + n);
  }
  // Other text as uuid encoded it (so a lone surrogate still throws URIError, as before).
  const utf8 = unescape(encodeURIComponent(targetKey));
  const message = new Uint8Array(NAMESPACE.length + utf8.length + PADDING_ROOM);
  message.set(NAMESPACE);
  for (let i = 0; i < utf8.length; i++) message[NAMESPACE.length + i] = utf8.charCodeAt(i);
  return sha1(message, NAMESPACE.length + utf8.length);
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
/** SHA-1 pads a message with 0x80, zeros and its 8-byte length: at most 72 bytes past it. */
const PADDING_ROOM = 72;
const NAME_ROOM = 256;
/** Namespace then name then padding, reused for every ASCII key up to NAME_ROOM characters. */
const MESSAGE = new Uint8Array(NAMESPACE.length + NAME_ROOM + PADDING_ROOM);
MESSAGE.set(NAMESPACE);

const W = new Int32Array(80);
const DIGEST = new Uint8Array(20);

/** SHA-1 (FIPS 180-4) of `data[0, length)`; pads in place, so `data` has PADDING_ROOM bytes to spare. */
function sha1(data: Uint8Array, length: number): Uint8Array {
  const end = (((length + 8) >>> 6) + 1) << 6;
  data.fill(0, length, end);
  data[length] = 0x80;
  const bits = length * 8; // keys are far below 2^29 bytes: the high length word stays zero
  data[end - 4] = bits >>> 24;
  data[end - 3] = bits >>> 16;
  data[end - 2] = bits >>> 8;
  data[end - 1] = bits;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  for (let block = 0; block < end; block += 64) {
    for (let i = 0; i < 16; i++) {
      const p = block + 4 * i;
      W[i] = (data[p]! << 24) | (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!;
    }
    for (let i = 16; i < 80; i++) {
      const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
      W[i] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let i = 0; i < 80; i++) {
      const f =
        i < 20 ? ((b & c) | (~b & d)) + 0x5a827999
        : i < 40 ? (b ^ c ^ d) + 0x6ed9eba1
        : i < 60 ? ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc
        : (b ^ c ^ d) + 0xca62c1d6;
      const t = (((a << 5) | (a >>> 27)) + f + e + W[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  putWord(0, h0);
  putWord(4, h1);
  putWord(8, h2);
  putWord(12, h3);
  putWord(16, h4);
  return DIGEST;
}

function putWord(at: number, word: number): void {
  DIGEST[at] = word >>> 24;
  DIGEST[at + 1] = word >>> 16;
  DIGEST[at + 2] = word >>> 8;
  DIGEST[at + 3] = word;
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
