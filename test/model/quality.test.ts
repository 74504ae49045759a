/** The `oversized-text` rule: note bodies longer than annotation.notetext (taken from the schema). */
import { LexError } from '../../scripts/src/errors';
import { checkRecord, parseRecord, recordBase, type CanonicalRecord } from '../../scripts/src/model';
import { MAX_NOTE_TEXT } from '../../scripts/src/model/quality';
import { findColumn, tableByLogicalName } from '../../solution/src/schema';

const at = '2024-03-01T10:00:00Z';

function ok(input: unknown): CanonicalRecord {
  const parsed = parseRecord(input);
  if (parsed instanceof LexError) throw new Error(parsed.toString());
  return parsed;
}

const note = (body: string) => ok({ ...recordBase('clio', 'note', 5, { updatedAt: at, raw: {} }), parentRef: 'clio:matter:1', body });
const message = (kind: string, body: string) => ok({ ...recordBase('clio', 'communication', 6, { updatedAt: at, raw: {} }), kind, body });

it('takes the limit from the schema', () => {
  const column = findColumn(tableByLogicalName('annotation')!, 'notetext');
  expect(column?.type).toMatchObject({ kind: 'memo', maxLength: MAX_NOTE_TEXT });
});

it('flags a note body one character over annotation.notetext, not one at the limit', () => {
  expect(checkRecord(note('x'.repeat(MAX_NOTE_TEXT)))).toEqual([]);
  expect(checkRecord(note('x'.repeat(MAX_NOTE_TEXT + 1)))).toEqual([
    expect.objectContaining({ rule: 'oversized-text', field: 'body', message: expect.stringContaining(`${MAX_NOTE_TEXT + 1} characters`), fix: expect.stringContaining('staging') }),
  ]);
});

it('flags communications that become annotations, not emails or calls', () => {
  const long = 'y'.repeat(MAX_NOTE_TEXT + 1);
  expect(checkRecord(message('other', long)).map((f) => f.rule)).toEqual(['oversized-text']);
  expect(checkRecord(message('email', long))).toEqual([]);
});
