/**
 * The metadata Web API: reads of EntityDefinitions (with `/Attributes`, `/Keys`, `$select`,
 * `$expand`, a simple `$filter`), GlobalOptionSetDefinitions and RelationshipDefinitions; the
 * writes `solution deploy` sends (option sets, tables, columns, lookups through relationships,
 * keys) and PublishXml/PublishAllXml. Creates answer 204 + `OData-EntityId`, as Learn documents.
 */
import { systemColumns } from '../../../../solution/src/schema/tables/system-columns';
import { activeInactive } from '../../../../solution/src/schema/tables/states';
import { navigationProperty } from '../../../../solution/src/schema/columns';
import type { ColumnDef, TableDef } from '../../../../solution/src/schema/types';
import { errors } from '../errors';
import {
  attributeMetadata,
  attributeMetadataId,
  choiceFromOptionSet,
  columnFromAttribute,
  entityMetadata,
  entityMetadataId,
  keyFromMetadata,
  keyMetadata,
  keyMetadataId,
  lookupColumn,
  optionSetMetadata,
  optionSetMetadataId,
  pluralize,
  relationshipMetadata,
  relationshipsOf,
} from '../metadata/definitions';
import type { FilterNode } from '../odata/filter';
import { parseFilter } from '../odata/filter';
import { installTable, sandboxId } from '../storage/install';
import { json, noContent, type HandlerContext, type SandboxRequest, type SandboxResponse } from './context';
import { parseJsonBody } from './records';

const ROUTES = new Set([
  'EntityDefinitions',
  'GlobalOptionSetDefinitions',
  'RelationshipDefinitions',
  'PublishXml',
  'PublishAllXml',
  'CreateCustomerRelationships',
  'CreatePolymorphicLookupAttribute',
]);
export const isMetadataRoute = (name: string) => ROUTES.has(name);

interface Parts {
  name: string;
  key?: string;
  rest: string[];
}

type Json = Record<string, unknown>;

function bodyOf(request: SandboxRequest): Json {
  const parsed = parseJsonBody({ entitySetName: 'metadata' } as TableDef, request.body);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.badRequest('The request body must be a JSON object.', '0x80048d19');
  return parsed as Json;
}

/** `LogicalName='x'`, `Name='x'`, `SchemaName='x'` or a MetadataId. */
function keyValue(key: string): { name?: string; id?: string } {
  const m = /^(?:LogicalName|Name|SchemaName)='([^']+)'$/.exec(key);
  if (m) return { name: m[1]! };
  if (/^[0-9a-f-]{36}$/i.test(key)) return { id: key.toLowerCase() };
  throw errors.badRequest(`The key '${key}' is not valid for this metadata resource.`, '0x80060888');
}

function findTable(ctx: HandlerContext, key: string): TableDef {
  const { name, id } = keyValue(key);
  const table = name ? ctx.store.table(name) : ctx.store.tables().find((t) => entityMetadataId(t.logicalName) === id);
  if (!table) throw errors.badRequest(`Could not find entity with ${name ? `name ${name}` : `id ${id}`}.`, '0x80040217');
  return table;
}

/** In-memory `$filter` over metadata objects: comparisons of top-level properties, and/or/not. */
function matches(node: FilterNode, item: Json): boolean {
  switch (node.kind) {
    case 'and':
      return matches(node.left, item) && matches(node.right, item);
    case 'or':
      return matches(node.left, item) || matches(node.right, item);
    case 'not':
      return !matches(node.operand, item);
    case 'compare': {
      const value = (o: typeof node.left) => (o.kind === 'literal' ? o.value : item[o.path.join('/')]);
      const l = value(node.left);
      const r = value(node.right);
      if (node.op === 'eq') return l === r;
      if (node.op === 'ne') return l !== r;
      throw errors.notImplemented(`'${node.op}' in a metadata $filter`);
    }
    default:
      throw errors.notImplemented('functions in a metadata $filter');
  }
}

function shape(items: Json[], request: SandboxRequest, expand: Record<string, (item: Json) => Json[]> = {}): Json[] {
  const q = request.query;
  const aliases = Object.fromEntries([...q].filter(([k]) => k.startsWith('@')));
  const filter = q.get('$filter');
  let out = filter ? items.filter((item) => matches(parseFilter(filter, aliases), item)) : items;
  const select = q.get('$select')?.split(',').map((s) => s.trim());
  const expands = (q.get('$expand') ?? '')
    .split(/,(?![^(]*\))/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\w+)(?:\(\$select=([^)]*)\))?$/.exec(s);
      if (!m || !expand[m[1]!]) throw errors.queryOption(`Could not find a property named '${s}' to expand.`);
      return { name: m[1]!, select: m[2]?.split(',').map((x) => x.trim()) };
    });
  out = out.map((item) => {
    const picked: Json = select ? Object.fromEntries(Object.entries(item).filter(([k]) => select.includes(k) || k === 'MetadataId' || k.startsWith('@'))) : { ...item };
    for (const e of expands) {
      const children = expand[e.name]!(item);
      picked[e.name] = e.select ? children.map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => e.select!.includes(k) || k === 'MetadataId' || k.startsWith('@')))) : children;
    }
    return picked;
  });
  return out;
}

