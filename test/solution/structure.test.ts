/**
 * Our zips against Microsoft's (reference/solutions): entries, order, compression, content types,
 * BOM/encoding, root attributes, manifest layout and component type codes. Every difference must
 * be listed in an EXPLAINED table below with the reason, or the test fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';
import { loadPacConfig } from '../../solution/src/config';
import { packSolution, type PackedSolution } from '../../solution/src/pack';
import { schema } from '../../solution/src/schema';
import { describeWithReference } from '../support/reference';
import { zipEntries } from './zip-entries';

const config = loadPacConfig(path.resolve(__dirname, '../../pac.config.json'));

/** pac/SolutionPackager build; the layout we follow. */
const PAC = 'CodeInterpreterControlSolution.zip';
/** Server exports (9.2 and 7.1). */
const EXPORTS = ['ColumnLevelSecuritySampleSolution.zip', 'ColumnLevelSecuritySampleSolution_managed.zip', 'UpsertSample_1_0_0_0_managed.zip', 'VirtualEntityRecordSource_SampleSolution_1_22043_1_managed.zip'];

interface Zip {
  name: string;
  bytes: Uint8Array;
  files: Map<string, Uint8Array>;
}

async function openZip(name: string, bytes: Uint8Array): Promise<Zip> {
  const zip = await JSZip.loadAsync(bytes);
  const files = new Map<string, Uint8Array>();
  for (const entry of zipEntries(bytes)) {
    if (!entry.isDirectory) files.set(entry.name, await zip.file(entry.name)!.async('uint8array'));
  }
  return { name, bytes, files };
}

const BOM = [0xef, 0xbb, 0xbf];
const hasBom = (b: Uint8Array) => BOM.every((v, i) => b[i] === v);
const text = (b: Uint8Array) => new TextDecoder().decode(hasBom(b) ? b.subarray(3) : b);
const hasDeclaration = (b: Uint8Array) => text(b).startsWith('<?xml version="1.0" encoding="utf-8"?>');
const usesCrlf = (b: Uint8Array) => {
  const t = text(b);
  return !/[^\r]\n/.test(t) && (t.includes('\r\n') || !t.includes('\n'));
};

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, ignoreDeclaration: true });
type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };
const tagOf = (node: Ordered) => Object.keys(node).find((k) => k !== ':@' && k !== '#text')!;
const childrenOf = (node: Ordered): Ordered[] => ((node[tagOf(node)] as Ordered[]) ?? []).filter((n) => !('#text' in n) && tagOf(n) !== '#comment');

function root(b: Uint8Array): Ordered {
  return (parser.parse(text(b)) as Ordered[]).find((n) => !('#text' in n) && !('?xml' in n))!;
}

function child(node: Ordered, name: string): Ordered {
  const found = childrenOf(node).find((n) => tagOf(n) === name);
  if (!found) throw new Error(`<${tagOf(node)}> has no <${name}>`);
  return found;
}

const childNames = (node: Ordered) => childrenOf(node).map(tagOf);
const attrNames = (node: Ordered) => Object.keys(node[':@'] ?? {}).sort();

/** Differences not in `explained` (each key a difference, each value why it is fine). */
function unexplained(differences: readonly string[], explained: Record<string, string>): string[] {
  return differences.filter((d) => !(d in explained));
}

