/**
 * Columns the platform adds to every user-owned table. Custom tables get them from Dataverse
 * when created; the sandbox needs them to behave like the real service, and the loader writes
 * `ownerid`, `statecode`, `statuscode` and `overriddencreatedon`.
 */
import { dateTime, lookup, platformColumn } from '../columns';
import type { ColumnDef } from '../types';

export function systemColumns(): ColumnDef[] {
  return [
    platformColumn('ownerid', 'Owner', { kind: 'owner' }, { description: 'Owner of the row (user or team).', required: 'required' }),
    platformColumn('statecode', 'Status', { kind: 'state' }, { description: 'Active or inactive (per-table states).' }),
    platformColumn('statuscode', 'Status Reason', { kind: 'status' }, { description: 'Reason for the status.' }),
    platformColumn('createdon', 'Created On', dateTime(), { readOnly: true }),
    platformColumn('modifiedon', 'Modified On', dateTime(), { readOnly: true }),
    platformColumn('createdby', 'Created By', lookup(['systemuser']), { readOnly: true }),
    platformColumn('modifiedby', 'Modified By', lookup(['systemuser']), { readOnly: true }),
    platformColumn('overriddencreatedon', 'Record Created On', dateTime(), {
      description: 'Date the row was originally created; settable on create, which is how migrations keep history.',
    }),
  ];
}
