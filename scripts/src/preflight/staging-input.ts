/** Opens a staging directory read-only for map and pre-flight, with a clear error when it is not one. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LexError } from '../errors';
import { STAGING_FILE, StagingStore } from '../staging/store';

export function openStaging(dir: string): StagingStore {
  const file = path.join(dir, STAGING_FILE);
  if (!existsSync(file)) {
    throw new LexError({
      code: 'LEX_STAGING_NOT_FOUND',
      message: `${dir} holds no staging store (${STAGING_FILE})`,
      fix: 'Extract first: `lexbridge extract --source <kind> --from <export or URL> --out <dir>`, then pass that <dir> with --from.',
      location: { file },
    });
  }
  return StagingStore.open(dir);
}
