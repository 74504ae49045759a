/**
 * The map proposer: for source fields the profile does not cover (custom fields, Actionstep data
 * collections) it ranks the target columns they could land in, with a score and a reason a
 * person can check. It never confirms anything: proposals go into a draft profile.
 *
 * Score = 0.6 × name (legal/CRM synonyms, shared words) + 0.25 × type (field type vs column
 * type) + 0.15 × samples (what the values look like: emails, phones, dates, money, codes, URLs).
 * When no column scores above the JSON column's fixed 0.5, the field goes to `lex_customfields`
 * (or stays in the source snapshot where the table has no JSON column): nothing is lost.
 */
import pacConfig from '../../../pac.config.json';
import { Tables } from '../../../solution/generated/names';
import { schema as defaultSchema, type ColumnDef, type SolutionSchema, type TableDef } from '../../../solution/src/schema';
import { provenanceColumns } from '../../../solution/src/schema/provenance';
import { CUSTOM_FIELDS_JSON, PROVENANCE } from './columns';
import type { Profile, Proposal } from './profile';

export interface FieldToPlace {
  /** Source key of the field's definition, when it comes from one. */
  key?: string;
  /** Canonical record type the field belongs to (`matter`, `contact`). */
  entity: string;
  name: string;
  /** Source field type (`text`, `money`, `date`, `picklist`…), when the source declares one. */
  fieldType?: string;
  /** Picklist options. */
  options?: readonly string[];
  /** A few values seen in the data. */
  samples: readonly unknown[];
}

/** Groups of names that mean the same thing in legal practice management and in Dynamics. */
const SYNONYMS: readonly string[][] = [
  ['birthdate', 'birthday', 'dateofbirth', 'dob', 'born'],
  ['nickname', 'preferredname', 'knownas', 'alias', 'goesby'],
  ['websiteurl', 'website', 'web', 'homepage', 'url', 'site'],
  ['emailaddress1', 'email', 'emailaddress', 'mail'],
  ['telephone1', 'phone', 'telephone', 'businessphone', 'workphone', 'officephone', 'phonenumber'],
  ['mobilephone', 'mobile', 'cell', 'cellphone', 'mobilenumber'],
  ['jobtitle', 'position', 'occupation', 'title', 'role'],
  ['firstname', 'givenname', 'forename'],
  ['lastname', 'surname', 'familyname'],
  ['middlename', 'middleinitial'],
  ['address1line1', 'street', 'streetaddress', 'address', 'addressline1'],
  ['address1city', 'city', 'town', 'suburb'],
  ['address1stateorprovince', 'state', 'province', 'region', 'county'],
  ['address1postalcode', 'zip', 'zipcode', 'postcode', 'postalcode'],
  ['address1country', 'country', 'nation'],
  ['accountnumber', 'clientnumber', 'clientid', 'customernumber', 'clientcode', 'ledesclientid'],
  ['matternumber', 'filenumber', 'casenumber', 'filereference', 'matterref', 'reference', 'ourreference', 'matterid'],
  ['estimatedvalue', 'estimatedfee', 'feeestimate', 'estimate', 'budget', 'quote', 'quotedfee', 'expectedfee', 'value'],
  ['opendate', 'dateopened', 'opened', 'openedon', 'instructiondate', 'instructed', 'startdate'],
  ['closedate', 'dateclosed', 'closed', 'closedon', 'completiondate', 'enddate'],
  ['pendingdate', 'datepending'],
  ['practicearea', 'areaoflaw', 'department', 'practice', 'workarea'],
  ['mattertype', 'casetype', 'actiontype', 'typeofmatter'],
  ['billingmethod', 'billingarrangement', 'feearrangement', 'feetype', 'billingtype'],
  ['description', 'summary', 'details', 'notes', 'matterdescription'],
  ['name', 'mattername', 'casename'],
];

