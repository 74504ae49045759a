/**
 * `npm run gen:names`: writes the generated files that are committed — `solution/generated/names.ts`
 * and `solution/pac.config.schema.json` — from the schema and the config definition.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pacConfigJsonSchema } from './config';
import { renderNamesModule } from './names';
import { schema } from './schema';

export const NAMES_FILE = path.resolve(__dirname, '../generated/names.ts');
export const CONFIG_SCHEMA_FILE = path.resolve(__dirname, '../pac.config.schema.json');

export const renderConfigSchemaFile = (): string => `${JSON.stringify(pacConfigJsonSchema(), null, 2)}\n`;

export function generateNames(): string[] {
  mkdirSync(path.dirname(NAMES_FILE), { recursive: true });
  writeFileSync(NAMES_FILE, renderNamesModule(schema));
  writeFileSync(CONFIG_SCHEMA_FILE, renderConfigSchemaFile());
  return [NAMES_FILE, CONFIG_SCHEMA_FILE];
}

if (require.main === module) {
  for (const file of generateNames()) console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
