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
  /** Schema names of the PCF controls and web resources packed in (empty before `npm run build`). */
  controls: string[];
  webResources: string[];
}

const CUSTOM_CONTROL = 66;
const WEB_RESOURCE = 61;

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
  const named = (type: number) => extraComponents.filter((c) => c.rootComponent.type === type).map((c) => c.rootComponent.schemaName ?? c.rootComponent.id ?? '');
  return { unmanaged: written[0]!, managed: written[1]!, controls: named(CUSTOM_CONTROL), webResources: named(WEB_RESOURCE) };
}

if (require.main === module) {
  buildSolution()
    .then((built) => {
      console.log(`unmanaged: ${path.relative(process.cwd(), built.unmanaged)}`);
      console.log(`managed:   ${path.relative(process.cwd(), built.managed)}`);
      // A zip without the controls imports fine and then lacks the review UI: say so loudly.
      if (built.controls.length) console.log(`packed ${built.controls.length} PCF controls and ${built.webResources.length} web resources`);
      else console.warn('warning: no PCF controls or web resources packed — run `npm run build` first for a release zip');
    })
    .catch((error: unknown) => {
      console.error(error instanceof LexError ? error.toString() : error);
      process.exitCode = 1;
    });
}
