import { DataverseError, parseErrorBody, redactSecrets } from '../../scripts/src/dataverse/errors';
import { bindLookup, formatKey, rowPath } from '../../scripts/src/dataverse/client';

describe('DataverseError', () => {
  it('classifies transient and data errors by status', () => {
    expect(new DataverseError({ status: 429, message: 'x' })).toMatchObject({ code: 'LEX_DATAVERSE_THROTTLED', transient: true });
    expect(new DataverseError({ status: 503, message: 'x' })).toMatchObject({ code: 'LEX_DATAVERSE_UNAVAILABLE', transient: true });
    expect(new DataverseError({ status: 0, message: 'x' })).toMatchObject({ code: 'LEX_DATAVERSE_CONNECTION', transient: true });
    expect(new DataverseError({ status: 404, message: 'x' })).toMatchObject({ code: 'LEX_DATAVERSE_NOT_FOUND', transient: false });
    expect(new DataverseError({ status: 412, message: 'x' })).toMatchObject({ code: 'LEX_DATAVERSE_PRECONDITION', transient: false });
    expect(new DataverseError({ status: 400, message: 'x' })).toMatchObject({ code: 'LEX_DATAVERSE_REJECTED', transient: false });
  });

  it('says what, where and how to fix, with the Dataverse code and record key', () => {
    const error = new DataverseError({
      status: 404,
      dataverseCode: '0x80060891',
      message: 'A record with the specified key values does not exist in lex_matter entity',
      request: "PATCH lex_timeentries(…)",
      recordKey: 'clio:activity:7',
    });
    expect(error.toString()).toBe(
      "LEX_DATAVERSE_NOT_FOUND: A record with the specified key values does not exist in lex_matter entity (0x80060891) [PATCH lex_timeentries(…)] (record clio:activity:7). Fix: no row has these alternate-key values: load the referenced record first (plan order) or correct its source key",
    );
    const moved = error.forRecord('clio:activity:8');
    expect(moved).toMatchObject({ recordKey: 'clio:activity:8', dataverseCode: '0x80060891', status: 404, detail: error.detail });
  });

  it('redacts bearer tokens and JWTs from messages', () => {
    const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvbnRvc28ifQ.c2lnbmF0dXJl';
    expect(redactSecrets(`Authorization: Bearer ${jwt}`)).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets(`token=${jwt}`)).toBe('token=[redacted-token]');
    expect(new DataverseError({ status: 401, message: `rejected ${jwt}` }).message).not.toContain(jwt);
  });

  it('reads the documented error body, and falls back to the raw text', () => {
    expect(parseErrorBody('{"error":{"code":"0x80040217","message":"account With Id = 1 Does Not Exist"}}')).toEqual({ code: '0x80040217', message: 'account With Id = 1 Does Not Exist' });
    expect(parseErrorBody('<html>Bad gateway</html>')).toEqual({ code: '', message: '<html>Bad gateway</html>' });
  });
});

describe('keys and binds from the schema', () => {
  it('formats primary and alternate keys, doubling quotes and encoding values', () => {
    expect(formatKey('{A1B2C3D4-0000-0000-0000-000000000001}')).toBe('(A1B2C3D4-0000-0000-0000-000000000001)');
    expect(formatKey({ lex_sourcekey: "clio:matter:o'brien" })).toBe("(lex_sourcekey='clio%3Amatter%3Ao''brien')");
    expect(formatKey({ k1: 2, k2: 'x' })).toBe("(k1=2,k2='x')");
    expect(rowPath('lex_matter', { lex_sourcekey: 'a' })).toBe("lex_matters(lex_sourcekey='a')");
  });

  it('binds lookups through the navigation property the schema defines', () => {
    expect(bindLookup('lex_timeentry', 'lex_matterid', 'lex_matter', 'id-1')).toEqual({ 'lex_MatterId@odata.bind': '/lex_matters(id-1)' });
    expect(bindLookup('lex_matter', 'lex_clientid', 'account', 'id-2')).toEqual({ 'lex_ClientId_account@odata.bind': '/accounts(id-2)' });
    expect(bindLookup('contact', 'parentcustomerid', 'account', 'id-3')).toEqual({ 'parentcustomerid_account@odata.bind': '/accounts(id-3)' });
    expect(bindLookup('lex_matter', 'ownerid', 'systemuser', 'id-4')).toEqual({ 'ownerid@odata.bind': '/systemusers(id-4)' });
    expect(() => bindLookup('lex_timeentry', 'lex_matterid', 'account', 'x')).toThrow(/cannot point at account/);
    expect(() => rowPath('nosuchtable', 'x')).toThrow(/not in the Lexbridge schema/);
  });
});
