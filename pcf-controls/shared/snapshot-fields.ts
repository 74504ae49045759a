/**
 * Finding a profile's field in a source snapshot, pure. Snapshots hold the source's raw payload,
 * whose names differ from the canonical ones the profile uses ("Matter Number" for `number`,
 * "Open Date" for `openedOn`, "Client Id" for `clientRef`), so matching is by name shape.
 */
export const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
export const firstWord = (name: string) => (name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().match(/[a-z0-9]+/) ?? [''])[0]!;

/** Raw payload names have separators ("Open Date", "open_date"); canonical ones are camelCase and match exactly. */
const RAW_NAME = /[\s_-]/;
const sharesStem = (a: string, b: string) => a.length >= 4 && (a.startsWith(b) || b.startsWith(a));

export const unique = (found: string[]): string | undefined => (found.length === 1 ? found[0] : undefined);

/** Raw names (with separators) whose first word shares the stem of `segment`'s first word: "Responsible Attorney" for `responsibleUserRef`. */
export function rawNamesSharingFirstWord(keys: readonly string[], segment: string): string[] {
  const word = firstWord(segment);
  return word.length >= 4 ? keys.filter((k) => RAW_NAME.test(k) && sharesStem(firstWord(k), word)) : [];
}

/**
 * The snapshot's field for one path segment: the exact name, then the same name ignoring case
 * and separators, then a name ending in the segment, then a raw name sharing its first word.
 * Only an unambiguous match counts.
 */
export function fieldFor(object: Record<string, unknown>, segment: string): string | undefined {
  if (segment in object) return segment;
  const keys = Object.keys(object);
  const target = normalise(segment);
  return (
    unique(keys.filter((k) => normalise(k) === target)) ??
    unique(keys.filter((k) => normalise(k).endsWith(target))) ??
    unique(rawNamesSharingFirstWord(keys, segment))
  );
}
