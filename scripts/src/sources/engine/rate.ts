/**
 * A request rate as people write it (`50/min`, `50/2s`): what `LEXBRIDGE_CLIO_RATE` and the
 * fixture servers' `--rate` take. Engine code, so connectors and fixtures read rates the same way.
 */
import { LexError } from '../../errors';

export interface Rate {
  limit: number;
  windowMs: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hour: 3_600_000 };

/** `50/min`, `50/2s`, `10/sec`, `100/500ms`. */
export function parseRate(text: string): Rate {
  const match = /^\s*(\d+)\s*\/\s*(\d*(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match ? UNITS[match[3]!.toLowerCase()] : undefined;
  const limit = match ? Number(match[1]) : NaN;
  const count = match && match[2] ? Number(match[2]) : 1;
  if (!match || unit === undefined || !(limit > 0) || !(count > 0)) {
    throw new LexError({
      code: 'LEX_SOURCE_BAD_RATE',
      message: `Cannot read the rate "${text}"`,
      fix: 'Write it as <requests>/<window>, e.g. 50/min, 50/2s or 10/sec.',
      location: { field: 'rate' },
    });
  }
  return { limit, windowMs: count * unit };
}
