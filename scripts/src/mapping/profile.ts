/**
 * A mapping profile: the field map from one source to Dynamics 365 Sales, as data. The zod
 * schema here is the single definition; `profiles/profile.schema.json` is generated from it
 * (`npx tsx scripts/src/mapping/write-profile-schema.ts`) and a test keeps the two equal.
 * Column types are not repeated here: the engine converts each value to the type the target
 * column has in `solution/src/schema`.
 */
import { z } from 'zod';
import { SOURCE_KINDS, type SourceKind } from '../sources/contract';

export { SOURCE_KINDS, type SourceKind };

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * Where a value comes from: a dotted path into the canonical record (`client.name`), or one of
 * the record's own facts: `$sourceKey`, `$sourceId`, `$updatedAt`, `$raw` (the raw payload as JSON).
 */
const path = z.string().min(1).describe('Dotted path into the canonical record, or $sourceKey, $sourceId, $updatedAt, $raw, $raw.<source field>');

export const fieldMapSchema = z
  .object({
    from: z.union([path, z.array(path).min(1)]).optional().describe('Source path; several paths are concatenated (non-empty parts only)'),
    separator: z.string().optional().describe('Separator for concatenation (default a space)'),
    value: scalar.optional().describe('A constant instead of a source value'),
    valueMap: z.record(z.string(), scalar).optional().describe('Source value → target value (for choices: the option name or label)'),
    default: scalar.optional().describe('Used when the source value is empty'),
    required: z.boolean().optional().describe('An empty value is a data error on the record'),
    truncate: z.boolean().optional().describe('Cut text to the column length instead of reporting an error'),
    lock: z.boolean().optional().describe('Read-only on the form of a migrated row (the matter form script locks it)'),
  })
  .strict();
export type FieldMap = z.infer<typeof fieldMapSchema>;

export const lookupMapSchema = z
  .object({
    from: path.optional().describe('Path to the source key of the referenced record (lookup by source key)'),
    table: z.string().optional().describe('The table the referenced row must be in (a reference to a record mapped elsewhere is an error)'),
    suffix: z.string().optional().describe('Target-key suffix of the referenced row (`#account`)'),
    user: z.boolean().optional().describe('The reference is a source user: resolve to a systemuser by email'),
    sibling: z.string().optional().describe('Bind to the row of this table produced from the same source record'),
    connectionRole: z.boolean().optional().describe('The value is a participant role: bind to the connection role the profile maps it to'),
    key: z.string().optional().describe('Bind to a fixed row by its target key (the price list the profile sets up)'),
    fallbackClient: z.boolean().optional().describe('An empty reference binds to the profile\'s fallback client'),
    required: z.boolean().optional().describe('An unresolved reference fails the row instead of leaving the lookup empty'),
  })
  .strict();
export type LookupMap = z.infer<typeof lookupMapSchema>;

