import { defaultProfile } from '../../scripts/src/mapping/default-profiles';
import { applyProposals, proposeField, proposeFields, valueKind, type FieldToPlace } from '../../scripts/src/mapping/proposer';
import { generatedFirmRecords } from './support/firm-records';

/** The custom fields of a generated firm, with sample values from its records, and where each truly belongs. */
function firmFields() {
  const { firm, records } = generatedFirmRecords('clio', 60, 0);
  return firm.customFields.map((def) => {
    const samples = records
      .filter((r) => r.type === 'custom_field_value' && r['fieldRef'] === `clio:custom_field_definition:${def.id}`)
      .slice(0, 20)
      .map((r) => r['value']);
    const field: FieldToPlace = { entity: def.parentType, name: def.name, fieldType: def.fieldType, options: def.options, samples };
    return { field, truth: def.expectedTarget };
  });
}

describe('proposer', () => {
  const profile = defaultProfile('clio-api');

  it("puts the generator's true target first for at least 90% of a firm's custom fields, each with a reason", () => {
    const fields = firmFields();
    expect(fields.length).toBeGreaterThanOrEqual(8);
    const proposals = proposeFields(fields.map((f) => f.field), profile);
    const right = proposals.filter((p, i) => `${p.table}.${p.column}` === fields[i]!.truth);
    const wrong = proposals.filter((p, i) => `${p.table}.${p.column}` !== fields[i]!.truth).map((p) => `${p.field} → ${p.table}.${p.column}`);
    // Named in the failure message, so a miss says which field went where.
    if (right.length / proposals.length < 0.9) throw new Error(`below 90%, wrong: ${wrong.join('; ')}`);
    expect(right.length / proposals.length).toBeGreaterThanOrEqual(0.9);
    for (const p of proposals) {
      expect(p.reason.length).toBeGreaterThan(20);
      expect(p.score).toBeGreaterThan(0);
    }
  });

  it('ranks by names, types and what the sample values look like, when the field declares no type', () => {
    const email = proposeField({ entity: 'contact', name: 'E-mail', samples: ['a@b.example', 'c@d.example'] }, profile);
    expect(`${email.table}.${email.column}`).toBe('contact.emailaddress1');
    const mobile = proposeField({ entity: 'contact', name: 'Cell', samples: ['(555) 123-4567'] }, profile);
    expect(mobile.column).toBe('mobilephone');
    const opened = proposeField({ entity: 'matter', name: 'Date Opened', samples: ['2024-01-02'] }, profile);
    expect(opened.column).toBe('lex_opendate');
    expect(opened.reason).toMatch(/usual name/);
  });

  it('keeps a field no column fits in the JSON column, saying so', () => {
    const p = proposeField({ entity: 'matter', name: 'Custody Arrangement', fieldType: 'text', samples: ['Joint'] }, profile);
    expect(p.column).toBe('lex_customfields');
    expect(p.reason).toMatch(/JSON column/);
  });

  it('refuses type mismatches: a date field never lands in a money column', () => {
    const p = proposeField({ entity: 'matter', name: 'Estimated Value', fieldType: 'date', samples: ['2024-01-01'] }, profile);
    expect(p.column).not.toBe('lex_estimatedvalue');
  });

  it('classifies sample values', () => {
    expect(['x@y.example', '+1 (555) 010-2000', 'https://a.example', '2024-02-01', '$1,200.00', 'L210', 'hello', true, 12].map(valueKind)).toEqual([
      'email', 'phone', 'url', 'date', 'money', 'code', 'text', 'boolean', 'number',
    ]);
  });

  it('writes proposals into a draft and never confirms it', () => {
    const confirmed = { ...profile, status: 'confirmed' as const };
    const proposals = proposeFields(firmFields().map((f) => f.field), profile);
    const draft = applyProposals(confirmed, proposals);
    expect(draft.status).toBe('draft');
    expect(draft.customFields['contact.Date of Birth']).toEqual({ table: 'contact', column: 'birthdate' });
    expect(draft.customFields['matter.Court']).toBeUndefined();
    expect(draft.proposals).toHaveLength(proposals.length);
  });
});
