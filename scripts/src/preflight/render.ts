/**
 * The pre-flight report as JSON (everything), CSV (one row per finding, formula cells
 * neutralised) and one self-contained HTML page (inline CSS, no scripts, every source text
 * escaped). Escaping comes from the run report's helpers, so both reports neutralise alike.
 */
import { toCsv } from '../reports/csv';
import { escapeHtml } from '../reports/html';
import type { PreflightReport } from './checks';
import { formatFindingLocation, type Finding } from './findings';

/** What `--json` prints: the verdict and the findings, nothing else. */
export function findingsJson(report: PreflightReport): { blocking: number; findings: Finding[] } {
  return { blocking: report.blocking, findings: report.findings };
}

export function renderCsv(report: PreflightReport): string {
  const rows = report.findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    sourceKey: f.sourceKey ?? '',
    location: formatFindingLocation(f.location),
    message: f.message,
    fix: f.fix,
  }));
  return toCsv(rows, ['rule', 'severity', 'sourceKey', 'location', 'message', 'fix']);
}

const e = escapeHtml;

export function renderHtml(report: PreflightReport, generatedAt: string): string {
  const byRule = new Map<string, { severity: string; count: number }>();
  for (const f of report.findings) {
    const hit = byRule.get(f.rule);
    if (hit) hit.count++;
    else byRule.set(f.rule, { severity: f.severity, count: 1 });
  }
  const estimates = Object.values(report.estimates).filter((x): x is Exclude<typeof x, number> => typeof x === 'object');
  const verdict = report.blocking
    ? `<p class="verdict blocking">${report.blocking} blocking finding(s): fix them before any record moves.</p>`
    : '<p class="verdict ok">No blocking findings.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lexbridge pre-flight — ${e(report.profile.name)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;margin:1rem 0;width:100%}
th,td{border:1px solid #d0d0d0;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
.verdict{font-weight:600;padding:.5rem 1rem}.blocking{background:#fde7e9;color:#a4262c}.ok{background:#dff6dd;color:#107c10}
.sev-blocking{color:#a4262c;font-weight:600}.sev-warning{color:#8a5a00}.sev-info{color:#555}.grade{font-size:2rem;font-weight:700}
code{font-size:12px}
</style></head><body>
<h1>Pre-flight: ${e(report.profile.name)} v${e(report.profile.version)} (${e(report.profile.status)})</h1>
<p>Source <code>${e(report.source)}</code> · generated ${e(generatedAt)} · profile hash <code>${e(report.profile.hash ?? '')}</code></p>
${verdict}
<h2>Complexity</h2>
<p><span class="grade">${e(report.grade.overall)}</span> ${e(report.grade.label)}</p>
<table><tr><th>Dimension</th><th>Grade</th><th>Why</th></tr>
${report.grade.dimensions.map((d) => `<tr><td>${e(d.name)}</td><td>${e(d.grade)}</td><td>${e(d.why)}</td></tr>`).join('\n')}
</table>
<h2>Estimates</h2>
<table><tr><th>Estimate</th><th>Value</th><th>Formula</th></tr>
${estimates.map((x) => `<tr><td>${e(x.name)}</td><td>${e(x.value.toLocaleString('en-US'))} ${e(x.unit)}</td><td><code>${e(x.formula)}</code></td></tr>`).join('\n')}
</table>
<h2>Records and rows</h2>
<table><tr><th>Source records</th><th>Count</th></tr>${Object.entries(report.records).map(([k, v]) => `<tr><td>${e(k)}</td><td>${e(v)}</td></tr>`).join('')}</table>
<table><tr><th>Dynamics rows</th><th>Count</th></tr>${Object.entries(report.rows).map(([k, v]) => `<tr><td>${e(k)}</td><td>${e(v)}</td></tr>`).join('')}</table>
<p>Users: ${e(report.users.matched)} matched (by email; by name where the source has no email), ${e(report.users.unmatched)} unmatched, ${e(report.users.disabled)} disabled${report.users.fallbackOwner ? `; fallback owner ${e(report.users.fallbackOwner)}` : ''}.</p>
<h2>Findings by rule</h2>
<table><tr><th>Rule</th><th>Severity</th><th>Count</th></tr>
${[...byRule].map(([rule, { severity, count }]) => `<tr><td>${e(rule)}</td><td class="sev-${e(severity)}">${e(severity)}</td><td>${e(count)}</td></tr>`).join('\n')}
</table>
<h2>Findings</h2>
<table><tr><th>Severity</th><th>Rule</th><th>Where</th><th>What</th><th>Fix</th></tr>
${report.findings.map((f) => `<tr><td class="sev-${e(f.severity)}">${e(f.severity)}</td><td>${e(f.rule)}</td><td>${e(formatFindingLocation(f.location))}</td><td>${e(f.message)}</td><td>${e(f.fix)}</td></tr>`).join('\n')}
</table>
</body></html>
`;
}
