/**
 * `<Entities>` of customizations.xml, shaped like Microsoft's exports in reference/solutions
 * (UpsertSample: custom table + alternate key; ColumnLevelSecurity: forms and views without
 * object type codes) and limited to elements the 9.0 XSD knows.
 *
 * Custom tables carry every column (the platform columns too, as an export does); native tables
 * appear with `unmodified="1"` and only the columns the solution adds.
 */
import type { FormControlBinding, FormDef, FormEventHandler, RibbonCommand, ViewDef } from '../app/types';
import { renderRibbonDiff } from './ribbon';
import { braced, componentId } from '../ids';
import type { ChoiceDef, ColumnDef, KeyDef, SolutionSchema, StateDef, TableDef } from '../schema/types';
import { bit, el, textEl, type XmlElement } from '../xml/element';
import { descriptions, displayNames, formLabels, labelList, localizedNames } from './labels';

export const INTRODUCED_VERSION = '1.0.0.0';

/** Standard control class ids of the classic form renderer, by column type. */
const CONTROL_CLASS = {
  text: '{4273EDBD-AC1D-40d3-9FB2-095C621B552D}',
  email: '{ADA2203E-B4CD-49be-9DDF-234642B43B52}',
  url: '{71716B6C-711E-476c-8AB8-5D11542BFB47}',
  phone: '{8C10015A-B339-4982-9474-A95FE05631A5}',
  memo: '{E0DECE4B-6FC8-4a8f-A065-082708572369}',
  integer: '{C6D124CA-7EDA-4a60-AEA9-7FB8D318B68F}',
  decimal: '{C3EFE0C3-0EC6-42be-8349-CBD9079DFD8E}',
  money: '{533B9E00-756B-4312-95A0-DC888637AC78}',
  datetime: '{5B773807-9FB2-42db-97C3-7A91EFF8ADFF}',
  boolean: '{67FAC785-CD58-4f9f-ABB3-4B7DDC6ED5ED}',
  picklist: '{3EF39988-22BB-4f0b-BBBE-64B5A3748AEE}',
  lookup: '{270BD3DB-D9AF-4782-9025-509E298DEC0A}',
} as const;

export function controlClassId(column: ColumnDef): string {
  const type = column.type;
  switch (type.kind) {
    case 'string':
      return type.format === 'email' ? CONTROL_CLASS.email : type.format === 'url' ? CONTROL_CLASS.url : type.format === 'phone' ? CONTROL_CLASS.phone : CONTROL_CLASS.text;
    case 'memo':
      return CONTROL_CLASS.memo;
    case 'integer':
      return CONTROL_CLASS.integer;
    case 'decimal':
      return CONTROL_CLASS.decimal;
    case 'money':
      return CONTROL_CLASS.money;
    case 'datetime':
      return CONTROL_CLASS.datetime;
    case 'boolean':
      return CONTROL_CLASS.boolean;
    case 'choice':
    case 'state':
    case 'status':
      return CONTROL_CLASS.picklist;
    case 'lookup':
    case 'owner':
      return CONTROL_CLASS.lookup;
    case 'primarykey':
      return CONTROL_CLASS.text;
  }
}

/** DateTimeBehavior as the attribute's `<Behavior>` number (UserLocal 1, DateOnly 2, TimeZoneIndependent 3). */
const BEHAVIOR = { UserLocal: 1, DateOnly: 2, TimeZoneIndependent: 3 } as const;

function stateOptionSet(table: TableDef, states: readonly StateDef[]): XmlElement {
  return el(
    'optionset',
    { Name: `${table.logicalName}_statecode` },
    textEl('OptionSetType', 'state'),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    textEl('IsCustomizable', '1'),
    displayNames('Status'),
    descriptions(`Status of the ${table.displayName}`),
    el(
      'states',
      {},
      states.map((s) => el('state', { value: s.value, defaultstatus: s.statuses[0]?.value, invariantname: s.name }, formLabels(s.name))),
    ),
  );
}

