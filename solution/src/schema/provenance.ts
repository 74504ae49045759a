/**
 * Provenance columns: every migrated row says where it came from, so a reviewer can trace it
 * and the verifier can diff it. `lex_sourcekey` (`clio:matter:123`) is the alternate key.
 */
import { choice, column, dateTime, key, lookup, memo, text } from './columns';
import type { ColumnDef, KeyDef } from './types';

export const SOURCE_KEY_MAX_LENGTH = 200;

export function provenanceColumns(): ColumnDef[] {
  return [
    column('lex_sourcekey', 'Source Key', text(SOURCE_KEY_MAX_LENGTH), {
      description: 'Stable key of the source record, e.g. clio:matter:123. Alternate key.',
    }),
    column('lex_sourcesystem', 'Source System', choice('lex_sourcesystem'), {
      description: 'The practice-management system the row came from.',
    }),
    column('lex_sourceid', 'Source ID', text(100), { description: "The record's id in the source system." }),
    column('lex_sourceurl', 'Source URL', text(500, 'url'), { description: 'Link to the record in the source system.' }),
    column('lex_sourcesnapshot', 'Source Snapshot', memo(1048576, 'json'), {
      description: 'The source record as JSON at migration time, for the field-level diff.',
    }),
    column('lex_migrationrunid', 'Migration Run', lookup(['lex_migrationrun']), {
      schemaName: 'lex_MigrationRunId',
      description: 'The run that last wrote this row.',
    }),
    column('lex_originalcreatedon', 'Original Created On', dateTime(), {
      description: 'When the record was created in the source system.',
    }),
  ];
}

export function sourceKeyKey(): KeyDef {
  return key('lex_sourcekey_key', 'Source Key', ['lex_sourcekey']);
}
