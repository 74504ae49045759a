/**
 * One error type for the whole engine: a stable code, what went wrong, where (file/line or
 * record key, field), and how to fix it. Pure: no Node-only imports, so the core can throw it
 * inside Dynamics too.
 */
export interface ErrorLocation {
  file?: string;
  line?: number;
  recordKey?: string;
  field?: string;
  url?: string;
}

export interface LexErrorInit {
  code: string;
  message: string;
  fix: string;
  location?: ErrorLocation;
  /** Transient errors are retried; data errors are recorded against the record and the run goes on. */
  transient?: boolean;
  cause?: unknown;
}

export class LexError extends Error {
  readonly code: string;
  readonly fix: string;
  readonly location: ErrorLocation;
  readonly transient: boolean;

  constructor(init: LexErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'LexError';
    this.code = init.code;
    this.fix = init.fix;
    this.location = init.location ?? {};
    this.transient = init.transient ?? false;
  }

  /** `LEX_X: message (file.csv:12, field "Email"). Fix: …` */
  override toString(): string {
    return `${this.code}: ${this.message}${formatLocation(this.location)}. Fix: ${this.fix}`;
  }

  toJSON(): { code: string; message: string; fix: string; location: ErrorLocation; transient: boolean } {
    return { code: this.code, message: this.message, fix: this.fix, location: this.location, transient: this.transient };
  }
}

export function formatLocation(location: ErrorLocation): string {
  const parts: string[] = [];
  if (location.file) parts.push(location.line !== undefined ? `${location.file}:${location.line}` : location.file);
  if (location.recordKey) parts.push(`record ${location.recordKey}`);
  if (location.field) parts.push(`field "${location.field}"`);
  if (location.url) parts.push(location.url);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
