/**
 * The run report as one self-contained HTML file: inline CSS and an inline SVG chart, no
 * scripts, no external requests, so it opens anywhere and can be attached to an email. Every
 * piece of source text is escaped.
 */
import type { RunReport, ThroughputPoint } from './run-report';

export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CHART = { width: 640, height: 200, pad: 36 };

/** Rows written over time, as an SVG line. */
export function throughputSvg(points: readonly ThroughputPoint[]): string {
  const { width, height, pad } = CHART;
  const maxX = Math.max(1, ...points.map((p) => p.seconds));
  const maxY = Math.max(1, ...points.map((p) => p.rows));
  const x = (s: number) => pad + (s / maxX) * (width - 2 * pad);
  const y = (r: number) => height - pad - (r / maxY) * (height - 2 * pad);
  const line = [{ seconds: 0, rows: 0 }, ...points].map((p) => `${x(p.seconds).toFixed(1)},${y(p.rows).toFixed(1)}`).join(' ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Rows written over time">`,
    `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#888"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#888"/>`,
    `<polyline fill="none" stroke="#0f6cbd" stroke-width="2" points="${line}"/>`,
    `<text x="${pad}" y="${pad - 8}" font-size="11">${maxY} rows</text>`,
    `<text x="${width - pad}" y="${height - pad + 16}" font-size="11" text-anchor="end">${maxX.toFixed(1)} s</text>`,
    `<text x="${pad}" y="${height - pad + 16}" font-size="11">0</text>`,
    '</svg>',
  ].join('');
}

function table(headers: readonly string[], rows: readonly (readonly unknown[])[], className = ''): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table${className ? ` class="${className}"` : ''}><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

const STYLE = `body{font-family:Segoe UI,system-ui,sans-serif;margin:2rem;color:#242424;max-width:1100px}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}.bad{color:#b10e1c;font-weight:600}.good{color:#0e700e;font-weight:600}.meta td:first-child{font-weight:600}`;

const MAX_DIFF_ROWS = 200;

export function renderHtmlReport(report: RunReport): string {
  const r = report.run;
  const ok = (holds: boolean, yes: string, no: string) => `<span class="${holds ? 'good' : 'bad'}">${escapeHtml(holds ? yes : no)}</span>`;
  const sections: string[] = [];
  sections.push(`<h1>Lexbridge run ${escapeHtml(r.runId)}</h1>`);
  sections.push(
    table(
      ['', ''],
      [
        ['Mode', r.mode],
        ['Source', r.source],
        ['Environment', r.environment],
        ['Status', r.status],
        ['Started', r.startedOn],
        ['Completed', r.completedOn ?? '—'],
        ['Profile', r.profileVersion === null ? '—' : `version ${r.profileVersion} (${(r.profileHash ?? '').slice(0, 12)})`],
        ['Plan', (r.planHash ?? '').slice(0, 12) || '—'],
        ['Approved', r.approvedBy ? `${r.approvedBy} on ${r.approvedOn}` : '—'],
        ['Rollback', report.rollback.byRunId ? `${report.rollback.status} by ${report.rollback.byRunId}` : report.rollback.status],
      ],
      'meta',
    ),
  );

  sections.push('<h2>Records per entity</h2>');
  sections.push(`<p>Record accounting (extracted = loaded + skipped + failed): ${ok(report.accountingHolds, 'holds for every entity', 'does NOT hold — the run failed')}</p>`);
  sections.push(table(['Entity', 'Extracted', 'Loaded', 'Skipped', 'Failed', 'Holds'], report.counts.map((c) => [c.entity, c.extracted, c.loaded, c.skipped, c.failed, c.holds ? 'yes' : 'NO'])));
  const o = report.operations;
  sections.push(`<p>Rows: ${o.created} created, ${o.updated} updated, ${o.linked} linked, ${o.state} state changes, ${o.deleted} deleted, ${o.failed} failed.</p>`);

  sections.push('<h2>Throughput</h2>');
  sections.push(`<p>${report.rowsPerSecond} rows per second on average.</p>`);
  sections.push(throughputSvg(report.throughput));

  sections.push('<h2>Field-level diff</h2>');
  if (!report.diff) sections.push('<p>Not verified yet: run <code>lexbridge verify</code>.</p>');
  else {
    const d = report.diff;
    sections.push(`<p>${d.records} records compared: ${ok(d.differing + d.missing === 0, `${d.matching} match`, `${d.matching} match, ${d.differing} differ, ${d.missing} missing`)}.</p>`);
    if (d.worstFields.length) sections.push('<h3>Worst fields</h3>', table(['Table', 'Field', 'Differs', 'Missing'], d.worstFields.slice(0, 20).map((w) => [w.table, w.field, w.differs, w.missing])));
    const rows = report.differences.flatMap((rec) => rec.fields.filter((f) => f.status !== 'match').map((f) => [rec.sourceKey, rec.table, f.field, f.expected, f.actual, f.status]));
    if (rows.length) {
      sections.push('<h3>Differences</h3>', table(['Record', 'Table', 'Field', 'Expected', 'Actual', 'Status'], rows.slice(0, MAX_DIFF_ROWS)));
      if (rows.length > MAX_DIFF_ROWS) sections.push(`<p>… ${rows.length - MAX_DIFF_ROWS} more in diffs.csv.</p>`);
    }
  }

  sections.push('<h2>Errors by rule</h2>');
  if (!report.errors.length) sections.push('<p class="good">No errors.</p>');
  for (const group of report.errors) {
    sections.push(`<h3>${escapeHtml(group.code)} — ${group.count}</h3>`);
    sections.push(table(['Record', 'Table', 'Message'], group.examples.map((e) => [e.sourceKey, e.table, e.message])));
  }
  sections.push('<h2>Loaded with warnings</h2>');
  if (!report.warnings.length) sections.push('<p class="good">Every loaded record loaded whole.</p>');
  else sections.push('<p>These records loaded, but without a field the map could not convert. The full source value stays in staging, and in the row\'s source snapshot where it fits.</p>');
  for (const group of report.warnings) {
    sections.push(`<h3>${escapeHtml(group.code)} — ${group.count}</h3>`);
    sections.push(table(['Record', 'Message'], group.examples.map((e) => [e.sourceKey, e.message])));
  }
  sections.push(`<p><small>Generated ${escapeHtml(report.generatedAt)} by Lexbridge. Full data: report.json, counts.csv, errors.csv, diffs.csv.</small></p>`);

  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Lexbridge run ${escapeHtml(r.runId)}</title><style>${STYLE}</style></head><body>${sections.join('\n')}</body></html>\n`;
}
