/**
 * Streams a source connector into a staging store: validates every record against the model,
 * runs the record-level quality rules, and commits records, issues and the connector's
 * checkpoint together. Killed at any point and run again, it resumes from the last committed
 * checkpoint and ends with the same staging content as an uninterrupted run (records are
 * upserts by source key; issues are keyed by what and where). A key met twice with different
 * content in one extraction keeps its first row; the second is an issue and a lost row.
 */
import { LexError } from '../errors';
import { checkRecord, ENTITY_OF_TYPE, parseRecord, type CanonicalRecord } from '../model';
import type { EntityDeclaration, SourceConnector } from '../sources/contract';
import type { StagedIssue, StagingStore, UpsertOutcome } from './store';

export interface ExtractOptions {
  source: string;
  from: string;
  since?: string;
  /** Records held before a commit when the connector yields no checkpoint sooner. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (event: { entity: string; records: number }) => void;
}

export interface ExtractResult {
  runId: number;
  resumed: boolean;
  /** Per stream read in this run: records staged and how they compare with what staging held. */
  streams: Record<string, { records: number; issues: number } & Record<UpsertOutcome, number>>;
}

export async function extractToStaging(connector: SourceConnector, staging: StagingStore, options: ExtractOptions): Promise<ExtractResult> {
  const { run, resumed } = staging.beginRun(options.source, options.from, options.since);
  const checkpoints = staging.checkpoints(run.id);
  const batchSize = options.batchSize ?? 500;
  const streams: ExtractResult['streams'] = {};

  for (const entity of inDependencyOrder(connector.declaration.entities)) {
    if (checkpoints.isComplete(entity.name)) continue;
    const stats = (streams[entity.name] = { records: 0, issues: 0, new: 0, changed: 0, unchanged: 0, duplicate: 0 });
    let records: CanonicalRecord[] = [];
    let issues: StagedIssue[] = [];
    const flush = (checkpoint?: StagedCheckpoint) => {
      const outcome = staging.commit(run.id, { records, issues, checkpoint });
      for (const key of ['new', 'changed', 'unchanged', 'duplicate'] as const) stats[key] += outcome[key];
      stats.records -= outcome.duplicate;
      stats.issues += outcome.duplicate;
      records = [];
      issues = [];
    };

    const stream = connector.read(entity.name, { since: options.since, checkpoint: checkpoints.get(entity.name), signal: options.signal });
    for await (const message of stream) {
      // Ctrl-C: keep what was read (upserts are idempotent) and stop; a rerun resumes from the checkpoint.
      if (options.signal?.aborted) {
        flush();
        options.signal.throwIfAborted();
      }
      if (message.kind === 'checkpoint') {
        flush({ entity: entity.name, value: message.checkpoint });
        continue;
      }
      if (message.kind === 'issue') {
        stats.issues++;
        issues.push({ ...toStagedIssue(entity.name, message.error, message.rule, message.raw), ...(message.lost ? { lost: message.lost } : {}) });
        continue;
      }
      const record = parseRecord(message.record);
      if (record instanceof LexError) {
        stats.issues++;
        // Not a valid record: it is not staged, so the run must count it as failed.
        const key = (message.record as { sourceKey?: unknown }).sourceKey;
        issues.push({ ...toStagedIssue(entity.name, record, undefined, message.record.raw), ...(typeof key === 'string' ? { lost: key } : {}) });
        continue;
      }
      for (const finding of checkRecord(record)) {
        stats.issues++;
        issues.push({
          entity: ENTITY_OF_TYPE[record.type],
          sourceKey: record.sourceKey,
          rule: finding.rule,
          code: `LEX_QUALITY_${finding.rule.toUpperCase().replace(/-/g, '_')}`,
          message: finding.message,
          fix: finding.fix,
          location: { file: record.origin?.file, line: record.origin?.line, recordKey: record.sourceKey, field: finding.field },
        });
      }
      records.push(record);
      stats.records++;
      if (records.length >= batchSize) flush();
      if (stats.records % 1000 === 0) options.onProgress?.({ entity: entity.name, records: stats.records });
    }
    flush();
    checkpoints.complete(entity.name);
  }

  staging.checkAcrossRecords(run.id);
  staging.finishRun(run.id);
  return { runId: run.id, resumed, streams };
}

type StagedCheckpoint = Parameters<StagingStore['commit']>[1]['checkpoint'];

function toStagedIssue(entity: string, error: LexError, rule: StagedIssue['rule'], raw: unknown): StagedIssue {
  return { entity, sourceKey: error.location.recordKey, rule, code: error.code, message: error.message, fix: error.fix, location: error.location, raw };
}

/** Streams whose dependencies come first (declaration order otherwise); a cycle keeps declaration order. */
export function inDependencyOrder(entities: EntityDeclaration[]): EntityDeclaration[] {
  const byName = new Map(entities.map((e) => [e.name, e]));
  const ordered: EntityDeclaration[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (entity: EntityDeclaration) => {
    if (state.get(entity.name)) return;
    state.set(entity.name, 'visiting');
    for (const dep of entity.dependsOn) {
      const target = byName.get(dep);
      if (target && !state.get(dep)) visit(target);
    }
    state.set(entity.name, 'done');
    ordered.push(entity);
  };
  entities.forEach(visit);
  return ordered;
}
