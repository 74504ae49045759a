/// <reference types="xrm" />
/**
 * A small Xrm fake for the web resources: WebApi over the in-memory rows of test/pcf's fake
 * data (query options parsed as Xrm.WebApi receives them), dialogs that answer as told, a user
 * with roles, and a form context with attributes, controls and notifications.
 */
import { fakeData, type FakeData } from '../../pcf/support/fake-data';
import type { XrmLike } from '../../../plugins-ts/src/xrm-like';
import type { Row } from '../../../pcf-controls/shared/data';

export interface FakeXrm extends XrmLike {
  data: FakeData;
  dialogs: { kind: 'confirm' | 'alert'; title?: string; text?: string }[];
}

function options(query = ''): { select?: string[]; filter?: string; orderBy?: string; top?: number } {
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  return {
    ...(params.get('$select') ? { select: params.get('$select')!.split(',') } : {}),
    ...(params.get('$filter') ? { filter: params.get('$filter')! } : {}),
    ...(params.get('$orderby') ? { orderBy: params.get('$orderby')! } : {}),
    ...(params.get('$top') ? { top: Number(params.get('$top')) } : {}),
  };
}

export function fakeXrm(seed: Record<string, Row[]>, user: { id: string; roles: { id: string; name: string }[] }, confirm = true): FakeXrm {
  const data = fakeData(seed);
  const dialogs: FakeXrm['dialogs'] = [];
  return {
    data,
    dialogs,
    WebApi: {
      retrieveRecord: (table, id) => data.retrieve(table, id),
      retrieveMultipleRecords: async (table, query) => ({ entities: await data.list(table, options(query)) }),
      updateRecord: (table, id, values) => data.update(table, id, values),
      createRecord: async (table, values) => ({ id: await data.create(table, values) }),
    },
    Navigation: {
      openConfirmDialog: (async (strings: { title?: string; text?: string }) => {
        dialogs.push({ kind: 'confirm', ...strings });
        return { confirmed: confirm };
      }) as unknown as XrmLike['Navigation']['openConfirmDialog'],
      openAlertDialog: (async (strings: { title?: string; text: string }) => {
        dialogs.push({ kind: 'alert', ...strings });
      }) as unknown as XrmLike['Navigation']['openAlertDialog'],
    },
    Utility: { getGlobalContext: () => ({ userSettings: { userId: `{${user.id.toUpperCase()}}`, roles: { get: () => user.roles } } }) },
  };
}

export interface FakeForm {
  notifications: { message: string; level: string; id: string }[];
  disabled: Set<string>;
  refreshed: number;
  context: Xrm.Events.EventContext;
  form: Xrm.FormContext;
}

/** A form on one row: its attribute values, controls that can be disabled, and notifications. */
export function fakeForm(table: string, id: string, values: Row): FakeForm {
  const state: Omit<FakeForm, 'context' | 'form'> = { notifications: [], disabled: new Set(), refreshed: 0 };
  const form = {
    getAttribute: (name: string) => (name in values ? { getValue: () => values[name] } : null),
    getControl: (name: string) => ({ setDisabled: (d: boolean) => (d ? state.disabled.add(name) : state.disabled.delete(name)) }),
    data: {
      entity: { getEntityName: () => table, getId: () => `{${id.toUpperCase()}}` },
      refresh: async () => {
        state.refreshed++;
      },
    },
    ui: {
      setFormNotification: (message: string, level: string, nid: string) => {
        state.notifications.push({ message, level, id: nid });
        return true;
      },
    },
  } as unknown as Xrm.FormContext;
  const result = state as FakeForm;
  result.form = form;
  result.context = { getFormContext: () => form } as unknown as Xrm.Events.EventContext;
  return result;
}
