/**
 * What the Clio connector reads: one stream per index endpoint, each with the explicit
 * `fields=` it needs (Clio returns only id and etag otherwise; nested resources one level deep)
 * and the mapper that turns a payload into canonical records.
 */
import type { EntityDeclaration } from '../contract';
import * as to from './to-canonical';

type Json = Record<string, unknown>;

export interface ClioStream extends EntityDeclaration {
  /** Index path under /api/v4, without `.json`. */
  path: string;
  fields: string;
  map: (raw: Json, context: to.MapContext) => to.Mapped;
}

const CUSTOM_VALUES = 'custom_field_values{id,field_name,field_type,value,custom_field,picklist_option,updated_at}';
const TIMESTAMPS = 'created_at,updated_at';

const stream = (name: string, path: string, fields: string, dependsOn: string[], map: ClioStream['map']): ClioStream => ({
  name,
  key: 'id',
  cursorField: 'updated_at',
  dependsOn,
  path,
  fields: `id,etag,${fields},${TIMESTAMPS}`,
  map,
});

export const CLIO_STREAMS: ClioStream[] = [
  stream('users', 'users', 'name,first_name,last_name,email,enabled,rate,subscription_type,job_title{id,name}', [], to.mapUser),
  stream('practice_areas', 'practice_areas', 'name,code,category', [], to.mapPracticeArea),
  stream(
    'custom_field_definitions',
    'custom_fields',
    'name,parent_type,field_type,required,displayed,deleted,display_order,picklist_options{id,option,deleted_at}',
    [],
    to.mapCustomField,
  ),
  stream(
    'contacts',
    'contacts',
    'name,first_name,last_name,prefix,title,type,is_client,ledes_client_id,company{id,name},' +
      'email_addresses{id,address,name,primary},phone_numbers{id,number,name,primary},' +
      `addresses{id,street,city,province,postal_code,country,name,primary},${CUSTOM_VALUES}`,
    ['custom_field_definitions'],
    to.mapContact,
  ),
  stream(
    'matters',
    'matters',
    'display_number,description,status,billing_method,open_date,close_date,client_reference,client{id},practice_area{id},' +
      `responsible_attorney{id},originating_attorney{id},account_balances{id,balance,type,name},${CUSTOM_VALUES}`,
    ['users', 'contacts', 'practice_areas', 'custom_field_definitions'],
    to.mapMatter,
  ),
  stream('participants', 'relationships', 'description,matter{id},contact{id}', ['matters', 'contacts'], to.mapRelationship),
  stream(
    'activities',
    'activities',
    'type,date,quantity,quantity_in_hours,price,total,note,non_billable,billed,user{id},matter{id},' +
      'activity_description{id,utbms_task_id,utbms_activity_id},utbms_expense{id,code},bill{id}',
    ['matters', 'users'],
    to.mapActivity,
  ),
  // bills are mapped by the connector, which also reads each bill's line items
  stream('bills', 'bills', 'number,issued_at,due_at,state,total,paid,balance,matters{id},client{id},currency{code}', ['matters', 'activities'], (raw) => to.mapBill(raw, [])),
  stream(
    'calendar_events',
    'calendar_entries',
    'summary,description,location,start_at,end_at,all_day,matter{id},calendar_owner_id',
    ['matters', 'users'],
    to.mapCalendarEntry,
  ),
  stream('tasks', 'tasks', 'name,description,status,priority,due_at,completed_at,matter{id},assignee{id,type}', ['matters', 'users'], to.mapTask),
  stream('notes', 'notes', 'type,subject,detail,date,matter{id},contact{id},author{id}', ['matters', 'users'], to.mapNote),
  stream(
    'communications',
    'communications',
    'type,subject,body,date,received_at,user{id},matter{id},senders{id,type},receivers{id,type}',
    ['matters', 'users', 'contacts'],
    to.mapCommunication,
  ),
  stream('documents', 'documents', 'name,filename,size,content_type,matter{id},creator{id,type}', ['matters'], to.mapDocument),
];

export const LINE_ITEM_FIELDS = 'id,kind,date,description,price,quantity,total,activity{id},user{id}';
