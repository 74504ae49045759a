/**
 * Compiling a profile for the engine: paths split into getters, converters built from each
 * target column's type in the schema, status maps and roles folded to lower case. Done once per
 * profile (cached by identity), so mapping a record does no parsing. An impossible profile
 * (a table or column the schema lacks) fails here, naming where.
 */
import { schema as defaultSchema, type SolutionSchema, type TableDef, findColumn } from '../../../solution/src/schema';
import { LexError } from '../errors';
import { CUSTOM_FIELDS_JSON, PROVENANCE } from './columns';
import { converterFor, isEmpty, type Converter } from './convert';
import type { MappableRecord, MappingContext } from './engine';
import type { Condition, FieldMap, LookupMap, Profile, StatusValue, TargetMap } from './profile';

export type Getter = (record: MappableRecord, item: unknown, context: MappingContext) => unknown;

export interface CompiledColumn {
  column: string;
  get: Getter;
  map: FieldMap;
  convert: Converter;
}

export interface CompiledLookup {
  column: string;
  spec: LookupMap;
  get?: Getter;
  targets: readonly string[];
}

export interface CompiledTarget {
  spec: TargetMap;
  table: TableDef;
  suffix: string;
  when?: (record: MappableRecord, context: MappingContext) => boolean;
  each?: Getter;
  columns: CompiledColumn[];
  lookups: CompiledLookup[];
  owner?: Getter;
  status?: { get: Getter; values: Map<string, StatusValue>; map: string; column?: string; convert?: Converter; from: string };
  customFields?: { json?: Converter; explicit: Map<string, { column: string; convert: Converter }> };
  provenance: boolean;
  sourceSystem: Converter | undefined;
  snapshotMax: number;
  /** Converter of lex_originalcreatedon, when the table has it. */
  createdOn: Converter | undefined;
}

export interface CompiledProfile {
  profile: Profile;
  entities: Map<string, CompiledTarget[]>;
  /** Where the source's creation time is (`originalCreatedOn`). */
  createdOn?: Getter;
  projections?: { field: Getter; byArea: Map<string, readonly string[]>; fallback: readonly string[] };
  roles: Map<string, string>;
}

export const SOURCE_SYSTEM_LABEL: Record<string, string> = { clio: 'Clio', actionstep: 'Actionstep', perfectportal: 'Perfect Portal' };

function profileError(profile: Profile, where: string, message: string): LexError {
  return new LexError({
    code: 'LEX_PROFILE_INVALID',
    message: `Profile "${profile.name}": ${message}`,
    fix: 'Correct the profile: targets and columns must exist in solution/src/schema (see docs/mapping.md).',
    location: { field: where },
  });
}

/**
 * `a.b.c`, `$item.x`, `$sourceKey`, `ref->field` (follow a source-key reference to another
 * record), `a|b` (the first of them that has a value).
 */
export function compilePath(path: string): Getter {
  if (path.includes('|')) {
    const alternatives = path.split('|').map((p) => compilePath(p.trim()));
    return (record, item, context) => {
      for (const get of alternatives) {
        const v = get(record, item, context);
        if (!isEmpty(v)) return v;
      }
      return undefined;
    };
  }
  const [head, ...derefs] = path.split('->');
  const base = compileDirect(head!);
  if (derefs.length === 0) return base;
  const rest = derefs.map((d) => d.split('.'));
  return (record, item, context) => {
    let value = base(record, item, context);
    for (const parts of rest) {
      if (typeof value !== 'string') return undefined;
      const other = context.record(value);
      if (!other) return undefined;
      value = walk(other, parts);
    }
    return value;
  };
}

