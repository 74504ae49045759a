/** Small, readable TargetOps for pipeline tests: a firm with one organisation, one person, one matter. */
import type { DataverseClient } from '../../scripts/src/dataverse/client';
import { rowId, type TargetOp } from '../../scripts/src/mapping/target-op';

export const USER_ID = '11111111-1111-4111-8111-111111111111';

export function op(table: string, targetKey: string, columns: TargetOp['columns'] = {}, lookups: TargetOp['lookups'] = {}, extra: Partial<TargetOp> = {}): TargetOp {
  return { table, targetKey, sourceKey: targetKey.split('#')[0]!, id: rowId(targetKey), columns, lookups, ...extra };
}

export const ref = (table: string, targetKey: string) => ({ table, id: rowId(targetKey), sourceKey: targetKey });

/** Account ↔ contact cycle, a matter, a time entry, a task and a note: every phase of a plan. */
export function smallFirm(): TargetOp[] {
  return [
    op('lex_timeentry', 'clio:activity:1', { lex_name: '2024-01-02 research', lex_hours: 1.5, lex_amount: 450 }, { lex_matterid: ref('lex_matter', 'clio:matter:10'), lex_userid: { table: 'systemuser', id: USER_ID } }),
    op('lex_matter', 'clio:matter:10', { lex_name: '00010-Acme', lex_matternumber: '00010', lex_opendate: '2024-01-01', lex_estimatedvalue: 1000.5 }, { lex_clientid: ref('account', 'clio:contact:1') }, { ownerId: USER_ID, state: { statecode: 1, statuscode: 2 } }),
    op('contact', 'clio:contact:2', { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: 'ada@example.com' }, { parentcustomerid: ref('account', 'clio:contact:1') }),
    op('account', 'clio:contact:1', { name: 'Acme Pty Ltd' }, { primarycontactid: ref('contact', 'clio:contact:2') }, { state: { statecode: 0, statuscode: 1 } }),
    op('task', 'clio:task:5', { subject: 'File defence' }, { regardingobjectid: ref('lex_matter', 'clio:matter:10') }),
    op('annotation', 'clio:note:7', { subject: 'Call notes', notetext: 'Spoke to client' }, { objectid: ref('lex_matter', 'clio:matter:10') }),
  ];
}

/**
 * Drops the notes that hang on `lex_migrationrun` rows (each run's journal and report): they are
 * run history, not migrated data, so snapshots of the migrated tables leave them out.
 */
export async function withoutRunNotes(client: Pick<DataverseClient, 'query'>, table: string, rows: unknown[]): Promise<unknown[]> {
  if (table !== 'annotation') return rows;
  const runs = new Set<string>();
  for await (const page of client.query('lex_migrationrun', { select: ['lex_migrationrunid'] })) for (const r of page) runs.add(String(r['lex_migrationrunid']));
  return rows.filter((r) => !runs.has(String((r as Record<string, unknown>)['_objectid_value'])));
}