describeWithReference('solution zip structure vs Microsoft reference zips', ['solutions', PAC], (pacFile) => {
  const dir = path.dirname(pacFile);
  let unmanaged: PackedSolution;
  let managed: PackedSolution;
  let ours: Zip;
  let oursManaged: Zip;
  let pac: Zip;
  let exports: Zip[];

  beforeAll(async () => {
    unmanaged = await packSolution({ schema, config, managed: false });
    managed = await packSolution({ schema, config, managed: true });
    ours = await openZip(unmanaged.fileName, unmanaged.zip);
    oursManaged = await openZip(managed.fileName, managed.zip);
    pac = await openZip(PAC, readFileSync(pacFile));
    exports = await Promise.all(EXPORTS.map((name) => openZip(name, readFileSync(path.join(dir, name)))));
  });

  it('names the zips like pac and the server: <UniqueName>_<version with _>[_managed].zip', () => {
    expect(unmanaged.fileName).toBe('Lexbridge_1_0_0_0.zip');
    expect(managed.fileName).toBe('Lexbridge_1_0_0_0_managed.zip');
  });

  it('orders entries like pac: customizations.xml, solution.xml, component files, [Content_Types].xml last', () => {
    const pacOrder = zipEntries(pac.bytes).map((e) => e.name);
    for (const zip of [ours, oursManaged]) {
      const order = zipEntries(zip.bytes).map((e) => e.name);
      expect(order.slice(0, 2)).toEqual(pacOrder.slice(0, 2));
      expect(order.at(-1)).toBe(pacOrder.at(-1));
    }
    // Server exports put [Content_Types].xml second (ColumnLevelSecurity, UpsertSample) or first
    // (VirtualEntityRecordSource): the importer reads parts by name, and we follow pac, the tool
    // admins build with.
    for (const zip of exports) expect(zipEntries(zip.bytes).map((e) => e.name)).toContain('[Content_Types].xml');
  });

  it('deflates every entry and writes no directory entries, like every reference zip', () => {
    for (const zip of [ours, oursManaged, pac, ...exports]) {
      for (const entry of zipEntries(zip.bytes)) {
        expect({ zip: zip.name, entry: entry.name, method: entry.method, directory: entry.isDirectory }).toEqual({ zip: zip.name, entry: entry.name, method: 8, directory: false });
      }
    }
  });

  it('sets the UTF-8 name flag only where it matters: our entry names are ASCII', () => {
    // pac sets general-purpose flag 0x800 (UTF-8 names) on every entry; JSZip sets it only for
    // non-ASCII names. With ASCII names both readings are identical, so we check the names.
    expect(zipEntries(pac.bytes).every((e) => (e.flags & 0x800) !== 0)).toBe(true);
    for (const entry of zipEntries(ours.bytes)) expect(entry.name).toMatch(/^[\x20-\x7e]+$/);
  });

  it('encodes the XML parts like pac: UTF-8 with BOM, the utf-8 declaration, CRLF', () => {
    for (const name of ['customizations.xml', 'solution.xml', '[Content_Types].xml']) {
      const reference = pac.files.get(name)!;
      for (const zip of [ours, oursManaged]) {
        const mine = zip.files.get(name)!;
        expect({ name, bom: hasBom(mine), declaration: hasDeclaration(mine), crlf: usesCrlf(mine) }).toEqual({
          name,
          bom: hasBom(reference),
          declaration: hasDeclaration(reference),
          crlf: usesCrlf(reference),
        });
      }
    }
    // Server exports write customizations.xml without BOM or declaration: the importer accepts
    // both, and pac's form is the one the docs show for packed solutions.
    expect(hasBom(exports[0]!.files.get('customizations.xml')!)).toBe(false);
  });

  it('lists content types like pac: Default xml = text/xml, nothing else for XML-only zips', () => {
    const pacTypes = root(pac.files.get('[Content_Types].xml')!);
    const ourTypes = root(ours.files.get('[Content_Types].xml')!);
    expect(pacTypes[':@']).toEqual(ourTypes[':@']);
    const xmlDefault = (node: Ordered) => childrenOf(node).find((n) => tagOf(n) === 'Default' && n[':@']?.Extension === 'xml')?.[':@'];
    expect(xmlDefault(ourTypes)).toEqual(xmlDefault(pacTypes));
    // pac's other Defaults (js, txt, resx) and its ControlManifest.xml Override come from its PCF
    // control's files; ours has no such parts until the PCF issue passes them as extraComponents.
    const EXPLAINED: Record<string, string> = {
      'Default js': 'PCF bundle (pac sample)',
      'Default txt': 'PCF licence file (pac sample)',
      'Default resx': 'PCF strings (pac sample)',
      Override: 'PCF ControlManifest.xml (pac sample)',
    };
    const describeNode = (n: Ordered) => (tagOf(n) === 'Default' ? `Default ${n[':@']?.Extension}` : tagOf(n));
    const ourSet = new Set(childrenOf(ourTypes).map(describeNode));
    const missing = childrenOf(pacTypes).map(describeNode).filter((d) => !ourSet.has(d));
    expect(unexplained(missing, EXPLAINED)).toEqual([]);
    // Server exports use application/octet-stream for xml; pac's text/xml is what we follow.
    const serverDefault = xmlDefault(root(exports[0]!.files.get('[Content_Types].xml')!));
    expect(serverDefault?.ContentType).toBe('application/octet-stream');
  });

  it("gives solution.xml pac's root attributes; server-only attributes are explained", () => {
    const ourRoot = root(ours.files.get('solution.xml')!);
    expect(attrNames(ourRoot)).toEqual(attrNames(root(pac.files.get('solution.xml')!)));
    expect(ourRoot[':@']).toMatchObject({ version: '9.1.0.643', SolutionPackageVersion: '9.1', languagecode: '1033', generatedBy: 'CrmLive' });
    const EXPLAINED: Record<string, string> = {
      OrganizationVersion: 'written by 9.2 server exports only; pac does not write it',
      OrganizationSchemaType: 'written by 9.2 server exports only',
      CRMServerServiceabilityVersion: 'written by 9.2 server exports only',
    };
    for (const zip of exports) {
      const extra = attrNames(root(zip.files.get('solution.xml')!)).filter((a) => !attrNames(ourRoot).includes(a));
      expect({ zip: zip.name, unexplained: unexplained(extra, EXPLAINED) }).toEqual({ zip: zip.name, unexplained: [] });
    }
  });

  it('lays out SolutionManifest and Publisher exactly like the references', () => {
    const manifest = (z: Zip) => child(root(z.files.get('solution.xml')!), 'SolutionManifest');
    for (const zip of [pac, ...exports]) {
      expect({ zip: zip.name, order: childNames(manifest(ours)) }).toEqual({ zip: zip.name, order: childNames(manifest(zip)) });
    }
    expect(childNames(child(manifest(ours), 'Publisher'))).toEqual(childNames(child(manifest(pac), 'Publisher')));
    const address = (z: Zip) => childNames(child(child(child(manifest(z), 'Publisher'), 'Addresses'), 'Address'));
    expect(address(ours)).toEqual(address(pac));
  });

  it('marks Managed 0/1 and differs between the pair only where notes §4 says', () => {
    const managedFlag = (z: Zip) => text(z.files.get('solution.xml')!).match(/<Managed>(\d)<\/Managed>/)?.[1];
    expect(managedFlag(ours)).toBe('0');
    expect(managedFlag(oursManaged)).toBe('1');
    expect(managedFlag(exports[0]!)).toBe('0');
    expect(managedFlag(exports[1]!)).toBe('1');
    // solution.xml: only <Managed> differs (as in the ColumnLevelSecurity export pair).
    const strip = (z: Zip) => text(z.files.get('solution.xml')!).replace(/<Managed>\d<\/Managed>/, '');
    expect(strip(ours)).toBe(strip(oursManaged));
  });

  it('uses component type codes and RootComponent attributes the way the references do', () => {
    const KNOWN: Record<string, string> = { 1: 'Entity', 9: 'Option Set', 20: 'Role', 26: 'Saved Query', 60: 'System Form', 61: 'Web Resource', 62: 'Site Map', 66: 'Custom Control', 80: 'App Module' };
    const components = (z: Zip) => childrenOf(child(child(root(z.files.get('solution.xml')!), 'SolutionManifest'), 'RootComponents')).map((n) => n[':@']!);
    const mine = components(ours);
    expect(new Set(mine.map((c) => c.type))).toEqual(new Set(['1', '9', '20', '62', '80']));
    for (const c of mine) {
      expect(KNOWN[c.type!]).toBeDefined();
      expect(c.behavior).toMatch(/^[012]$/);
      // GUID components by id (role 20, as ColumnLevelSecurity), named ones by schemaName.
      if (c.type === '20') expect(Object.keys(c).sort()).toEqual(['behavior', 'id', 'type']);
      else expect(Object.keys(c).sort()).toEqual(['behavior', 'schemaName', 'type']);
    }
    const referenceRoles = exports.flatMap(components).filter((c) => c.type === '20');
    for (const role of referenceRoles) expect(Object.keys(role).sort()).toEqual(['behavior', 'id', 'type']);
    // Native tables are included without subcomponents, as the VirtualEntityRecordSource export includes account.
    const account = exports[3] && components(exports[3]).find((c) => c.schemaName === 'account');
    expect(account?.behavior).toBe('1');
    expect(mine.find((c) => c.schemaName === 'account')?.behavior).toBe('1');
    // Forms (60) and views (26) travel inside their table (behavior 0) in every reference export,
    // never as root components; they appear by type code in the app's AppModuleComponents.
    const app = text(ours.files.get('customizations.xml')!);
    expect(app).toMatch(/<AppModuleComponent type="60" id="\{[0-9a-f-]{36}\}" \/>/);
    expect(app).toMatch(/<AppModuleComponent type="26" id="\{[0-9a-f-]{36}\}" \/>/);
  });

  it('orders customizations.xml sections like the references, and explains the sections only we have', () => {
    const sections = (z: Zip) => childNames(root(z.files.get('customizations.xml')!));
    const mine = sections(ours);
    for (const zip of [pac, ...exports]) {
      const theirs = sections(zip).filter((s) => mine.includes(s));
      expect({ zip: zip.name, order: mine.filter((s) => theirs.includes(s)) }).toEqual({ zip: zip.name, order: theirs });
    }
    const EXPLAINED: Record<string, string> = {
      AppModuleSiteMaps: 'the Lexbridge app site map (pac sample has no app)',
      AppModules: 'the Lexbridge model-driven app',
    };
    expect(unexplained(mine.filter((s) => !sections(pac).includes(s)), EXPLAINED)).toEqual([]);
    // customizations.xml root: only xmlns:xsi, like pac; 9.2 exports add version attributes the 9.0 XSD rejects.
    expect(attrNames(root(ours.files.get('customizations.xml')!))).toEqual(attrNames(root(pac.files.get('customizations.xml')!)));
  });

  it('builds byte-identical zips from the same schema (deterministic ids and timestamps)', async () => {
    const again = await packSolution({ schema, config, managed: false });
    expect(Buffer.from(again.zip).equals(Buffer.from(unmanaged.zip))).toBe(true);
  });
});
