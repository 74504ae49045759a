/**
 * The run's input, from what staging holds: every record through the confirmed profile (the
 * mapping engine's `mapRecord` with the context pre-flight builds), with the record accounting
 * that goes with it — extracted per entity, skipped with why, failed with why — and the
 * candidates a sample chooses from. Pure: the caller reads staging and Dataverse.
 */
import { createContext, setupOps, type SystemUser } from '../mapping/context';
import { mapRecord, type MappableRecord } from '../mapping/engine';
import type { Profile } from '../mapping/profile';
import type { TargetOp } from '../mapping/target-op';
import type { SampleCandidate } from './sample';

export interface MappedFirm {
  /**
   * Every op, mapped afresh from staging each time it is iterated (the map is deterministic and
   * fast), so a million-record firm is never held in memory: the plan streams it to disk.
   */
  ops: Iterable<TargetOp>;
  extracted: Record<string, number>;
  skips: { sourceKey: string; reason: string }[];
  /** Records the map could not turn into any row, with the first reason. */
  failures: { sourceKey: string; code: string; message: string }[];
  /** Records that map to rows but lost a field on the way (the field's error): loaded, and reported. */
  warnings: { sourceKey: string; code: string; message: string }[];
  /** The records a sample chooses from (every record that maps to rows), likewise mapped afresh. */
  candidates: Iterable<SampleCandidate>;
  /** Source workflow definitions: they do not migrate, they are handed over as a rebuild reference. */
  workflows: WorkflowReference[];
}

export interface WorkflowReference {
  sourceKey: string;
  name: string;
  description?: string;
  steps: string[];
}

export interface MapFirmInput {
  profile: Profile;
  /** Called twice: once to index (context), once to map. */
  records: () => Iterable<MappableRecord>;
  systemUsers: readonly SystemUser[];
  /** Source keys with staging issues: the sample's dirty cases. */
  dirty?: ReadonlySet<string>;
  /** Delta: only records this says changed; the others are skipped as unchanged. */
  changed?: (sourceKey: string) => boolean;
  /** Target key → id of a row already in Dynamics (`readPreExisting`): updated, not duplicated. */
  preExisting?: ReadonlyMap<string, string>;
  /** Source rows extraction could not turn into records (`StagingStore.lostRecords`): extracted, and failed. */
  lost?: Iterable<{ sourceKey: string; code: string; message: string; fix: string }>;
}

export const entityOfKey = (sourceKey: string) => sourceKey.split(':')[1] ?? sourceKey;

export function mapFirm(input: MapFirmInput): MappedFirm {
  const built = createContext({ profile: input.profile, records: input.records(), systemUsers: input.systemUsers, ...(input.preExisting ? { preExisting: input.preExisting } : {}) });
  /** Each record that is to load, with what the map made of it; one pass over staging per call. */
  function* mapped() {
    for (const record of input.records()) {
      if (input.changed && !input.changed(record.sourceKey)) continue;
      yield { record, result: mapRecord(record, input.profile, built.context) };
    }
  }
  const out: MappedFirm = {
    ops: {
      *[Symbol.iterator]() {
        yield* setupOps(input.profile);
        for (const { result } of mapped()) if (!result.skipped) yield* result.ops;
      },
    },
    candidates: {
      *[Symbol.iterator]() {
        for (const { record, result } of mapped()) {
          if (result.skipped || !result.ops.length) continue;
          const stratum = [record['practiceArea'], record['status']].filter((v) => typeof v === 'string').join('|');
          yield { sourceKey: record.sourceKey, entity: entityOfKey(record.sourceKey), ...(stratum ? { stratum } : {}), ...(input.dirty?.has(record.sourceKey) ? { dirty: true } : {}) };
        }
      },
    },
    extracted: {},
    skips: [],
    failures: [],
    warnings: [],
    workflows: [],
  };
  // Lost at extraction: the source held them, so they count as extracted, and as failed with the reason.
  for (const row of input.lost ?? []) {
    const entity = entityOfKey(row.sourceKey);
    out.extracted[entity] = (out.extracted[entity] ?? 0) + 1;
    out.failures.push({ sourceKey: row.sourceKey, code: row.code, message: `Not extracted: ${row.message}. Fix: ${row.fix}` });
  }
  // The accounting pass: every record counted, and what did not become rows said why.
  for (const record of input.records()) {
    const entity = entityOfKey(record.sourceKey);
    out.extracted[entity] = (out.extracted[entity] ?? 0) + 1;
    if (record.type === 'workflow_definition') {
      out.workflows.push({ sourceKey: record.sourceKey, name: String(record['name'] ?? record.sourceKey), ...(typeof record['description'] === 'string' ? { description: record['description'] } : {}), steps: Array.isArray(record['steps']) ? record['steps'].map(String) : [] });
    }
    if (input.changed && !input.changed(record.sourceKey)) {
      out.skips.push({ sourceKey: record.sourceKey, reason: 'unchanged since the watermark' });
      continue;
    }
    const result = mapRecord(record, input.profile, built.context);
    if (result.skipped) {
      out.skips.push({ sourceKey: record.sourceKey, reason: result.skipped });
      continue;
    }
    if (!result.ops.length) {
      const first = result.errors[0];
      out.failures.push({ sourceKey: record.sourceKey, code: first?.code ?? 'LEX_MAP_NO_ROWS', message: first ? `${first.message}. Fix: ${first.fix}` : 'The profile maps this record to no row' });
      continue;
    }
    // The rows load without the fields that failed: say so, never drop them silently.
    for (const error of result.errors) out.warnings.push({ sourceKey: record.sourceKey, code: error.code, message: `${error.message}. Fix: ${error.fix}` });
  }
  return out;
}

/**
 * Delta pickup: a record counts as changed when a version extracted after `since` is new or has
 * a different content hash than the version before it (re-extracting unchanged data is not a change).
 */
export function changedSince(versions: (sourceKey: string) => readonly { extractedAt: string; contentHash: string }[], since: string): (sourceKey: string) => boolean {
  return (sourceKey) => {
    const list = versions(sourceKey);
    return list.some((v, i) => v.extractedAt > since && (i === 0 || list[i - 1]!.contentHash !== v.contentHash));
  };
}
