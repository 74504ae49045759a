import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultProfile, defaultProfiles } from '../../scripts/src/mapping/default-profiles';
import { compileProfile } from '../../scripts/src/mapping/engine';
import { confirmProfile, parseProfile, profileHash, reviseProfile } from '../../scripts/src/mapping/profile-lifecycle';
import { profileJsonSchema, toJsonFile } from '../../scripts/src/mapping/profile-json-schema';
import { SOURCE_KINDS } from '../../scripts/src/mapping/profile';
import { sha256Hex } from '../../scripts/src/hash';
import { profileOp } from '../../scripts/src/mapping/profile-row';
import { schema } from '../../solution/src/schema';
import { LexError } from '../../scripts/src/errors';

const profilesDir = path.resolve(__dirname, '../../profiles');
const read = (file: string) => readFileSync(path.join(profilesDir, file), 'utf8');

describe('profile format', () => {
  it('publishes the JSON Schema generated from the zod schema (regenerate: lexbridge map write-defaults)', () => {
    expect(read('profile.schema.json')).toBe(toJsonFile(profileJsonSchema()));
  });

  it.each(SOURCE_KINDS)('ships the default %s profile as generated, valid under both the zod and the JSON Schema', (kind) => {
    const text = read(`${kind}.json`);
    expect(text).toBe(toJsonFile({ $schema: './profile.schema.json', ...defaultProfile(kind) }));
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(read('profile.schema.json')));
    expect(validate(JSON.parse(text))).toBe(true);
    expect(() => compileProfile(parseProfile(JSON.parse(text)))).not.toThrow();
  });

  it('rejects the same broken profile under both schemas, naming the path', () => {
    const broken = { ...defaultProfiles['clio-api'], status: 'approved', version: 0 };
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(profileJsonSchema(), broken)).toBe(false);
    expect(() => parseProfile(broken, 'p.json')).toThrow(LexError);
    try {
      parseProfile(broken, 'p.json');
    } catch (e) {
      expect((e as LexError).code).toBe('LEX_PROFILE_INVALID');
      expect((e as LexError).location.file).toBe('p.json');
      expect(['version', 'status']).toContain((e as LexError).location.field);
    }
  });

  it('refuses targets that are not in the schema, naming where', () => {
    const p = defaultProfile('clio-api');
    const bad = { ...p, entities: { ...p.entities, matter: { targets: [{ ...p.entities['matter']!.targets[0]!, columns: { lex_nope: { from: 'number' } } }] } } };
    expect(() => compileProfile(bad)).toThrow(/lex_matter has no column "lex_nope"/);
  });
});

describe('profile versions', () => {
  const draft = defaultProfile('actionstep');

  it('hashes the content only, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(draft).reverse());
    expect(profileHash(parseProfile(reordered))).toBe(profileHash(draft));
    expect(profileHash({ ...draft, connectionRoles: { ...draft.connectionRoles, Mediator: 'Mediator' } })).not.toBe(profileHash(draft));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('confirms a draft with who and when, and then refuses to confirm or change it in place', () => {
    const confirmed = confirmProfile(draft, 'admin@firm.example', new Date('2026-01-02T03:04:05Z'));
    expect(confirmed).toMatchObject({ status: 'confirmed', confirmedBy: 'admin@firm.example', confirmedAt: '2026-01-02T03:04:05.000Z', version: 1 });
    expect(parseProfile(JSON.parse(JSON.stringify(confirmed)))).toEqual(confirmed);
    expect(() => confirmProfile(confirmed, 'other@firm.example')).toThrow(/already confirmed/);
    const tampered = { ...confirmed, connectionRoles: { ...confirmed.connectionRoles, Mediator: 'Mediator' } };
    expect(() => parseProfile(tampered)).toThrow(expect.objectContaining({ code: 'LEX_PROFILE_CONFIRMED_CHANGED' }));
  });

  it('turns a change to a confirmed profile into the next draft version', () => {
    const confirmed = confirmProfile(draft, 'admin@firm.example');
    const next = reviseProfile(confirmed, (p) => ({ ...p, connectionRoles: { ...p.connectionRoles, Mediator: 'Mediator' } }));
    expect(next).toMatchObject({ status: 'draft', version: 2 });
    expect(next.confirmedBy).toBeUndefined();
    expect(confirmed.connectionRoles['Mediator']).toBeUndefined();
    expect(reviseProfile(next, (p) => p).version).toBe(2);
  });

  it('needs an email to confirm', () => {
    expect(() => confirmProfile(draft, 'bob')).toThrow(expect.objectContaining({ code: 'LEX_PROFILE_CONFIRMER_INVALID' }));
  });
});

describe('profile row', () => {
  it('stores a confirmed profile as a lex_mappingprofile row the schema accepts', () => {
    const confirmed = confirmProfile(defaultProfile('perfectportal'), 'admin@firm.example', new Date('2026-03-01T00:00:00Z'));
    const op = profileOp(confirmed);
    const table = schema.tables.find((t) => t.logicalName === op.table)!;
    for (const column of Object.keys(op.columns)) expect(table.columns.map((c) => c.logicalName)).toContain(column);
    expect(op.columns['lex_profilehash']).toBe(confirmed.hash);
    expect(op.columns['lex_confirmedby']).toBe('admin@firm.example');
    expect(parseProfile(JSON.parse(String(op.columns['lex_profilejson'])))).toEqual(confirmed);
    expect(profileOp(confirmed).id).toBe(op.id);
  });
});
