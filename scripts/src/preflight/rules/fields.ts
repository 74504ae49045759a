/**
 * Source fields: custom fields (where each lands, with the proposer's suggestion) and canonical
 * fields with values that the profile reads nowhere (they reach Dynamics only in the snapshot).
 */
import type { SolutionSchema } from '../../../../solution/src/schema';
import { PROVENANCE } from '../../mapping/columns';
import type { MappableRecord } from '../../mapping/engine';
import type { Profile } from '../../mapping/profile';
import { fieldsFromRecords, proposeField } from '../../mapping/proposer';
import type { FindingSink } from '../findings';

export function checkFields(records: () => Iterable<MappableRecord>, profile: Profile, solution: SolutionSchema, add: FindingSink): { explicit: number; total: number } {
  // Canonical fields the profile never reads: they reach Dynamics only inside the snapshot.
  for (const [type, fields] of unreadFields(profile, records()))
    for (const [field, count] of fields)
      add({
        rule: 'unmapped-field',
        severity: 'info',
        location: { field: `${type}.${field}` },
        message: `${type}.${field} has values on ${count} record(s) but the profile maps it nowhere; it is kept only in ${PROVENANCE.snapshot}`,
        fix: `Map it in "entities.${type}" of the profile if Dynamics should show it.`,
      });

  // Custom fields: where each lands.
  const fields = fieldsFromRecords(records());
  let explicit = 0;
  for (const field of fields) {
    const placed = profile.customFields[`${field.entity}.${field.name}`];
    if (placed && 'column' in placed) {
      explicit++;
      continue;
    }
    const proposal = profile.proposals.find((p) => p.entity === field.entity && p.field === field.name) ?? proposeField(field, profile, solution);
    add({
      rule: 'unmapped-field',
      severity: 'info',
      location: { field: `${field.entity}.${field.name}`, table: proposal.table, column: proposal.column },
      message: placed
        ? `${field.entity} custom field "${field.name}" goes to the JSON column by choice`
        : `${field.entity} custom field "${field.name}" has no explicit column; proposal: ${proposal.table}.${proposal.column} (score ${proposal.score}): ${proposal.reason}`,
      fix: `Map it in the profile's "customFields" ("${field.entity}.${field.name}": { "table": "…", "column": "…" }) or leave it in the JSON column.`,
    });
  }

  return { explicit, total: fields.length };
}

/** Record fields that are not identity or provenance. */
const OWN_FIELDS = new Set(['type', 'key', 'sourceKey', 'updatedAt', 'raw', 'sourceUrl', 'origin']);

/** Per record type: fields with values that no path of the profile reads, with how many records have them. */
export function unreadFields(profile: Profile, records: Iterable<MappableRecord>): Map<string, Map<string, number>> {
  const read = new Map<string, Set<string>>();
  for (const [type, { targets }] of Object.entries(profile.entities)) {
    const fields = new Set<string>();
    const addPath = (path: string | undefined) => {
      for (const alternative of (path ?? '').split('|')) fields.add(alternative.split('->')[0]!.split('.')[0]!.trim());
    };
    for (const t of targets) {
      addPath(t.each);
      addPath(t.owner);
      addPath(t.when?.field);
      addPath(t.status?.from);
      for (const c of Object.values(t.columns)) for (const p of Array.isArray(c.from) ? c.from : [c.from]) addPath(p);
      for (const l of Object.values(t.lookups)) addPath(l.from);
    }
    if (profile.matterStrategy?.entity === type) addPath(profile.matterStrategy.practiceAreaField);
    read.set(type, fields);
  }
  const unread = new Map<string, Map<string, number>>();
  for (const record of records) {
    const fields = read.get(record.type);
    if (!fields) continue;
    for (const [field, value] of Object.entries(record)) {
      if (OWN_FIELDS.has(field) || fields.has(field) || value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) continue;
      let counts = unread.get(record.type);
      if (!counts) unread.set(record.type, (counts = new Map()));
      counts.set(field, (counts.get(field) ?? 0) + 1);
    }
  }
  return unread;
}