function statusOptionSet(table: TableDef, states: readonly StateDef[]): XmlElement {
  return el(
    'optionset',
    { Name: `${table.logicalName}_statuscode` },
    textEl('OptionSetType', 'status'),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    textEl('IsCustomizable', '1'),
    displayNames('Status Reason'),
    descriptions(`Reason for the status of the ${table.displayName}`),
    el(
      'statuses',
      {},
      states.flatMap((s) => s.statuses.map((st) => el('status', { value: st.value, state: s.value }, formLabels(st.name)))),
    ),
  );
}

/** Type-specific children of `<attribute>`: Type plus format, lengths, ranges, option sets. */
function typeElements(table: TableDef, column: ColumnDef, choices: readonly ChoiceDef[]): (XmlElement | undefined)[] {
  const t = column.type;
  switch (t.kind) {
    case 'string':
      return [textEl('Type', 'nvarchar'), textEl('Format', t.format ?? 'text'), textEl('MaxLength', t.maxLength), textEl('Length', t.maxLength * 2)];
    case 'memo':
      // The 9.0 schema knows no "json" memo format; the column is text to it, JSON to Lexbridge.
      return [textEl('Type', 'ntext'), textEl('Format', 'text'), textEl('MaxLength', t.maxLength)];
    case 'integer':
      return [textEl('Type', 'int'), textEl('Format', 'none'), textEl('MinValue', t.min ?? -2147483648), textEl('MaxValue', t.max ?? 2147483647)];
    case 'decimal':
      return [textEl('Type', 'decimal'), textEl('MinValue', t.min ?? -100000000000), textEl('MaxValue', t.max ?? 100000000000), textEl('Accuracy', t.precision)];
    case 'money':
      // AccuracySource 2: the currency's precision decides, as the maker portal sets money columns.
      return [textEl('Type', 'money'), textEl('MinValue', -922337203685477), textEl('MaxValue', 922337203685477), textEl('Accuracy', t.precision), textEl('AccuracySource', 2)];
    case 'datetime':
      return [
        textEl('Type', 'datetime'),
        textEl('Format', t.behavior === 'DateOnly' ? 'date' : 'datetime'),
        textEl('Behavior', BEHAVIOR[t.behavior]),
        textEl('CanChangeDateTimeBehavior', '1'),
      ];
    case 'boolean':
      return [
        textEl('Type', 'bit'),
        textEl('AppDefaultValue', t.defaultValue ? 1 : 0),
        el(
          'optionset',
          { Name: `${table.logicalName}_${column.logicalName}` },
          textEl('OptionSetType', 'bit'),
          textEl('IntroducedVersion', INTRODUCED_VERSION),
          textEl('IsCustomizable', '1'),
          displayNames(column.displayName),
          descriptions(column.description),
          el('options', {}, el('option', { value: 1 }, formLabels(t.trueLabel)), el('option', { value: 0 }, formLabels(t.falseLabel))),
        ),
      ];
    case 'choice': {
      const known = choices.some((c) => c.name === t.choice);
      return [textEl('Type', 'picklist'), known ? textEl('OptionSetName', t.choice) : undefined];
    }
    case 'lookup':
      // Customer (account + contact) is the only polymorphic lookup type the 9.0 schema knows.
      return [textEl('Type', t.targets.length > 1 ? 'customer' : 'lookup'), textEl('LookupStyle', 'single'), el('LookupTypes')];
    case 'primarykey':
      return [textEl('Type', 'primarykey')];
    case 'owner':
      return [textEl('Type', 'owner'), textEl('LookupStyle', 'single'), el('LookupTypes')];
    case 'state':
      return [textEl('Type', 'state'), table.states ? stateOptionSet(table, table.states) : undefined];
    case 'status':
      return [textEl('Type', 'status'), table.states ? statusOptionSet(table, table.states) : undefined];
  }
}