function collection(ctx: HandlerContext, context: string, value: Json[]): SandboxResponse {
  return json(200, { '@odata.context': `${ctx.apiUrl}$metadata#${context}`, value });
}

function single(ctx: HandlerContext, context: string, value: Json | undefined, what: string): SandboxResponse {
  if (!value) throw errors.badRequest(`Could not find ${what}.`, '0x80040217');
  return json(200, { '@odata.context': `${ctx.apiUrl}$metadata#${context}/$entity`, ...value });
}

export function handleMetadata(ctx: HandlerContext, request: SandboxRequest, parts: Parts): SandboxResponse {
  const { method } = request;
  if (method === 'GET') return read(ctx, request, parts);
  if (method !== 'POST') throw errors.notImplemented(`${method} on ${parts.name} (updating or deleting metadata)`);
  if (parts.name === 'PublishXml' || parts.name === 'PublishAllXml') {
    if (parts.name === 'PublishXml' && typeof bodyOf(request)['ParameterXml'] !== 'string') throw errors.badRequest('PublishXml needs ParameterXml.', '0x80048d19');
    return noContent();
  }
  const body = bodyOf(request);
  return ctx.store.transaction(() => write(ctx, parts, body));
}

function read(ctx: HandlerContext, request: SandboxRequest, parts: Parts): SandboxResponse {
  const store = ctx.store;
  if (parts.name === 'GlobalOptionSetDefinitions') {
    const all = store.choices().map(optionSetMetadata);
    if (parts.key) {
      const { name, id } = keyValue(parts.key);
      return single(ctx, 'GlobalOptionSetDefinitions', all.find((o) => o['Name'] === name || o['MetadataId'] === id), `option set ${parts.key}`);
    }
    return collection(ctx, 'GlobalOptionSetDefinitions', shape(all, request));
  }
  if (parts.name === 'RelationshipDefinitions') {
    const all = relationshipsOf(store.tables()).map((r) => relationshipMetadata(r, store.table(r.referenced)?.primaryIdColumn ?? `${r.referenced}id`));
    if (parts.key) {
      const { name, id } = keyValue(parts.key);
      return single(ctx, 'RelationshipDefinitions', all.find((o) => o['SchemaName'] === name || o['MetadataId'] === id), `relationship ${parts.key}`);
    }
    return collection(ctx, 'RelationshipDefinitions', shape(all, request));
  }
  if (parts.name !== 'EntityDefinitions') throw errors.noHttpResource(`${ctx.apiUrl}${request.path}`);
  const attributes = (t: TableDef) => t.columns.map((c) => attributeMetadata(t, c));
  const keys = (t: TableDef) => t.keys.map((k) => keyMetadata(t, k, store.keyStatus(t.logicalName, k.logicalName)));
  const byName = (name: unknown) => store.table(String(name))!;
  const expand = { Attributes: (e: Json) => attributes(byName(e['LogicalName'])), Keys: (e: Json) => keys(byName(e['LogicalName'])) };
  if (!parts.key) {
    if (parts.rest.length) throw errors.resourceNotFound(parts.rest[0]!);
    return collection(ctx, 'EntityDefinitions', shape(store.tables().map(entityMetadata), request, expand));
  }
  const table = findTable(ctx, parts.key);
  const [sub, ...more] = parts.rest;
  const ctxPath = `EntityDefinitions('${table.logicalName}')`;
  if (!sub) return single(ctx, 'EntityDefinitions', shape([entityMetadata(table)], request, expand)[0], `entity ${table.logicalName}`);
  const subMatch = /^(Attributes|Keys)(?:\((.+)\))?$/.exec(sub);
  if (!subMatch) throw errors.resourceNotFound(sub);
  const list = subMatch[1] === 'Attributes' ? attributes(table) : keys(table);
  let items = list;
  if (more.length) {
    // Type cast segment: /Attributes/Microsoft.Dynamics.CRM.StringAttributeMetadata
    const cast = `#${more[0]}`;
    items = list.filter((a) => a['@odata.type'] === cast);
  }
  if (subMatch[2]) {
    const { name, id } = keyValue(subMatch[2]);
    return single(ctx, `${ctxPath}/${subMatch[1]}`, shape(items.filter((a) => a['LogicalName'] === name || a['MetadataId'] === id), request)[0], `${subMatch[1]} ${subMatch[2]}`);
  }
  return collection(ctx, `${ctxPath}/${subMatch[1]}`, shape(items, request));
}

