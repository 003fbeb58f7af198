/**
 * The indicators as a self-contained, printable HTML page: a title block (authorities, period), then
 * per group a table of the indicators with their values in their units, and SVG charts drawn here on
 * the server by ECharts' SSR renderer (a line per indicator with a series, bars per breakdown). No
 * script, no external asset: the file opens anywhere, prints to PDF, and can be mailed. Every text
 * that comes from data (rule ids, filers, offices, even the catalogue's words) is escaped. Pure: an
 * IndicatorReport in, a string out.
 */
import { createRequire } from 'node:module';
import type * as EChartsModule from 'echarts';
import type { EChartsOption } from 'echarts';
import type { IndicatorReport, IndicatorValue } from './indicator.service.ts';
import { INDICATOR_GROUPS } from './indicator.catalogue.ts';
import { formatDuration, formatPercent, formatValue, groupTitle } from './indicator.format.ts';

export interface IndicatorReportHtmlOptions {
  /** When the figures were read; shown in the title block when given (the renderer has no clock). */
  readonly generatedAt?: Date | undefined;
  /** Where they were read from (a server's address); shown when given. */
  readonly source?: string | undefined;
}

/**
 * Chart sizes in CSS pixels: a breakdown takes an A4 page's width between 15 mm margins, series
 * charts go two to a row (small multiples of one period axis).
 */
const WIDE = 680;
const NARROW = 332;
const SERIES_HEIGHT = 180;
/** Bars drawn per breakdown chart; the table under it lists every key. */
const MAX_BARS = 25;
const MIN_BREAKDOWN_HEIGHT = 120;

let echartsModule: typeof EChartsModule | undefined;
/**
 * ECharts, loaded on the first chart: its one-file CommonJS build loads in a third of a second, its
 * ES module build (a thousand files) in over two, and only `vigil report` needs it.
 */
function echarts(): typeof EChartsModule {
  echartsModule ??= createRequire(import.meta.url)('echarts') as typeof EChartsModule;
  return echartsModule;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or an attribute value made inert in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * ECharts reads `{style|text}` in labels as rich-text markup; a key from data is shown as it is
 * (braces replaced by look-alikes), and cut to a length a chart axis can hold.
 */
function chartLabel(s: string): string {
  const plain = s === '' ? '(none)' : s.replace(/\{/g, '❴').replace(/\}/g, '❵');
  return plain.length > 40 ? `${plain.slice(0, 39)}…` : plain;
}

/** An axis label in the indicator's unit. */
function axisFormatter(unit: string): (v: number) => string {
  switch (unit) {
    case 'ratio':
      return formatPercent;
    case 'ms':
      return formatDuration;
    case 'eur':
      return (v) => `€${v >= 1000 ? `${Number((v / 1000).toFixed(1))}k` : String(v)}`;
    default:
      return (v) => (Math.abs(v) >= 10_000 ? `${Number((v / 1000).toFixed(1))}k` : String(v));
  }
}

function svgChart(option: EChartsOption, width: number, height: number): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: 'Helvetica, Arial, sans-serif' },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The first day of the period holding `day`, as PostgreSQL's date_trunc (weeks from Monday). */
function periodStart(day: Date, period: string): Date {
  const y = day.getUTCFullYear();
  const m = day.getUTCMonth();
  switch (period) {
    case 'week':
      return new Date(Date.UTC(y, m, day.getUTCDate() - ((day.getUTCDay() + 6) % 7)));
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
    default:
      return new Date(Date.UTC(y, m, day.getUTCDate()));
  }
}

/**
 * Every period of [from, to): the API answers only the periods with facts, and a chart whose axis
 * stopped at the last busy day would hide the quiet ones. A count is 0 in a period without facts;
 * anything else (a rate, a median) has no value there.
 */