function displayMask(table: TableDef, column: ColumnDef): string {
  if (column.type.kind === 'primarykey') return 'ValidForAdvancedFind|RequiredForGrid';
  if (column.logicalName === table.primaryNameColumn) return 'PrimaryName|ValidForAdvancedFind|ValidForForm|ValidForGrid|RequiredForForm';
  return 'ValidForAdvancedFind|ValidForForm|ValidForGrid';
}

function requiredLevel(column: ColumnDef): string {
  if (column.type.kind === 'primarykey' || column.type.kind === 'state' || column.type.kind === 'status') return 'systemrequired';
  if (column.type.kind === 'owner') return 'systemrequired';
  return column.required === 'required' ? 'required' : column.required === 'recommended' ? 'recommended' : 'none';
}

export function renderAttribute(table: TableDef, column: ColumnDef, choices: readonly ChoiceDef[]): XmlElement {
  const custom = column.origin === 'solution';
  const writable = !column.readOnly && column.type.kind !== 'primarykey';
  const [type, ...typeDetails] = typeElements(table, column, choices);
  return el(
    'attribute',
    { PhysicalName: column.schemaName },
    type,
    textEl('Name', column.logicalName),
    textEl('LogicalName', column.logicalName),
    textEl('RequiredLevel', requiredLevel(column)),
    textEl('DisplayMask', displayMask(table, column)),
    textEl('ImeMode', 'auto'),
    writable ? textEl('ValidForUpdateApi', '1') : undefined,
    textEl('ValidForReadApi', '1'),
    writable || column.type.kind === 'primarykey' ? textEl('ValidForCreateApi', '1') : undefined,
    textEl('IsCustomField', bit(custom)),
    textEl('IsAuditEnabled', bit(custom)),
    textEl('IsSecured', '0'),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    textEl('IsCustomizable', '1'),
    textEl('IsRenameable', '1'),
    textEl('CanModifySearchSettings', '1'),
    textEl('CanModifyRequirementLevelSettings', bit(column.type.kind !== 'primarykey')),
    textEl('CanModifyAdditionalSettings', '1'),
    textEl('SourceType', 0),
    typeDetails,
    displayNames(column.displayName),
    descriptions(column.description),
  );
}

function renderKey(key: KeyDef, managed: boolean): XmlElement {
  return el(
    'EntityKey',
    {},
    textEl('Name', key.logicalName),
    textEl('LogicalName', key.logicalName),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    // Managed property: once installed managed, nobody can alter the key the loader depends on (UpsertSample managed does the same).
    textEl('IsCustomizable', bit(!managed)),
    el('EntityKeyAttributes', {}, key.columns.map((c) => textEl('AttributeName', c))),
    displayNames(key.displayName),
  );
}

