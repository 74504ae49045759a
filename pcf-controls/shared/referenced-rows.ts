/**
 * Reads the rows RecordDiff's lookups point at when the row's own annotations do not say enough
 * (`lookupReads`). Each read stands alone: a row the user may not read (a systemuser without the
 * privilege) leaves that lookup compared on its id and annotations, not the whole control failed.
 */
import type { LexData } from './data';
import type { ReferenceRead, ReferencedRow, ReferencedRows } from './lookup-diff';

const textOf = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export async function readReferencedRows(data: LexData, reads: readonly ReferenceRead[]): Promise<ReferencedRows> {
  const rows = await Promise.all(
    reads.map(async ({ table, id, columns }): Promise<[string, ReferencedRow] | undefined> => {
      try {
        const row = await data.retrieve(table, id, Object.values(columns).filter((c): c is string => c !== undefined));
        const values = { name: textOf(row[columns.name]), email: columns.email ? textOf(row[columns.email]) : undefined, sourceKey: columns.sourceKey ? textOf(row[columns.sourceKey]) : undefined };
        return [id, Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as ReferencedRow];
      } catch {
        return undefined;
      }
    }),
  );
  return new Map(rows.filter((r): r is [string, ReferencedRow] => r !== undefined));
}
