/**
 * A small in-memory `DataverseClient` for loader tests: rows keyed by id, `<nav>@odata.bind`
 * resolved through the schema (missing targets fail like Dataverse, 0x80040217), lookups
 * returned as `_x_value` without annotations (as the HTTP client asks for them), the `In()`
 * existence query, and switchable faults. The sandbox-backed integration test is the real check.
 */
import type { ActionCall, DataverseClient, QueryOptions, QueryRequest, RetrieveOptions, Row, RowKey, RowResult, UpsertItem } from '../../scripts/src/dataverse/client';
import { DataverseError } from '../../scripts/src/dataverse/errors';
import { navigationProperty, schema, tableByLogicalName } from '../../solution/src/schema';
import type { TableDef } from '../../solution/src/schema';

interface Stored {
  values: Row;
  /** lookup column → table it points at */
  lookupTables: Record<string, string>;
}

export class MemoryClient implements DataverseClient {
  readonly tables = new Map<string, Map<string, Stored>>();
  /** Throw a transient error (like a dropped connection) on this many upcoming writes. */
  transientFailures = 0;
  /** Writes counted, so tests can kill a run after N of them. */
  writes = 0;
  /** Rows this predicate rejects fail like a Dataverse validation error. */
  reject: (table: string, row: Row) => string | undefined = () => undefined;

  private def(table: string): TableDef {
    const def = tableByLogicalName(table);
    if (!def) throw new DataverseError({ status: 400, message: `unknown table ${table}` });
    return def;
  }

  private store(table: string): Map<string, Stored> {
    let t = this.tables.get(table);
    if (!t) this.tables.set(table, (t = new Map()));
    return t;
  }

  /** Seeds a row as if it existed before the migration (values as columns, lookups as ids). */
  seed(table: string, id: string, values: Row, lookups: Record<string, { table: string; id: string }> = {}): void {
    const lookupTables: Record<string, string> = {};
    const stored: Row = { ...values };
    for (const [column, ref] of Object.entries(lookups)) {
      stored[column] = ref.id;
      lookupTables[column] = ref.table;
    }
    this.store(table).set(id, { values: stored, lookupTables });
  }

  row(table: string, id: string): Stored | undefined {
    return this.tables.get(table)?.get(id);
  }

