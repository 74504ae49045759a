/**
 * What the controls read and write, as a small interface: PCF's `context.webAPI`, `Xrm.WebApi`
 * and the local review page all fit it through `dataFromWebApi`, and tests pass a fake.
 */
export type Row = Record<string, unknown>;

export interface CurrentUser {
  id: string;
  name: string;
  /** Written to lex_reviewedby / lex_confirmedby / lex_approvedby (text columns holding an email). */
  email: string;
  /** Names of the user's security roles. */
  roles: readonly string[];
}

export interface LexData {
  retrieve(table: string, id: string, select?: readonly string[]): Promise<Row>;
  /** Rows of a table, `$filter`/`$orderby` as OData text. */
  list(table: string, options?: { select?: readonly string[]; filter?: string; orderBy?: string; top?: number }): Promise<Row[]>;
  update(table: string, id: string, values: Row): Promise<void>;
  create(table: string, values: Row): Promise<string>;
}

/** The part of `Xrm.WebApi` / PCF `context.webAPI` the controls use. */
export interface WebApiLike {
  retrieveRecord(entityLogicalName: string, id: string, options?: string): PromiseLike<Row>;
  retrieveMultipleRecords(entityLogicalName: string, options?: string, maxPageSize?: number): PromiseLike<{ entities: Row[] }>;
  updateRecord(entityLogicalName: string, id: string, data: Row): PromiseLike<unknown>;
  createRecord(entityLogicalName: string, data: Row): PromiseLike<{ id: string }>;
}

function queryOptions(options: { select?: readonly string[]; filter?: string; orderBy?: string; top?: number }): string {
  const parts: string[] = [];
  if (options.select?.length) parts.push(`$select=${options.select.join(',')}`);
  if (options.filter) parts.push(`$filter=${options.filter}`);
  if (options.orderBy) parts.push(`$orderby=${options.orderBy}`);
  if (options.top) parts.push(`$top=${options.top}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

export function dataFromWebApi(webApi: WebApiLike): LexData {
  return {
    retrieve: async (table, id, select) => webApi.retrieveRecord(table, id, select?.length ? `?$select=${select.join(',')}` : undefined),
    list: async (table, options = {}) => (await webApi.retrieveMultipleRecords(table, queryOptions(options))).entities,
    update: async (table, id, values) => {
      await webApi.updateRecord(table, id, values);
    },
    create: async (table, values) => (await webApi.createRecord(table, values)).id,
  };
}

/** The Web API's display text for a choice, lookup or date, when the response carries it. */
export const formatted = (row: Row, column: string): string | undefined => {
  const value = row[`${column}@OData.Community.Display.V1.FormattedValue`];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The email written to lex_reviewedby / lex_confirmedby / lex_approvedby. PCF's user settings give
 * a display name, not an email, so the signed-in user's systemuser row supplies it.
 */
export async function userEmail(data: LexData, user: CurrentUser): Promise<string> {
  if (user.email.includes('@')) return user.email;
  const row = await data.retrieve('systemuser', user.id, ['internalemailaddress']);
  const email = row['internalemailaddress'];
  return typeof email === 'string' && email ? email : user.name;
}