function entityUrl(ctx: HandlerContext, path: string): Record<string, string> {
  return { 'OData-EntityId': `${ctx.apiUrl}${path}` };
}

function requireNewColumn(table: TableDef, logicalName: string): void {
  if (table.columns.some((c) => c.logicalName === logicalName)) {
    throw errors.metadataExists(`An attribute with the name ${logicalName} on entity ${table.logicalName}`);
  }
}

function write(ctx: HandlerContext, parts: Parts, body: Json): SandboxResponse {
  const store = ctx.store;
  switch (parts.name) {
    case 'GlobalOptionSetDefinitions': {
      const choice = choiceFromOptionSet(body);
      if (store.choice(choice.name)) throw errors.metadataExists(`An option set with the name ${choice.name}`);
      store.addChoice(choice);
      return noContent(entityUrl(ctx, `GlobalOptionSetDefinitions(${optionSetMetadataId(choice.name)})`));
    }
    case 'EntityDefinitions': {
      if (!parts.key) {
        const table = tableFromEntity(ctx, body);
        installTable(store, table);
        return noContent(entityUrl(ctx, `EntityDefinitions(${entityMetadataId(table.logicalName)})`));
      }
      const table = findTable(ctx, parts.key);
      if (parts.rest[0] === 'Attributes' && parts.rest.length === 1) {
        const column = columnFromAttribute(body, (name) => store.choice(name));
        requireNewColumn(table, column.logicalName);
        store.addColumn(table.logicalName, column);
        return noContent(entityUrl(ctx, `EntityDefinitions(LogicalName='${table.logicalName}')/Attributes(${attributeMetadataId(table.logicalName, column.logicalName)})`));
      }
      if (parts.rest[0] === 'Keys' && parts.rest.length === 1) {
        const key = keyFromMetadata(body);
        if (table.keys.some((k) => k.logicalName === key.logicalName)) throw errors.entityKeyNameExists(key.logicalName, table.logicalName);
        if (table.keys.some((k) => k.columns.length === key.columns.length && k.columns.every((c) => key.columns.includes(c)))) {
          throw errors.badRequest('An entity key with the selected attributes already exists on entity.', '0x80060894');
        }
        if (table.keys.length >= 10) throw errors.badRequest(`The entity ${table.logicalName} already has the maximum of 10 keys.`, '0x80048d19');
        for (const c of key.columns) {
          const column = table.columns.find((x) => x.logicalName === c);
          if (!column) throw errors.badRequest(`The attribute ${c} does not exist on entity ${table.logicalName}.`, '0x80040217');
          if (!['string', 'integer', 'decimal', 'datetime', 'lookup', 'choice'].includes(column.type.kind)) {
            throw errors.badRequest(`The attribute ${c} has a type that cannot be part of a key (Decimal, Integer, String, DateTime, Lookup and Picklist only).`, '0x80048d19');
          }
        }
        store.addKey(table.logicalName, key);
        return noContent(entityUrl(ctx, `EntityDefinitions(LogicalName='${table.logicalName}')/Keys(${keyMetadataId(table.logicalName, key.logicalName)})`));
      }
      throw errors.notImplemented(`POST to EntityDefinitions(...)/${parts.rest.join('/')}`);
    }
    case 'RelationshipDefinitions': {
      const type = String(body['@odata.type'] ?? '');
      if (!type.endsWith('OneToManyRelationshipMetadata')) throw errors.notImplemented(`creating relationships of type '${type || 'unknown'}' (only OneToManyRelationshipMetadata)`);
      createLookup(ctx, body['Lookup'] as Json, [body as Json]);
      return noContent(entityUrl(ctx, `RelationshipDefinitions(${sandboxId(`relationship:${String(body['SchemaName'])}`)})`));
    }
    case 'CreateCustomerRelationships':
    case 'CreatePolymorphicLookupAttribute': {
      const relationships = body['OneToManyRelationships'];
      if (!Array.isArray(relationships) || relationships.length < 2) throw errors.badRequest('OneToManyRelationships needs at least two relationships.', '0x80048d19');
      if (parts.name === 'CreateCustomerRelationships') {
        const targets = (relationships as Json[]).map((r) => r['ReferencedEntity']).sort();
        if (targets.join(',') !== 'account,contact') throw errors.badRequest('A customer lookup relates to account and contact.', '0x80048d19');
      }
      const lookup = body['Lookup'] as Json;
      const { table } = referencing(ctx, relationships as Json[]);
      createLookup(ctx, lookup, relationships as Json[]);
      const column = String(lookup['LogicalName'] ?? lookup['SchemaName']).toLowerCase();
      return json(200, {
        '@odata.context': `${ctx.apiUrl}$metadata#Microsoft.Dynamics.CRM.${parts.name}Response`,
        RelationshipIds: (relationships as Json[]).map((r) => sandboxId(`relationship:${String(r['SchemaName'])}`)),
        AttributeId: attributeMetadataId(table.logicalName, column),
      });
    }
    default:
      throw errors.noHttpResource(parts.name);
  }
}

