/**
 * Clio "Excel ready CSV" export folder as a source (seed 002). One stream per export file
 * (notes read two files); users, practice areas and custom field definitions are derived from
 * the columns that name them. Streams row by row; checkpoints every 500 rows as
 * `{ file, rows }`, and a resumed read skips that many rows of that file.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LexError } from '../../errors';
import { ENTITY_OF_TYPE, recordBase, sourceKeyOf, type CanonicalRecordInput, type EntityName, type RecordType, type CustomFieldDefinitionRecord, type DirtRule, type UserRecord } from '../../model';
import { lostRowKey, type ConnectorOptions, type DiscoverResult, type ReadMessage, type ReadOptions, type SourceConnector, type SourceDeclaration } from '../contract';
import { CLIO_CSV_FILES, headerOf, slugOf, type ClioCsvFileKey, type CsvFileSpec } from './columns';
import { readCsv } from './read-csv';
import { DERIVED_AT, practiceAreaFromName, toRecords, userFromName, userNamesIn } from './records';
import { looksLikeFormula, Row, type DateOrder } from './values';

const STREAMS: Record<string, ClioCsvFileKey[]> = {
  contacts: ['contacts'],
  matters: ['matters'],
  participants: ['participants'],
  time_entries: ['timeEntries'],
  expenses: ['expenses'],
  bills: ['receivables'],
  calendar_events: ['calendar'],
  tasks: ['tasks'],
  notes: ['contactNotes', 'matterNotes'],
  communications: ['communications'],
};

const CHECKPOINT_EVERY = 500;
/** C0 control characters and DEL, except tab, LF and CR (kept: they are text). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
const TYPE_OF_ENTITY = Object.fromEntries(Object.entries(ENTITY_OF_TYPE).map(([type, entity]) => [entity, type])) as Record<EntityName, RecordType>;
/** Columns whose values are numbers or dates, where a leading `-` is not a formula. */
const NUMERIC = /quantity|rate|total|price|paid|balance|date|updatedAt|createdAt|Id$|^id$/;

export const clioCsvDeclaration: SourceDeclaration = {
  system: 'clio',
  kind: 'clio-csv',
  entities: [
    { name: 'contacts', key: 'Id', cursorField: 'Updated At', dependsOn: [] },
    { name: 'matters', key: 'Id', cursorField: 'Updated At', dependsOn: ['contacts'] },
    { name: 'participants', key: 'Id', cursorField: 'Updated At', dependsOn: ['matters', 'contacts'] },
    { name: 'time_entries', key: 'Id', cursorField: 'Updated At', dependsOn: ['matters'] },
    { name: 'expenses', key: 'Id', cursorField: 'Updated At', dependsOn: ['matters'] },
    { name: 'bills', key: 'Bill Id', cursorField: 'Updated At', dependsOn: ['matters', 'contacts'] },
    { name: 'calendar_events', key: 'Id', cursorField: 'Updated At', dependsOn: ['matters'] },
    { name: 'tasks', key: 'Id', cursorField: 'Updated At', dependsOn: ['matters'] },
    { name: 'notes', key: 'Id', cursorField: 'Updated At', dependsOn: ['matters', 'contacts'] },
    { name: 'communications', key: 'Id', cursorField: 'Updated At', dependsOn: ['matters', 'contacts'] },
  ],
};

