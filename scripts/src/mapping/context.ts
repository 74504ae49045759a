/**
 * Builds the `MappingContext` from what pre-flight learned: the extracted records (users,
 * practice areas, custom fields, which row each record lands in) and the Dynamics users. Pure:
 * the CLI reads staging and Dataverse, then hands the data here.
 */
import { primaryTarget, SETUP_KEYS, type CustomFieldEntry, type MappableRecord, type MappingContext } from './engine';
import type { Profile } from './profile';
import { formatRowId, rowId, rowIdHash, type TargetOp } from './target-op';

/** A Dynamics user as pre-flight reads it (`systemusers?$select=systemuserid,internalemailaddress,isdisabled`). */
export interface SystemUser {
  systemuserid: string;
  internalemailaddress?: string | null;
  isdisabled?: boolean;
  fullname?: string;
}

export interface ContextInput {
  profile: Profile;
  /** Every extracted record, streamed once (the caller streams them again to map). */
  records: Iterable<MappableRecord>;
  systemUsers: readonly SystemUser[];
  /** Target key → id of a row that already exists in Dynamics. */
  preExisting?: ReadonlyMap<string, string>;
}

/** Records kept whole because others read fields through them (`practiceAreaRef->name`). */
const KEPT_TYPES = new Set(['user', 'practice_area', 'custom_field_definition']);

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function normaliseName(name: string | null | undefined): string {
  return (name ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
}

export interface UserResolution {
  /** Source user key → systemuserid (enabled users matched by email, or by name when the source has no email). */
  resolved: Map<string, string>;
  unmatched: MappableRecord[];
  disabled: { user: MappableRecord; systemUser: SystemUser }[];
  /** Users the source gives no email for (Clio's CSV export), matched on a unique full name: to be checked by a person. */
  byName: { user: MappableRecord; systemUser: SystemUser }[];
  fallbackOwnerId?: string;
  fallbackProblem?: string;
}

export function resolveUsers(sourceUsers: readonly MappableRecord[], systemUsers: readonly SystemUser[], fallbackOwnerEmail?: string): UserResolution {
  const byEmail = new Map<string, SystemUser>();
  for (const u of systemUsers) if (u.internalemailaddress) byEmail.set(normaliseEmail(u.internalemailaddress), u);
  // Names only decide when one Dynamics user has it: two "Sam Lee"s match nobody.
  const byName = new Map<string, SystemUser | null>();
  for (const u of systemUsers) {
    const name = normaliseName(u.fullname);
    if (name) byName.set(name, byName.has(name) ? null : u);
  }
  const result: UserResolution = { resolved: new Map(), unmatched: [], disabled: [], byName: [] };
  for (const user of sourceUsers) {
    const email = typeof user['email'] === 'string' && user['email'].includes('@') ? normaliseEmail(user['email']) : undefined;
    const named = email ? undefined : byName.get(normaliseName(String(user['name'] ?? '')));
    const match = email ? byEmail.get(email) : (named ?? undefined);
    if (!match) result.unmatched.push(user);
    else if (match.isdisabled) result.disabled.push({ user, systemUser: match });
    else {
      result.resolved.set(user.sourceKey, match.systemuserid);
      if (!email) result.byName.push({ user, systemUser: match });
    }
  }
  if (fallbackOwnerEmail) {
    const fallback = byEmail.get(normaliseEmail(fallbackOwnerEmail));
    if (!fallback) result.fallbackProblem = `fallback owner ${fallbackOwnerEmail} is not a Dynamics user`;
    else if (fallback.isdisabled) result.fallbackProblem = `fallback owner ${fallbackOwnerEmail} is disabled in Dynamics`;
    else result.fallbackOwnerId = fallback.systemuserid;
  }
  return result;
}

export interface PrimaryRow {
  table: string;
  id: string;
  preExisting?: boolean;
}

export interface BuiltContext {
  context: MappingContext;
  users: UserResolution;
  /**
   * Source key → primary row, for orphan checks and counts. Built when first read (at a million
   * records it is a Map of a million objects and id strings; `context.target` answers without it).
   */
  targets: Map<string, PrimaryRow>;
}

/**
 * Where each record's first row lands, for lookups. It has an entry per extracted record, so it
 * is kept compact: a slot number per source key, the table as a small number and the id as the
 * 16 bytes it is made of, turned into text when a lookup asks. A row matched in pre-flight (few)
 * keeps the id it was given.
 */
class PrimaryRows {
  private readonly slots = new Map<string, number>();
  private readonly tableNames: string[] = [];
  private tables = new Uint16Array(1024);
  private ids = new Uint8Array(1024 * 16);
  private readonly matched = new Map<string, PrimaryRow>();

  get size(): number {
    return this.slots.size;
  }

  set(sourceKey: string, table: string, targetKey: string, existingId: string | undefined): void {
    let slot = this.slots.get(sourceKey);
    if (slot === undefined) {
      slot = this.slots.size;
      if (slot === this.tables.length) this.grow();
      this.slots.set(sourceKey, slot);
    }
    if (existingId) {
      this.tables[slot] = MATCHED;
      this.matched.set(sourceKey, { table, id: existingId, preExisting: true });
      return;
    }
    this.matched.delete(sourceKey);
    let code = this.tableNames.indexOf(table);
    if (code < 0) code = this.tableNames.push(table) - 1;
    this.tables[slot] = code;
    this.ids.set(rowIdHash(targetKey).subarray(0, 16), slot * 16);
  }

  get(sourceKey: string): PrimaryRow | undefined {
    const slot = this.slots.get(sourceKey);
    if (slot === undefined) return undefined;
    const code = this.tables[slot]!;
    if (code === MATCHED) return this.matched.get(sourceKey);
    return { table: this.tableNames[code]!, id: formatRowId(this.ids, slot * 16) };
  }

  toMap(): Map<string, PrimaryRow> {
    const map = new Map<string, PrimaryRow>();
    for (const key of this.slots.keys()) map.set(key, this.get(key)!);
    return map;
  }

  private grow(): void {
    const tables = new Uint16Array(this.tables.length * 2);
    tables.set(this.tables);
    this.tables = tables;
    const ids = new Uint8Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
  }
}

/** Table code of a row matched in pre-flight (its entry is in `matched`). */
const MATCHED = 0xffff;

/** What a custom field value record contributes, kept instead of the record until the definitions are in. */
interface CustomValue {
  parentRef: unknown;
  fieldRef: unknown;
  value: unknown;
}

/**
 * Record types whose first row depends on another record (a `when` through `ref->field`, or a
 * projection): their index entry waits until every record has been seen. Others are indexed as
 * they stream past, so the context never holds the whole extraction.
 */
function typesNeedingOtherRecords(profile: Profile): Set<string> {
  const types = new Set<string>();
  for (const [type, { targets }] of Object.entries(profile.entities)) {
    for (const t of targets) {
      if (t.each) continue;
      if (t.projection || t.when?.field.includes('->')) types.add(type);
      if (!t.when && !t.projection) break; // the first unconditional row is the primary one
    }
  }
  return types;
}

export function createContext(input: ContextInput): BuiltContext {
  const kept = new Map<string, MappableRecord>();
  const customValues: CustomValue[] = [];
  const deferred: MappableRecord[] = [];
  const deferTypes = typesNeedingOtherRecords(input.profile);
  const preExisting = input.preExisting ?? new Map<string, string>();
  const targets = new PrimaryRows();
  const customFields = new Map<string, CustomFieldEntry[]>();
  let users: UserResolution = { resolved: new Map(), unmatched: [], disabled: [], byName: [] };
  const context: MappingContext = {
    record: (key) => kept.get(key),
    target: (key) => targets.get(key),
    user: (key) => users.resolved.get(key),
    fallbackOwnerId: undefined,
    customFields: (key) => customFields.get(key) ?? [],
    preExisting: (key) => preExisting.get(key),
  };
  // Index every record's primary row, so lookups bind without reading anything per record.
  const index = (record: MappableRecord) => {
    const primary = primaryTarget(record, input.profile, context);
    if (!primary) return;
    targets.set(record.sourceKey, primary.table, primary.targetKey, preExisting.get(primary.targetKey));
  };
  for (const record of input.records) {
    if (KEPT_TYPES.has(record.type)) kept.set(record.sourceKey, record);
    if (record.type === 'custom_field_value') customValues.push({ parentRef: record['parentRef'], fieldRef: record['fieldRef'], value: record['value'] });
    if (deferTypes.has(record.type)) deferred.push(record);
    else index(record);
  }
  for (const record of deferred) index(record);
  users = resolveUsers(
    [...kept.values()].filter((r) => r.type === 'user'),
    input.systemUsers,
    input.profile.owners.fallbackOwnerEmail,
  );
  context.fallbackOwnerId = users.fallbackOwnerId;
  for (const v of customValues) {
    const parent = v.parentRef;
    const definition = kept.get(String(v.fieldRef));
    if (typeof parent !== 'string' || !definition) continue;
    let list = customFields.get(parent);
    if (!list) customFields.set(parent, (list = []));
    list.push({ name: String(definition['name']), value: v.value });
  }
  let targetMap: Map<string, PrimaryRow> | undefined;
  return {
    context,
    users,
    get targets() {
      return (targetMap ??= targets.toMap());
    },
  };
}

/** Rows every run needs once: connection roles for participants, the price list for invoices, the fallback client. */
export function setupOps(profile: Profile): TargetOp[] {
  const ops: TargetOp[] = [];
  const roles = new Set(Object.values(profile.connectionRoles));
  for (const name of roles) {
    const targetKey = SETUP_KEYS.connectionRole(name);
    ops.push({ table: 'connectionrole', targetKey, sourceKey: 'lexbridge:profile', id: rowId(targetKey), columns: { name }, lookups: {} });
  }
  if (Object.values(profile.entities).some((e) => e.targets.some((t) => t.table === 'invoice'))) {
    ops.push({ table: 'pricelevel', targetKey: SETUP_KEYS.priceList, sourceKey: 'lexbridge:profile', id: rowId(SETUP_KEYS.priceList), columns: { name: 'Lexbridge Migration' }, lookups: {} });
  }
  if (profile.fallbackClient) {
    ops.push({ table: 'account', targetKey: SETUP_KEYS.fallbackClient, sourceKey: 'lexbridge:profile', id: rowId(SETUP_KEYS.fallbackClient), columns: { name: profile.fallbackClient.name }, lookups: {} });
  }
  return ops;
}