function walk(value: unknown, parts: readonly string[]): unknown {
  let current = value;
  for (const part of parts) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function compileDirect(path: string): Getter {
  switch (path) {
    case '$sourceKey':
      return (r) => r.sourceKey;
    case '$sourceId':
      return (r) => r.key.id;
    case '$updatedAt':
      return (r) => r.updatedAt;
    case '$raw':
      return (r) => r.raw;
    case '$item':
      return (_r, item) => item;
  }
  if (path.startsWith('$raw.')) {
    // A field of the source payload as received; its name may hold spaces (CSV headers).
    const parts = path.slice(5).split('.');
    return (r) => walk(r.raw, parts);
  }
  if (path.startsWith('$item.')) {
    const parts = path.slice(6).split('.');
    return (_r, item) => walk(item, parts);
  }
  const parts = path.split('.');
  if (parts.length === 1) return (r) => r[path];
  // `emails.0.value` style paths walk arrays too.
  return (r) => walk(r, parts);
}

function compileCondition(condition: Condition): (record: MappableRecord, context: MappingContext) => boolean {
  const get = compilePath(condition.field);
  return (record, context) => {
    const value = get(record, undefined, context);
    if (condition.exists !== undefined && isEmpty(value) === condition.exists) return false;
    if (condition.equals !== undefined && value !== condition.equals) return false;
    if (condition.in !== undefined && !condition.in.includes(value as never)) return false;
    return true;
  };
}

function concatGetter(paths: readonly string[], separator: string): Getter {
  const getters = paths.map(compilePath);
  return (record, item, context) => {
    let text = '';
    for (const get of getters) {
      const v = get(record, item, context);
      if (isEmpty(v)) continue;
      text = text ? `${text}${separator}${String(v)}` : String(v);
    }
    return text || undefined;
  };
}

export function compileProfile(profile: Profile, solution: SolutionSchema = defaultSchema): CompiledProfile {
  const tableOf = (name: string, where: string): TableDef => {
    const table = solution.tables.find((t) => t.logicalName === name);
    if (!table) throw profileError(profile, where, `target table "${name}" is not in the schema`);
    return table;
  };
  const entities = new Map<string, CompiledTarget[]>();
  for (const [entity, { targets }] of Object.entries(profile.entities)) {
    entities.set(
      entity,
      targets.map((spec, i) => {
        const where = `entities.${entity}.targets.${i}`;
        const table = tableOf(spec.table, `${where}.table`);
        const columns: CompiledColumn[] = Object.entries(spec.columns).map(([name, map]) => {
          const column = findColumn(table, name);
          if (!column) throw profileError(profile, `${where}.columns.${name}`, `${spec.table} has no column "${name}"`);
          if (column.readOnly) throw profileError(profile, `${where}.columns.${name}`, `${spec.table}.${name} is computed by the platform`);
          const get: Getter =
            map.from === undefined
              ? () => map.value
              : Array.isArray(map.from)
                ? concatGetter(map.from, map.separator ?? ' ')
                : compilePath(map.from);
          return { column: name, get, map, convert: converterFor(column, solution.choices, map.truncate) };
        });
        const lookups: CompiledLookup[] = Object.entries(spec.lookups).map(([name, lookup]) => {
          const column = findColumn(table, name);
          if (!column || column.type.kind !== 'lookup')
            throw profileError(profile, `${where}.lookups.${name}`, `${spec.table}.${name} is not a lookup column`);
          return { column: name, spec: lookup, targets: column.type.targets, ...(lookup.from ? { get: compilePath(lookup.from) } : {}) };
        });
        let status: CompiledTarget['status'];
        if (spec.status) {
          const values = profile.statusMaps[spec.status.map];
          if (!values) throw profileError(profile, `${where}.status.map`, `no status map "${spec.status.map}"`);
          const statusColumn = spec.status.column ? findColumn(table, spec.status.column) : undefined;
          if (spec.status.column && !statusColumn) throw profileError(profile, `${where}.status.column`, `${spec.table} has no column "${spec.status.column}"`);
          status = {
            get: compilePath(spec.status.from),
            values: new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v])),
            map: spec.status.map,
            from: spec.status.from,
            ...(spec.status.column ? { column: spec.status.column } : {}),
            ...(statusColumn ? { convert: converterFor(statusColumn, solution.choices) } : {}),
          };
        }
        let customFields: CompiledTarget['customFields'];
        if (spec.customFields) {
          const explicit = new Map<string, { column: string; convert: Converter }>();
          for (const [name, target] of Object.entries(profile.customFields)) {
            if (!('table' in target) || !name.startsWith(`${entity}.`)) continue;
            // A contact field lands on whichever row the contact becomes (account or contact) that has the column.
            const column = findColumn(table, target.column);
            if (!column) {
              if (target.table === spec.table) throw profileError(profile, `customFields.${name}`, `${spec.table} has no column "${target.column}"`);
              continue;
            }
            explicit.set(name.slice(entity.length + 1).toLowerCase(), { column: target.column, convert: converterFor(column, solution.choices) });
          }
          const jsonColumn = findColumn(table, CUSTOM_FIELDS_JSON);
          customFields = { explicit, ...(jsonColumn ? { json: converterFor(jsonColumn, solution.choices) } : {}) };
        }
        const provenance = spec.provenance ?? table.provenance;
        const sourceSystemColumn = findColumn(table, PROVENANCE.sourceSystem);
        const snapshot = findColumn(table, PROVENANCE.snapshot);
        const createdOnColumn = findColumn(table, PROVENANCE.originalCreatedOn);
        return {
          spec,
          table,
          suffix: spec.suffix ?? '',
          ...(spec.when ? { when: compileCondition(spec.when) } : {}),
          ...(spec.each ? { each: compilePath(spec.each) } : {}),
          columns,
          lookups,
          ...(spec.owner ? { owner: compilePath(spec.owner) } : {}),
          ...(status ? { status } : {}),
          ...(customFields ? { customFields } : {}),
          provenance,
          sourceSystem: sourceSystemColumn ? converterFor(sourceSystemColumn, solution.choices) : undefined,
          snapshotMax: snapshot && snapshot.type.kind === 'memo' ? snapshot.type.maxLength : 0,
          createdOn: createdOnColumn ? converterFor(createdOnColumn, solution.choices) : undefined,
        };
      }),
    );
  }
  const strategy = profile.matterStrategy;
  const roles = new Map(Object.entries(profile.connectionRoles).map(([k, v]) => [k.trim().toLowerCase(), v]));
  return {
    profile,
    entities,
    ...(profile.originalCreatedOn ? { createdOn: compilePath(profile.originalCreatedOn) } : {}),
    roles,
    ...(strategy
      ? {
          projections: {
            field: compilePath(strategy.practiceAreaField),
            byArea: new Map(Object.entries(strategy.byPracticeArea).map(([k, v]) => [k.trim().toLowerCase(), v])),
            fallback: strategy.default,
          },
        }
      : {}),
  };
}

const compiled = new WeakMap<Profile, CompiledProfile>();

export function compiledProfile(profile: Profile): CompiledProfile {
  let hit = compiled.get(profile);
  if (!hit) {
    hit = compileProfile(profile);
    compiled.set(profile, hit);
  }
  return hit;
}