export function createClioCsvConnector(options: ConnectorOptions): SourceConnector {
  const dir = options.from;
  const dateOrder: DateOrder = options.config?.dateOrder === 'DMY' ? 'DMY' : 'MDY';

  function fileFor(spec: CsvFileSpec): string | undefined {
    if (!existsSync(dir)) return undefined;
    const name = readdirSync(dir).find((f) => f.toLowerCase() === spec.file.toLowerCase());
    return name ? path.join(dir, name) : undefined;
  }

  async function* readFile(key: ClioCsvFileKey, skipRows: number, since: string | undefined): AsyncGenerator<ReadMessage> {
    const spec: CsvFileSpec = CLIO_CSV_FILES[key];
    const file = fileFor(spec);
    const issue = (code: string, message: string, fix: string, location: LexError['location'], rule?: DirtRule): ReadMessage => ({
      kind: 'issue',
      error: new LexError({ code, message, fix, location }),
      rule,
    });
    /** A row that cannot become a record: reported, and counted as a failed record of the file's type. */
    const lostRow = (message: string, fix: string, location: LexError['location'] & { file: string; line: number }): ReadMessage => ({
      kind: 'issue',
      error: new LexError({ code: 'LEX_SOURCE_CSV_BAD_ROW', message, fix, location }),
      lost: lostRowKey('clio', TYPE_OF_ENTITY[spec.entity], location.file, location.line),
    });
    if (!file) {
      yield issue('LEX_SOURCE_CSV_MISSING_FILE', `the export has no "${spec.file}"`, `Export "${spec.file.replace('.csv', '')}" as Excel ready CSV into ${dir} (Clio: Settings → Data Exports), or ignore this if the firm has none.`, { file: spec.file });
      return;
    }
    const fileName = path.basename(file);
    const stat = statSync(file);
    if (stat.size === 0) {
      yield issue('LEX_SOURCE_CSV_EMPTY_FILE', `"${fileName}" is empty (not even a header line)`, 'Export the file again; an export with no rows still has its header line.', { file: fileName });
      return;
    }
    const fallbackUpdatedAt = stat.mtime.toISOString().replace(/\.\d{3}Z$/, 'Z');

    let columns: Map<string, number> | undefined;
    let headerNames = new Map<string, string>();
    let headerCount = 0;
    let fileHeaders: string[] = [];
    /** Per column: may a value there be a formula? (Not in number, date and id columns.) */
    let textColumn: boolean[] = [];
    let custom: { fieldId: string; index: number }[] = [];
    let rows = 0;
    const seenUsers = new Set<string>();
    const seenAreas = new Set<string>();

    for await (const item of readCsv(file, { encoding: options.encoding })) {
      if (item.kind === 'bad') {
        yield lostRow(`${item.fromLine === item.toLine ? `line ${item.fromLine}` : `lines ${item.fromLine}–${item.toLine}`} could not be read: ${item.reason}`, 'Fix the quoting in the file (a " inside a value must be doubled) or re-export it; the other rows are read.', { file: fileName, line: item.fromLine });
        continue;
      }
      if (item.kind === 'header') {
        headerCount = item.headers.length;
        fileHeaders = item.headers;
        const index = new Map(item.headers.map((h, i) => [h.toLowerCase(), i]));
        columns = new Map();
        headerNames = new Map();
        const known = new Set<number>();
        for (const field of Object.keys(spec.columns)) {
          const header = headerOf(spec, field, options.csvColumns)!;
          headerNames.set(field, header);
          const at = index.get(header.toLowerCase());
          if (at !== undefined) {
            columns.set(field, at);
            known.add(at);
          } else if (spec.columns[field]?.required) {
            yield issue('LEX_SOURCE_CSV_MISSING_COLUMN', `"${fileName}" has no "${header}" column, which identifies its records; the file is skipped`, `Map the column that holds the record id in the profile: csvColumns["${spec.file}"].${field} = "<header>".`, { file: fileName, line: 1, field: header });
            return;
          } else {
            yield issue('LEX_SOURCE_CSV_MISSING_COLUMN', `"${fileName}" has no "${header}" column; that field stays empty`, `If the export names it differently, set csvColumns["${spec.file}"].${field} in the profile.`, { file: fileName, line: 1, field: header });
          }
        }
        textColumn = item.headers.map((_, i) => ![...columns!].some(([field, at]) => at === i && NUMERIC.test(field)));
        custom = [];
        for (const [i, header] of item.headers.entries()) {
          if (known.has(i) || !header) continue;
          if (spec.customFieldsOf) {
            const fieldId = `${spec.customFieldsOf}-${slugOf(header)}`;
            custom.push({ fieldId, index: i });
            yield { kind: 'record', record: customFieldDefinition(spec.customFieldsOf, fieldId, header) as never };
          } else {
            yield issue('LEX_SOURCE_CSV_UNKNOWN_COLUMN', `"${fileName}" has a column "${header}" that the column map does not know; it is kept in the raw record only`, `If it holds a mapped field, set csvColumns["${spec.file}"].<field> = "${header}" in the profile.`, { file: fileName, line: 1, field: header });
          }
        }
        continue;
      }
      if (!columns) continue;
      rows++;
      if (rows <= skipRows) continue;
      const values = item.values;
      if (values.every((v) => !v.trim())) continue;
      if (values.length !== headerCount) {
        yield lostRow(`line has ${values.length} fields, the header has ${headerCount}; the row is skipped`, 'The row is cut short or has a stray delimiter: re-export the file or fix that line.', { file: fileName, line: item.line });
        if (rows % CHECKPOINT_EVERY === 0) yield { kind: 'checkpoint', checkpoint: { file: spec.file, rows } };
        continue;
      }
      // Control characters (NUL and the other C0 codes but tab and newlines) are never text a
      // person typed; Dataverse would store them as is. Stripped here, each one reported below.
      const controlled: { header: string; value: string }[] = [];
      for (const [i, value] of values.entries())
        if (CONTROL.test(value)) {
          controlled.push({ header: fileHeaders[i] || `column ${i + 1}`, value });
          values[i] = value.replace(CONTROL_ALL, '');
        }
      const cells = new Map<string, string>();
      for (const [field, at] of columns) cells.set(field, values[at] ?? '');
      const raw: Record<string, string> = {};
      values.forEach((v, i) => (raw[fileHeaders[i] || `column ${i + 1}`] = v));
      const id = cells.get('id')?.trim();
      if (!id) {
        yield lostRow(`row has no value in "${headerNames.get('id')}"; it cannot be identified and is skipped`, 'Re-export the file; every exported row has an id.', { file: fileName, line: item.line, field: headerNames.get('id') });
        continue;
      }
      const row = new Row(fileName, item.line, cells, headerNames, sourceKeyOf('clio', TYPE_OF_ENTITY[spec.entity], id), dateOrder);
      for (const c of controlled)
        yield issue('LEX_SOURCE_CSV_CONTROL_CHAR', `value in "${c.header}" holds control characters (such as NUL): ${JSON.stringify(c.value.slice(0, 60))}`, 'They were removed and the row is kept. Check the value in the source; re-export the file if other cells look damaged.', { file: fileName, line: item.line, field: c.header, recordKey: row.recordKey });
      for (const [i, value] of values.entries())
        if (textColumn[i] && value && looksLikeFormula(value))
          yield issue('LEX_SOURCE_CSV_FORMULA', `value in "${fileHeaders[i]}" starts like a spreadsheet formula: ${JSON.stringify(value.slice(0, 40))}`, 'Kept as text. Check the source value; never open the export in a spreadsheet with formulas enabled.', { file: fileName, line: item.line, field: fileHeaders[i], recordKey: row.recordKey }, 'formula-injection');

      const records = toRecords(key, id, { row, raw, customValues: custom.map((c) => ({ fieldId: c.fieldId, value: values[c.index] ?? '' })).filter((c) => c.value.trim() !== ''), fallbackUpdatedAt });
      for (const name of userNamesIn(key, row))
        if (!seenUsers.has(name)) {
          seenUsers.add(name);
          yield { kind: 'record', record: userFromName(name) as never };
        }
      const area = key === 'matters' ? row.text('practiceArea') : undefined;
      if (area && !seenAreas.has(area)) {
        seenAreas.add(area);
        yield { kind: 'record', record: practiceAreaFromName(area) as never };
      }
      for (const cell of row.issues) yield { kind: 'issue', error: cell.error, rule: cell.rule };
      const fresh = !since || (records[0] as { updatedAt: string }).updatedAt > since;
      if (fresh) for (const record of records) yield { kind: 'record', record: record as never };
      if (rows % CHECKPOINT_EVERY === 0) yield { kind: 'checkpoint', checkpoint: { file: spec.file, rows } };
    }
  }

  return {
    declaration: clioCsvDeclaration,

    async *read(entity: string, options: ReadOptions = {}): AsyncGenerator<ReadMessage> {
      const files = STREAMS[entity];
      if (!files) throw new LexError({ code: 'LEX_SOURCE_UNKNOWN_ENTITY', message: `clio-csv has no stream "${entity}"`, fix: `Use one of ${Object.keys(STREAMS).join(', ')}.` });
      const at = options.checkpoint;
      let start = at ? Math.max(0, files.findIndex((k) => CLIO_CSV_FILES[k].file === at.file)) : 0;
      let skip = at && typeof at.rows === 'number' ? at.rows : 0;
      for (; start < files.length; start++) {
        yield* readFile(files[start]!, skip, options.since);
        skip = 0;
        const next = files[start + 1];
        if (next) yield { kind: 'checkpoint', checkpoint: { file: CLIO_CSV_FILES[next].file, rows: 0 } };
      }
    },

    async discover(): Promise<DiscoverResult> {
      const entities: DiscoverResult['entities'] = [];
      const users = new Map<string, UserRecord>();
      const definitions = new Map<string, CustomFieldDefinitionRecord>();
      for (const [entity, keys] of Object.entries(STREAMS)) {
        let count = 0;
        for (const key of keys)
          for await (const message of readFile(key, 0, undefined)) {
            if (message.kind !== 'record') continue;
            const record = message.record;
            if (record.type === 'user') users.set(record.sourceKey, record);
            else if (record.type === 'custom_field_definition') definitions.set(record.sourceKey, record);
            else if (record.type !== 'practice_area' && record.type !== 'custom_field_value') count++;
          }
        entities.push({ name: entity, count });
      }
      return { entities, users: [...users.values()], customFieldDefinitions: [...definitions.values()] };
    },
  };
}

function customFieldDefinition(parentType: 'matter' | 'contact', fieldId: string, header: string): CanonicalRecordInput {
  return {
    ...recordBase('clio', 'custom_field_definition', fieldId, { updatedAt: DERIVED_AT, raw: { header } }),
    name: header,
    parentType,
    // A CSV column says nothing about its type; the map proposer looks at the values.
    fieldType: 'text',
  };
}
