/**
 * An operation's report in CSV and HTML (the JSON is the report object itself). The HTML is one
 * self-contained, printable page (no script, no outside resource): the operation (objective, scope,
 * window, participants), a server-drawn SVG bar chart of each participant's hits, controls and
 * seizures, and the pooled figures per participant and in total. Every text from the operation is
 * escaped.
 */
import type { OperationReport, ParticipantFigures } from './operation.schema.ts';

type Row = Omit<ParticipantFigures, 'authority' | 'state'> & { authority: string; state: string };

const RESULT_KINDS = ['no-irregularity', 'irregularity', 'seizure'] as const;

function rowsOf(report: OperationReport): Row[] {
  return [...report.results.participants, { ...report.results.total, authority: 'TOTAL', state: '' }];
}

const pairs = (m: Readonly<Record<string, number>>): string =>
  Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k]}`)
    .join(';');

const seizureText = (r: Row): string =>
  r.seizures.map((s) => `${s.category}:${s.count}x${s.quantity}${s.unit}`).join(';');

function csvField(v: string | number): string {
  const s = String(v);
  // A leading =, +, - or @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const REPORT_CSV_HEADER =
  'report,operation,participant,state,screened,hit_consignments,hits_by_criterion,controls,controls_by_type,' +
  'no_irregularity,irregularity,seizure,seizures,duty_at_stake,tax_at_stake';

/** One line per participant and a TOTAL line. */
export function reportCsv(report: OperationReport): string {
  const lines = [REPORT_CSV_HEADER];
  for (const r of rowsOf(report)) {
    lines.push(
      [
        report.kind,
        report.operation.id,
        r.authority,
        r.state,
        r.screened,
        r.hitConsignments,
        pairs(r.hitsByCriterion),
        r.controls,
        pairs(r.controlsByType),
        ...RESULT_KINDS.map((k) => r.results[k] ?? 0),
        seizureText(r),
        r.dutyAtStake,
        r.taxAtStake,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const SERIES = [
  { key: 'hits', label: 'consignments hit', colour: '#1f5fa8' },
  { key: 'controls', label: 'controls', colour: '#e08a00' },
  { key: 'seizures', label: 'seizures', colour: '#b3261e' },
] as const;

/** A grouped bar chart: per participant, its hit consignments, controls and seizures. */
export function barChartSvg(participants: readonly ParticipantFigures[]): string {
  const values = participants.map((p) => ({
    authority: p.authority,
    hits: p.hitConsignments,
    controls: p.controls,
    seizures: p.results.seizure ?? 0,
  }));
  const max = Math.max(1, ...values.flatMap((v) => [v.hits, v.controls, v.seizures]));
  const bar = 18;
  const group = SERIES.length * bar + 24;
  const plotH = 180;
  const left = 40;
  const width = left + Math.max(1, values.length) * group + 20;
  const height = plotH + 70;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Hits, controls and seizures per participant">`,
    `<line x1="${left}" y1="${plotH + 10}" x2="${width - 10}" y2="${plotH + 10}" stroke="#444"/>`,
    `<text x="${left - 6}" y="16" text-anchor="end" font-size="11">${max}</text>`,
    `<text x="${left - 6}" y="${plotH + 10}" text-anchor="end" font-size="11">0</text>`,
  ];
  values.forEach((v, i) => {
    const x0 = left + 12 + i * group;
    SERIES.forEach((s, j) => {
      const n = v[s.key];
      const h = Math.round((n / max) * plotH);
      const x = x0 + j * bar;
      parts.push(
        `<rect x="${x}" y="${plotH + 10 - h}" width="${bar - 3}" height="${h}" fill="${s.colour}"><title>${escapeHtml(v.authority)}: ${n} ${s.label}</title></rect>`,
        `<text x="${x + (bar - 3) / 2}" y="${plotH + 6 - h}" text-anchor="middle" font-size="10">${n}</text>`,
      );
    });
    parts.push(
      `<text x="${x0 + (SERIES.length * bar) / 2}" y="${plotH + 28}" text-anchor="middle" font-size="12">${escapeHtml(v.authority)}</text>`,
    );
  });
  SERIES.forEach((s, j) => {
    const x = left + j * 130;
    parts.push(
      `<rect x="${x}" y="${plotH + 44}" width="12" height="12" fill="${s.colour}"/>`,
      `<text x="${x + 16}" y="${plotH + 54}" font-size="11">${s.label}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** The report as one printable HTML page. */
export function reportHtml(report: OperationReport): string {
  const op = report.operation;
  const e = escapeHtml;
  const title = `${report.kind === 'final' ? 'Final' : 'Interim'} report — ${op.kind.toUpperCase()} ${op.id}: ${op.title}`;
  const scope = [
    op.scope.goods !== undefined ? `goods ${op.scope.goods.join(', ')}` : '',
    op.scope.routeCountries !== undefined ? `routing through ${op.scope.routeCountries.join(', ')}` : '',
    op.scope.modes !== undefined ? `modes ${op.scope.modes.join(', ')}` : '',
    op.scope.offices !== undefined ? `offices ${op.scope.offices.join(', ')}` : '',
  ].filter((s) => s !== '');
  const rows = rowsOf(report)
    .map(
      (r) =>
        `<tr${r.authority === 'TOTAL' ? ' class="total"' : ''}><th scope="row">${e(r.authority)}</th><td>${e(r.state)}</td>` +
        `<td>${r.screened}</td><td>${r.hitConsignments}</td><td>${r.controls}</td>` +
        `<td>${e(pairs(r.controlsByType).replaceAll(';', ', '))}</td>` +
        RESULT_KINDS.map((k) => `<td>${r.results[k] ?? 0}</td>`).join('') +
        `<td>${e(r.seizures.map((s) => `${s.category}: ${s.count} (${s.quantity} ${s.unit})`).join(', '))}</td>` +
        `<td>${r.dutyAtStake.toFixed(2)}</td><td>${r.taxAtStake.toFixed(2)}</td></tr>`,
    )
    .join('\n');
  const participants = op.participants
    .map(
      (p) =>
        `<li>${e(p.authority)} — ${e(p.state)}${p.acceptedAt !== null ? ` (${e(p.acceptedAt)})` : ''}` +
        `${p.liaisonOfficers.length > 0 ? `; liaison: ${e(p.liaisonOfficers.map((l) => l.name).join(', '))}` : ''}</li>`,
    )
    .join('\n');
  const criteria = op.criteria
    .map((c) => `<li><strong>${e(c.id)}</strong> ${e(c.title)} — ${e(c.riskArea)}, weight ${c.weight}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${e(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #111; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { border: 1px solid #999; padding: 4px 6px; text-align: right; }
th[scope="row"], thead th { text-align: left; background: #f0f0f0; }
tr.total { font-weight: bold; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
dt { font-weight: bold; }
@media print { body { margin: 1cm; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
</style>
</head>
<body>
<h1>${e(title)}</h1>
<p>${report.kind === 'final' ? 'Final report after the operational phase' : 'Interim report'}; figures as of ${e(report.results.asOf)}. Aggregated figures only: no personal data.</p>
<h2>Introduction</h2>
<dl>
<dt>Coordinator</dt><dd>${e(op.coordinator)}</dd>
<dt>Objective</dt><dd>${e(op.objective)}</dd>
<dt>Scope</dt><dd>${e(scope.length > 0 ? scope.join('; ') : 'all traffic')}</dd>
<dt>Operational window</dt><dd>${e(op.start)} – ${e(op.end)} (interim review ${e(op.interimReview)})</dd>
<dt>Phase</dt><dd>${e(op.phase)}</dd>
</dl>
<h2>Participants</h2>
<ul>
${participants}
</ul>
<h2>Common criteria</h2>
<ul>
${criteria}
</ul>
<h2>Results per participant</h2>
${barChartSvg(report.results.participants)}
<table>
<thead><tr><th>Participant</th><th>State</th><th>Screened</th><th>Consignments hit</th><th>Controls</th><th>By type</th><th>No irregularity</th><th>Irregularity</th><th>Seizure</th><th>Seizures</th><th>Duty at stake (EUR)</th><th>Tax at stake (EUR)</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
