/**
 * Matter form OnLoad (`Lexbridge.MatterForm.onLoad`, pass execution context): on a migrated
 * row, a form notification says where it came from and how many fields differ from the source
 * (the same comparison RecordDiff shows), and columns the confirmed profile marks `lock` become
 * read-only.
 */
import { dataFromWebApi, formatted } from '../../pcf-controls/shared/data';
import { loadConfirmedProfile } from '../../pcf-controls/shared/profiles';
import { buildRecordDiff, lockedColumns, lookupReads } from '../../pcf-controls/shared/record-diff';
import { readReferencedRows } from '../../pcf-controls/shared/referenced-rows';
import { tableByLogicalName } from '../../solution/src/schema';
import { provenanceMessage } from './provenance';
import { bareId, pageXrm, type XrmLike } from './xrm-like';

export const NOTIFICATION_ID = 'lexbridge-provenance';

export async function onLoad(executionContext: Xrm.Events.EventContext, xrm: XrmLike = pageXrm()): Promise<void> {
  const form = executionContext.getFormContext();
  const sourceKey = form.getAttribute('lex_sourcekey')?.getValue() as string | null | undefined;
  if (!sourceKey) return; // Not a migrated row.
  const table = form.data.entity.getEntityName();
  const data = dataFromWebApi(xrm.WebApi);
  try {
    const row = await data.retrieve(table, bareId(form.data.entity.getId()));
    const profile = await loadConfirmedProfile(data, row['lex_sourcesystem']);
    const snapshot = row['lex_sourcesnapshot'] as string | null;
    // The rows the lookups point at, where the comparison needs them (as RecordDiff reads them).
    const referenced = profile ? await readReferencedRows(data, lookupReads(table, snapshot, row, profile)) : undefined;
    const diff = profile ? buildRecordDiff(table, snapshot, row, profile, referenced) : undefined;
    const runId = row['_lex_migrationrunid_value'];
    const run = typeof runId === 'string' ? await data.retrieve('lex_migrationrun', runId, ['lex_runkey', 'lex_startedon']) : undefined;
    const message = provenanceMessage({
      system: formatted(row, 'lex_sourcesystem') ?? sourceKey.split(':')[0] ?? '',
      entity: (tableByLogicalName(table)?.displayName ?? table).toLowerCase(),
      number: String(row['lex_matternumber'] ?? row['lex_sourceid'] ?? sourceKey),
      ...(typeof run?.['lex_startedon'] === 'string' ? { migratedOn: run['lex_startedon'] } : {}),
      ...(typeof run?.['lex_runkey'] === 'string' ? { runKey: run['lex_runkey'] } : {}),
      ...(diff && !diff.snapshotMissing ? { differing: diff.differing } : {}),
    });
    form.ui.setFormNotification(message, diff?.differing ? 'WARNING' : 'INFO', NOTIFICATION_ID);
    for (const column of profile ? lockedColumns(profile, table) : []) {
      (form.getControl(column) as Xrm.Controls.StandardControl | null)?.setDisabled(true);
    }
  } catch (error) {
    const text = error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
    form.ui.setFormNotification(`Lexbridge could not read this row's provenance: ${text}`, 'ERROR', NOTIFICATION_ID);
  }
}