export const conditionSchema = z
  .object({
    field: path,
    equals: scalar.optional(),
    in: z.array(scalar).optional(),
    exists: z.boolean().optional(),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

export const targetMapSchema = z
  .object({
    table: z.string().describe('Logical name of the target table'),
    each: path.optional().describe('One row per element of this array (bill lines); paths inside start with $item.'),
    suffix: z.string().optional().describe('Target-key suffix when one record gives several rows (`#account`)'),
    when: conditionSchema.optional().describe('Only records meeting this condition give this row'),
    projection: z.enum(['opportunity', 'incident']).optional().describe('Emitted only when the matter strategy projects the matter there'),
    columns: z.record(z.string(), fieldMapSchema).default({}),
    lookups: z.record(z.string(), lookupMapSchema).default({}),
    owner: path.optional().describe('Path to the source user who owns the row (resolved by email, else the fallback owner)'),
    status: z
      .object({ map: z.string(), from: path, column: z.string().optional() })
      .strict()
      .optional()
      .describe('Set statecode/statuscode (and a status choice column) from a status map'),
    customFields: z.boolean().optional().describe('Custom fields of the record land on this row (explicit columns or the JSON column)'),
    provenance: z.boolean().optional().describe('Write lex_sourcekey and the other provenance columns (default: when the table has them)'),
  })
  .strict();
export type TargetMap = z.infer<typeof targetMapSchema>;

const stateSchema = z.object({ statecode: z.number().int(), statuscode: z.number().int() }).strict();

export const statusValueSchema = z
  .object({
    choice: z.string().optional().describe('Option name or label of the status choice (lex_matterstatus)'),
    states: z.record(z.string(), stateSchema).default({}).describe('Target table → statecode/statuscode'),
  })
  .strict();
export type StatusValue = z.infer<typeof statusValueSchema>;

export const matterStrategySchema = z
  .object({
    entity: z.string().default('matter'),
    practiceAreaField: path.default('practiceAreaRef->name'),
    /** Practice area (case-insensitive) → where the matter also projects. `lex_matter` is always written. */
    byPracticeArea: z.record(z.string(), z.array(z.enum(['opportunity', 'incident']))).default({}),
    default: z.array(z.enum(['opportunity', 'incident'])).default(['opportunity']),
  })
  .strict();
export type MatterStrategy = z.infer<typeof matterStrategySchema>;

export const customFieldTargetSchema = z.union([
  z.object({ table: z.string(), column: z.string() }).strict(),
  z.object({ json: z.literal(true) }).strict(),
]);
export type CustomFieldTarget = z.infer<typeof customFieldTargetSchema>;

export const proposalSchema = z
  .object({
    entity: z.string(),
    field: z.string(),
    table: z.string(),
    column: z.string(),
    score: z.number().min(0).max(1),
    reason: z.string(),
    alternatives: z.array(z.object({ table: z.string(), column: z.string(), score: z.number() }).strict()).default([]),
  })
  .strict();
export type Proposal = z.infer<typeof proposalSchema>;

export const profileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string(),
    source: z.enum(SOURCE_KINDS),
    target: z.literal('dynamics365-sales'),
    version: z.number().int().min(1),
    status: z.enum(['draft', 'confirmed']),
    confirmedBy: z.string().optional(),
    confirmedAt: z.string().optional(),
    /** sha256 of the content (everything except status, confirmedBy, confirmedAt, hash). */
    hash: z.string().optional(),
    owners: z
      .object({
        match: z.literal('email').default('email'),
        fallbackOwnerEmail: z.string().optional().describe('Owner of rows whose source user has no enabled Dynamics user'),
      })
      .strict()
      .default({ match: 'email' }),
    matterStrategy: matterStrategySchema.optional(),
    /** When the source created the record: lex_originalcreatedon, and overriddencreatedon on create (history kept). */
    originalCreatedOn: path.optional(),
    /** Matters without a client bind to this account (seed 002: "assigned to an unknown client"). */
    fallbackClient: z.object({ name: z.string() }).strict().optional(),
    /** Record types that give no row of their own, and why (users are resolved, custom field values fold into their parent). */
    skip: z.record(z.string(), z.string()).default({}),
    statusMaps: z.record(z.string(), z.record(z.string(), statusValueSchema)).default({}),
    /** Source participant role (case-insensitive) → connection role name in Dynamics. */
    connectionRoles: z.record(z.string(), z.string()).default({}),
    /** `Entity.Field name` → explicit column or the JSON column. Unlisted custom fields go to the JSON column. */
    customFields: z.record(z.string(), customFieldTargetSchema).default({}),
    /** Clio CSV reader: canonical field → the header this firm's export uses, per export file. */
    csvColumns: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    entities: z.record(z.string(), z.object({ targets: z.array(targetMapSchema).min(1) }).strict()),
    /** Suggestions for fields the profile does not cover yet; a person confirms them. */
    proposals: z.array(proposalSchema).default([]),
  })
  .strict();
export type Profile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
