/**
 * Writes a run's report files next to its journal: report.html, report.json, counts.csv,
 * errors.csv, diffs.csv, and the supplemental package (trust-balances.csv, ledes/*.txt).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeLedes1998B } from '../ledes/ledes1998b';
import type { TargetOp } from '../mapping/target-op';
import type { WorkflowReference } from '../pipeline/from-staging';
import { toCsv } from './csv';
import { renderHtmlReport } from './html';
import type { RunReport } from './run-report';
import { ledesFromInvoices, ledesInvoicesFromOps, trustBalancesCsv } from './supplemental';

export interface WrittenReport {
  html: string;
  json: string;
  files: string[];
}

/**
 * `failures`: every failed record (the journal's failed operations), for errors.csv; without it
 * errors.csv lists the report's examples per rule.
 */
export function writeRunReport(dir: string, report: RunReport, failures?: Iterable<{ errorCode?: string; sourceKey: string; table: string; errorMessage?: string }>): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content, 'utf8');
    files.push(file);
    return file;
  };
  const html = write('report.html', renderHtmlReport(report));
  const json = write('report.json', JSON.stringify(report, null, 2) + '\n');
  write('counts.csv', toCsv(report.counts.map((c) => ({ ...c })), ['entity', 'extracted', 'loaded', 'skipped', 'failed', 'holds']));
  const counts = new Map(report.errors.map((g) => [g.code, g.count]));
  const errorRows = failures
    ? [...failures].map((f) => ({ code: f.errorCode ?? 'LEX_UNKNOWN', count: counts.get(f.errorCode ?? 'LEX_UNKNOWN') ?? 0, sourceKey: f.sourceKey, table: f.table, message: f.errorMessage ?? '' }))
    : report.errors.flatMap((g) => g.examples.map((e) => ({ code: g.code, count: g.count, ...e })));
  write('errors.csv', toCsv(errorRows, ['code', 'count', 'sourceKey', 'table', 'message']));
  write('diffs.csv', toCsv(report.differences.flatMap((d) => d.fields.filter((f) => f.status !== 'match').map((f) => ({ sourceKey: d.sourceKey, table: d.table, id: d.id, field: f.field, expected: f.expected, actual: f.actual, status: f.status }))), ['sourceKey', 'table', 'id', 'field', 'expected', 'actual', 'status']));
  return { html, json, files };
}

/** Trust balances, bills, and workflows to rebuild: what Dynamics has no native home for. */
export function writeSupplementalPackage(dir: string, ops: readonly TargetOp[], lawFirmId = '', workflows: readonly WorkflowReference[] = []): string[] {
  const out = path.join(dir, 'supplemental');
  mkdirSync(path.join(out, 'ledes'), { recursive: true });
  const files = [path.join(out, 'trust-balances.csv')];
  writeFileSync(files[0]!, trustBalancesCsv(ops), 'utf8');
  for (const invoice of ledesInvoicesFromOps(ops, lawFirmId)) {
    const name = `${invoice.invoiceNumber.replace(/[^A-Za-z0-9._-]/g, '_') || 'invoice'}.txt`;
    const file = path.join(out, 'ledes', name);
    writeFileSync(file, writeLedes1998B(ledesFromInvoices([invoice])), 'utf8');
    files.push(file);
  }
  if (workflows.length) {
    const file = path.join(out, 'workflow-definitions.md');
    writeFileSync(file, renderWorkflows(workflows), 'utf8');
    files.push(file);
  }
  return files;
}

/** Workflows do not migrate: this is the reference for rebuilding them in Power Automate. */
export function renderWorkflows(workflows: readonly WorkflowReference[]): string {
  const lines = ['# Workflow definitions to rebuild', '', 'Exported from the source for reference; rebuild them in Power Automate.', ''];
  for (const w of workflows) {
    lines.push(`## ${w.name.replace(/[\r\n]+/g, ' ')}`, '', `Source: \`${w.sourceKey}\``, '');
    if (w.description) lines.push(w.description.replace(/[\r\n]+/g, ' '), '');
    w.steps.forEach((step, i) => lines.push(`${i + 1}. ${step.replace(/[\r\n]+/g, ' ')}`));
    lines.push('');
  }
  return lines.join('\n');
}
