/**
 * The column names the engine itself writes (not the profile): provenance and the custom-fields
 * JSON column. They have the same names on every migrated table; taken from the generated names.
 */
import { Tables } from '../../../solution/generated/names';

const matter = Tables.lex_matter.columns;

export const PROVENANCE = {
  sourceKey: matter.lex_sourcekey,
  sourceSystem: matter.lex_sourcesystem,
  sourceId: matter.lex_sourceid,
  sourceUrl: matter.lex_sourceurl,
  snapshot: matter.lex_sourcesnapshot,
  originalCreatedOn: matter.lex_originalcreatedon,
} as const;

/** Custom fields without a column of their own, as JSON (on lex_matter). */
export const CUSTOM_FIELDS_JSON = matter.lex_customfields;