/** Entity-level settings of a custom table, as the UpsertSample export writes them (9.0 elements only). */
function customEntitySettings(table: TableDef): XmlElement[] {
  const flags: [string, string][] = [
    ['EntitySetName', table.entitySetName],
    ['IsDuplicateCheckSupported', '1'],
    ['IsBusinessProcessEnabled', '0'],
    ['IsRequiredOffline', '0'],
    ['IsCollaboration', '0'],
    ['AutoRouteToOwnerQueue', '0'],
    ['IsConnectionsEnabled', '1'],
    ['IsDocumentManagementEnabled', '0'],
    ['IsOneNoteIntegrationEnabled', '0'],
    ['IsKnowledgeManagementEnabled', '0'],
    ['OwnershipTypeMask', table.ownership],
    ['EntityMask', 'ActivityPointer'],
    ['IsAuditEnabled', '1'],
    ['IsActivity', '0'],
    ['IsActivityParty', '0'],
    ['IsReplicated', '0'],
    ['IsReplicationUserFiltered', '0'],
    ['IsMailMergeEnabled', '1'],
    ['IsVisibleInMobile', '0'],
    ['IsVisibleInMobileClient', '1'],
    ['IsReadOnlyInMobileClient', '0'],
    ['IsMapiGridEnabled', '1'],
    ['IsReadingPaneEnabled', '1'],
    ['IsQuickCreateEnabled', '1'],
    ['IntroducedVersion', INTRODUCED_VERSION],
    ['IsCustomizable', '1'],
    ['IsRenameable', '1'],
    ['IsMappable', '1'],
    ['CanModifyAuditSettings', '1'],
    ['CanModifyMobileVisibility', '1'],
    ['CanModifyMobileClientVisibility', '1'],
    ['CanModifyMobileClientReadOnly', '1'],
    ['CanModifyConnectionSettings', '1'],
    ['CanModifyDuplicateDetectionSettings', '1'],
    ['CanModifyMailMergeSettings', '1'],
    ['CanModifyQueueSettings', '1'],
    ['CanCreateAttributes', '1'],
    ['CanCreateForms', '1'],
    ['CanCreateCharts', '1'],
    ['CanCreateViews', '1'],
    ['CanModifyAdditionalSettings', '1'],
    ['EnforceStateTransitions', '0'],
    ['CanChangeHierarchicalRelationship', '1'],
    ['EntityHelpUrlEnabled', '0'],
    // Change tracking lets delta tooling and Synapse Link follow Lexbridge tables.
    ['ChangeTrackingEnabled', '1'],
    ['HasRelatedNotes', 'True'],
    ['HasRelatedActivities', 'True'],
  ];
  return flags.map(([name, value]) => textEl(name, value));
}

/** Manifest `of-type` for a bound property, by column type (PCF manifest reference). */
function manifestType(column: ColumnDef | undefined): string {
  switch (column?.type.kind) {
    case 'memo':
      return 'Multiple';
    case 'integer':
      return 'Whole.None';
    case 'decimal':
      return 'Decimal';
    case 'money':
      return 'Currency';
    case 'datetime':
      return column.type.behavior === 'DateOnly' ? 'DateAndTime.DateOnly' : 'DateAndTime.DateAndTime';
    case 'boolean':
      return 'TwoOptions';
    case 'choice':
      return 'OptionSet';
    case 'lookup':
      return 'Lookup.Simple';
    default:
      return 'SingleLine.Text';
  }
}

/** Unified Interface form factors: 0 web, 1 tablet, 2 phone. */
const FORM_FACTORS = [0, 1, 2] as const;

/**
 * `<controlDescriptions>`: for each bound field, the default control (by class id) followed by
 * the code component per form factor, as the maker portal writes a PCF binding.
 */
function renderControlDescriptions(form: FormDef, table: TableDef, bindings: readonly FormControlBinding[]): XmlElement | undefined {
  if (bindings.length === 0) return undefined;
  return el(
    'controlDescriptions',
    {},
    bindings.map((binding) => {
      const column = table.columns.find((c) => c.logicalName === binding.field);
      const parameters = () =>
        el(
          'parameters',
          {},
          el(binding.property, { type: binding.propertyType ?? manifestType(column) }, binding.field),
          Object.entries(binding.parameters ?? {}).map(([name, value]) => el(name, { static: 'true' }, value)),
        );
      return el(
        'controlDescription',
        { forControl: braced(controlUniqueId(form, binding.field)) },
        el('customControl', { id: column ? controlClassId(column) : CONTROL_CLASS.text }, el('parameters', {}, textEl('datafieldname', binding.field))),
        FORM_FACTORS.map((formFactor) => el('customControl', { name: binding.control, formFactor }, parameters())),
      );
    }),
  );
}

const controlUniqueId = (form: FormDef, field: string) => componentId('form-control', `${form.table}/${field}`);

/**
 * `<events>` and `<formLibraries>` for the form's event handlers: each library once, each handler
 * under its event, ids derived from form + function so rebuilding never changes them.
 */
