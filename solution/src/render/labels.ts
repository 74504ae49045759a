/** Label elements of customizations.xml, always in the solution's one language (1033). */
import { el, type XmlElement } from '../xml/element';

export const LANGUAGE_CODE = 1033;

/** `<displaynames><displayname description=".." languagecode="1033" /></displaynames>` and friends. */
export const labelList = (list: string, item: string, description: string): XmlElement =>
  el(list, {}, el(item, { description, languagecode: LANGUAGE_CODE }));

export const displayNames = (text: string) => labelList('displaynames', 'displayname', text);
export const descriptions = (text: string) => labelList('Descriptions', 'Description', text);
export const localizedNames = (text: string) => labelList('LocalizedNames', 'LocalizedName', text);
export const formLabels = (text: string) => labelList('labels', 'label', text);
