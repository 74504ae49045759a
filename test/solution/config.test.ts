import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LexError } from '../../scripts/src/errors';
import { loadPacConfig, pacConfigJsonSchema, parsePacConfig, resolveEnvironment, type PacConfig } from '../../solution/src/config';
import { CONFIG_SCHEMA_FILE, renderConfigSchemaFile } from '../../solution/src/generate-names';

const CONFIG_FILE = path.resolve(__dirname, '../../pac.config.json');
const good = (): PacConfig => JSON.parse(readFileSync(CONFIG_FILE, 'utf8')) as PacConfig;

function errorOf(fn: () => unknown): LexError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LexError) return e;
    throw e;
  }
  throw new Error('expected a LexError');
}

describe('pac.config.json', () => {
  it('loads the committed file', () => {
    const config = loadPacConfig(CONFIG_FILE);
    expect(config.publisher.prefix).toBe('lex');
    expect(config.solution.uniqueName).toBe('Lexbridge');
  });

  it('names the key and the fix for a bad prefix', () => {
    const config = good();
    const error = errorOf(() => parsePacConfig({ ...config, publisher: { ...config.publisher, prefix: 'Lexbridge!' } }));
    expect(error.code).toBe('LEX_CONFIG_INVALID');
    expect(error.message).toMatch(/^publisher\.prefix: must be 2–8 lower-case letters/);
    expect(error.location.field).toBe('publisher.prefix');
    expect(error.toString()).toMatch(/Fix: set "publisher\.prefix"/);
  });

  it('rejects an option value prefix outside 10000–99999', () => {
    const config = good();
    const error = errorOf(() => parsePacConfig({ ...config, publisher: { ...config.publisher, optionValuePrefix: 9999 } }));
    expect(error.location.field).toBe('publisher.optionValuePrefix');
  });

  it('rejects the reserved mscrm prefix', () => {
    const config = good();
    expect(errorOf(() => parsePacConfig({ ...config, publisher: { ...config.publisher, prefix: 'mscrm' } })).message).toMatch(/reserved/);
  });

  it('wants client id and the NAME of a secret variable for client-credentials, never the secret', () => {
    const config = good();
    const error = errorOf(() =>
      parsePacConfig({ ...config, environments: { prod: { url: 'https://x.crm.dynamics.com', auth: { mode: 'client-credentials', clientSecretEnv: 's3cr3t-value~' } } } }),
    );
    expect(error.message).toMatch(/environments\.prod\.auth\.clientSecretEnv: must be the NAME of an environment variable/);
    expect(error.message).toMatch(/environments\.prod\.auth\.clientId: is required/);
    expect(error.message).not.toMatch(/s3cr3t-value~/);
  });

  it('rejects unknown keys, so a typo cannot be silently ignored', () => {
    const error = errorOf(() => parsePacConfig({ ...good(), solutoin: {} }));
    expect(error.message).toMatch(/solutoin/);
  });

  it('names the file when it is not JSON', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lex-config-'));
    const file = path.join(dir, 'pac.config.json');
    writeFileSync(file, '{ not json');
    const error = errorOf(() => loadPacConfig(file));
    expect(error.code).toBe('LEX_CONFIG_UNREADABLE');
    expect(error.location.file).toBe(file);
  });

  it('resolves an environment by name, by its URL, or any URL as static-token', () => {
    const config = good();
    expect(resolveEnvironment(config, 'contoso-prod')).toMatchObject({ name: 'contoso-prod', auth: { mode: 'client-credentials' } });
    expect(resolveEnvironment(config, 'http://127.0.0.1:5555/')).toMatchObject({ name: 'sandbox', url: 'http://127.0.0.1:5555' });
    expect(resolveEnvironment(config, 'http://127.0.0.1:6000')).toEqual({ name: 'http://127.0.0.1:6000', url: 'http://127.0.0.1:6000', auth: { mode: 'static-token' } });
    expect(errorOf(() => resolveEnvironment(config, 'staging')).code).toBe('LEX_CONFIG_UNKNOWN_ENVIRONMENT');
  });

  it('publishes a JSON Schema equal to the one generated from the zod schema (run npm run gen:names if not)', () => {
    expect(readFileSync(CONFIG_SCHEMA_FILE, 'utf8')).toBe(renderConfigSchemaFile());
    expect(pacConfigJsonSchema()).toMatchObject({ type: 'object', additionalProperties: false });
  });
});