function referencing(ctx: HandlerContext, relationships: Json[]): { table: TableDef } {
  const names = new Set(relationships.map((r) => String(r['ReferencingEntity'] ?? '')));
  if (names.size !== 1) throw errors.badRequest('All relationships of one lookup must have the same ReferencingEntity.', '0x80048d19');
  const name = [...names][0]!;
  const table = ctx.store.table(name);
  if (!table) throw errors.badRequest(`Could not find entity with name ${name}.`, '0x80040217');
  return { table };
}

/** One lookup column on the referencing table, with one target per relationship. */
function createLookup(ctx: HandlerContext, lookup: Json | undefined, relationships: Json[]): void {
  if (!lookup || typeof lookup !== 'object') throw errors.badRequest('Lookup (LookupAttributeMetadata) is required.', '0x80048d19');
  const { table } = referencing(ctx, relationships);
  const targets: string[] = [];
  const navigation: Record<string, string> = {};
  for (const r of relationships) {
    const target = String(r['ReferencedEntity'] ?? '');
    if (!ctx.store.table(target)) throw errors.badRequest(`Could not find entity with name ${target}.`, '0x80040217');
    if (!r['SchemaName']) throw errors.badRequest('Each relationship needs a SchemaName.', '0x80048d19');
    targets.push(target);
    if (typeof r['ReferencingEntityNavigationPropertyName'] === 'string') navigation[target] = r['ReferencingEntityNavigationPropertyName'];
  }
  const draft = lookupColumn(lookup, targets);
  // Keep only navigation names that differ from the default rule, as the schema does.
  const explicit = Object.fromEntries(Object.entries(navigation).filter(([target, nav]) => navigationProperty(draft, target) !== nav));
  const column: ColumnDef = Object.keys(explicit).length ? lookupColumn(lookup, targets, explicit) : draft;
  requireNewColumn(table, column.logicalName);
  ctx.store.addColumn(table.logicalName, column);
}

function tableFromEntity(ctx: HandlerContext, body: Json): TableDef {
  const schemaName = body['SchemaName'];
  if (typeof schemaName !== 'string' || !schemaName) throw errors.badRequest('SchemaName is required.', '0x80048d19');
  const logicalName = schemaName.toLowerCase();
  if (ctx.store.table(logicalName)) throw errors.metadataExists(`An entity with the name ${logicalName}`);
  if (body['IsActivity'] === true) throw errors.notImplemented('creating activity tables');
  const attributes = body['Attributes'];
  if (!Array.isArray(attributes)) throw errors.badRequest('Attributes must contain the primary name attribute.', '0x80048d19');
  const primary = (attributes as Json[]).find((a) => a['IsPrimaryName'] === true);
  if (!primary) throw errors.badRequest('The Attributes array must contain one StringAttributeMetadata with IsPrimaryName true.', '0x80048d19');
  const columns = (attributes as Json[]).map((a) => columnFromAttribute(a, (name) => ctx.store.choice(name)));
  const ownership = body['OwnershipType'] === 'OrganizationOwned' ? 'OrganizationOwned' : 'UserOwned';
  const platform = systemColumns().filter((c) => ownership === 'UserOwned' || c.logicalName !== 'ownerid');
  const label = (v: unknown) => (v as { LocalizedLabels?: { Label?: string }[] } | undefined)?.LocalizedLabels?.[0]?.Label;
  const displayName = label(body['DisplayName']) ?? schemaName;
  return {
    logicalName,
    schemaName,
    displayName,
    pluralDisplayName: label(body['DisplayCollectionName']) ?? `${displayName}s`,
    description: label(body['Description']) ?? displayName,
    entitySetName: typeof body['EntitySetName'] === 'string' ? body['EntitySetName'] : pluralize(logicalName),
    primaryIdColumn: `${logicalName}id`,
    primaryNameColumn: String(primary['LogicalName'] ?? primary['SchemaName']).toLowerCase(),
    ownership,
    origin: 'custom',
    alternateKeys: { supported: true },
    provenance: false,
    columns: [
      { logicalName: `${logicalName}id`, schemaName: `${schemaName}Id`, displayName, description: `Unique identifier of ${displayName}.`, type: { kind: 'primarykey' }, required: 'none', origin: 'solution' },
      ...columns,
      ...platform,
    ],
    keys: [],
    states: activeInactive,
  };
}
