import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INDICATORS } from './indicator.catalogue.ts';
import type { IndicatorDefinition } from './indicator.catalogue.ts';
import { fillPeriods, renderIndicatorReport } from './indicator-report.html.ts';
import type { IndicatorReport, IndicatorValue } from './indicator.service.ts';

/** What a filer or an analyst could put in a name, a rule id or a remark, to break out of the page. */
const HOSTILE_RULE = '<img src=x onerror=alert(1)>';
const HOSTILE_FILER = '"><script>alert("filer")</script>';
const DAYS = ['2027-02-01', '2027-02-02', '2027-02-04'];

/** One value per catalogue entry, shaped as the service answers it (series, breakdowns, percentiles). */
function valueOf(d: IndicatorDefinition): IndicatorValue {
  const head = {
    id: d.id,
    group: d.group,
    title: d.title,
    definition: d.definition,
    formula: d.formula,
    unit: d.unit,
  };
  if (d.unavailable !== undefined) {
    return { ...head, value: null, unavailable: d.unavailable };
  }
  if (d.percentilesOf !== undefined) {
    return {
      ...head,
      value: 63_095_734,
      percentiles: { p50: 63_095_734, p90: 125_892_541, p99: 158_489_319, count: 31 },
      series: DAYS.map((period, n) => ({ period, value: 39_810_717 * (n + 1) })),
    };
  }
  if (d.id === 'CR-07') {
    return { ...head, value: 1, rules: [{ id: HOSTILE_RULE, title: 'never <b>hits</b>', hits: 0 }] };
  }
  if (d.by !== undefined) {
    const keys = d.by === 'rule' ? ['R-PHONES', HOSTILE_RULE] : ['first', 'second'];
    return {
      ...head,
      value: d.unit === 'ratio' ? null : 12,
      breakdown: {
        by: d.by,
        items: keys.map((key, n) => ({ key, value: d.unit === 'ratio' ? 0.25 * (n + 1) : 5 + n })),
      },
    };
  }
  const value = d.unit === 'ratio' ? 0.0933 : d.unit === 'eur' ? 5659.68 : 272;
  return {
    ...head,
    value,
    series: DAYS.map((period, n) => ({ period, value: n === 1 ? null : value * (n + 1) })),
    ...(d.id === 'DQ-02' ? { breakdown: { by: 'filer', items: [{ key: HOSTILE_FILER, value: 0.5 }] } } : {}),
  };
}

const REPORT: IndicatorReport = {
  authorities: ['BE', 'NL'],
  from: '2027-02-01',
  to: '2027-02-08',
  period: 'day',
  by: null,
  indicators: INDICATORS.map(valueOf),
};

let rendered: string | undefined;
/** The report of REPORT, rendered once for the tests that read it. */
const reportHtml = (): string => (rendered ??= renderIndicatorReport(REPORT));

/** The figure of one chart, by indicator and kind. */
function figure(html: string, id: string, kind: 'series' | 'breakdown'): string | undefined {
  const start = html.indexOf(`<figure class="chart ${kind}" data-indicator="${id}"`);
  return start < 0 ? undefined : html.slice(start, html.indexOf('</figure>', start));
}

test('every indicator of the catalogue is in the report, in its group, with its definition and formula', () => {
  const html = reportHtml();
  for (const d of INDICATORS) {
    const row = new RegExp(`<tr id="${d.id}">[\\s\\S]*?</tr>`).exec(html)?.[0];
    assert.ok(row !== undefined, `${d.id} has a row`);
    const sectionStart = html.lastIndexOf('<section class="group"', html.indexOf(`<tr id="${d.id}">`));
    assert.ok(
      html.startsWith(`<section class="group" id="group-${d.group}"`, sectionStart),
      `${d.id} in ${d.group}`,
    );
    assert.ok(row.includes(`<strong>${d.title.replaceAll('&', '&amp;')}</strong>`), `${d.id}: title`);
  }
  assert.match(html, /<dt>Authorities<\/dt><dd>BE, NL<\/dd>/);
  // `to` is exclusive: the last day shown is the day before.
  assert.match(html, /2027-02-01 to 2027-02-07 \(7 days, UTC\)/);
});

test('values are written in their units: ratios as %, durations in h, euro, counts', () => {
  const html = reportHtml();
  const cell = (id: string): string =>
    new RegExp(`<tr id="${id}">[\\s\\S]*?<td class="num">([\\s\\S]*?)</td>`).exec(html)![1]!;
  assert.match(cell('DQ-02'), />9\.3%</);
  assert.match(cell('DQ-01'), />272</);
  assert.match(cell('TG-08'), />€5,659\.68</);
  // 63,095,734 ms is 17.5 hours; p99 158,489,319 ms is 44 hours.
  assert.match(cell('TL-02'), />17\.5 h</);
  assert.match(cell('TL-02'), /p99 44 h/);
  assert.match(cell('TG-04'), /by method/, 'a share of its own breakdown has no total');
  assert.match(cell('TT-01'), /by segment/, 'AEO against the others: per operator segment');
});

