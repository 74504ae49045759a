/**
 * `npm run build:solution`: validates the schema and writes the unmanaged and managed zips to
 * dist/solution/. Stops with the schema's rule violations when the definition is wrong.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LexError } from '../../scripts/src/errors';
import { builtComponents } from './built-components';
import { loadPacConfig } from './config';
import { packSolution, type ExtraComponent } from './pack';
import { schema } from './schema';

export interface BuildOptions {
  /** Repository root (holds pac.config.json); the zips go to `<root>/dist/solution`. */
  root?: string;
  outDir?: string;
  extraComponents?: readonly ExtraComponent[];
}

export interface BuiltSolution {
  unmanaged: string;
  managed: string;
}

export async function buildSolution(options: BuildOptions = {}): Promise<BuiltSolution> {
  const root = options.root ?? path.resolve(__dirname, '../..');
  const outDir = options.outDir ?? path.join(root, 'dist', 'solution');
  const config = loadPacConfig(path.join(root, 'pac.config.json'));
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  // PCF controls and web resources, when `npm run build` has built them.
  const extraComponents = options.extraComponents ?? builtComponents(root, config.publisher.prefix);
  for (const managed of [false, true]) {
    const packed = await packSolution({ schema, config, managed, extraComponents });
    const file = path.join(outDir, packed.fileName);
    writeFileSync(file, packed.zip);
    written.push(file);
  }
  return { unmanaged: written[0]!, managed: written[1]! };
}

if (require.main === module) {
  buildSolution()
    .then((built) => {
      console.log(`unmanaged: ${path.relative(process.cwd(), built.unmanaged)}`);
      console.log(`managed:   ${path.relative(process.cwd(), built.managed)}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof LexError ? error.toString() : error);
      process.exitCode = 1;
    });
}
