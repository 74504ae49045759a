/**
 * Microsoft's XSDs, reference solution zips and the source API specs live in ../shared/reference
 * (or LEXBRIDGE_REFERENCE_DIR). They are not part of the repository: where they are absent, as on
 * a user's machine, the tests that need them skip with a visible notice.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function referenceDir(): string | undefined {
  const candidates = [process.env.LEXBRIDGE_REFERENCE_DIR, path.resolve(__dirname, '../../../shared/reference')];
  return candidates.find((dir): dir is string => !!dir && existsSync(dir));
}

export function referencePath(...parts: string[]): string | undefined {
  const dir = referenceDir();
  if (!dir) return undefined;
  const file = path.join(dir, ...parts);
  return existsSync(file) ? file : undefined;
}

/** `describe` that runs when the reference file exists and otherwise skips, saying where to get it. */
export function describeWithReference(name: string, parts: string[], fn: (file: string) => void): void {
  const file = referencePath(...parts);
  if (file) {
    describe(name, () => fn(file));
    return;
  }
  describe.skip(name, () => {
    it('needs reference material', () => undefined);
  });
  console.warn(
    `[skipped] ${name}: needs ${parts.join('/')} from the shared reference set. ` +
      'Put it at ../shared/reference (beside the repository) or set LEXBRIDGE_REFERENCE_DIR.',
  );
}
