/**
 * `npm run build` (web resources part): each entry in web-resources.ts → one self-contained
 * script in plugins-ts/out, an IIFE assigning its exports to the named global. ES2017 is what
 * model-driven apps' supported browsers all run.
 */
import { build } from 'esbuild';
import path from 'node:path';
import { WEB_RESOURCES } from './web-resources';

export async function buildWebResources(outDir = path.join(__dirname, 'out')): Promise<string[]> {
  const written: string[] = [];
  for (const def of WEB_RESOURCES) {
    const outfile = path.join(outDir, def.file);
    await build({
      entryPoints: [path.join(__dirname, def.entry)],
      outfile,
      bundle: true,
      format: 'iife',
      globalName: def.globalName,
      platform: 'browser',
      target: 'es2017',
      minify: true,
      legalComments: 'none',
      logLevel: 'warning',
    });
    written.push(outfile);
  }
  return written;
}

if (require.main === module) {
  buildWebResources()
    .then((files) => files.forEach((f) => console.log(`web resource: ${path.relative(process.cwd(), f)}`)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
