/**
 * The messages a plain update cannot replace (the schema's `statesNeedingMessage`):
 * WinOpportunity, LoseOpportunity, CloseIncident. Learn documents their bodies as a close
 * activity that binds the row (`OpportunityClose` / `IncidentResolution`) plus `Status`. The
 * sandbox checks the row, that it is still in its first (open) state and that `Status` belongs to
 * the target state, then sets statecode/statuscode. It does not store the close activity.
 */
import type { TableDef } from '../../../../solution/src/schema/types';
import { errors } from '../errors';
import { noContent, type HandlerContext, type SandboxRequest, type SandboxResponse } from './context';
import { parseJsonBody } from './records';
import { applyUpdateDefaults, resolveReference } from './write-rules';

/** Which table and state a message closes rows into, from the schema itself. */
export function stateMessageTarget(ctx: HandlerContext, message: string): { table: TableDef; state: number } | undefined {
  for (const table of ctx.store.tables()) {
    for (const [state, name] of Object.entries(table.statesNeedingMessage ?? {})) if (name === message) return { table, state: Number(state) };
  }
  return undefined;
}

export function handleStateMessage(ctx: HandlerContext, message: string, request: SandboxRequest): SandboxResponse {
  const target = stateMessageTarget(ctx, message)!;
  const { table } = target;
  if (request.method !== 'POST') throw errors.noHttpResource(`${ctx.apiUrl}${message}`);
  const body = parseJsonBody(table, request.body) as Record<string, unknown>;
  const bind = `${table.primaryIdColumn}@odata.bind`;
  const activity = Object.values(body).find((v): v is Record<string, unknown> => !!v && typeof v === 'object' && bind in (v as object));
  if (!activity || typeof activity[bind] !== 'string') {
    throw errors.badRequest(`${message} needs the close activity with "${bind}" naming the ${table.logicalName}.`, '0x80048d19');
  }
  const status = body['Status'];
  const state = table.states?.find((s) => s.value === target.state);
  if (typeof status !== 'number' || !state) throw errors.badRequest(`${message} needs Status, a status reason of ${table.logicalName} state ${state?.name ?? target.state}.`, '0x80048d19');
  if (!state.statuses.some((s) => s.value === status)) throw errors.invalidStatus(status, table.schemaName, state.name.replace(/\s/g, ''), table.logicalName);
  const { row } = resolveReference(ctx, activity[bind] as string, table.logicalName);
  const openState = table.states?.[0]?.value ?? 0;
  if (row['statecode'] !== openState) {
    throw errors.badRequest(`The ${table.logicalName} is not open (statecode ${String(row['statecode'])}); ${message} closes open rows only. Reopen it first.`, '0x80040203');
  }
  const changes = { statecode: target.state, statuscode: status };
  applyUpdateDefaults(ctx, table, changes);
  ctx.store.update(table.logicalName, String(row[table.primaryIdColumn]), { ...changes, versionnumber: ctx.store.nextVersion() });
  return { ...noContent(), records: 1 };
}
