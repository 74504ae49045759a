/** What the PCF issue will pass to packSolution: the RecordDiff control, its files and its form binding. */
import type { ExtraComponent } from '../../solution/src/pack';
import { ComponentType } from '../../solution/src/render/solution-xml';
import { el, textEl } from '../../solution/src/xml/element';

export const RECORD_DIFF = 'lex_Lexbridge.RecordDiff';

export const recordDiffControl: ExtraComponent = {
  rootComponent: { type: ComponentType.CustomControl, schemaName: RECORD_DIFF, behavior: 0 },
  customizations: {
    section: 'CustomControls',
    element: el('CustomControl', {}, textEl('Name', RECORD_DIFF), textEl('FileName', `/Controls/${RECORD_DIFF}/ControlManifest.xml`)),
  },
  parts: [
    { path: `Controls/${RECORD_DIFF}/ControlManifest.xml`, content: '<manifest />' },
    { path: `Controls/${RECORD_DIFF}/bundle.js`, content: 'void 0;' },
  ],
  formBindings: [{ table: 'lex_matter', field: 'lex_sourcesnapshot', control: RECORD_DIFF, property: 'snapshot', parameters: { mode: 'inline' } }],
};
