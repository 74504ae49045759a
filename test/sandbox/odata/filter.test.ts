import { DataverseError } from '../../../scripts/src/sandbox/errors';
import { parseFilter } from '../../../scripts/src/sandbox/odata/filter';

describe('parseFilter', () => {
  it('gives and precedence over or, and keeps parentheses', () => {
    const tree = parseFilter("a eq 1 or b eq 'x' and not (c ne null)");
    expect(tree.kind).toBe('or');
    if (tree.kind !== 'or') return;
    expect(tree.left).toEqual({ kind: 'compare', op: 'eq', left: { kind: 'property', path: ['a'] }, right: { kind: 'literal', value: 1, raw: '1' } });
    expect(tree.right.kind).toBe('and');
    if (tree.right.kind !== 'and') return;
    expect(tree.right.right).toEqual({
      kind: 'not',
      operand: { kind: 'compare', op: 'ne', left: { kind: 'property', path: ['c'] }, right: { kind: 'literal', value: null, raw: 'null' } },
    });
  });

  it('reads doubled quotes, GUIDs, dates, booleans and navigation paths', () => {
    expect(parseFilter("name eq 'O''Brian'")).toMatchObject({ right: { value: "O'Brian" } });
    expect(parseFilter('_ownerid_value eq 8D2E1C3A-51B0-4C6E-9F1A-0B7D4E2A6C01')).toMatchObject({ right: { value: '8d2e1c3a-51b0-4c6e-9f1a-0b7d4e2a6c01' } });
    expect(parseFilter('modifiedon gt 2024-01-01T00:00:00Z')).toMatchObject({ right: { value: '2024-01-01T00:00:00Z' } });
    expect(parseFilter('isdisabled eq false')).toMatchObject({ right: { value: false } });
    expect(parseFilter("sdkmessageid/name eq 'CreateMultiple'")).toMatchObject({ left: { path: ['sdkmessageid', 'name'] } });
  });

  it('parses contains/startswith/endswith and Microsoft.Dynamics.CRM.In with aliases', () => {
    expect(parseFilter("startswith(name,'Ac')")).toEqual({ kind: 'text', fn: 'startswith', property: ['name'], value: 'Ac' });
    expect(parseFilter("Microsoft.Dynamics.CRM.In(PropertyName='lastname',PropertyValues=['a','b'])")).toEqual({
      kind: 'in',
      negate: false,
      property: 'lastname',
      values: ['a', 'b'],
    });
    const aliased = parseFilter('Microsoft.Dynamics.CRM.NotIn(PropertyName=@p1,PropertyValues=@p2)', { '@p1': "'lastname'", '@p2': '["OBrian","O\'Brian"]' });
    expect(aliased).toEqual({ kind: 'in', negate: true, property: 'lastname', values: ['OBrian', "O'Brian"] });
  });

  it('rejects syntax errors with 400 and unsupported functions with 501', () => {
    const error = (text: string) => {
      try {
        parseFilter(text);
      } catch (e) {
        return e as DataverseError;
      }
      throw new Error('expected an error');
    };
    expect(error('name eq').status).toBe(400);
    expect(error("name eq 'x").status).toBe(400);
    expect(error('(name eq 1').status).toBe(400);
    expect(error("Microsoft.Dynamics.CRM.Between(PropertyName='x',PropertyValues=['1','2'])").status).toBe(501);
    expect(error("contacts/any(c: c/name eq 'x')").status).toBe(501);
    expect(error('a eq @missing').message).toContain('@missing');
  });
});
