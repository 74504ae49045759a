/**
 * Deterministic GUIDs for solution components (forms, views, roles, the app, form cells), so two
 * builds of the same schema produce byte-identical XML and an upgrade finds the same components.
 */
import { v5 as uuidv5 } from 'uuid';

/** Fixed namespace for solution component ids. Never change it: installed components keep their ids. */
export const LEXBRIDGE_COMPONENT_NAMESPACE = '3a7d2c1e-5b4f-5e8a-9c0d-1f2e3d4c5b6a';

/** `componentId('form', 'lex_matter/main')` → a stable lower-case GUID without braces. */
export function componentId(kind: string, name: string): string {
  return uuidv5(`${kind}:${name}`, LEXBRIDGE_COMPONENT_NAMESPACE);
}

/** `{guid}`, the way customizations.xml writes ids. */
export const braced = (id: string): string => `{${id}}`;
