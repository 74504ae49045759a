/**
 * What the Actionstep connector reads: one stream per REST resource, what it side-loads with
 * `include=`, the attribute deltas filter on, and the mapper.
 */
import type { EntityDeclaration } from '../contract';
import type { Mapped } from './to-canonical';
import * as to from './to-canonical';

type Json = Record<string, unknown>;

export interface ActionstepStream extends EntityDeclaration {
  resource: string;
  include?: string;
  map: (raw: Json, context: to.PageContext) => Mapped;
}

const stream = (name: string, resource: string, cursorField: string | undefined, dependsOn: string[], map: ActionstepStream['map'], include?: string): ActionstepStream => ({
  name,
  key: 'id',
  cursorField,
  dependsOn,
  resource,
  include,
  map,
});

export const ACTIONSTEP_STREAMS: ActionstepStream[] = [
  stream('users', 'participantdefaulttypes', undefined, [], to.mapStaffParticipant, 'participant'),
  stream('contacts', 'participants', 'modifiedTimestamp', ['users'], to.mapParticipant),
  stream('practice_areas', 'actiontypes', undefined, [], to.mapActionType),
  stream('custom_field_definitions', 'datacollectionfields', undefined, ['practice_areas'], to.mapDataCollectionField, 'dataCollection'),
  stream('matters', 'actions', 'modifiedTimestamp', ['users', 'contacts', 'practice_areas'], to.mapAction),
  stream('participants', 'actionparticipants', undefined, ['matters', 'contacts'], to.mapActionParticipant, 'participantType'),
  stream('custom_field_values', 'datacollectionrecordvalues', 'last_modified_time_stamp', ['matters', 'custom_field_definitions'], to.mapDataCollectionValue, 'dataCollectionField'),
  stream('time_entries', 'timeentries', 'createdTimestamp', ['matters', 'users'], to.mapTimeEntry),
  stream('expenses', 'disbursements', 'enteredTimestamp', ['matters', 'users'], to.mapDisbursement),
  stream('bills', 'bills', 'modifiedTimestamp', ['matters', 'contacts'], to.mapBill),
  stream('notes', 'filenotes', 'enteredTimestamp', ['matters', 'users'], to.mapFileNote),
  stream('tasks', 'tasks', 'lastModifiedTimestamp', ['matters', 'users'], to.mapTask),
  stream('documents', 'actiondocuments', 'modifiedTimestamp', ['matters', 'users'], to.mapActionDocument),
];
