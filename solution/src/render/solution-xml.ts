/**
 * solution.xml, the manifest. There is no XSD for it; the shape follows pac's template and the
 * server exports in reference/solutions (root attributes as pac 1.48 writes them).
 */
import type { PacConfig } from '../config';
import { el, textEl, type XmlElement } from '../xml/element';
import { descriptions, LANGUAGE_CODE, localizedNames } from './labels';

/** Solution component type codes (Microsoft Learn, solutioncomponent table; 80 observed in exports). */
export const ComponentType = {
  Entity: 1,
  OptionSet: 9,
  Role: 20,
  SavedQuery: 26,
  SystemForm: 60,
  WebResource: 61,
  SiteMap: 62,
  CustomControl: 66,
  AppModule: 80,
} as const;

/** RootComponent/@behavior: 0 include subcomponents, 1 do not include subcomponents, 2 shell only. */
export type RootBehavior = 0 | 1 | 2;

export interface RootComponent {
  type: number;
  schemaName?: string;
  id?: string;
  behavior: RootBehavior;
}

/** pac 1.48's values (CodeInterpreterControlSolution.zip). */
export const SOLUTION_XML_VERSION = '9.1.0.643';
export const SOLUTION_PACKAGE_VERSION = '9.1';

const nil = (name: string) => el(name, { 'xsi:nil': 'true' });

function address(n: number): XmlElement {
  return el(
    'Address',
    {},
    textEl('AddressNumber', n),
    textEl('AddressTypeCode', 1),
    ['City', 'County', 'Country', 'Fax', 'FreightTermsCode', 'ImportSequenceNumber', 'Latitude', 'Line1', 'Line2', 'Line3', 'Longitude', 'Name', 'PostalCode', 'PostOfficeBox', 'PrimaryContactName'].map(nil),
    textEl('ShippingMethodCode', 1),
    ['StateOrProvince', 'Telephone1', 'Telephone2', 'Telephone3', 'TimeZoneRuleVersionNumber', 'UPSZone', 'UTCOffset', 'UTCConversionTimeZoneCode'].map(nil),
  );
}

/** Sorted by type, then name/id, so the manifest is stable whatever order components were added. */
export function sortRootComponents(components: readonly RootComponent[]): RootComponent[] {
  return [...components].sort((a, b) => a.type - b.type || (a.schemaName ?? a.id ?? '').localeCompare(b.schemaName ?? b.id ?? ''));
}

export function renderSolutionXml(config: PacConfig, managed: boolean, components: readonly RootComponent[]): XmlElement {
  const { solution, publisher } = config;
  return el(
    'ImportExportXml',
    {
      version: SOLUTION_XML_VERSION,
      SolutionPackageVersion: SOLUTION_PACKAGE_VERSION,
      languagecode: LANGUAGE_CODE,
      generatedBy: 'CrmLive',
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
    },
    el(
      'SolutionManifest',
      {},
      textEl('UniqueName', solution.uniqueName),
      localizedNames(solution.displayName),
      solution.description ? descriptions(solution.description) : el('Descriptions'),
      textEl('Version', solution.version),
      textEl('Managed', managed ? 1 : 0),
      el(
        'Publisher',
        {},
        textEl('UniqueName', publisher.uniqueName),
        localizedNames(publisher.displayName),
        publisher.description ? descriptions(publisher.description) : el('Descriptions'),
        nil('EMailAddress'),
        nil('SupportingWebsiteUrl'),
        textEl('CustomizationPrefix', publisher.prefix),
        textEl('CustomizationOptionValuePrefix', publisher.optionValuePrefix),
        el('Addresses', {}, address(1), address(2)),
      ),
      el(
        'RootComponents',
        {},
        sortRootComponents(components).map((c) => el('RootComponent', { type: c.type, schemaName: c.schemaName, id: c.id, behavior: c.behavior })),
      ),
      el('MissingDependencies'),
    ),
  );
}