test('an indicator Vigil cannot compute says so, and why', () => {
  const tt = REPORT.indicators.find((i) => i.id === 'TT-01')!;
  const html = renderIndicatorReport({
    ...REPORT,
    indicators: [{ ...tt, value: null, breakdown: undefined, unavailable: 'no AEO register here' }],
  });
  const row = /<tr id="TT-01">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
  assert.match(row, /not available/);
  assert.match(row, /no AEO register here/);
});

test('text from data is escaped everywhere, in tables and inside the SVG charts', () => {
  const html = reportHtml();
  for (const tag of [/<script/i, /<img/i, /<b>hits/]) {
    assert.equal(tag.exec(html), null, `${String(tag)} made it into the page`);
  }
  // The hostile rule id is shown, as text, in the table of rules never hitting and in the chart.
  assert.ok(html.includes('<code>&lt;img src=x onerror=alert(1)&gt;</code>'));
  const hits = figure(html, 'CR-01', 'breakdown');
  assert.ok(hits !== undefined);
  assert.ok(hits.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the SVG label is escaped text');
  const filers = figure(html, 'DQ-02', 'breakdown');
  assert.ok(filers !== undefined && filers.includes('&lt;script&gt;'), 'the filer is escaped in the chart');
});

test('a line chart per indicator with a series, a bar chart per breakdown, all self-contained SVG', () => {
  const html = reportHtml();
  for (const d of INDICATORS) {
    const v = REPORT.indicators.find((i) => i.id === d.id)!;
    const line = figure(html, d.id, 'series');
    const bars = figure(html, d.id, 'breakdown');
    assert.equal(line !== undefined, (v.series ?? []).length > 0, `${d.id}: line chart`);
    assert.equal(bars !== undefined, (v.breakdown?.items ?? []).length > 0, `${d.id}: bar chart`);
    for (const chart of [line, bars].filter((c) => c !== undefined)) {
      assert.match(chart, /<svg [^>]*width="\d+" height="\d+"/, `${d.id}: an SVG with a size`);
      assert.match(chart, /<path d="M/, `${d.id}: something drawn`);
    }
  }
  // The line of DQ-01 runs over every day of the period (the API answers only days with facts).
  const line = figure(html, 'DQ-01', 'series')!;
  for (const day of ['2027-02-03', '2027-02-07']) {
    assert.ok(line.includes(day), `the axis has ${day}`);
  }
  // Nothing to fetch: no script, stylesheet, image or font from elsewhere.
  const external = /<link|<script|<[a-z][^>]*\ssrc=|@import|url\((?!#)/i.exec(html);
  assert.equal(external, null, `fetches ${external?.[0]}`);
  assert.deepEqual(
    [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]!).filter((h) => !h.startsWith('#')),
    [],
  );
});

test('periods without facts: a count is 0 there, a rate has no value; weeks start on Monday', () => {
  const points = [{ period: '2027-02-02', value: 3 }];
  assert.deepEqual(fillPeriods(points, '2027-02-01', '2027-02-04', 'day', 'count'), [
    { period: '2027-02-01', value: 0 },
    { period: '2027-02-02', value: 3 },
    { period: '2027-02-03', value: 0 },
  ]);
  assert.deepEqual(
    fillPeriods([{ period: '2027-02-02', value: 0.5 }], '2027-02-01', '2027-02-04', 'day', 'ratio').map(
      (p) => p.value,
    ),
    [null, 0.5, null],
  );
  // 2027-02-03 is a Wednesday: its week began on Monday 2027-02-01; 2027-02-14 is a Sunday.
  assert.deepEqual(
    fillPeriods([], '2027-02-03', '2027-02-15', 'week', 'count').map((p) => p.period),
    ['2027-02-01', '2027-02-08'],
  );
  assert.deepEqual(
    fillPeriods([], '2027-01-15', '2027-07-01', 'quarter', 'count').map((p) => p.period),
    ['2027-01-01', '2027-04-01'],
  );
});

test('a report without a series (totals only) has bar charts and no line charts', () => {
  const totals: IndicatorReport = {
    ...REPORT,
    period: null,
    indicators: REPORT.indicators.map(({ series: _series, ...rest }) => rest),
  };
  const html = renderIndicatorReport(totals, { generatedAt: new Date('2027-02-08T09:30:00Z') });
  assert.equal(html.match(/data-kind="series"/g), null);
  assert.ok((html.match(/data-kind="breakdown"/g) ?? []).length > 0);
  assert.match(html, /<dt>Generated<\/dt><dd>2027-02-08 09:30 UTC<\/dd>/);
});
