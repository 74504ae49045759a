/**
 * Every record through the profile, as the run will do it: rows per table, state changes, and
 * what the map cannot do — unmapped status values and roles once per value (with how many
 * records), other data errors under the data rule they show (orphan, bad-date, …).
 */
import { tableByLogicalName } from '../../../../solution/src/schema';
import { setupOps } from '../../mapping/context';
import { mapRecord, type MappableRecord, type MappingContext } from '../../mapping/engine';
import type { Profile } from '../../mapping/profile';
import type { Finding, FindingLocation, FindingSink } from '../findings';

export interface MappedCounts {
  /** Source records per record type. */
  counts: Record<string, number>;
  /** Rows per target table, setup rows included. */
  rows: Record<string, number>;
  stateChanges: number;
}

export function checkMapping(records: () => Iterable<MappableRecord>, profile: Profile, context: MappingContext, add: FindingSink): MappedCounts {
  // Map every record: what it becomes, and what the map cannot do.
  const rows: Record<string, number> = {};
  const counts: Record<string, number> = {};
  let stateChanges = 0;
  // One finding per unmapped value, role or type, counting the records (a matter gives two rows).
  const aggregated = new Map<string, { finding: Finding; records: Set<string> }>();
  const aggregate = (key: string, finding: Finding) => {
    const hit = aggregated.get(key);
    if (hit) hit.records.add(finding.sourceKey!);
    else aggregated.set(key, { finding, records: new Set([finding.sourceKey!]) });
  };
  for (const op of setupOps(profile)) rows[op.table] = (rows[op.table] ?? 0) + 1;
  for (const record of records()) {
    counts[record.type] = (counts[record.type] ?? 0) + 1;
    const { ops, errors } = mapRecord(record, profile, context);
    for (const op of ops) {
      rows[op.table] = (rows[op.table] ?? 0) + 1;
      if (op.state && !isDefaultState(op.table, op.state)) stateChanges++;
    }
    for (const e of errors) {
      const location: FindingLocation = { recordKey: record.sourceKey, ...(e.location.field ? { field: e.location.field } : {}) };
      switch (e.code) {
        case 'LEX_MAP_UNMAPPED_STATUS':
        case 'LEX_MAP_UNMAPPED_VALUE': {
          const value = /"([^"]*)"/.exec(e.message)?.[1] ?? e.message;
          aggregate(`value|${record.type}|${e.location.field}|${value}`, {
            rule: 'unmapped-value',
            severity: e.code === 'LEX_MAP_UNMAPPED_STATUS' ? 'blocking' : 'warning',
            sourceKey: record.sourceKey,
            location,
            message: `${record.type} ${e.message}`,
            fix: e.fix,
          });
          break;
        }
        case 'LEX_MAP_UNMAPPED_ROLE': {
          const role = /role "([^"]*)"/.exec(e.message)?.[1] ?? e.message;
          aggregate(`role|${role}`, { rule: 'unmapped-role', severity: 'warning', sourceKey: record.sourceKey, location, message: e.message, fix: e.fix });
          break;
        }
        case 'LEX_MAP_ENTITY_NOT_MAPPED':
          aggregate(`entity|${record.type}`, { rule: 'unmapped-entity', severity: 'warning', sourceKey: record.sourceKey, location, message: e.message, fix: e.fix });
          break;
        case 'LEX_MAP_USER_UNRESOLVED':
          break; // reported once per user above
        default:
          add({ rule: ruleOfMapError(record, e.code, e.message, e.location.field), severity: 'warning', sourceKey: record.sourceKey, location, message: e.message, fix: e.fix });
      }
    }
  }
  for (const { finding, records: keys } of aggregated.values())
    add({ ...finding, message: keys.size > 1 ? `${finding.message} (${keys.size} records, e.g. ${finding.sourceKey})` : finding.message });

  return { counts, rows, stateChanges };
}

/** A new row starts in its table's first state and status: reaching that takes no extra request. */
function isDefaultState(table: string, state: { statecode: number; statuscode: number }): boolean {
  const first = tableByLogicalName(table)?.states?.[0];
  return !!first && first.value === state.statecode && first.statuses[0]?.value === state.statuscode;
}

function ruleOfMapError(record: MappableRecord, code: string, message: string, field: string | undefined): string {
  if (code === 'LEX_MAP_ORPHAN') return 'orphan';
  if (code === 'LEX_MAP_BAD_VALUE' && /is not a date/.test(message)) return 'bad-date';
  if (code === 'LEX_MAP_BAD_VALUE' && /is not an email address/.test(message)) return /\d{3}/.test(message) ? 'phone-in-email' : 'map-error';
  if (code === 'LEX_MAP_REQUIRED_MISSING' && record.type === 'time_entry' && field === 'userRef') return 'time-without-user';
  if (code === 'LEX_MAP_REQUIRED_MISSING' && field === 'clientRef') return 'matter-without-client';
  return 'map-error';
}