export function fillPeriods(
  points: readonly { period: string; value: number | null }[],
  from: string,
  to: string,
  period: string,
  unit: string,
): { period: string; value: number | null }[] {
  const end = Date.parse(`${to}T00:00:00Z`);
  const known = new Map(points.map((p) => [p.period, p.value]));
  const out: { period: string; value: number | null }[] = [];
  let day = new Date(`${from}T00:00:00Z`);
  // Bounded by the API's ten years of days, whatever the input.
  for (let n = 0; day.getTime() < end && n < 4000; n++) {
    const key = periodStart(day, period).toISOString().slice(0, 10);
    if (out[out.length - 1]?.period !== key) {
      out.push({ period: key, value: known.has(key) ? known.get(key)! : unit === 'count' ? 0 : null });
    }
    day = new Date(day.getTime() + 86_400_000);
  }
  // A period the API answered that the walk did not produce (a server of another calendar) still shows.
  for (const p of points) {
    if (!out.some((o) => o.period === p.period)) {
      out.push(p);
    }
  }
  return out.sort((a, b) => a.period.localeCompare(b.period));
}

/** Durations are drawn in one unit chosen by the largest, so the axis ticks are round numbers of it. */
const DURATION_SCALES: readonly { readonly ms: number; readonly suffix: string }[] = [
  { ms: 86_400_000, suffix: 'days' },
  { ms: 3_600_000, suffix: 'h' },
  { ms: 60_000, suffix: 'min' },
  { ms: 1000, suffix: 's' },
  { ms: 1, suffix: 'ms' },
];

function seriesChart(points: readonly { period: string; value: number | null }[], unit: string): string {
  const largest = Math.max(0, ...points.map((p) => p.value ?? 0));
  const scale =
    unit === 'ms' ? (DURATION_SCALES.find((x) => largest >= 2 * x.ms) ?? DURATION_SCALES.at(-1)!) : undefined;
  const formatter =
    scale !== undefined
      ? (v: number): string => `${Number(v.toFixed(2))} ${scale.suffix}`
      : axisFormatter(unit);
  return svgChart(
    {
      grid: { left: 8, right: 16, top: 12, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: points.map((p) => p.period),
        axisLabel: { hideOverlap: true, fontSize: 10 },
      },
      yAxis: {
        type: 'value',
        min: 0,
        // Counts and durations in their display unit have no fractional ticks worth drawing.
        ...(unit === 'count' || scale !== undefined ? { minInterval: 1 } : {}),
        axisLabel: { formatter, fontSize: 10 },
      },
      series: [
        {
          type: 'line',
          data: points.map((p) => (p.value === null ? '-' : p.value / (scale?.ms ?? 1))),
          showSymbol: points.length <= 31,
          symbolSize: 4,
          lineStyle: { width: 2 },
          areaStyle: { opacity: 0.08 },
        },
      ],
    },
    NARROW,
    SERIES_HEIGHT,
  );
}

function sortedItems(i: IndicatorValue): { key: string; value: number | null }[] {
  return [...(i.breakdown?.items ?? [])].sort(
    (a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.key.localeCompare(b.key),
  );
}

function breakdownChart(i: IndicatorValue): string {
  const items = sortedItems(i).slice(0, MAX_BARS);
  const format = axisFormatter(i.unit);
  return svgChart(
    {
      grid: { left: 8, right: 72, top: 8, bottom: 28, containLabel: true },
      xAxis: { type: 'value', min: 0, axisLabel: { formatter: format, hideOverlap: true } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: items.map((x) => chartLabel(x.key)),
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          data: items.map((x) => x.value ?? 0),
          barMaxWidth: 18,
          label: {
            show: true,
            position: 'right',
            formatter: (p: { value?: unknown }) => formatValue(Number(p.value), i.unit),
          },
        },
      ],
    },
    WIDE,
    // A bar per key, and room for the value axis even with one or two keys.
    Math.max(MIN_BREAKDOWN_HEIGHT, 48 + 24 * items.length),
  );
}

const PERIOD_WORDS: Readonly<Record<string, string>> = {
  day: 'per day',
  week: 'per week (from Monday)',
  month: 'per month',
  quarter: 'per quarter',
  year: 'per year',
};

/** [from, to) as the first and last day, and how many days. */
function periodText(from: string, to: string): string {
  const last = new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
  return `${from} to ${last} (${days} day${days === 1 ? '' : 's'}, UTC)`;
}

