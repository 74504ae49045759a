/**
 * CreateMultiple / UpdateMultiple / UpsertMultiple bound to an entity set (Learn, "Use bulk
 * operation messages"): `@odata.type` on every Target, all-or-nothing on standard tables,
 * UpdateMultiple keeps the first of duplicate Targets, UpsertMultiple rejects duplicates, and
 * the table must list the messages in the sdkmessagefilter catalogue.
 */
import type { TableDef } from '../../../../solution/src/schema/types';
import { DataverseError, errors } from '../errors';
import { parseAddress, parseEntityReference, type Address } from '../odata/address';
import { json, noContent, type HandlerContext, type SandboxRequest, type SandboxResponse } from './context';
import { createRow, findAddressed, parseJsonBody, updateRow } from './records';
import { readPayload } from './write-rules';

const MESSAGES = ['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple'] as const;
type Message = (typeof MESSAGES)[number];
const PREFIX = 'Microsoft.Dynamics.CRM.';

export const isBulkMessage = (segment: string) => MESSAGES.some((m) => segment === `${PREFIX}${m}` || segment === m);

const unsupported = (message: string, table: TableDef) =>
  new DataverseError(
    400,
    '0x80040800',
    `The '${message}' method does not support entities of type '${table.logicalName}'. MessageProcessorCache returned MessageProcessor.Empty.`,
  );

function targetsOf(table: TableDef, body: unknown): Record<string, unknown>[] {
  const targets = (body as { Targets?: unknown } | null)?.Targets;
  if (!Array.isArray(targets)) throw errors.payload(table.entitySetName, "Microsoft.OData.ODataException: The parameter 'Targets' is missing or not an array.");
  targets.forEach((target, index) => {
    const type = (target as Record<string, unknown> | null)?.['@odata.type'];
    if (type !== `${PREFIX}${table.logicalName}`) {
      throw errors.payload(
        table.entitySetName,
        `Microsoft.OData.ODataException: Targets[${index}] must carry "@odata.type": "${PREFIX}${table.logicalName}"${type ? ` (found '${String(type)}')` : ''}.`,
      );
    }
  });
  return targets as Record<string, unknown>[];
}

/** Where an UpsertMultiple Target points: `@odata.id` (alternate key) or the primary key in the body. */
function upsertAddress(table: TableDef, target: Record<string, unknown>, id: string | undefined, index: number): Address {
  const ref = target['@odata.id'];
  if (typeof ref === 'string') {
    const parsed = parseEntityReference(ref);
    if (!parsed || parsed.entitySet !== table.entitySetName) throw errors.badRequest(`Targets[${index}]: '@odata.id' must address ${table.entitySetName}.`, '0x80048d19');
    return parseAddress(parsed.keyText, table);
  }
  if (id) return { kind: 'id', id };
  throw errors.badRequest(`Targets[${index}]: an UpsertMultiple Target needs the primary key '${table.primaryIdColumn}' or an '@odata.id' alternate-key reference.`, '0x80040203');
}

const addressKey = (a: Address) => (a.kind === 'id' ? `id:${a.id}` : `key:${a.key.logicalName}:${a.values.map((v) => String(v).toLowerCase()).join('\u0000')}`);

export function handleBulk(ctx: HandlerContext, table: TableDef, segment: string, request: SandboxRequest): SandboxResponse {
  const message = segment.replace(PREFIX, '') as Message;
  const needed = message === 'UpsertMultiple' ? ['CreateMultiple', 'UpdateMultiple'] : [message];
  if (!needed.every((m) => ctx.store.bulkSupported(table.logicalName, m))) throw unsupported(message, table);
  const targets = targetsOf(table, parseJsonBody(table, request.body));
  const records = targets.length;

  if (message === 'CreateMultiple') {
    const ids = ctx.store.transaction(() =>
      targets.map((target) => {
        const payload = readPayload(ctx, table, target);
        return createRow(ctx, table, payload.values, payload.id);
      }),
    );
    return { ...json(200, { '@odata.context': `${ctx.apiUrl}$metadata#${PREFIX}CreateMultipleResponse`, Ids: ids }), records };
  }

  if (message === 'UpdateMultiple') {
    ctx.store.transaction(() => {
      const seen = new Set<string>();
      targets.forEach((target, index) => {
        if ('@odata.id' in target) throw errors.badRequest(`Targets[${index}]: using alternate keys with the Web API and UpdateMultiple is not supported.`, '0x80040203');
        const payload = readPayload(ctx, table, target);
        if (!payload.id) throw errors.badRequest(`Targets[${index}]: an UpdateMultiple Target needs the primary key '${table.primaryIdColumn}'.`, '0x80040203');
        // Documented: duplicates in Targets are ignored after the first.
        if (seen.has(payload.id)) return;
        seen.add(payload.id);
        const existing = ctx.store.get(table.logicalName, payload.id);
        if (!existing) throw errors.objectDoesNotExist(table.logicalName, payload.id);
        updateRow(ctx, table, existing, payload.values);
      });
    });
    return { ...noContent(), records };
  }

  ctx.store.transaction(() => {
    const seen = new Set<string>();
    targets.forEach((target, index) => {
      const payload = readPayload(ctx, table, target);
      const address = upsertAddress(table, target, payload.id, index);
      const k = addressKey(address);
      if (seen.has(k)) throw errors.badRequest(`Targets[${index}]: duplicate record in Targets; UpsertMultiple does not accept two Targets for the same record.`, '0x80040237');
      seen.add(k);
      const existing = findAddressed(ctx, table, address);
      if (existing) {
        if (address.kind === 'key') for (const c of address.key.columns) delete payload.values[c];
        updateRow(ctx, table, existing, payload.values);
        return;
      }
      if (address.kind === 'key') {
        // Microsoft's Python SDK (PR #127) records a 400 on the create path when the key column is also in the body.
        if (address.key.columns.some((c) => c in payload.values)) throw errors.badRequest('An unexpected error occurred.', '0x80040216');
        const values = { ...payload.values };
        address.key.columns.forEach((c, i) => (values[c] = address.values[i] ?? null));
        createRow(ctx, table, values);
      } else {
        createRow(ctx, table, payload.values, address.id);
      }
    });
  });
  return { ...noContent(), records };
}
