/**
 * SQLite storage for the sandbox: one file, one SQL table per Dataverse table, and the table
 * definitions themselves stored in the file (`_sandbox_tables`), so tables created through the
 * metadata API survive a restart exactly like the solution's own. Handlers speak to this class
 * only; it knows SQL, not HTTP.
 */
import Database from 'better-sqlite3';
import type { ChoiceDef, ColumnDef, KeyDef, TableDef } from '../../../../solution/src/schema/types';

export type SqlValue = string | number | null;
export type StoredRow = Record<string, SqlValue>;

/** SQL column that holds the target table of a lookup (polymorphic lookups and owner). */
export const typeColumn = (lookupColumn: string) => `${lookupColumn}__type`;
export const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

export type KeyStatus = 'Active' | 'Failed';

function sqlType(column: ColumnDef): string {
  switch (column.type.kind) {
    case 'integer':
    case 'boolean':
    case 'choice':
    case 'state':
    case 'status':
      return 'INTEGER';
    case 'decimal':
    case 'money':
      return 'REAL';
    default:
      return 'TEXT';
  }
}

const isText = (column: ColumnDef) => sqlType(column) === 'TEXT';
const hasTypeColumn = (column: ColumnDef) => column.type.kind === 'lookup' || column.type.kind === 'owner';

export interface SelectSpec {
  where?: string;
  params?: SqlValue[];
  orderBy?: string;
  limit?: number;
  offset?: number;
}

