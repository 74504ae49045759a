/**
 * RunMonitor's model, pure: the `lex_migrationrun` row the engine writes (counts and summary as
 * JSON, see scripts/src/pipeline/run.ts) as per-entity progress, errors by rule and the diff summary.
 */
import { Choices } from '../../solution/generated/names';
import { schema } from '../../solution/src/schema';
import type { Row } from './data';

export interface EntityProgress {
  entity: string;
  extracted: number;
  loaded: number;
  skipped: number;
  failed: number;
  /** extracted = loaded + skipped + failed (DESIGN.md, record accounting). */
  balanced: boolean;
}

export interface RunSummary {
  entities: EntityProgress[];
  errors: { code: string; count: number }[];
  diff?: { records: number; matching: number; differing: number; missing: number };
  status: number | undefined;
  mode: number | undefined;
}

function parse(value: unknown): unknown {
  if (typeof value !== 'string' || !value) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function readRunSummary(row: Row): RunSummary {
  // The engine writes the run report's accounting: one `{ entity, extracted, loaded, skipped, failed, holds }` per entity.
  const counts = parse(row['lex_counts']);
  const entries = Array.isArray(counts) ? (counts as Record<string, unknown>[]) : [];
  const entities = entries.map((c) => {
    const e = { entity: String(c['entity'] ?? ''), extracted: count(c['extracted']), loaded: count(c['loaded']), skipped: count(c['skipped']), failed: count(c['failed']) };
    return { ...e, balanced: e.extracted === e.loaded + e.skipped + e.failed };
  });
  const summary = (parse(row['lex_summary']) ?? {}) as { errors?: { code?: unknown; count?: unknown }[]; diff?: Record<string, unknown> | null };
  const errors = (summary.errors ?? []).map((e) => ({ code: String(e.code ?? ''), count: count(e.count) })).sort((a, b) => b.count - a.count);
  const diff = summary.diff ? { records: count(summary.diff['records']), matching: count(summary.diff['matching']), differing: count(summary.diff['differing']), missing: count(summary.diff['missing']) } : undefined;
  const status = typeof row['lex_runstatus'] === 'number' ? row['lex_runstatus'] : undefined;
  const mode = typeof row['lex_mode'] === 'number' ? row['lex_mode'] : undefined;
  return { entities, errors, ...(diff ? { diff } : {}), status, mode };
}

const S = Choices.lex_runstatus;

/** A completed sample can be approved; a run that wrote rows can be rolled back unless that is already under way or done. */
export const canApprove = (s: RunSummary) => s.mode === Choices.lex_runmode.Sample && (s.status === S.Completed || s.status === S.CompletedWithErrors);
export const canRequestRollback = (s: RunSummary) =>
  s.mode !== Choices.lex_runmode.Rollback && s.status !== undefined && ([S.Completed, S.CompletedWithErrors, S.Failed, S.Approved] as number[]).includes(s.status);

/** The run status as the schema labels it ("Completed With Errors"), for rows read without formatted values. */
export function choiceLabel(choice: string, value: number | undefined): string {
  return schema.choices.find((c) => c.name === choice)?.options.find((o) => o.value === value)?.label ?? '';
}
