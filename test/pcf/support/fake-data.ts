/** An in-memory LexData for component tests: rows per table, `col eq v` / `col ne null` filters, writes recorded. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LexData, Row } from '../../../pcf-controls/shared/data';
import { labelsFromResx, type Label } from '../../../pcf-controls/shared/labels';

export interface FakeData extends LexData {
  tables: Map<string, Map<string, Row>>;
  writes: { kind: 'update' | 'create'; table: string; id: string; values: Row }[];
}

function matches(row: Row, filter: string | undefined): boolean {
  if (!filter) return true;
  return filter.split(' and ').every((clause) => {
    const [column, op, ...rest] = clause.trim().split(' ');
    const raw = rest.join(' ');
    const value = raw === 'null' ? null : /^'.*'$/.test(raw) ? raw.slice(1, -1) : Number(raw);
    const actual = row[column!] ?? null;
    return op === 'eq' ? actual === value : actual !== value;
  });
}

export function fakeData(seed: Record<string, Row[]> = {}, idColumn = (table: string) => `${table}id`): FakeData {
  const tables = new Map<string, Map<string, Row>>();
  for (const [table, rows] of Object.entries(seed)) tables.set(table, new Map(rows.map((r) => [String(r[idColumn(table)]), r])));
  const writes: FakeData['writes'] = [];
  let next = 1;
  return {
    tables,
    writes,
    async retrieve(table, id) {
      const row = tables.get(table)?.get(id);
      if (!row) throw new Error(`${table}(${id}) does not exist`);
      return { ...row };
    },
    async list(table, options = {}) {
      let rows = [...(tables.get(table)?.values() ?? [])].filter((r) => matches(r, options.filter));
      if (options.orderBy) {
        const [column, dir] = options.orderBy.split(' ');
        rows = rows.sort((a, b) => (Number(a[column!]) - Number(b[column!])) * (dir === 'desc' ? -1 : 1));
      }
      return rows.slice(0, options.top ?? rows.length);
    },
    async update(table, id, values) {
      const row = tables.get(table)?.get(id);
      if (!row) throw new Error(`${table}(${id}) does not exist`);
      Object.assign(row, values);
      writes.push({ kind: 'update', table, id, values });
    },
    async create(table, values) {
      const id = `00000000-0000-0000-0000-${String(next++).padStart(12, '0')}`;
      if (!tables.has(table)) tables.set(table, new Map());
      tables.get(table)!.set(id, { ...values, [idColumn(table)]: id });
      writes.push({ kind: 'create', table, id, values });
      return id;
    },
  };
}

export const controlLabels = (control: string): Label =>
  labelsFromResx(readFileSync(path.resolve(__dirname, `../../../pcf-controls/${control}/strings/${control}.1033.resx`), 'utf8'));
