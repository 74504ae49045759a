import { createContext } from '../../scripts/src/mapping/context';
import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import type { MappableRecord } from '../../scripts/src/mapping/engine';
import { rowId } from '../../scripts/src/mapping/target-op';

const contact = (id: number, kind: string): MappableRecord => ({ type: 'contact', sourceKey: `clio:contact:${id}`, key: { system: 'clio', type: 'contact', id: String(id) }, kind, name: `C${id}` });

describe('createContext: where each record lands', () => {
  const profile = defaultProfile('clio-api');
  const records = [contact(1, 'person'), contact(2, 'organization'), contact(3, 'person'), contact(1, 'organization'), contact(4, 'robot')];
  const preExisting = new Map([['clio:contact:3', 'AAAAAAAA-0000-4000-8000-000000000003']]);
  const built = createContext({ profile, records, systemUsers: [], preExisting });

  it('answers lookups with the table and id of the primary row, or the id of a row matched in pre-flight', () => {
    expect(built.context.target('clio:contact:2')).toEqual({ table: 'account', id: rowId('clio:contact:2') });
    expect(built.context.target('clio:contact:3')).toEqual({ table: 'contact', id: 'AAAAAAAA-0000-4000-8000-000000000003', preExisting: true });
    expect(built.context.target('clio:contact:4')).toBeUndefined(); // no target applies
    expect(built.context.target('clio:contact:9')).toBeUndefined();
  });

  it('lets a source key seen again take its later row, keeping its first place (as a Map does)', () => {
    expect(built.context.target('clio:contact:1')).toEqual({ table: 'account', id: rowId('clio:contact:1') });
    expect([...built.targets]).toEqual([
      ['clio:contact:1', { table: 'account', id: rowId('clio:contact:1') }],
      ['clio:contact:2', { table: 'account', id: rowId('clio:contact:2') }],
      ['clio:contact:3', { table: 'contact', id: 'AAAAAAAA-0000-4000-8000-000000000003', preExisting: true }],
    ]);
  });

  it('indexes more records than its first allocation holds', () => {
    const many = Array.from({ length: 5000 }, (_, i) => contact(i, i % 2 ? 'person' : 'organization'));
    const { context } = createContext({ profile, records: many, systemUsers: [] });
    for (const i of [0, 1, 1023, 1024, 2047, 2048, 4999]) expect(context.target(`clio:contact:${i}`)).toEqual({ table: i % 2 ? 'contact' : 'account', id: rowId(`clio:contact:${i}`) });
  });
});
