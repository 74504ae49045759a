/** Validation at the edge of the model: connectors build plain objects, `parseRecord` admits them. */
import { z } from 'zod';
import { LexError } from '../errors';
import { canonicalRecordSchema, type CanonicalRecord } from './records';
import { toSourceKey, type RecordKey, type RecordType, type SourceSystem } from './keys';

/**
 * Checks a record against the canonical model. Returns a `LexError` (never throws) naming the
 * record and the first offending field, so a connector yields it as an issue and goes on.
 */
export function parseRecord(input: unknown): CanonicalRecord | LexError {
  const recordKey = sourceKeyHint(input);
  const parsed = canonicalRecordSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first?.path.join('.') || undefined;
    return new LexError({
      code: 'LEX_MODEL_INVALID_RECORD',
      message: `record does not fit the canonical model: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`,
      fix: 'Fix the value in the source, or the connector/column map that produced it; the record is left out of staging until then.',
      location: { recordKey, field },
      cause: parsed.error,
    });
  }
  const record = parsed.data;
  if (record.key.type !== record.type || record.sourceKey !== toSourceKey(record.key)) {
    return new LexError({
      code: 'LEX_MODEL_KEY_MISMATCH',
      message: `sourceKey "${record.sourceKey}" / type "${record.type}" disagree with key ${toSourceKey(record.key)}`,
      fix: 'Build the record with `recordBase()` so key, type and sourceKey agree.',
      location: { recordKey: record.sourceKey, field: 'sourceKey' },
    });
  }
  return record;
}

function sourceKeyHint(input: unknown): string | undefined {
  if (input && typeof input === 'object' && 'sourceKey' in input && typeof input.sourceKey === 'string') return input.sourceKey;
  return undefined;
}

/** The identity part every record starts with, consistent by construction. */
export function recordBase<T extends RecordType>(
  system: SourceSystem,
  type: T,
  id: string | number,
  provenance: { updatedAt: string; raw: Record<string, unknown>; sourceUrl?: string; origin?: { file: string; line?: number } },
): { key: RecordKey; sourceKey: string; type: T; updatedAt: string; raw: Record<string, unknown>; sourceUrl?: string; origin?: { file: string; line?: number } } {
  const key = { system, type, id: String(id) };
  return { key, sourceKey: toSourceKey(key), type, ...provenance };
}
