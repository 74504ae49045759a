/**
 * Content hashes for profiles, plans and sample order. Pure and synchronous (no `node:crypto`,
 * no async `crypto.subtle`): the same hash is computed by the CLI and inside Dynamics, so it
 * uses @noble/hashes, an audited pure-JS SHA-256 (docs/decisions/008-noble-hashes.md).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** SHA-256 of the UTF-8 bytes of `text`, as lowercase hex. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** A digest fed in parts (a plan too large to hold as one string), read as lowercase hex. */
export interface Hasher {
  update(text: string): void;
  hex(): string;
}

/** SHA-256 over text fed in parts, as lowercase hex. */
export function sha256Hasher(): Hasher {
  const hash = sha256.create();
  return {
    update: (text) => void hash.update(utf8ToBytes(text)),
    hex: () => bytesToHex(hash.digest()),
  };
}

/** JSON with object keys sorted, so equal content always hashes equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
