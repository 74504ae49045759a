/**
 * Labels come from each control's `strings/<Control>.1033.resx`. Components receive a `Label`
 * function, so they never know whether PCF (`context.resources.getString`), a test or the local
 * review page supplies the text.
 */
export type Label = (key: string, ...args: (string | number)[]) => string;

/** `{0} of {1}` → filled from args, as .NET resx strings are written. */
export function formatLabel(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

/** A label function over a lookup; a missing key shows itself, so a gap is visible, never blank. */
export function labelFrom(lookup: (key: string) => string | undefined | null): Label {
  return (key, ...args) => formatLabel(lookup(key) || key, args);
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** `<data name="k"><value>v</value></data>` pairs of a resx file (no DOM needed: runs in Node and browsers). */
export function parseResx(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  const data = /<data\s+name="([^"]+)"[^>]*>\s*<value>([\s\S]*?)<\/value>/g;
  for (let m = data.exec(xml); m; m = data.exec(xml)) {
    out[m[1]!] = m[2]!.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e]!);
  }
  return out;
}

export const labelsFromResx = (xml: string): Label => {
  const table = parseResx(xml);
  return labelFrom((key) => table[key]);
};
