/**
 * Filter syntax tree → SQLite WHERE clause with bound parameters. String comparisons are
 * case-insensitive and `contains`/`startswith`/`endswith` keep `%` and `_` as wildcards, as the
 * Dataverse Web API documents ("Filter rows"). A lookup is filtered through `_x_value`, and
 * `nav/column` reaches one column of the related row.
 */
import { navigationProperty } from '../../../../solution/src/schema/columns';
import type { ColumnDef, TableDef } from '../../../../solution/src/schema/types';
import { errors } from '../errors';
import { q, type SandboxStore, type SqlValue } from '../storage/store';
import { toSqlValue } from '../values';
import type { FilterNode, Literal, Operand } from './filter';

interface Resolved {
  sql: string;
  column: ColumnDef;
}

/** Which lookup column (and target table) a single-valued navigation property names. */
export function findNavigation(table: TableDef, navigation: string): { column: ColumnDef; target: string } | undefined {
  for (const column of table.columns) {
    if (column.type.kind === 'owner' && navigation === column.logicalName) return { column, target: 'systemuser' };
    if (column.type.kind !== 'lookup') continue;
    for (const target of column.type.targets) if (navigationProperty(column, target) === navigation) return { column, target };
  }
  return undefined;
}

/** The property a query names: a plain column, or a lookup through `_x_value`. */
export function resolveProperty(table: TableDef, name: string): ColumnDef {
  const lookupName = /^_(.+)_value$/.exec(name)?.[1];
  const column = table.columns.find((c) => c.logicalName === (lookupName ?? name));
  const isLookup = column && (column.type.kind === 'lookup' || column.type.kind === 'owner');
  if (!column || (lookupName ? !isLookup : isLookup)) throw errors.propertyNotFound(name, table.logicalName);
  return column;
}

export function compileFilter(store: SandboxStore, table: TableDef, node: FilterNode): { where: string; params: SqlValue[] } {
  const params: SqlValue[] = [];

  function property(path: string[]): Resolved {
    if (path.length === 1) {
      const column = resolveProperty(table, path[0]!);
      return { sql: `t.${q(column.logicalName)}`, column };
    }
    if (path.length === 2) {
      const nav = findNavigation(table, path[0]!);
      const target = nav && store.table(nav.target);
      if (!nav || !target) throw errors.propertyNotFound(path[0]!, table.logicalName);
      const column = resolveProperty(target, path[1]!);
      return {
        sql: `(SELECT r.${q(column.logicalName)} FROM ${q(target.logicalName)} AS r WHERE r.${q(target.primaryIdColumn)} = t.${q(nav.column.logicalName)})`,
        column,
      };
    }
    throw errors.notImplemented('navigation paths deeper than one lookup in $filter');
  }

  function bind(column: ColumnDef, value: Literal): string {
    try {
      params.push(toSqlValue(column, value));
    } catch {
      throw errors.queryOption(`A binary operator with incompatible types was detected. Found operand types for '${column.logicalName}' and '${String(value)}'.`);
    }
    return '?';
  }

  const nocase = (column: ColumnDef) =>
    column.type.kind === 'string' || column.type.kind === 'memo' || column.type.kind === 'lookup' || column.type.kind === 'owner' || column.type.kind === 'primarykey'
      ? ' COLLATE NOCASE'
      : '';

  const SQL_OP = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

  function operandSql(op: Operand, other: Resolved | undefined): { sql: string; resolved?: Resolved } {
    if (op.kind === 'property') {
      const resolved = property(op.path);
      return { sql: resolved.sql, resolved };
    }
    if (!other) throw errors.queryOption(`A comparison needs at least one property; found '${op.raw}'.`);
    return { sql: bind(other.column, op.value) };
  }

  function walk(n: FilterNode): string {
    switch (n.kind) {
      case 'and':
      case 'or':
        return `(${walk(n.left)} ${n.kind.toUpperCase()} ${walk(n.right)})`;
      case 'not':
        return `(NOT ${walk(n.operand)})`;
      case 'text': {
        const p = property(n.property);
        const pattern = n.fn === 'contains' ? `%${n.value}%` : n.fn === 'startswith' ? `${n.value}%` : `%${n.value}`;
        params.push(pattern);
        return `(${p.sql} LIKE ?)`;
      }
      case 'in': {
        const p = property([n.property]);
        if (n.values.length === 0) return n.negate ? '1=1' : '1=0';
        const list = n.values.map((v) => bind(p.column, v)).join(', ');
        return `(${p.sql}${nocase(p.column)} ${n.negate ? 'NOT IN' : 'IN'} (${list}))`;
      }
      case 'compare': {
        const leftProp = n.left.kind === 'property' ? property(n.left.path) : undefined;
        const rightProp = n.right.kind === 'property' ? property(n.right.path) : undefined;
        const literal = n.left.kind === 'literal' ? n.left : n.right.kind === 'literal' ? n.right : undefined;
        if (literal && literal.value === null) {
          const prop = leftProp ?? rightProp;
          if (!prop) return n.op === 'eq' ? '1=1' : '1=0';
          if (n.op !== 'eq' && n.op !== 'ne') throw errors.queryOption(`The operator '${n.op}' cannot be used with null.`);
          return `(${prop.sql} IS ${n.op === 'eq' ? '' : 'NOT '}NULL)`;
        }
        const left = operandSql(n.left, rightProp);
        const right = operandSql(n.right, leftProp);
        const column = (leftProp ?? rightProp)!.column;
        return `(${left.sql}${nocase(column)} ${SQL_OP[n.op]} ${right.sql})`;
      }
    }
  }

  return { where: walk(node), params };
}
