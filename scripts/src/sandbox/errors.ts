/**
 * The one error factory of the sandbox. Every failure a client can see is a `DataverseError`
 * carrying the HTTP status and the hex code the real service documents (Microsoft Learn,
 * "Web service error codes" and "Troubleshoot Dataverse Web API client errors"), so the client's
 * error handling is exercised against the same shapes it meets in production.
 */
export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DataverseError';
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

const e = (status: number, code: string, message: string, headers?: Record<string, string>) =>
  new DataverseError(status, code, message, headers);

export const errors = {
  /** 0x80040217 ObjectDoesNotExist, message form from a recorded Dataverse response. */
  objectDoesNotExist: (entity: string, id: string) => e(404, '0x80040217', `${entity} With Id = ${id} Does Not Exist`),
  /** 0x80060891 RecordNotFoundByEntityKey (status undocumented; 404 as the notes advise). */
  recordNotFoundByKey: (entity: string) =>
    e(404, '0x80060891', `A record with the specified key values does not exist in ${entity} entity`),
  /** 0x80060892 DuplicateRecordEntityKey; integrations report 412. */
  duplicateKey: (keyName: string, columns: string) =>
    e(
      412,
      '0x80060892',
      `Entity Key ${keyName} violated. A record with the same value for ${columns} already exists. A duplicate record cannot be created. Select one or more unique values and try again.`,
    ),
  /** 0x80040237 DuplicateRecord: a create with an id that exists. */
  duplicateRecord: () => e(412, '0x80040237', 'Cannot insert duplicate key.'),
  /** `If-None-Match: *` on an existing row. */
  alreadyExists: () => e(412, '0x80060892', 'A record with matching key values already exists.'),
  versionMismatch: () =>
    e(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided."),
  resourceNotFound: (segment: string) => e(404, '0x8006088a', `Resource not found for the segment '${segment}'.`),
  noHttpResource: (url: string) => e(404, '0x80060888', `No HTTP resource was found that matches the request URI '${url}'.`),
  propertyNotFound: (name: string, table: string) =>
    e(400, '0x80060888', `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${table}'.`),
  invalidProperty: (name: string, table: string) =>
    e(
      400,
      '0x80048d19',
      `An error occurred while validating input parameters: Microsoft.Crm.CrmException: Invalid property '${name}' was found in entity 'Microsoft.Dynamics.CRM.${table}'. ---> Microsoft.OData.ODataException: Does not support untyped value in non-open type.`,
    ),
  /** `<column>@odata.bind` where `<column>` is not a navigation property. */
  undeclaredProperty: (entitySet: string, name: string) =>
    e(
      400,
      '0x80048d19',
      `Error identified in Payload provided by the user for Entity :'${entitySet}' ----> InnerException : Microsoft.OData.ODataException: An undeclared property '${name}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
    ),
  payload: (entitySet: string, inner: string) =>
    e(400, '0x80048d19', `Error identified in Payload provided by the user for Entity :'${entitySet}' ----> InnerException : ${inner}`),
  badRequest: (message: string, code = '0x80040203') => e(400, code, message),
  /** 0x80044331: value too long, as in the documented $batch example. */
  tooLong: (column: string, table: string, max: number) =>
    e(
      400,
      '0x80044331',
      `A validation error occurred.  The length of the '${column}' attribute of the '${table}' entity exceeded the maximum allowed length of '${max}'.`,
    ),
  invalidKey: (table: string) =>
    e(
      400,
      '0x80060890',
      `The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.${table}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.${table}'.`,
    ),
  invalidStatus: (status: number, schemaName: string, stateName: string, logicalName: string) =>
    e(400, '0x80048408', `${status} is not a valid status code for state code ${schemaName}State.${stateName} on ${logicalName}.`),
  /** A plain update cannot reach states such as opportunity Won or incident Resolved. */
  stateNeedsMessage: (table: string, stateName: string, message: string) =>
    e(
      400,
      '0x80040203',
      `This message can not be used to set the state of ${table} to ${stateName}. In order to set state of ${table} to ${stateName}, use the ${message}Request message instead.`,
    ),
  /** 0x80040225 UserDisabled (recorded with HTTP 403). */
  userDisabled: (id: string) =>
    e(403, '0x80040225', `The specified user(Id = ${id}) is disabled. Consider enabling this user. Additional Details: cannot own records.`),
  queryOption: (message: string) => e(400, '0x80060888', message),
  unauthorized: () =>
    e(401, '0x80072560', 'The user is not a member of the organization.', { 'WWW-Authenticate': 'Bearer authorization_uri=http://127.0.0.1/oauth2/authorize' }),
  notImplemented: (what: string) =>
    e(501, '0x80040216', `The Lexbridge sandbox does not implement ${what}. See docs/sandbox.md, "Differences from Dataverse".`),
  methodNotAllowed: (method: string, url: string) =>
    e(405, '0x80060888', `The HTTP verb '${method}' is not allowed for the request URI '${url}'.`),
  batchTooLarge: (count: number) =>
    e(400, '0x8005f103', `The number of requests in the batch (${count}) exceeds the maximum allowed limit of 1000.`),
  contentIdMissing: (ref: string) => e(400, '0x80048d19', `Content-ID Reference: '${ref}' does not exist in the batch context.`),
  batchNotCrlf: () =>
    e(400, '0x80048d19', 'Error identified in Payload provided by the user for Entity :\'\' ----> InnerException : System.ArgumentException: Stream was not readable.'),
  throttledRequests: (limit: number, windowSeconds: number, retryAfter: number) =>
    e(429, '0x80072322', `Number of requests exceeded the limit of ${limit} over time window of ${windowSeconds} seconds.`, {
      'Retry-After': String(retryAfter),
    }),
  throttledExecutionTime: (limitMs: number, windowSeconds: number, retryAfter: number) =>
    e(
      429,
      '0x80072321',
      `Combined execution time of incoming requests exceeded limit of ${limitMs.toLocaleString('en-US')} milliseconds over time window of ${windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
      { 'Retry-After': String(retryAfter) },
    ),
  throttledConcurrency: (limit: number, retryAfter: number) =>
    e(429, '0x80072326', `Number of concurrent requests exceeded the limit of ${limit}.`, { 'Retry-After': String(retryAfter) }),
  serviceUnavailable: () => e(503, '0x80040216', 'The service is temporarily unavailable (fault injected by the sandbox).'),
  /** Alternate-key values with these characters cannot address a row in a URL (Learn, "Work with alternate keys"). */
  keyValueNotAddressable: (char: string, key: string) =>
    e(
      400,
      '0x0',
      `A potentially dangerous Request.Path value was detected from the client (${char}). Values of the alternate key ${key} that contain / < > * % & : \\ ? + cannot address a row in a URL; address it by id, or bind it by key in the body.`,
    ),
  /** A key whose index could not be built (existing duplicates) cannot address rows. */
  keyNotActive: (key: string, table: string) =>
    e(400, '0x80060890', `The key ${key} on entity ${table} is not active (EntityKeyIndexStatus Failed). Remove the duplicate values, then reactivate the key.`),
  entityKeyNameExists: (name: string, table: string) => e(400, '0x80060893', `An entity key with the name ${name} already exists on entity ${table}.`),
  metadataExists: (what: string) => e(400, '0x80044363', `${what} already exists.`),
  internal: (message: string) => e(500, '0x80040216', `An unexpected error occurred. ${message}`),
};
