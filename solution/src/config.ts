/**
 * `pac.config.json`: the solution's identity (publisher, unique name, version) and the named
 * environments the CLI deploys to. Validated with zod; the published JSON Schema
 * (`solution/pac.config.schema.json`, used by editors through `$schema`) is generated from the
 * same definition by `npm run gen:names`, and a test keeps the two equal.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LexError } from '../../scripts/src/errors';

const guid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const authSchema = z
  .object({
    mode: z
      .enum(['static-token', 'client-credentials', 'device-code'])
      .describe('static-token: a bearer token from LEXBRIDGE_TOKEN (sandbox); client-credentials: app registration + secret; device-code: interactive sign-in.'),
    clientId: z.string().regex(guid, 'must be the app registration (client) id, a GUID').optional(),
    clientSecretEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the NAME of an environment variable (upper case), never the secret itself')
      .optional()
      .describe('Name of the environment variable that holds the client secret. The secret never goes in this file.'),
  })
  .strict()
  .superRefine((auth, ctx) => {
    if (auth.mode === 'client-credentials') {
      if (!auth.clientId) ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'is required for client-credentials' });
      if (!auth.clientSecretEnv) ctx.addIssue({ code: 'custom', path: ['clientSecretEnv'], message: 'is required for client-credentials' });
    }
    if (auth.mode === 'device-code' && !auth.clientId) {
      ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'is required for device-code' });
    }
  });

const environmentSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://contoso.crm.dynamics.com' }),
    tenantId: z.string().regex(guid, 'must be the Microsoft Entra tenant id, a GUID').optional(),
    auth: authSchema,
  })
  .strict();

export const pacConfigSchema = z
  .object({
    $schema: z.string().optional(),
    solution: z
      .object({
        uniqueName: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,64}$/, 'must start with a letter and hold only letters, digits and _'),
        displayName: z.string().min(1).max(100),
        description: z.string().max(2000).default(''),
        version: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/, 'must have four numeric parts, e.g. 1.0.0.0'),
      })
      .strict(),
    publisher: z
      .object({
        uniqueName: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,64}$/, 'must start with a letter and hold only letters, digits and _'),
        displayName: z.string().min(1).max(256),
        description: z.string().max(2000).default(''),
        // publisher.md: CustomizationPrefix MaxLength 8; the maker portal asks for 2–8 letters/digits, starting with a letter.
        prefix: z.string().regex(/^[a-z][a-z0-9]{1,7}$/, 'must be 2–8 lower-case letters or digits, starting with a letter (not "mscrm")'),
        // publisher.md: CustomizationOptionValuePrefix Min 10000 Max 99999.
        optionValuePrefix: z.number().int().min(10000).max(99999),
      })
      .strict(),
    environments: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'environment names are lower-case words joined by -'), environmentSchema),
  })
  .strict();

export type PacConfig = z.infer<typeof pacConfigSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type ResolvedEnvironment = EnvironmentConfig & { name: string };

const FIXES: Record<string, string> = {
  'publisher.prefix': 'set "publisher.prefix" to the publisher\'s customization prefix, e.g. "lex"',
  'publisher.optionValuePrefix': 'use the option value prefix shown for the publisher in the maker portal (10000–99999)',
  'solution.version': 'write the version as major.minor.build.revision, e.g. "1.0.0.0"',
};

function fixFor(path: string): string {
  if (FIXES[path]) return FIXES[path];
  if (path.endsWith('clientSecretEnv')) return 'put the secret in an environment variable and write only its name here, e.g. "LEXBRIDGE_CLIENT_SECRET"';
  if (path.startsWith('environments.')) return 'correct this environment entry (see docs/solution.md, "Environments")';
  return 'correct the value in pac.config.json (its JSON Schema is solution/pac.config.schema.json)';
}

/** Parses a config object; every problem becomes one LexError naming the key and the fix. */
export function parsePacConfig(raw: unknown, file = 'pac.config.json'): PacConfig {
  const result = pacConfigSchema.safeParse(raw);
  if (result.success) {
    if (result.data.publisher.prefix === 'mscrm') {
      throw configError(file, 'publisher.prefix', 'publisher.prefix: "mscrm" is reserved by Microsoft');
    }
    return result.data;
  }
  const keyOf = (issue: z.core.$ZodIssue) => issue.path.map(String).join('.') || '(root)';
  const key = keyOf(result.error.issues[0]!);
  throw configError(file, key, result.error.issues.map((i) => `${keyOf(i)}: ${i.message}`).join('; '));
}

function configError(file: string, key: string, message: string): LexError {
  return new LexError({
    code: 'LEX_CONFIG_INVALID',
    message,
    fix: fixFor(key),
    location: { file, field: key },
  });
}

export function loadPacConfig(path: string): PacConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new LexError({
      code: 'LEX_CONFIG_UNREADABLE',
      message: `cannot read ${path} as JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      fix: 'make sure the file exists and is valid JSON (see the example in README.md)',
      location: { file: path },
      cause,
    });
  }
  return parsePacConfig(raw, path);
}

/**
 * The environment the CLI talks to: a name from `environments`, or a URL. A URL that matches a
 * named environment takes its settings; any other URL gets static-token auth (the sandbox).
 */
export function resolveEnvironment(config: PacConfig, urlOrName: string): ResolvedEnvironment {
  const named = config.environments[urlOrName];
  if (named) return { name: urlOrName, ...named };
  if (/^https?:\/\//.test(urlOrName)) {
    const wanted = urlOrName.replace(/\/+$/, '');
    const match = Object.entries(config.environments).find(([, env]) => env.url.replace(/\/+$/, '') === wanted);
    if (match) return { name: match[0], ...match[1] };
    return { name: wanted, url: wanted, auth: { mode: 'static-token' } };
  }
  throw new LexError({
    code: 'LEX_CONFIG_UNKNOWN_ENVIRONMENT',
    message: `no environment named "${urlOrName}"`,
    fix: `use one of ${Object.keys(config.environments).join(', ') || '(none defined)'}, a URL, or add it under "environments" in pac.config.json`,
    location: { file: 'pac.config.json', field: `environments.${urlOrName}` },
  });
}

/** The JSON Schema published beside the config, generated from the zod definition. */
export function pacConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(pacConfigSchema, { io: 'input' }),
    title: 'Lexbridge pac.config.json',
    description: 'Solution identity and environments for Lexbridge. Secrets are never stored here: only names of environment variables.',
  };
}