function renderFormEvents(form: FormDef, handlers: readonly FormEventHandler[]): XmlElement[] {
  if (handlers.length === 0) return [];
  const libraries = [...new Set(handlers.map((h) => h.library))];
  const events = [...new Set(handlers.map((h) => h.event))];
  return [
    el(
      'events',
      {},
      events.map((event) =>
        el(
          'event',
          { name: event, application: 'false', active: 'false' },
          el(
            'Handlers',
            {},
            handlers
              .filter((h) => h.event === event)
              .map((h) =>
                el('Handler', {
                  functionName: h.functionName,
                  libraryName: h.library,
                  handlerUniqueId: braced(componentId('form-handler', `${form.table}/${event}/${h.functionName}`)),
                  enabled: 'true',
                  parameters: '',
                  passExecutionContext: h.passExecutionContext ? 'true' : 'false',
                }),
              ),
          ),
        ),
      ),
    ),
    el('formLibraries', {}, libraries.map((name) => el('Library', { name, libraryUniqueId: braced(componentId('form-library', `${form.table}/${name}`)) }))),
  ];
}

function renderForm(form: FormDef, table: TableDef, managed: boolean, bindings: readonly FormControlBinding[], handlers: readonly FormEventHandler[] = []): XmlElement {
  const column = (name: string) => table.columns.find((c) => c.logicalName === name);
  const bound = new Set(bindings.map((b) => b.field));
  const cell = (field: string) => {
    const def = column(field);
    const label = def?.displayName ?? field;
    return el(
      'row',
      {},
      el(
        'cell',
        { id: braced(componentId('form-cell', `${form.table}/${field}`)) },
        // A managed export writes an empty label where it equals the column's display name (notes §4).
        formLabels(managed ? '' : label),
        el('control', {
          id: field,
          classid: def ? controlClassId(def) : CONTROL_CLASS.text,
          datafieldname: field,
          // A control with a code component is addressed by its uniqueid from <controlDescriptions>.
          uniqueid: bound.has(field) ? braced(controlUniqueId(form, field)) : undefined,
        }),
      ),
    );
  };
  const tabs = form.tabs.map((tab) =>
    el(
      'tab',
      { name: tab.name, verticallayout: 'true', id: braced(tab.id), IsUserDefined: '1' },
      formLabels(tab.label),
      el(
        'columns',
        {},
        el(
          'column',
          { width: '100%' },
          el(
            'sections',
            {},
            tab.sections.map((section) =>
              el(
                'section',
                { name: section.name, showlabel: 'true', showbar: 'false', IsUserDefined: '0', id: braced(section.id) },
                formLabels(section.label),
                el('rows', {}, section.fields.map(cell)),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return el(
    'systemform',
    {},
    textEl('formid', braced(form.id)),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    textEl('FormPresentation', 1),
    textEl('FormActivationState', 1),
    renderFormXml(tabs, renderControlDescriptions(form, table, bindings), renderFormEvents(form, handlers)),
    textEl('IsCustomizable', '1'),
    textEl('CanBeDeleted', '0'),
    localizedNames(form.name),
    descriptions(form.description),
  );
}

/** The `<form>` fragment (validated on its own against FormXml.xsd). */
export function renderFormXml(tabs: XmlElement[], controlDescriptions?: XmlElement, events: readonly XmlElement[] = []): XmlElement {
  return el('form', {}, el('tabs', {}, tabs), events, controlDescriptions);
}

/** The `<fetch>` fragment of a view (validated on its own against Fetch.xsd). */
export function renderFetch(view: ViewDef, table: TableDef): XmlElement {
  return el(
    'fetch',
    { version: '1.0', mapping: 'logical' },
    el(
      'entity',
      { name: table.logicalName },
      el('attribute', { name: table.primaryIdColumn }),
      view.columns.map((c) => el('attribute', { name: c.name })),
      el('order', { attribute: view.orderBy, descending: 'false' }),
      view.activeOnly ? el('filter', { type: 'and' }, el('condition', { attribute: 'statecode', operator: 'eq', value: '0' })) : undefined,
      view.quickFindFields
        ? el('filter', { type: 'or', isquickfindfields: '1' }, view.quickFindFields.map((f) => el('condition', { attribute: f, operator: 'like', value: '{0}' })))
        : undefined,
    ),
  );
}

function renderView(view: ViewDef, table: TableDef): XmlElement {
  return el(
    'savedquery',
    {},
    textEl('IsCustomizable', '1'),
    textEl('CanBeDeleted', '0'),
    textEl('isquickfindquery', bit(view.quickFindFields !== undefined)),
    textEl('isprivate', '0'),
    textEl('isdefault', bit(view.isDefault)),
    textEl('savedqueryid', braced(view.id)),
    el(
      'layoutxml',
      {},
      // No `object=` type code: custom tables get theirs at import (ColumnLevelSecurity export omits it too).
      el(
        'grid',
        { name: 'resultset', jump: table.primaryNameColumn, select: '1', icon: '1', preview: '1' },
        el('row', { name: 'result', id: table.primaryIdColumn }, view.columns.map((c) => el('cell', { name: c.name, width: c.width }))),
      ),
    ),
    textEl('querytype', view.queryType),
    el('fetchxml', {}, renderFetch(view, table)),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    localizedNames(view.name),
  );
}

export interface EntityRenderInput {
  schema: SolutionSchema;
  forms: readonly FormDef[];
  views: readonly ViewDef[];
  managed: boolean;
  formBindings?: readonly FormControlBinding[];
  formEvents?: readonly FormEventHandler[];
  ribbonCommands?: readonly RibbonCommand[];
  /** Publisher prefix, for ribbon ids. */
  prefix?: string;
}

/** Tables the solution touches: every custom table, and native tables it adds columns to. */
export function solutionTables(schema: SolutionSchema): TableDef[] {
  return schema.tables.filter((t) => t.origin === 'custom' || t.columns.some((c) => c.origin === 'solution'));
}

function bindingsFor(form: FormDef, bindings: readonly FormControlBinding[] = []): FormControlBinding[] {
  const fields = new Set(form.tabs.flatMap((t) => t.sections.flatMap((s) => s.fields)));
  return bindings.filter((b) => b.table === form.table && fields.has(b.field));
}

export function renderEntity(table: TableDef, input: EntityRenderInput): XmlElement {
  const custom = table.origin === 'custom';
  const columns = custom ? table.columns : table.columns.filter((c) => c.origin === 'solution');
  const forms = input.forms.filter((f) => f.table === table.logicalName);
  const views = input.views.filter((v) => v.table === table.logicalName);
  const commands = (input.ribbonCommands ?? []).filter((c) => c.table === table.logicalName);
  const entity = el(
    'entity',
    { Name: table.schemaName, unmodified: custom ? undefined : '1' },
    localizedNames(table.displayName),
    labelList('LocalizedCollectionNames', 'LocalizedCollectionName', table.pluralDisplayName),
    descriptions(table.description),
    el('attributes', {}, columns.map((c) => renderAttribute(table, c, input.schema.choices))),
    table.keys.length ? el('EntityKeys', {}, table.keys.map((k) => renderKey(k, input.managed))) : undefined,
    custom ? customEntitySettings(table) : undefined,
  );
  return el(
    'Entity',
    {},
    el('Name', { LocalizedName: table.displayName, OriginalName: table.displayName }, table.schemaName),
    el('EntityInfo', {}, entity),
    forms.length
      ? el(
          'FormXml',
          {},
          el(
            'forms',
            { type: 'main' },
            forms.map((f) => renderForm(f, table, input.managed, bindingsFor(f, input.formBindings), (input.formEvents ?? []).filter((h) => h.table === f.table))),
          ),
        )
      : undefined,
    views.length ? el('SavedQueries', {}, el('savedqueries', {}, views.map((v) => renderView(v, table)))) : undefined,
    commands.length ? renderRibbonDiff(commands, input.prefix ?? 'lex') : undefined,
  );
}

export function renderEntities(input: EntityRenderInput): XmlElement {
  return el('Entities', {}, solutionTables(input.schema).map((t) => renderEntity(t, input)));
}
