/**
 * The bench results as one self-contained HTML page with inline SVG charts (no scripts, no
 * external files), written next to the JSON: each ratio against its goal, and how time and
 * memory grow with size. `npx tsx scripts/bench/report.ts bench/results/<date>.json` re-renders one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchResult } from './harness';

export interface BenchFile {
  at: string;
  quick: boolean;
  machine: Record<string, unknown>;
  results: BenchResult[];
}

interface Bar {
  label: string;
  value: number;
  goal: number;
  /** true: higher is better (goal is a floor); false: the goal is a ceiling. */
  higherIsBetter: boolean;
  unit?: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function field(results: readonly BenchResult[], scenario: string, name: string): number | undefined {
  const r = results.find((x) => x.scenario === scenario) as unknown as Record<string, unknown> | undefined;
  return r ? num(r[name]) : undefined;
}

/** Horizontal bars, each with its goal drawn as a line; green when the goal is met. */
function barChart(bars: readonly Bar[]): string {
  const width = 640;
  const rowH = 34;
  const left = 190;
  const plot = width - left - 90;
  const max = Math.max(...bars.map((b) => Math.max(b.value, b.goal))) * 1.1 || 1;
  const x = (v: number) => left + (v / max) * plot;
  const rows = bars.map((b, i) => {
    const y = 10 + i * rowH;
    const met = b.higherIsBetter ? b.value >= b.goal : b.value <= b.goal;
    return [
      `<text x="${left - 8}" y="${y + 17}" text-anchor="end">${escape(b.label)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(b.value) - left).toFixed(1)}" height="18" fill="${met ? '#2e7d32' : '#c62828'}"/>`,
      `<line x1="${x(b.goal).toFixed(1)}" x2="${x(b.goal).toFixed(1)}" y1="${y}" y2="${y + 26}" stroke="#000" stroke-dasharray="3,2"/>`,
      `<text x="${(x(b.value) + 6).toFixed(1)}" y="${y + 17}">${b.value}${b.unit ?? ''} (goal ${b.higherIsBetter ? '≥' : '≤'} ${b.goal})</text>`,
    ].join('');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${20 + bars.length * rowH}" font-family="sans-serif" font-size="12" role="img">${rows.join('')}</svg>`;
}

/** Seconds and peak RSS against records, with the linear extrapolation from the smallest size dashed. */
function scaleChart(sizes: readonly { records: number; seconds: number; peakRssMb: number }[]): string {
  if (sizes.length < 2) return '';
  const w = 640;
  const h = 260;
  const pad = 50;
  const maxX = Math.max(...sizes.map((s) => s.records));
  const first = sizes[0]!;
  const linear = (r: number) => (first.seconds * r) / first.records;
  const maxY = Math.max(...sizes.map((s) => Math.max(s.seconds, linear(s.records)))) * 1.1;
  const maxM = Math.max(...sizes.map((s) => s.peakRssMb), 512) * 1.1;
  const px = (r: number) => pad + (r / maxX) * (w - 2 * pad);
  const py = (v: number, m: number) => h - pad + -(v / m) * (h - 2 * pad);
  const path = (pts: [number, number][]) => pts.map(([a, b], i) => `${i ? 'L' : 'M'}${a.toFixed(1)},${b.toFixed(1)}`).join(' ');
  const time = path(sizes.map((s) => [px(s.records), py(s.seconds, maxY)]));
  const lin = path([[px(0), py(0, maxY)], [px(maxX), py(linear(maxX), maxY)]]);
  const rss = path(sizes.map((s) => [px(s.records), py(s.peakRssMb, maxM)]));
  const labels = sizes
    .map((s) => `<text x="${px(s.records).toFixed(1)}" y="${h - pad + 16}" text-anchor="middle">${s.records.toLocaleString('en')}</text><circle cx="${px(s.records).toFixed(1)}" cy="${py(s.seconds, maxY).toFixed(1)}" r="3" fill="#1565c0"/>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12" role="img">` +
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#000"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#000"/>` +
    `<path d="${lin}" stroke="#999" stroke-dasharray="4,3" fill="none"/><path d="${time}" stroke="#1565c0" stroke-width="2" fill="none"/>` +
    `<path d="${rss}" stroke="#ef6c00" stroke-width="2" fill="none"/>` +
    `<line x1="${pad}" x2="${w - pad}" y1="${py(512, maxM).toFixed(1)}" y2="${py(512, maxM).toFixed(1)}" stroke="#ef6c00" stroke-dasharray="2,2"/>` +
    `${labels}<text x="${pad}" y="${pad - 12}" fill="#1565c0">seconds (dashed grey: linear from the smallest size; max ${maxY.toFixed(0)} s)</text>` +
    `<text x="${w - pad}" y="${pad - 12}" fill="#ef6c00" text-anchor="end">peak RSS MB (dotted: 512 MB)</text><text x="${w / 2}" y="${h - 10}" text-anchor="middle">source records</text></svg>`
  );
}

export function renderBenchReport(file: BenchFile): string {
  const r = file.results;
  const ratios: Bar[] = [];
  const add = (label: string, value: number | undefined, goal: number, higherIsBetter: boolean, unit?: string) => {
    if (value !== undefined) ratios.push({ label, value, goal, higherIsBetter, ...(unit ? { unit } : {}) });
  };
  add('load ÷ ceiling', field(r, 'load', 'ratioToCeiling'), 0.9, true);
  add('extract ÷ bound', field(r, 'extract', 'ratioToBound'), 1.05, false);
  add('scale growth', field(r, 'scale', 'growth'), 1.1, false);
  add('verify ÷ load', field(r, 'verify', 'ratioToLoad'), 1, false);
  add('rollback ÷ load', field(r, 'rollback', 'ratioToLoad'), 1, false);
  const speed: Bar[] = [];
  const naive = field(r, 'load', 'ratioToNaive');
  if (naive !== undefined) speed.push({ label: 'load ÷ naive client', value: naive, goal: 20, higherIsBetter: true, unit: '×' });
  const transform = field(r, 'transform', 'recordsPerSecond');
  if (transform !== undefined) speed.push({ label: 'transform (k records/s)', value: Math.round(transform / 1000), goal: 100, higherIsBetter: true, unit: 'k' });
  const scale = r.find((x) => x.scenario === 'scale') as unknown as { sizes?: { records: number; seconds: number; peakRssMb: number }[] } | undefined;
  const rows = r
    .map((x) => {
      const cells = Object.entries(x as unknown as Record<string, unknown>)
        .filter(([k]) => k !== 'scenario')
        .map(([k, v]) => `${escape(k)}: ${escape(typeof v === 'object' ? JSON.stringify(v) : String(v))}`)
        .join('<br>');
      return `<tr><th>${escape(x.scenario)}</th><td>${cells}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lexbridge bench ${escape(file.at)}</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top;font-size:13px}</style></head><body>
<h1>Lexbridge benchmarks${file.quick ? ' (quick)' : ''}</h1>
<p>${escape(file.at)} · ${escape(JSON.stringify(file.machine))}</p>
<h2>Ratios against their goals</h2>${ratios.length ? barChart(ratios) : '<p>none measured</p>'}
<h2>Speed</h2>${speed.length ? barChart(speed) : '<p>none measured</p>'}
${scale?.sizes ? `<h2>Scale: time and peak memory by size</h2>${scaleChart(scale.sizes)}` : ''}
<h2>All measures</h2><table>${rows}</table>
<p>How each figure is computed: docs/performance.md.</p></body></html>
`;
}

export function writeBenchReport(jsonFile: string): string {
  const html = jsonFile.replace(/\.json$/, '.html');
  writeFileSync(html, renderBenchReport(JSON.parse(readFileSync(jsonFile, 'utf8')) as BenchFile));
  return html;
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('Usage: npx tsx scripts/bench/report.ts bench/results/<date>.json');
    process.exitCode = 2;
  } else console.log(writeBenchReport(file));
}
