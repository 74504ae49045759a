/**
 * customizations.xml: root `ImportExportXml` with its children in the order the XSD's sequence
 * requires (CustomizationsSolution.xsd, element ImportExportXml). Empty sections are written the
 * way pac writes them (`<Roles />`), so the file reads like a pac-built one.
 */
import type { AppComponents, AppDef, FormControlBinding, FormEventHandler, RibbonCommand, RoleDef } from '../app/types';
import { braced } from '../ids';
import { solutionRelationships, type RelationshipDef } from '../relationships';
import type { ChoiceDef, SolutionSchema } from '../schema/types';
import { el, textEl, type XmlElement } from '../xml/element';
import { INTRODUCED_VERSION, renderEntities } from './entities';
import { descriptions, displayNames, formLabels, LANGUAGE_CODE, localizedNames } from './labels';

/** Sections later issues fill through `extraComponents` (web resources, PCF controls). */
export type ExtraSection = 'WebResources' | 'CustomControls';

export interface CustomizationsInput {
  schema: SolutionSchema;
  app: AppComponents;
  prefix: string;
  managed: boolean;
  extra?: Partial<Record<ExtraSection, readonly XmlElement[]>>;
  formBindings?: readonly FormControlBinding[];
  formEvents?: readonly FormEventHandler[];
  ribbonCommands?: readonly RibbonCommand[];
}

/** The default app tile icon every model-driven app export references (a platform web resource). */
export const DEFAULT_APP_ICON_WEBRESOURCE = '953b9fac-1e5e-e611-80d6-00155ded156f';

function renderRole(role: RoleDef): XmlElement {
  return el(
    'Role',
    { id: braced(role.id), name: role.name },
    textEl('IsCustomizable', '1'),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    el('RolePrivileges', {}, role.privileges.map((p) => el('RolePrivilege', { name: p.name, level: p.level }))),
  );
}

function renderRelationship(rel: RelationshipDef): XmlElement {
  return el(
    'EntityRelationship',
    { Name: rel.name },
    textEl('EntityRelationshipType', 'OneToMany'),
    textEl('IsCustomizable', '1'),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    textEl('IsHierarchical', '0'),
    textEl('ReferencingEntityName', rel.referencing.schemaName),
    textEl('ReferencedEntityName', rel.referenced.schemaName),
    // Deleting a client or matter never deletes migrated rows silently: the link is removed instead.
    textEl('CascadeAssign', 'NoCascade'),
    textEl('CascadeDelete', 'RemoveLink'),
    textEl('CascadeReparent', 'NoCascade'),
    textEl('CascadeShare', 'NoCascade'),
    textEl('CascadeUnshare', 'NoCascade'),
    textEl('ReferencingAttributeName', rel.column.schemaName),
    el('RelationshipDescription', {}, descriptions(rel.column.description)),
  );
}

function renderChoice(choice: ChoiceDef): XmlElement {
  return el(
    'optionset',
    { Name: choice.name, localizedName: choice.displayName, description: choice.description },
    textEl('OptionSetType', 'picklist'),
    textEl('IsGlobal', '1'),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    textEl('IsCustomizable', '1'),
    displayNames(choice.displayName),
    descriptions(choice.description),
    el('options', {}, choice.options.map((o) => el('option', { value: o.value }, formLabels(o.label)))),
  );
}

/** The `<SiteMap>` fragment (validated on its own against SiteMap.xsd). */
export function renderSiteMap(app: AppDef): XmlElement {
  const titles = (title: string) => el('Titles', {}, el('Title', { LCID: LANGUAGE_CODE, Title: title }));
  return el(
    'SiteMap',
    { IntroducedVersion: '7.0.0.0' },
    app.areas.map((area) =>
      el(
        'Area',
        { Id: area.id, ShowGroups: 'true' },
        titles(area.title),
        area.groups.map((group) =>
          el(
            'Group',
            { Id: group.id, IsProfile: 'false' },
            titles(group.title),
            group.subAreas.map((sub) => el('SubArea', { Id: sub.id, Entity: sub.table, AvailableOffline: 'true', PassParams: 'false' }, titles(sub.title))),
          ),
        ),
      ),
    ),
  );
}

function renderAppModule(input: CustomizationsInput): XmlElement {
  const { app, forms, views } = input.app;
  const included = new Set(app.tables);
  return el(
    'AppModule',
    {},
    textEl('UniqueName', app.uniqueName),
    textEl('IntroducedVersion', INTRODUCED_VERSION),
    textEl('WebResourceId', DEFAULT_APP_ICON_WEBRESOURCE),
    textEl('FormFactor', 1),
    // 4: Unified Interface.
    textEl('ClientType', 4),
    el(
      'AppModuleComponents',
      {},
      app.tables.map((t) => el('AppModuleComponent', { type: 1, schemaName: t })),
      views.filter((v) => included.has(v.table)).map((v) => el('AppModuleComponent', { type: 26, id: braced(v.id) })),
      forms.filter((f) => included.has(f.table)).map((f) => el('AppModuleComponent', { type: 60, id: braced(f.id) })),
      el('AppModuleComponent', { type: 62, schemaName: app.siteMapUniqueName }),
    ),
    el('AppModuleRoleMaps', {}, app.roles.map((id) => el('Role', { id: braced(id) }))),
    localizedNames(app.displayName),
    descriptions(app.description),
  );
}

export function renderCustomizations(input: CustomizationsInput): XmlElement {
  const { schema, app, prefix, managed } = input;
  const extra = (section: ExtraSection) => el(section, {}, input.extra?.[section] ?? []);
  return el(
    'ImportExportXml',
    { 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' },
    renderEntities({
      schema,
      forms: app.forms,
      views: app.views,
      managed,
      prefix,
      ...(input.formBindings ? { formBindings: input.formBindings } : {}),
      ...(input.formEvents ? { formEvents: input.formEvents } : {}),
      ...(input.ribbonCommands ? { ribbonCommands: input.ribbonCommands } : {}),
    }),
    el('Roles', {}, app.roles.map(renderRole)),
    el('Workflows'),
    el('FieldSecurityProfiles'),
    el('Templates'),
    el('EntityMaps'),
    el('EntityRelationships', {}, solutionRelationships(schema, prefix).map(renderRelationship)),
    el('OrganizationSettings'),
    el('optionsets', {}, schema.choices.map(renderChoice)),
    input.extra?.WebResources?.length ? extra('WebResources') : undefined,
    extra('CustomControls'),
    el('SolutionPluginAssemblies'),
    el(
      'AppModuleSiteMaps',
      {},
      el('AppModuleSiteMap', {}, textEl('SiteMapUniqueName', app.app.siteMapUniqueName), renderSiteMap(app.app), localizedNames(app.app.displayName)),
    ),
    el('AppModules', {}, renderAppModule(input)),
    el('EntityDataProviders'),
    el('Languages', {}, textEl('Language', LANGUAGE_CODE)),
  );
}