function hasSeries(i: IndicatorValue): boolean {
  return (i.series ?? []).some((p) => p.value !== null);
}

function hasBreakdown(i: IndicatorValue): boolean {
  return (i.breakdown?.items ?? []).length > 0;
}

/** The value cell: the value in its unit, with percentiles, the breakdown named, or why there is none. */
function valueCell(i: IndicatorValue): string {
  if (i.unavailable !== undefined) {
    return `<span class="na">not available</span>`;
  }
  const parts: string[] = [];
  if (i.value === null && hasBreakdown(i)) {
    parts.push(`<span class="by">by ${escapeHtml(i.breakdown?.by ?? '')}</span>`);
  } else {
    parts.push(`<span class="value">${escapeHtml(formatValue(i.value, i.unit))}</span>`);
  }
  if (i.percentiles !== undefined && i.percentiles !== null) {
    const p = i.percentiles;
    parts.push(
      `<span class="sub">median · p90 ${escapeHtml(formatDuration(p.p90))} · p99 ${escapeHtml(formatDuration(p.p99))} · n = ${escapeHtml(formatValue(p.count, 'count'))}</span>`,
    );
  } else if (i.percentiles === null) {
    parts.push('<span class="sub">no durations in the period</span>');
  }
  if (i.value !== null && hasBreakdown(i)) {
    parts.push(`<span class="sub">in all; by ${escapeHtml(i.breakdown!.by)} in the chart</span>`);
  }
  return parts.join('');
}

function rulesList(i: IndicatorValue): string {
  if (i.rules === undefined || i.rules.length === 0) {
    return '';
  }
  const items = i.rules.map(
    (r) =>
      `<li><code>${escapeHtml(r.id)}</code>${r.title !== r.id ? ` ${escapeHtml(r.title)}` : ''} · ${escapeHtml(
        formatValue(r.hits, 'count'),
      )} hit${r.hits === 1 ? '' : 's'}${
        r.hitRate !== undefined && r.hitRate !== null ? ` (${escapeHtml(formatPercent(r.hitRate))})` : ''
      }</li>`,
  );
  return `<ul class="rules">${items.join('')}</ul>`;
}

function indicatorRow(i: IndicatorValue): string {
  const id = escapeHtml(i.id);
  return `<tr id="${id}">
<td class="id">${id}</td>
<td><strong>${escapeHtml(i.title)}</strong><p class="def">${escapeHtml(i.definition)}</p>${
    i.unavailable !== undefined ? `<p class="def na">${escapeHtml(i.unavailable)}</p>` : ''
  }<p class="formula"><code>${escapeHtml(i.formula)}</code></p>${rulesList(i)}</td>
<td class="num">${valueCell(i)}</td>
</tr>`;
}

function seriesFigure(i: IndicatorValue, report: IndicatorReport): string {
  const period = report.period ?? 'day';
  const points = fillPeriods(i.series ?? [], report.from, report.to, period, i.unit);
  const what = i.percentiles !== undefined ? ', median' : '';
  return `<figure class="chart series" data-indicator="${escapeHtml(i.id)}" data-kind="series">
<figcaption><span class="id">${escapeHtml(i.id)}</span> ${escapeHtml(i.title + what)}</figcaption>
${seriesChart(points, i.unit)}
</figure>`;
}

/** Whether a title already says what it is broken down by ("Seizures by category"). */
function saysBy(title: string, by: string): boolean {
  return title.toLowerCase().includes(by.replaceAll('-', ' '));
}

function breakdownFigure(i: IndicatorValue): string {
  const items = sortedItems(i);
  const by = i.breakdown!.by;
  const caption =
    (saysBy(i.title, by) ? i.title : `${i.title}, by ${by}`) +
    (items.length > MAX_BARS ? ` (the ${MAX_BARS} largest of ${items.length}; all in the table)` : '');
  // Bars carry their values; a table is added only for the keys the chart leaves out.
  const table =
    items.length > MAX_BARS
      ? `<table class="breakdown"><thead><tr><th scope="col">${escapeHtml(by)}</th><th scope="col" class="num">value</th></tr></thead><tbody>${items
          .map(
            (x) =>
              `<tr><td>${escapeHtml(x.key === '' ? '(none)' : x.key)}</td><td class="num">${escapeHtml(formatValue(x.value, i.unit))}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '';
  return `<figure class="chart breakdown" data-indicator="${escapeHtml(i.id)}" data-kind="breakdown">
<figcaption><span class="id">${escapeHtml(i.id)}</span> ${escapeHtml(caption)}</figcaption>
${breakdownChart(i)}
${table}
</figure>`;
}

