/**
 * Dynamics → CLI hand-off (decision 005). People approve samples and request rollbacks inside
 * Dynamics, on the run's `lex_migrationrun` row; the run journals live with the admin who ran the
 * migration. These functions carry those decisions into the journals: an approval recorded on a
 * row becomes the journal's approval, and every run whose row says Rollback Requested is rolled
 * back from its journal, then marked Rolled Back.
 */
import type { DataverseClient } from '../dataverse/client';
import { LexError } from '../errors';
import { Journal, runsRoot, type RunMeta } from '../journal/journal';
import { markRolledBack, readRollbackRequests, readRunDecisions, recordApprovalOnRow } from './run-row';
import { approveRun, rollbackRun, type RollbackOptions, type RunOutcome } from './run';

/**
 * `lexbridge approve <runId> --env …`: the approval already on the run's row (who and when from
 * the row), or, with `by`, a new approval recorded in the journal and on the row.
 */
export async function approveWithEnvironment(cwd: string, runId: string, client: DataverseClient, by?: string, now = new Date()): Promise<RunMeta & { approvedIn: 'dynamics' | 'cli' }> {
  const row = await readRunDecisions(client, runId);
  if (row?.status === 'Approved' && row.approvedBy && row.approvedOn) {
    return { ...approveRun(cwd, runId, row.approvedBy, new Date(row.approvedOn)), approvedIn: 'dynamics' };
  }
  if (!by) {
    throw new LexError({
      code: 'LEX_APPROVE_NOT_IN_DYNAMICS',
      message: row ? `Run ${runId} is not approved in Dynamics (its row's status is ${row.status === 'other' ? 'not Approved' : row.status})` : `The environment has no run row for ${runId}`,
      fix: 'Approve the sample on its run form in Dynamics (Approve sample), or approve it here with `lexbridge approve <runId> --by <your email>`.',
      location: { recordKey: `lexbridge:run:${runId}`, field: 'lex_runstatus' },
    });
  }
  const meta = approveRun(cwd, runId, by, now);
  await recordApprovalOnRow(client, runId, meta.approvedBy!, meta.approvedOn!);
  return { ...meta, approvedIn: 'cli' };
}

/** One requested rollback and what became of it. */
export type RequestedRollback =
  | { runId: string; requestedBy: string | null; requestedOn: string | null; done: true; outcome: RunOutcome & { verified: boolean } }
  | { runId: string; requestedBy: string | null; requestedOn: string | null; done: false; reason: string; fix: string; outcome?: RunOutcome & { verified: boolean } };

export type RequestedRollbackOptions = Omit<RollbackOptions, 'runId' | 'requested'>;

/**
 * `lexbridge rollback --requested --env …`: rolls back every run whose row says Rollback
 * Requested, oldest request first, each through `rollbackRun` with the requester journaled. A run
 * whose journal is not in this folder, or whose rollback does not finish clean, keeps its status
 * and the result says why; the others are marked Rolled Back.
 */
export async function rollbackRequested(options: RequestedRollbackOptions): Promise<RequestedRollback[]> {
  const requests = await readRollbackRequests(options.client);
  const known = new Set(Journal.list(runsRoot(options.cwd)));
  const results: RequestedRollback[] = [];
  for (const request of requests) {
    const who = { runId: request.runId, requestedBy: request.rollbackRequestedBy, requestedOn: request.rollbackRequestedOn };
    if (!known.has(request.runId)) {
      results.push({ ...who, done: false, reason: `its journal is not in ${runsRoot(options.cwd)}`, fix: 'Run `lexbridge rollback --requested` in the folder the run was started from (where .lexbridge/runs/<runId>/ is).' });
      continue;
    }
    try {
      const outcome = await rollbackRun({
        ...options,
        runId: request.runId,
        requested: { by: request.rollbackRequestedBy ?? 'unknown', on: request.rollbackRequestedOn ?? new Date().toISOString() },
      });
      if (outcome.status === 'completed' && outcome.verified) {
        await markRolledBack(options.client, request.runId);
        results.push({ ...who, done: true, outcome });
      } else if (outcome.status === 'running') {
        results.push({ ...who, done: false, reason: 'stopped at a checkpoint', fix: 'Run `lexbridge rollback --requested` again to finish it.', outcome });
        break;
      } else {
        results.push({ ...who, done: false, reason: 'some rows do not match their pre-run state after the rollback', fix: `Read ${outcome.report}, fix what it lists, then run \`lexbridge rollback ${request.runId}\` again.`, outcome });
      }
    } catch (error) {
      if (!(error instanceof LexError) || error.transient) throw error;
      results.push({ ...who, done: false, reason: error.message, fix: error.fix });
    }
  }
  return results;
}