  /** Everything stored, sorted: for comparing two runs row by row. */
  snapshot(): Record<string, Record<string, Stored>> {
    const out: Record<string, Record<string, Stored>> = {};
    for (const [table, rows] of [...this.tables].sort(([a], [b]) => (a < b ? -1 : 1))) {
      // A null column and an absent one are the same stored row (SQL NULL in the sandbox).
      const clean = (stored: Stored): Stored => ({ values: Object.fromEntries(Object.entries(stored.values).filter(([, v]) => v !== null)), lookupTables: stored.lookupTables });
      if (rows.size) out[table] = Object.fromEntries([...rows].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, stored]) => [id, clean(stored)]));
    }
    return out;
  }

  private toEntity(def: TableDef, id: string, stored: Stored, select?: readonly string[]): Row {
    const entity: Row = { '@odata.etag': 'W/"1"', [def.primaryIdColumn]: id };
    for (const column of def.columns) {
      if (column.type.kind === 'primarykey') continue;
      const isLookup = column.type.kind === 'lookup' || column.type.kind === 'owner';
      const name = isLookup ? `_${column.logicalName}_value` : column.logicalName;
      if (select && !select.includes(name)) continue;
      entity[name] = stored.values[column.logicalName] ?? null;
    }
    return entity;
  }

  async retrieve(table: string, key: RowKey, options: RetrieveOptions = {}): Promise<Row | undefined> {
    const stored = this.store(table).get(String(key));
    return stored ? this.toEntity(this.def(table), String(key), stored, options.select) : undefined;
  }

  async *query(table: string, options: QueryOptions = {}): AsyncIterable<Row[]> {
    const def = this.def(table);
    const match = /PropertyValues=\[(.*)\]\)$/.exec(options.filter ?? '');
    const wanted = match ? new Set(match[1]!.split(',').map((s) => s.replace(/"/g, ''))) : undefined;
    const rows = [...this.store(table)].filter(([id]) => !wanted || wanted.has(id));
    yield rows.map(([id, stored]) => this.toEntity(def, id, stored, options.select));
  }

  /** Queries answered in one call, as one $batch would be. */
  batchedQueries = 0;
  async queryMany(requests: readonly QueryRequest[]): Promise<Row[][]> {
    this.batchedQueries++;
    const results: Row[][] = [];
    for (const { table, options } of requests) {
      const rows: Row[] = [];
      for await (const page of this.query(table, options)) rows.push(...page);
      results.push(rows);
    }
    return results;
  }

  private write(table: string, id: string, body: Row): void {
    const def = this.def(table);
    const existing = this.store(table).get(id);
    const next: Stored = existing ? { values: { ...existing.values }, lookupTables: { ...existing.lookupTables } } : { values: {}, lookupTables: {} };
    for (const [name, value] of Object.entries(body)) {
      if (name.endsWith('@odata.bind')) {
        const nav = name.slice(0, -'@odata.bind'.length);
        const found = def.columns.flatMap((c) =>
          c.type.kind === 'lookup' ? c.type.targets.filter((t) => navigationProperty(c, t) === nav).map((t) => ({ column: c.logicalName, target: t })) : c.type.kind === 'owner' && nav === 'ownerid' ? [{ column: 'ownerid', target: 'systemuser' }] : [],
        )[0];
        if (!found) throw new DataverseError({ status: 400, dataverseCode: '0x80048d19', message: `undeclared property ${nav}` });
        const targetId = /\(([^)]+)\)$/.exec(String(value))![1]!;
        if (found.target !== 'systemuser' && !this.store(found.target).has(targetId)) {
          throw new DataverseError({ status: 404, dataverseCode: '0x80040217', message: `${found.target} With Id = ${targetId} Does Not Exist` });
        }
        next.values[found.column] = targetId;
        next.lookupTables[found.column] = found.target;
        continue;
      }
      const column = def.columns.find((c) => c.logicalName === name);
      if (!column) throw new DataverseError({ status: 400, dataverseCode: '0x80048d19', message: `unknown property ${name}` });
      if (name === 'overriddencreatedon' && existing) continue;
      next.values[name] = value;
      if (value === null) delete next.lookupTables[name];
    }
    this.store(table).set(id, next);
  }

  async upsertMany(table: string, items: readonly UpsertItem[]): Promise<RowResult[]> {
    this.writes++;
    if (this.transientFailures > 0) {
      this.transientFailures--;
      throw new DataverseError({ status: 0, message: 'connection dropped' });
    }
    // All-or-nothing, like UpsertMultiple on a standard table.
    const before = new Map(this.store(table));
    try {
      for (const item of items) {
        const problem = this.reject(table, item.row);
        if (problem) throw new DataverseError({ status: 400, dataverseCode: '0x80044331', message: problem, recordKey: item.recordKey ?? '' });
        this.write(table, String(item.key), item.row);
      }
      return items.map((i) => ({ ok: true, recordKey: i.recordKey ?? String(i.key) }));
    } catch (error) {
      this.tables.set(table, before);
      if (!(error instanceof DataverseError)) throw error;
      return items.map((i) => ({ ok: false, recordKey: i.recordKey ?? String(i.key), error }));
    }
  }

  async deleteMany(table: string, keys: readonly RowKey[]): Promise<RowResult[]> {
    this.writes++;
    if (this.transientFailures > 0) {
      this.transientFailures--;
      throw new DataverseError({ status: 503, message: 'service unavailable' });
    }
    return keys.map((key) => {
      const existed = this.store(table).delete(String(key));
      return existed ? { ok: true, recordKey: String(key) } : { ok: false, recordKey: String(key), error: new DataverseError({ status: 404, dataverseCode: '0x80040217', message: `${table} With Id = ${String(key)} Does Not Exist` }) };
    });
  }

  async create(): Promise<string> {
    throw new Error('not used by the loader');
  }
  async update(): Promise<void> {
    throw new Error('not used by the loader');
  }
  async upsert(): Promise<void> {
    throw new Error('not used by the loader');
  }
  async writeBatch(): Promise<RowResult[]> {
    throw new Error('not used by the loader');
  }
  async entityDefinition() {
    return undefined;
  }
  /** Like the Web API client: each call stands alone, a failure is its result. */
  async executeMany(calls: readonly ActionCall[]): Promise<RowResult[]> {
    const results: RowResult[] = [];
    for (const [i, call] of calls.entries()) {
      const recordKey = call.recordKey ?? `${call.name}#${i + 1}`;
      try {
        await this.execute(call.name, call.body);
        results.push({ ok: true, recordKey });
      } catch (error) {
        if (!(error instanceof DataverseError)) throw error;
        results.push({ ok: false, recordKey, error: error.forRecord(recordKey) });
      }
    }
    return results;
  }
  /** State messages sent, in order, with their bodies. */
  readonly messages: { name: string; body: Row }[] = [];

  /**
   * WinOpportunity, LoseOpportunity and CloseIncident as Dataverse runs them: the close activity
   * binds the row, `Status` is a status of the target state, and only an open row can be closed.
   */
  async execute<T>(name: string, body: Row = {}): Promise<T | undefined> {
    const closes: Record<string, { table: string; state: number; activity: string; id: string }> = {
      WinOpportunity: { table: 'opportunity', state: 1, activity: 'OpportunityClose', id: 'opportunityid' },
      LoseOpportunity: { table: 'opportunity', state: 2, activity: 'OpportunityClose', id: 'opportunityid' },
      CloseIncident: { table: 'incident', state: 1, activity: 'IncidentResolution', id: 'incidentid' },
    };
    const close = closes[name];
    if (!close) throw new DataverseError({ status: 501, message: `${name} is not implemented in the memory client` });
    this.messages.push({ name, body });
    const bind = (body[close.activity] as Row | undefined)?.[`${close.id}@odata.bind`];
    const id = typeof bind === 'string' ? /\(([^)]+)\)$/.exec(bind)?.[1] : undefined;
    const stored = id ? this.store(close.table).get(id) : undefined;
    if (!stored) throw new DataverseError({ status: 404, dataverseCode: '0x80040217', message: `${close.table} With Id = ${String(id)} Does Not Exist` });
    const status = this.def(close.table).states?.find((s) => s.value === close.state)?.statuses.some((s) => s.value === body['Status']);
    if (!status) throw new DataverseError({ status: 400, dataverseCode: '0x80048d19', message: `${String(body['Status'])} is not a status of state ${close.state}` });
    if ((stored.values['statecode'] ?? 0) !== 0) throw new DataverseError({ status: 400, dataverseCode: '0x80040203', message: `The ${close.table} is not open` });
    stored.values['statecode'] = close.state;
    stored.values['statuscode'] = body['Status'];
    return undefined;
  }
}

export { schema };
