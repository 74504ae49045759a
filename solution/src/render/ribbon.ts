/**
 * A table's `RibbonDiffXml` (RibbonCore.xsd, RibbonEntityDiffXmlType) from its command
 * definitions: one button per command on the main form's command bar, a command calling the web
 * resource function with the form context, and custom enable rules. Ids follow Microsoft's
 * naming convention `<prefix>.<table>.<function>.<element>`; the empty sections are written as
 * real exports write them.
 */
import type { RibbonCommand, RibbonFunction } from '../app/types';
import { el, type XmlElement } from '../xml/element';
import { LANGUAGE_CODE } from './labels';

/** The main form command bar's Save group: new buttons go into its children (`._children`). */
export const formCommandBarLocation = (table: string) => `Mscrm.Form.${table}.MainTab.Save.Controls._children`;

export interface RibbonIds {
  customAction: string;
  button: string;
  command: string;
  label: string;
  tooltip: string;
  enableRule: (rule: RibbonFunction) => string;
}

export function ribbonIds(prefix: string, command: RibbonCommand): RibbonIds {
  const base = `${prefix}.${command.table}.${command.name}`;
  return {
    customAction: `${base}.Button.CustomAction`,
    button: `${base}.Button`,
    command: `${base}.Command`,
    label: `${base}.Button.LabelText`,
    tooltip: `${base}.Button.ToolTipDescription`,
    enableRule: (rule) => `${prefix}.${command.table}.${rule.functionName.split('.').pop() ?? rule.functionName}.EnableRule`,
  };
}

/** `$webresource:` makes the platform load the library before calling the function. */
const library = (name: string) => `$webresource:${name}`;
const primaryControl = () => el('CrmParameter', { Value: 'PrimaryControl' });

export function renderRibbonDiff(commands: readonly RibbonCommand[], prefix: string): XmlElement {
  const rules = new Map<string, RibbonFunction>();
  for (const command of commands) for (const rule of command.enableRules) rules.set(ribbonIds(prefix, command).enableRule(rule), rule);
  const locLabel = (id: string, text: string) => el('LocLabel', { Id: id }, el('Titles', {}, el('Title', { description: text, languagecode: LANGUAGE_CODE })));
  return el(
    'RibbonDiffXml',
    {},
    el(
      'CustomActions',
      {},
      commands.map((command) => {
        const ids = ribbonIds(prefix, command);
        return el(
          'CustomAction',
          { Id: ids.customAction, Location: formCommandBarLocation(command.table), Sequence: command.sequence },
          el(
            'CommandUIDefinition',
            {},
            el('Button', {
              Id: ids.button,
              Command: ids.command,
              Sequence: command.sequence,
              LabelText: `$LocLabels:${ids.label}`,
              Alt: `$LocLabels:${ids.label}`,
              ToolTipTitle: `$LocLabels:${ids.label}`,
              ToolTipDescription: `$LocLabels:${ids.tooltip}`,
              TemplateAlias: 'o1',
              ModernImage: command.modernImage,
            }),
          ),
        );
      }),
    ),
    el('Templates', {}, el('RibbonTemplates', { Id: 'Mscrm.Templates' })),
    el(
      'CommandDefinitions',
      {},
      commands.map((command) => {
        const ids = ribbonIds(prefix, command);
        return el(
          'CommandDefinition',
          { Id: ids.command },
          el('EnableRules', {}, command.enableRules.map((rule) => el('EnableRule', { Id: ids.enableRule(rule) }))),
          el('DisplayRules'),
          el('Actions', {}, el('JavaScriptFunction', { FunctionName: command.action.functionName, Library: library(command.action.library) }, primaryControl())),
        );
      }),
    ),
    el(
      'RuleDefinitions',
      {},
      el('TabDisplayRules'),
      el('DisplayRules'),
      el(
        'EnableRules',
        {},
        // A rule that fails to load leaves the button disabled: Default="false".
        [...rules].map(([id, rule]) =>
          el('EnableRule', { Id: id }, el('CustomRule', { FunctionName: rule.functionName, Library: library(rule.library), Default: 'false' }, primaryControl())),
        ),
      ),
    ),
    el(
      'LocLabels',
      {},
      commands.flatMap((command) => {
        const ids = ribbonIds(prefix, command);
        return [locLabel(ids.label, command.label), locLabel(ids.tooltip, command.tooltip)];
      }),
    ),
  );
}