const SYNONYM_GROUP = new Map<string, number>();
SYNONYMS.forEach((group, i) => group.forEach((word) => SYNONYM_GROUP.set(word, i)));

const normalise = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w && !STOP.has(w));
const STOP = new Set(['of', 'the', 'a', 'an', 'and', 'or', 'to', 'for', 'on', 'in', 'date']);

const PREFIX = `${pacConfig.publisher.prefix}_`;
const matter = Tables.lex_matter.columns;
/** Columns Lexbridge itself writes (provenance, review, the JSON column): never a home for a source field. */
const ENGINE_COLUMNS = new Set<string>([
  ...provenanceColumns().map((c) => c.logicalName),
  CUSTOM_FIELDS_JSON,
  matter.lex_diffstatus,
  matter.lex_reviewstatus,
  matter.lex_reviewedby,
  matter.lex_reviewedon,
  matter.lex_reviewnote,
  'overriddencreatedon',
]);

/** Columns a proposal may target: plain value columns, not provenance, review or system ones. */
function placeable(column: ColumnDef, table: TableDef): boolean {
  if (column.readOnly || ENGINE_COLUMNS.has(column.logicalName) || column.logicalName === table.primaryNameColumn) return false;
  return ['string', 'memo', 'integer', 'decimal', 'money', 'datetime', 'boolean', 'choice'].includes(column.type.kind);
}

const unprefixed = (name: string) => (name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name);

function bare(column: ColumnDef): string {
  return normalise(unprefixed(column.logicalName));
}

function nameScore(field: string, column: ColumnDef): { score: number; why: string } {
  const f = normalise(field);
  const candidates = [bare(column), normalise(column.displayName)];
  if (candidates.includes(f)) return { score: 1, why: `the name matches ${column.displayName}` };
  const group = SYNONYM_GROUP.get(f);
  if (group !== undefined && candidates.some((c) => SYNONYM_GROUP.get(c) === group))
    return { score: 0.95, why: `"${field}" is a usual name for ${column.displayName}` };
  const fw = words(field);
  const cw = new Set([...words(column.displayName), ...words(unprefixed(column.logicalName))]);
  // Word-level synonyms ("Estimated Fee" ~ "Estimated Value").
  let shared = 0;
  const matched: string[] = [];
  for (const w of fw) {
    const g = SYNONYM_GROUP.get(w);
    if (cw.has(w) || (g !== undefined && [...cw].some((c) => SYNONYM_GROUP.get(c) === g))) {
      shared++;
      matched.push(w);
    }
  }
  if (shared === 0 || fw.length === 0) return { score: 0, why: '' };
  const score = (0.85 * shared) / Math.max(fw.length, cw.size);
  return { score, why: `shares "${matched.join('", "')}" with ${column.displayName}` };
}

type ValueKind = 'email' | 'phone' | 'url' | 'date' | 'money' | 'number' | 'boolean' | 'code' | 'text';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
const URL = /^(https?:\/\/|www\.)\S+$/i;
const DATE = /^(\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{4})/;
const MONEY = /^[-(]?[$€£¥]?\s?\d{1,3}(,?\d{3})*(\.\d{2})?\)?$/;
const CODE = /^[A-Z]{1,4}-?\d{2,6}$/;

export function valueKind(value: unknown): ValueKind {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'number' : 'money';
  const text = String(value).trim();
  if (EMAIL.test(text)) return 'email';
  if (URL.test(text)) return 'url';
  if (DATE.test(text)) return 'date';
  if (/^(true|false|yes|no)$/i.test(text)) return 'boolean';
  if (CODE.test(text)) return 'code';
  if (/[$€£¥]/.test(text) && MONEY.test(text)) return 'money';
  if (/^-?\d+(\.\d+)?$/.test(text)) return text.includes('.') ? 'money' : 'number';
  if (PHONE.test(text) && /\d{3}/.test(text)) return 'phone';
  return 'text';
}

