/**
 * Data rules, record by record: the model's quality rules (the generator's dirt labels), seed
 * 002's import rules (tasks need a user, notes a parent), duplicates, orphans, and files over
 * this environment's attachment limit.
 */
import type { MappableRecord } from '../../mapping/engine';
import { checkRecord, duplicateKeyOf, referencesOf, type CanonicalRecord } from '../../model';
import type { FindingSink } from '../findings';

export function checkData(records: () => Iterable<MappableRecord>, maxUploadFileSize: number, add: FindingSink): void {
  // Data rules: the model's quality rules and seed 002's import rules, record by record.
  const keys = new Set<string>();
  for (const r of records()) keys.add(r.sourceKey);
  const firstOfDuplicate = new Map<string, string>();
  const limit = maxUploadFileSize;
  for (const record of records()) {
    const canonical = record as unknown as CanonicalRecord;
    for (const q of safe(() => checkRecord(canonical), [])) {
      if (q.rule === 'oversized-document') continue; // judged against this environment's limit below
      add({ rule: q.rule, severity: 'warning', sourceKey: record.sourceKey, location: { recordKey: record.sourceKey, field: q.field }, message: q.message, fix: q.fix });
    }
    const dupKey = safe(() => duplicateKeyOf(canonical), undefined);
    if (dupKey) {
      const first = firstOfDuplicate.get(dupKey);
      if (first === undefined) firstOfDuplicate.set(dupKey, record.sourceKey);
      else
        add({
          rule: 'duplicate',
          severity: 'warning',
          sourceKey: record.sourceKey,
          location: { recordKey: record.sourceKey, field: dupKey.startsWith('email:') ? 'emails' : 'name' },
          message: `${record.sourceKey} looks like a duplicate of ${first} (same ${dupKey.startsWith('email:') ? 'email' : 'name'})`,
          fix: 'Merge the two in the source before the migration (the seeds: nobody cleans duplicates for you), or accept two rows.',
        });
    }
    for (const { field, ref } of safe(() => referencesOf(canonical), [])) {
      if (keys.has(ref)) continue;
      add({
        rule: 'orphan',
        severity: 'warning',
        sourceKey: record.sourceKey,
        location: { recordKey: record.sourceKey, field },
        message: `${record.sourceKey} refers to ${ref}, which is not among the extracted records`,
        fix: 'Check the export is complete, or fix the reference in the source; the row loads without that link.',
      });
    }
    if (record.type === 'document' && typeof record['size'] === 'number') {
      const base64 = Math.ceil(record['size'] / 3) * 4;
      if (base64 > limit)
        add({
          rule: 'oversized-document',
          severity: 'warning',
          sourceKey: record.sourceKey,
          location: { recordKey: record.sourceKey, field: 'size' },
          message: `${String(record['name'])} is ${mb(record['size'])} (${mb(base64)} as Base64), over this environment's maxuploadfilesize of ${mb(limit)}`,
          fix: 'It is linked as a SharePoint document location instead of a note attachment; or raise "Maximum file size" in the environment\'s email settings (up to 128 MB).',
        });
    }
    if (record.type === 'task' && !record['assigneeRef'])
      add({ rule: 'task-without-user', severity: 'warning', sourceKey: record.sourceKey, location: { recordKey: record.sourceKey, field: 'assigneeRef' }, message: `task ${String(record['name'] ?? record.sourceKey)} has no assigned user`, fix: 'Assign the task in the source, or accept the fallback owner (seed 002: tasks must have an assigned user).' });
    if (record.type === 'note' && !record['parentRef'])
      add({ rule: 'note-without-parent', severity: 'warning', sourceKey: record.sourceKey, location: { recordKey: record.sourceKey, field: 'parentRef' }, message: `note ${record.sourceKey} belongs to no matter or contact`, fix: 'Attach the note to a matter or contact in the source (seed 002: notes do not import without one).' });
  }

}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
