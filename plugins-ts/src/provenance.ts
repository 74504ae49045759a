/** The matter form's provenance line, pure: "Migrated from Clio matter 00123 on 23 Nov 2026, run …, 2 fields differ". */
export interface Provenance {
  /** Source system label (Clio, Actionstep, Perfect Portal). */
  system: string;
  /** What the row is, in words (matter). */
  entity: string;
  /** The source's own number or id. */
  number: string;
  migratedOn?: string;
  runKey?: string;
  /** Undefined when no confirmed profile allowed a comparison. */
  differing?: number;
}

function day(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export function provenanceMessage(p: Provenance): string {
  const parts = [`Migrated from ${p.system} ${p.entity} ${p.number}`.trim()];
  if (p.migratedOn) parts[0] += ` on ${day(p.migratedOn)}`;
  if (p.runKey) parts.push(`run ${p.runKey}`);
  if (p.differing !== undefined) parts.push(p.differing === 0 ? 'all fields match the source' : `${p.differing} field${p.differing === 1 ? '' : 's'} differ${p.differing === 1 ? 's' : ''}`);
  return parts.join(', ');
}