/** What the samples mostly look like (ignoring empties), or undefined without samples. */
function dominantKind(samples: readonly unknown[]): ValueKind | undefined {
  const counts = new Map<ValueKind, number>();
  for (const s of samples) if (s !== null && s !== undefined && s !== '') counts.set(valueKind(s), (counts.get(valueKind(s)) ?? 0) + 1);
  let best: ValueKind | undefined;
  let n = 0;
  for (const [k, c] of counts) if (c > n) [best, n] = [k, c];
  return best;
}

const FIELD_KIND: Record<string, ValueKind> = {
  text: 'text', text_line: 'text', text_area: 'text', picklist: 'text', multi_picklist: 'text', number: 'number', numeric: 'number',
  money: 'money', currency: 'money', date: 'date', datetime: 'date', time: 'date', boolean: 'boolean', checkbox: 'boolean', email: 'email', url: 'url',
};

/** How well a value kind fits a column type (0 = cannot hold it). */
function fit(kind: ValueKind, column: ColumnDef): number {
  const t = column.type;
  switch (t.kind) {
    case 'string':
      if (t.format === 'email') return kind === 'email' ? 1 : 0;
      if (t.format === 'url') return kind === 'url' ? 1 : 0;
      if (t.format === 'phone') return kind === 'phone' ? 1 : 0;
      return kind === 'text' || kind === 'code' ? 0.9 : kind === 'email' || kind === 'url' || kind === 'phone' ? 0.5 : 0.3;
    case 'memo':
      return kind === 'text' ? 0.6 : 0.2;
    case 'integer':
      return kind === 'number' ? 1 : 0;
    case 'decimal':
      return kind === 'number' || kind === 'money' ? 0.8 : 0;
    case 'money':
      return kind === 'money' ? 1 : kind === 'number' ? 0.8 : 0;
    case 'datetime':
      return kind === 'date' ? 1 : 0;
    case 'boolean':
      return kind === 'boolean' ? 1 : 0;
    case 'choice':
      return kind === 'text' ? 0.5 : 0;
    default:
      return 0;
  }
}

/** Tables a field of this entity can land on, in order of preference. */
function tablesFor(entity: string, profile: Profile, solution: SolutionSchema): TableDef[] {
  const names = profile.entities[entity]?.targets.filter((t) => !t.each).map((t) => t.table) ?? [];
  // A contact field is first a contact's (people are most of a firm's contacts), then an account's.
  const ordered = entity === 'contact' ? [...new Set(['contact', ...names])] : [...new Set(names)];
  return ordered.map((n) => solution.tables.find((t) => t.logicalName === n)).filter((t): t is TableDef => !!t);
}

const JSON_SCORE = 0.5;