export class SandboxStore {
  readonly db: Database.Database;
  private readonly tablesByName = new Map<string, TableDef>();
  private readonly tablesBySet = new Map<string, TableDef>();
  private readonly choicesByName = new Map<string, ChoiceDef>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly failedKeys = new Set<string>();
  private version = 0;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS _sandbox_tables (logical_name TEXT PRIMARY KEY, seq INTEGER NOT NULL, definition TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS _sandbox_choices (name TEXT PRIMARY KEY, definition TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS _sandbox_keys (table_name TEXT NOT NULL, key_name TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (table_name, key_name));
      CREATE TABLE IF NOT EXISTS _sandbox_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    const rows = this.db.prepare('SELECT definition FROM _sandbox_tables ORDER BY seq').all() as { definition: string }[];
    for (const row of rows) this.remember(JSON.parse(row.definition) as TableDef);
    const failed = this.db.prepare("SELECT table_name, key_name FROM _sandbox_keys WHERE status = 'Failed'").all() as { table_name: string; key_name: string }[];
    for (const row of failed) this.failedKeys.add(`${row.table_name}.${row.key_name}`);
    const choices = this.db.prepare('SELECT definition FROM _sandbox_choices').all() as { definition: string }[];
    for (const row of choices) {
      const choice = JSON.parse(row.definition) as ChoiceDef;
      this.choicesByName.set(choice.name, choice);
    }
    for (const table of this.tablesByName.values()) {
      const max = this.db.prepare(`SELECT MAX(versionnumber) AS v FROM ${q(table.logicalName)}`).get() as { v: number | null };
      this.version = Math.max(this.version, max.v ?? 0);
    }
  }

  /** True when the file has never been initialised (no tables yet). */
  get isNew(): boolean {
    return this.tablesByName.size === 0;
  }

  close(): void {
    this.db.close();
  }

  meta(name: string): string | undefined {
    return (this.db.prepare('SELECT value FROM _sandbox_meta WHERE name = ?').get(name) as { value: string } | undefined)?.value;
  }

  setMeta(name: string, value: string): void {
    this.db.prepare('INSERT INTO _sandbox_meta (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value').run(name, value);
  }

  // ── definitions ──────────────────────────────────────────────────────────────

  tables(): TableDef[] {
    return [...this.tablesByName.values()];
  }

  table(logicalName: string): TableDef | undefined {
    return this.tablesByName.get(logicalName);
  }

  tableBySet(entitySetName: string): TableDef | undefined {
    return this.tablesBySet.get(entitySetName);
  }

  choices(): ChoiceDef[] {
    return [...this.choicesByName.values()];
  }

  choice(name: string): ChoiceDef | undefined {
    return this.choicesByName.get(name);
  }

  keyStatus(table: string, key: string): KeyStatus {
    return this.failedKeys.has(`${table}.${key}`) ? 'Failed' : 'Active';
  }

  private remember(table: TableDef): void {
    this.tablesByName.set(table.logicalName, table);
    this.tablesBySet.set(table.entitySetName, table);
  }

  private saveDefinition(table: TableDef): void {
    this.db
      .prepare(
        `INSERT INTO _sandbox_tables (logical_name, seq, definition) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM _sandbox_tables), ?)
         ON CONFLICT(logical_name) DO UPDATE SET definition = excluded.definition`,
      )
      .run(table.logicalName, JSON.stringify(table));
    this.remember(table);
    this.statements.clear();
  }

  createTable(table: TableDef): void {
    const columns = table.columns.flatMap((c) => {
      if (c.type.kind === 'primarykey') return [`${q(c.logicalName)} TEXT PRIMARY KEY`];
      const def = [`${q(c.logicalName)} ${sqlType(c)}`];
      if (hasTypeColumn(c)) def.push(`${q(typeColumn(c.logicalName))} TEXT`);
      return def;
    });
    this.db.exec(`CREATE TABLE ${q(table.logicalName)} (${[...columns, 'versionnumber INTEGER NOT NULL'].join(', ')})`);
    this.saveDefinition({ ...table, keys: [] });
    for (const key of table.keys) this.addKey(table.logicalName, key);
  }

  addColumn(tableName: string, column: ColumnDef): void {
    const table = this.requireTable(tableName);
    this.db.exec(`ALTER TABLE ${q(tableName)} ADD COLUMN ${q(column.logicalName)} ${sqlType(column)}`);
    if (hasTypeColumn(column)) this.db.exec(`ALTER TABLE ${q(tableName)} ADD COLUMN ${q(typeColumn(column.logicalName))} TEXT`);
    this.saveDefinition({ ...table, columns: [...table.columns, column] });
  }

  /** Replace a column's definition without changing its storage (e.g. a lookup gaining a target). */
  replaceColumn(tableName: string, column: ColumnDef): void {
    const table = this.requireTable(tableName);
    this.saveDefinition({ ...table, columns: table.columns.map((c) => (c.logicalName === column.logicalName ? column : c)) });
  }

  /**
   * Dataverse builds the key's unique index asynchronously and marks the key Failed when existing
   * rows already hold duplicates; the sandbox builds it at once, with the same outcome.
   */
  addKey(tableName: string, key: KeyDef): KeyStatus {
    const table = this.requireTable(tableName);
    const cols = key.columns.map((name) => {
      const column = table.columns.find((c) => c.logicalName === name);
      return column && isText(column) ? `${q(name)} COLLATE NOCASE` : q(name);
    });
    let status: KeyStatus = 'Active';
    try {
      this.db.exec(`CREATE UNIQUE INDEX ${q(`key_${tableName}_${key.logicalName}`)} ON ${q(tableName)} (${cols.join(', ')})`);
    } catch {
      status = 'Failed';
      this.failedKeys.add(`${tableName}.${key.logicalName}`);
    }
    this.db.prepare('INSERT OR REPLACE INTO _sandbox_keys (table_name, key_name, status) VALUES (?, ?, ?)').run(tableName, key.logicalName, status);
    this.saveDefinition({ ...table, keys: [...table.keys, key] });
    return status;
  }

  addChoice(choice: ChoiceDef): void {
    this.db.prepare('INSERT OR REPLACE INTO _sandbox_choices (name, definition) VALUES (?, ?)').run(choice.name, JSON.stringify(choice));
    this.choicesByName.set(choice.name, choice);
  }

  requireTable(name: string): TableDef {
    const table = this.tablesByName.get(name);
    if (!table) throw new Error(`sandbox store: no table ${name}`);
    return table;
  }

  // ── rows ─────────────────────────────────────────────────────────────────────

  nextVersion(): number {
    this.version += 1;
    return this.version;
  }

  transaction<T>(fn: () => T): T {
    // better-sqlite3 turns nested transactions into savepoints, which change sets rely on.
    return this.db.transaction(fn)();
  }

  private statement(key: string, sql: () => string): Database.Statement {
    let stmt = this.statements.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql());
      this.statements.set(key, stmt);
    }
    return stmt;
  }

  get(tableName: string, id: string): StoredRow | undefined {
    const table = this.requireTable(tableName);
    return this.statement(`get|${tableName}`, () => `SELECT * FROM ${q(tableName)} WHERE ${q(table.primaryIdColumn)} = ?`).get(id) as StoredRow | undefined;
  }

  /** Only `columns` of the row (checking a lookup's target needs its id, not its hundred columns). */
  pick(tableName: string, id: string, columns: readonly string[]): StoredRow | undefined {
    const table = this.requireTable(tableName);
    return this.statement(`pick|${tableName}|${columns.join(',')}`, () => `SELECT ${columns.map(q).join(', ')} FROM ${q(tableName)} WHERE ${q(table.primaryIdColumn)} = ?`).get(id) as StoredRow | undefined;
  }

  findByKey(tableName: string, key: KeyDef, values: SqlValue[]): StoredRow | undefined {
    const table = this.requireTable(tableName);
    const where = key.columns
      .map((name) => {
        const column = table.columns.find((c) => c.logicalName === name);
        return `${q(name)} = ?${column && isText(column) ? ' COLLATE NOCASE' : ''}`;
      })
      .join(' AND ');
    return this.statement(`key|${tableName}|${key.logicalName}`, () => `SELECT * FROM ${q(tableName)} WHERE ${where}`).get(...values) as StoredRow | undefined;
  }

  insert(tableName: string, row: StoredRow): void {
    const names = Object.keys(row);
    const stmt = this.statement(
      `ins|${tableName}|${names.join(',')}`,
      () => `INSERT INTO ${q(tableName)} (${names.map(q).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    );
    stmt.run(...names.map((n) => row[n] ?? null));
  }

  update(tableName: string, id: string, changes: StoredRow): void {
    const table = this.requireTable(tableName);
    const names = Object.keys(changes);
    if (names.length === 0) return;
    const stmt = this.statement(
      `upd|${tableName}|${names.join(',')}`,
      () => `UPDATE ${q(tableName)} SET ${names.map((n) => `${q(n)} = ?`).join(', ')} WHERE ${q(table.primaryIdColumn)} = ?`,
    );
    stmt.run(...names.map((n) => changes[n] ?? null), id);
  }

  remove(tableName: string, id: string): boolean {
    const table = this.requireTable(tableName);
    return this.statement(`del|${tableName}`, () => `DELETE FROM ${q(tableName)} WHERE ${q(table.primaryIdColumn)} = ?`).run(id).changes > 0;
  }

  select(tableName: string, spec: SelectSpec): StoredRow[] {
    const sql = [`SELECT * FROM ${q(tableName)} AS t`];
    if (spec.where) sql.push(`WHERE ${spec.where}`);
    if (spec.orderBy) sql.push(`ORDER BY ${spec.orderBy}`);
    if (spec.limit !== undefined) sql.push(`LIMIT ${spec.limit}`);
    if (spec.offset) sql.push(`${spec.limit === undefined ? 'LIMIT -1 ' : ''}OFFSET ${spec.offset}`);
    return this.db.prepare(sql.join(' ')).all(...(spec.params ?? [])) as StoredRow[];
  }

  count(tableName: string, where?: string, params: SqlValue[] = []): number {
    const row = this.db.prepare(`SELECT COUNT(*) AS n FROM ${q(tableName)} AS t${where ? ` WHERE ${where}` : ''}`).get(...params) as { n: number };
    return row.n;
  }

  // ── bulk message catalogue ──────────────────────────────────────────────────

  bulkSupported(tableName: string, message: string): boolean {
    const row = this.db
      .prepare(
        `SELECT 1 FROM sdkmessagefilter f JOIN sdkmessage m ON m.sdkmessageid = f.sdkmessageid WHERE m.name = ? AND f.primaryobjecttypecode = ?`,
      )
      .get(message, tableName);
    return !!row;
  }
}