/**
 * The per-rule indicators side by side, one row per rule: how a criterion performs reads across a
 * row (hits, confirmed, controls, positives, false positives, yield), not across six charts.
 */
function perRuleTable(members: readonly IndicatorValue[]): string {
  const columns = members.filter((i) => i.breakdown?.by === 'rule' && hasBreakdown(i));
  if (columns.length < 2) {
    return '';
  }
  const values = new Map(
    columns.map((c) => [c.id, new Map(c.breakdown!.items.map((x) => [x.key, x.value]))]),
  );
  const rules = [...new Set(columns.flatMap((c) => c.breakdown!.items.map((x) => x.key)))].sort();
  const head = columns
    .map((c) => `<th scope="col" class="num" title="${escapeHtml(c.title)}">${escapeHtml(c.id)}</th>`)
    .join('');
  const rows = rules
    .map(
      (r) =>
        `<tr><th scope="row"><code>${escapeHtml(r === '' ? '(none)' : r)}</code></th>${columns
          .map((c) => {
            // A rule missing from a count's breakdown had none of it; a rate without data has no value.
            const v = values.get(c.id)!.get(r) ?? (c.unit === 'count' ? 0 : null);
            return `<td class="num">${escapeHtml(formatValue(v, c.unit))}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const legend = columns.map((c) => `${escapeHtml(c.id)} ${escapeHtml(c.title.toLowerCase())}`).join(' · ');
  return `<table class="per-rule">
<caption>Per rule: ${legend}</caption>
<thead><tr><th scope="col">rule</th>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function groupSection(group: string, members: readonly IndicatorValue[], report: IndicatorReport): string {
  const series = members.filter(hasSeries).map((i) => seriesFigure(i, report));
  const breakdowns = members.filter(hasBreakdown).map(breakdownFigure);
  const empty = members
    .filter((i) => i.unavailable === undefined && !hasSeries(i) && !hasBreakdown(i) && i.value === null)
    .map((i) => escapeHtml(i.id));
  return `<section class="group" id="group-${escapeHtml(group)}">
<h2>${escapeHtml(groupTitle(group))}</h2>
<table class="indicators">
<thead><tr><th scope="col">id</th><th scope="col">indicator</th><th scope="col" class="num">value</th></tr></thead>
<tbody>
${members.map(indicatorRow).join('\n')}
</tbody>
</table>
${series.length > 0 ? `<div class="series-grid">\n${series.join('\n')}\n</div>` : ''}
${perRuleTable(members)}
${breakdowns.join('\n')}
${empty.length > 0 ? `<p class="note">No data in the period for ${empty.join(', ')}.</p>` : ''}
</section>`;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #1d2433; margin: 0 auto; max-width: 760px; padding: 24px; }
header.title { border-bottom: 3px solid #1f4e8c; padding-bottom: 12px; margin-bottom: 8px; }
.brand { color: #1f4e8c; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; font-size: 11px; margin: 0; }
h1 { font-size: 24px; margin: 4px 0 12px; }
h2 { font-size: 18px; color: #1f4e8c; border-bottom: 1px solid #c8d3e3; padding-bottom: 4px; margin: 28px 0 10px; break-after: avoid; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.meta dt { color: #5b6578; }
dl.meta dd { margin: 0; font-weight: 600; }
nav ol { columns: 2; margin: 12px 0 0; padding-left: 20px; }
nav a { color: #1f4e8c; text-decoration: none; }
table { border-collapse: collapse; width: 100%; }
table.indicators th, table.indicators td { border-bottom: 1px solid #e1e6ee; padding: 6px 6px; vertical-align: top; text-align: left; }
table.indicators thead th, table.breakdown thead th { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: #5b6578; }
tr { break-inside: avoid; }
td.id, span.id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; color: #1f4e8c; white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
table.indicators td.num { width: 11em; }
.value { font-size: 16px; font-weight: 700; }
.sub, .by { display: block; font-size: 11px; color: #5b6578; white-space: normal; }
.by { font-size: 13px; }
.na { color: #8a5a00; }
p.def { margin: 2px 0; color: #3b4456; font-size: 12.5px; }
p.formula { margin: 2px 0; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11.5px; background: #f1f4f9; padding: 0 3px; border-radius: 2px; overflow-wrap: anywhere; }
ul.rules { margin: 4px 0 0; padding-left: 18px; font-size: 12px; }
.series-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; margin-top: 12px; }
figure.chart { margin: 12px 0; break-inside: avoid; }
.series-grid figure.chart { margin: 0; }
figure.chart figcaption { font-weight: 600; margin-bottom: 2px; font-size: 12.5px; }
table.per-rule { font-size: 12px; margin: 16px 0; }
table.per-rule caption { text-align: left; font-size: 12px; color: #5b6578; padding-bottom: 4px; }
table.per-rule th, table.per-rule td { border-bottom: 1px solid #eef1f6; padding: 2px 6px; text-align: left; }
table.per-rule td.num, table.per-rule th.num { text-align: right; }
table.per-rule code { overflow-wrap: normal; white-space: nowrap; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
table.breakdown { font-size: 12px; margin-top: 4px; }
table.breakdown td, table.breakdown th { border-bottom: 1px solid #eef1f6; padding: 2px 6px; text-align: left; }
table.breakdown td.num, table.breakdown th.num { text-align: right; }
p.note { color: #5b6578; font-size: 12px; }
footer { margin-top: 32px; border-top: 1px solid #c8d3e3; padding-top: 8px; color: #5b6578; font-size: 11.5px; }
@page { size: A4; margin: 15mm; }
@media print {
  body { padding: 0; max-width: none; }
  nav { display: none; }
  a { color: inherit; }
}
`;

export function renderIndicatorReport(
  report: IndicatorReport,
  options: IndicatorReportHtmlOptions = {},
): string {
  const authorities = report.authorities.join(', ');
  const known = new Set<string>(INDICATOR_GROUPS);
  // Groups in the catalogue's order; a group a newer server adds comes after them, not lost.
  const groups = [
    ...INDICATOR_GROUPS,
    ...new Set(report.indicators.map((i) => i.group).filter((g) => !known.has(g))),
  ].filter((g) => report.indicators.some((i) => i.group === g));
  const meta: [string, string][] = [
    [report.authorities.length === 1 ? 'Authority' : 'Authorities', authorities],
    ['Period', periodText(report.from, report.to)],
    [
      'Series',
      report.period === null ? 'none (totals only)' : (PERIOD_WORDS[report.period] ?? report.period),
    ],
  ];
  if (report.by !== null) {
    meta.push(['Breakdown', `by ${report.by}`]);
  }
  if (options.generatedAt !== undefined) {
    meta.push(['Generated', `${options.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`]);
  }
  if (options.source !== undefined) {
    meta.push(['Source', options.source]);
  }
  const title = `Performance indicators · ${authorities} · ${report.from} to ${report.to}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="title">
<p class="brand">Vigil · customs risk management</p>
<h1>Performance indicators of risk management</h1>
<dl class="meta">
${meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}
</dl>
<nav><ol>
${groups.map((g) => `<li><a href="#group-${escapeHtml(g)}">${escapeHtml(groupTitle(g))}</a></li>`).join('\n')}
</ol></nav>
</header>
<main>
${groups
  .map((g) =>
    groupSection(
      g,
      report.indicators.filter((i) => i.group === g),
      report,
    ),
  )
  .join('\n')}
</main>
<footer>
<p>Ratios are shown as percentages; durations are medians (p50) with p90 and p99, read from histograms and at most 26% above the true value. Each fact counts on its own day (a control and its result on the day the control was decided). Definitions and formulas: docs/indicators.md. Written by <code>vigil report</code>.</p>
</footer>
</body>
</html>
`;
}