export function proposeField(field: FieldToPlace, profile: Profile, solution: SolutionSchema = defaultSchema): Proposal {
  const seen = dominantKind(field.samples);
  // A declared "text" says little (a CSV export declares every column text): then the values speak.
  const declaredKind = field.fieldType ? FIELD_KIND[field.fieldType] : undefined;
  const declared = declaredKind === 'text' && seen ? undefined : declaredKind;
  const kind = declared ?? seen ?? 'text';
  const scored: { table: string; column: string; score: number; reason: string }[] = [];
  const tables = tablesFor(field.entity, profile, solution);
  for (const table of tables) {
    for (const column of table.columns) {
      if (!placeable(column, table)) continue;
      const typeFit = fit(kind, column);
      if (typeFit === 0) continue;
      const name = nameScore(field.name, column);
      const sampleFit = seen ? fit(seen, column) : typeFit;
      const score = round(0.6 * name.score + 0.25 * typeFit + 0.15 * sampleFit);
      const reasons = [
        name.why || 'no name match',
        `${declared ? `a ${field.fieldType} field` : `values look like ${kind}`} fits ${describeType(column)}`,
      ];
      if (seen && field.samples.length) reasons.push(`samples look like ${seen}`);
      scored.push({ table: table.logicalName, column: column.logicalName, score, reason: reasons.join('; ') });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0];
  const home = tables.find((t) => t.columns.some((c) => c.logicalName === CUSTOM_FIELDS_JSON)) ?? tables[0];
  const alternatives = scored.slice(0, 3).map(({ table, column, score }) => ({ table, column, score }));
  if (best && best.score > JSON_SCORE) {
    return { entity: field.entity, field: field.name, table: best.table, column: best.column, score: best.score, reason: best.reason, alternatives: alternatives.slice(1) };
  }
  const hasJson = home?.columns.some((c) => c.logicalName === CUSTOM_FIELDS_JSON);
  return {
    entity: field.entity,
    field: field.name,
    table: home?.logicalName ?? field.entity,
    column: hasJson ? CUSTOM_FIELDS_JSON : PROVENANCE.snapshot,
    score: JSON_SCORE,
    reason: hasJson
      ? `no column of ${home!.displayName} fits "${field.name}" by name (best: ${best ? `${best.column} at ${best.score}` : 'none'}); keep it in the JSON column ${CUSTOM_FIELDS_JSON}, nothing is lost`
      : `no column fits "${field.name}" (best: ${best ? `${best.column} at ${best.score}` : 'none'}) and ${home?.logicalName ?? field.entity} has no JSON column; the value stays in the source snapshot`,
    alternatives,
  };
}

function describeType(column: ColumnDef): string {
  const t = column.type;
  const detail = t.kind === 'string' && t.format && t.format !== 'text' ? ` (${t.format})` : t.kind === 'datetime' ? ` (${t.behavior})` : '';
  return `${column.logicalName}, a ${t.kind}${detail} column`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Fields already placed by the profile's `customFields` are not proposed again. */
export function proposeFields(fields: readonly FieldToPlace[], profile: Profile, solution: SolutionSchema = defaultSchema): Proposal[] {
  return fields.filter((f) => !profile.customFields[`${f.entity}.${f.name}`]).map((f) => proposeField(f, profile, solution));
}

/**
 * A draft with the proposals written in: explicit columns become `customFields` entries (JSON
 * ones are the default and need none). The result is a draft; a person confirms it.
 */
export function applyProposals(profile: Profile, proposals: readonly Proposal[]): Profile {
  const customFields = { ...profile.customFields };
  for (const p of proposals) {
    if (p.column === CUSTOM_FIELDS_JSON || p.column === PROVENANCE.snapshot) continue;
    customFields[`${p.entity}.${p.field}`] = { table: p.table, column: p.column };
  }
  return { ...profile, status: 'draft', customFields, proposals: [...proposals] };
}

/** Custom fields of an extraction, with up to `sampleSize` values each, from its definition and value records. */
export function fieldsFromRecords(records: Iterable<{ type: string; sourceKey: string; [field: string]: unknown }>, sampleSize = 20): FieldToPlace[] {
  const fields = new Map<string, FieldToPlace & { samples: unknown[] }>();
  const pending: { fieldRef: string; value: unknown }[] = [];
  for (const r of records) {
    if (r.type === 'custom_field_definition') {
      const options = Array.isArray(r['options']) ? (r['options'] as { label?: unknown }[]).map((o) => String(o.label ?? o)) : [];
      fields.set(r.sourceKey, {
        key: r.sourceKey,
        entity: String(r['parentType'] ?? 'matter'),
        name: String(r['name']),
        ...(typeof r['fieldType'] === 'string' ? { fieldType: r['fieldType'] } : {}),
        options,
        samples: [],
      });
    } else if (r.type === 'custom_field_value' && typeof r['fieldRef'] === 'string') pending.push({ fieldRef: r['fieldRef'], value: r['value'] });
  }
  for (const { fieldRef, value } of pending) {
    const field = fields.get(fieldRef);
    if (field && field.samples.length < sampleSize && value !== null && value !== undefined && value !== '') field.samples.push(value);
  }
  return [...fields.values()];
}
