import { LexError } from '../../scripts/src/errors';
import {
  checkRecord,
  duplicateKeyOf,
  parseRecord,
  parseSourceKey,
  recordBase,
  referencesOf,
  stableStringify,
  type CanonicalRecord,
} from '../../scripts/src/model';

const at = '2024-03-01T10:00:00Z';

function matter(overrides: Record<string, unknown> = {}): unknown {
  return {
    ...recordBase('clio', 'matter', 12, { updatedAt: at, raw: { id: 12 } }),
    number: '00012-Smith',
    description: 'Smith v Jones',
    status: 'open',
    clientRef: 'clio:contact:7',
    ...overrides,
  };
}

function ok(input: unknown): CanonicalRecord {
  const parsed = parseRecord(input);
  if (parsed instanceof LexError) throw new Error(parsed.toString());
  return parsed;
}

describe('parseRecord', () => {
  it('admits a valid matter and fills defaults for a contact', () => {
    expect(ok(matter()).sourceKey).toBe('clio:matter:12');
    const contact = ok({ ...recordBase('clio', 'contact', 7, { updatedAt: at, raw: {} }), kind: 'person', name: 'Ann Lee' });
    expect(contact.type === 'contact' && contact.emails).toEqual([]);
  });

  it('returns a LexError naming the record and field instead of throwing', () => {
    const parsed = parseRecord(matter({ status: 'archived' }));
    expect(parsed).toBeInstanceOf(LexError);
    expect((parsed as LexError).code).toBe('LEX_MODEL_INVALID_RECORD');
    expect((parsed as LexError).location).toEqual({ recordKey: 'clio:matter:12', field: 'status' });
  });

  it('rejects a bad day, a reference that is not a source key, and a key that disagrees with sourceKey', () => {
    expect((parseRecord(matter({ openedOn: '2024-02-31' })) as LexError).location.field).toBe('openedOn');
    expect((parseRecord(matter({ clientRef: 'Ann Lee' })) as LexError).location.field).toBe('clientRef');
    expect((parseRecord(matter({ sourceKey: 'clio:matter:13' })) as LexError).code).toBe('LEX_MODEL_KEY_MISMATCH');
    expect(parseRecord('not a record')).toBeInstanceOf(LexError);
  });
});

describe('source keys', () => {
  it('round-trips ids that contain colons (Actionstep composite ids)', () => {
    expect(parseSourceKey('actionstep:custom_field_value:12--name--3:x')).toEqual({
      system: 'actionstep',
      type: 'custom_field_value',
      id: '12--name--3:x',
    });
    expect(parseSourceKey('clio:widget:1')).toBeInstanceOf(LexError);
  });
});

describe('quality rules', () => {
  it('finds a matter without client and a blank description', () => {
    const rules = checkRecord(ok(matter({ clientRef: null, description: '  ' }))).map((f) => f.rule);
    expect(rules).toEqual(['matter-without-client', 'blank-description']);
    expect(checkRecord(ok(matter()))).toEqual([]);
  });

  it('finds a phone number in an email field, mojibake, and an oversized document', () => {
    const contact = ok({
      ...recordBase('clio', 'contact', 7, { updatedAt: at, raw: {} }),
      kind: 'person',
      name: 'JosÃ© Ruiz',
      emails: [{ value: '(555) 123-4567' }],
    });
    expect(checkRecord(contact).map((f) => f.rule)).toEqual(['phone-in-email', 'odd-encoding']);
    const doc = ok({
      ...recordBase('perfectportal', 'document', 'd1', { updatedAt: at, raw: {} }),
      name: 'scan.pdf',
      size: 6 * 1024 * 1024,
      location: { kind: 'url', url: 'https://example.invalid/d1' },
    });
    expect(checkRecord(doc).map((f) => f.rule)).toEqual(['oversized-document']);
  });

  it('lists references and a duplicate key', () => {
    expect(referencesOf(ok(matter({ responsibleUserRef: 'clio:user:3' })))).toEqual([
      { field: 'clientRef', ref: 'clio:contact:7' },
      { field: 'responsibleUserRef', ref: 'clio:user:3' },
    ]);
    const contact = ok({
      ...recordBase('clio', 'contact', 7, { updatedAt: at, raw: {} }),
      kind: 'person',
      name: 'Ann  Lee',
      emails: [{ value: 'Ann@Example.com ' }],
    });
    expect(duplicateKeyOf(contact)).toBe('email:ann@example.com');
  });
});

describe('stableStringify', () => {
  it('does not depend on key order', () => {
    expect(stableStringify({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});
