/**
 * One main form per custom table. Migrated tables get a "Provenance" tab (where the row came
 * from); the matter form also gets "Source comparison", holding `lex_sourcesnapshot`, where the
 * RecordDiff PCF control will be bound (a later issue adds its controlDescription).
 */
import { Tables } from '../../generated/names';
import { componentId } from '../ids';
import { provenanceColumns } from '../schema/provenance';
import type { SolutionSchema, TableDef } from '../schema/types';
import type { FormDef, FormSection, FormTab } from './types';

const M = Tables.lex_matter.columns;
const PROVENANCE = provenanceColumns().map((c) => c.logicalName);
const SNAPSHOT = Tables.lex_matter.columns.lex_sourcesnapshot;

function section(table: string, name: string, label: string, fields: readonly string[]): FormSection {
  return { id: componentId('form-section', `${table}/${name}`), name, label, fields };
}

function tab(table: string, name: string, label: string, sections: FormSection[]): FormTab {
  return { id: componentId('form-tab', `${table}/${name}`), name, label, sections };
}

/** The table's own business columns: not the key, not provenance, not platform columns. */
function businessColumns(table: TableDef): string[] {
  return table.columns
    .filter((c) => c.origin === 'solution' && c.type.kind !== 'primarykey' && !PROVENANCE.includes(c.logicalName))
    .map((c) => c.logicalName);
}

function generalSections(table: TableDef): FormSection[] {
  if (table.logicalName === Tables.lex_matter.logicalName) {
    const review = [M.lex_diffstatus, M.lex_reviewstatus, M.lex_reviewedby, M.lex_reviewedon, M.lex_reviewnote];
    const matter = businessColumns(table).filter((c) => !review.includes(c as (typeof review)[number]));
    return [
      section(table.logicalName, 'matter', 'Matter', [...matter, Tables.lex_matter.columns.ownerid]),
      section(table.logicalName, 'review', 'Review', review),
    ];
  }
  return [section(table.logicalName, 'general', 'General', [...businessColumns(table), 'ownerid'])];
}

export function mainForm(table: TableDef): FormDef {
  const t = table.logicalName;
  const isMatter = t === Tables.lex_matter.logicalName;
  const tabs: FormTab[] = [tab(t, 'general', 'General', generalSections(table))];
  if (table.provenance) {
    const provenance = isMatter ? PROVENANCE.filter((c) => c !== SNAPSHOT) : PROVENANCE;
    tabs.push(tab(t, 'provenance', 'Provenance', [section(t, 'provenance', 'Provenance', provenance)]));
  }
  if (isMatter) {
    tabs.push(tab(t, 'sourcecomparison', 'Source comparison', [section(t, 'sourcecomparison', 'Source record', [SNAPSHOT])]));
  }
  return {
    id: componentId('form', `${t}/main`),
    table: t,
    type: 'main',
    name: 'Information',
    description: `Main form for ${table.displayName.toLowerCase()} rows.`,
    tabs,
  };
}

export function buildForms(schema: SolutionSchema): FormDef[] {
  return schema.tables.filter((t) => t.origin === 'custom').map(mainForm);
}
