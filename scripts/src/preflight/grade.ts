/**
 * The complexity grade in the seeds' terms (object compatibility, field-mapping clarity,
 * timeline, API constraints, data volume → A–D), computed from this firm's data and profile.
 * Thresholds follow the seeds: under 25,000 records runs in days, over 2M is scoped on its own,
 * Clio's 50 requests/minute is a "B" constraint.
 */
import { tableByLogicalName } from '../../../solution/src/schema';
import type { Profile } from '../mapping/profile';
import type { SourceKind } from '../sources/contract';
import { SOURCE_LIMITS, type Estimates } from './estimates';

export type Letter = 'A' | 'B' | 'C' | 'D';
export interface Dimension {
  name: string;
  grade: Letter;
  why: string;
}
export interface Grade {
  overall: Letter;
  label: string;
  dimensions: Dimension[];
}

const LETTERS: Letter[] = ['A', 'B', 'C', 'D'];
const LABELS: Record<Letter, string> = { A: 'Simple migration', B: 'Standard migration', C: 'Complex migration', D: 'Scoped individually' };
const byThreshold = (value: number, limits: [number, number, number]): Letter => (value <= limits[0] ? 'A' : value <= limits[1] ? 'B' : value <= limits[2] ? 'C' : 'D');

export interface GradeInput {
  source: SourceKind;
  profile: Profile;
  /** Record count per record type in this extraction. */
  records: Record<string, number>;
  /** Custom fields: placed in an explicit column, and all of them. */
  customFields: { explicit: number; total: number };
  /** Findings that stop the run because of the map (unmapped values, missing columns). */
  mapBlocking: number;
  estimates: Estimates;
}

/** A record type "needs a mapping" when it lands on a custom table or gives more than one row. */
function needsMapping(profile: Profile, type: string): boolean {
  const targets = profile.entities[type]?.targets ?? [];
  return targets.some((t) => tableByLogicalName(t.table)?.origin === 'custom' || t.projection || t.each);
}

export function grade(input: GradeInput): Grade {
  const present = Object.entries(input.records).filter(([type, n]) => n > 0 && input.profile.entities[type]).map(([type]) => type);
  const mapped = present.filter((type) => needsMapping(input.profile, type));
  const share = present.length ? mapped.length / present.length : 0;
  const objects: Dimension = {
    name: 'Object compatibility',
    grade: byThreshold(share, [0.25, 0.5, 0.75]),
    why: `${mapped.length} of ${present.length} objects need a mapping (${mapped.join(', ') || 'none'}); the rest are 1:1.`,
  };

  const { explicit, total } = input.customFields;
  const fields: Dimension =
    input.mapBlocking > 0
      ? { name: 'Field mapping clarity', grade: 'D', why: `${input.mapBlocking} blocking map finding(s): statuses without a map or columns missing in the environment.` }
      : input.profile.status !== 'confirmed'
        ? { name: 'Field mapping clarity', grade: 'C', why: `Field mapping is derived from defaults and proposals (${explicit} of ${total} custom fields in explicit columns); confirm the profile.` }
        : { name: 'Field mapping clarity', grade: total === 0 || explicit / total >= 0.5 ? 'A' : 'B', why: `Confirmed by ${input.profile.confirmedBy}; ${explicit} of ${total} custom fields in explicit columns, the rest in lex_customfields.` };

  const hours = input.estimates.totalHours;
  const timeline: Dimension = {
    name: 'Timeline complexity',
    grade: byThreshold(hours, [24, 72, 168]),
    why: `About ${hours} hours of extraction and load at the documented limits (${present.length}-object migration).`,
  };

  const limits = SOURCE_LIMITS[input.source];
  const extractionHours = input.estimates.extractionHours.value;
  const apiBase: Letter = !limits.requestsPerMinute ? 'A' : input.source === 'actionstep' ? 'C' : 'B';
  const api: Dimension = {
    name: 'API constraints',
    grade: extractionHours > 24 ? 'D' : apiBase,
    why: `${limits.note}; extraction about ${extractionHours} hours.`,
  };

  const records = Object.values(input.records).reduce((a, b) => a + b, 0);
  const volume: Dimension = {
    name: 'Data volume sensitivity',
    grade: byThreshold(records, [25_000, 100_000, 2_000_000]),
    why: `${records.toLocaleString('en-US')} records${records > 2_000_000 ? ': over 2M records are scoped individually' : ''}.`,
  };

  const dimensions = [objects, fields, timeline, api, volume];
  const mean = dimensions.reduce((n, d) => n + LETTERS.indexOf(d.grade), 0) / dimensions.length;
  const overall = LETTERS[Math.min(3, Math.round(mean))]!;
  return { overall, label: LABELS[overall], dimensions };
}
