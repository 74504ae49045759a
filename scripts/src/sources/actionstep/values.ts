/**
 * Actionstep's value formats: "T"/"F" booleans, `yyyy-MM-dd HH:mm:ss+hh:mm` timestamps,
 * `dd-MMM-yyyy` dates on some resources, and a collection of one returned as a bare object.
 */

/** "T" → true, "F" → false, anything else → undefined (never the truthy string "F"). */
export function tf(value: unknown): boolean | undefined {
  return value === 'T' ? true : value === 'F' ? false : undefined;
}

/** `2022-05-03 20:49:15+12:00` → `2022-05-03T20:49:15+12:00`; undefined when unreadable. */
export function toInstant(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const iso = value.trim().replace(' ', 'T');
  const withOffset = /([zZ]|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`;
  return Number.isNaN(Date.parse(withOffset)) ? undefined : withOffset.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The calendar day a value names, as written (no time-zone shift): `2022-05-03 00:00:00+12:00`
 * and `2022-05-03` → `2022-05-03`, `23-May-1987` → `1987-05-23`. Undefined when it is not a real day.
 */
export function toDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let day: string | undefined;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$/.exec(value.trim());
  const named = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(value.trim());
  if (iso) day = `${iso[1]}-${iso[2]}-${iso[3]}`;
  else if (named && MONTHS.includes(named[2]!.toLowerCase()))
    day = `${named[3]}-${String(MONTHS.indexOf(named[2]!.toLowerCase()) + 1).padStart(2, '0')}-${named[1]!.padStart(2, '0')}`;
  if (!day) return undefined;
  const parsed = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().startsWith(day) ? day : undefined;
}

/** The records of a response, whether Actionstep sent an array, one bare object or nothing. */
export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** An ISO instant as Actionstep filters take it: `yyyy-MM-ddTHH:mm:ss`, UTC, no offset. */
export function toFilterTimestamp(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19);
}
