/**
 * The Dashboard in headless Chromium (issue 16), against a real server with demo traffic (the demo
 * pack's rules, five days of filings, some refused, a result on every control) and the indicator
 * rollups refreshed as the serving process's refresher would:
 *
 * - an analyst signs in, opens the Dashboard from the navigation and chooses the traffic's days;
 * - the key figures are those GET /v1/indicators/{id} answers for the same period, in words;
 * - the chosen indicator's series is drawn (a canvas) with its text alternative (a summary in words
 *   and a table of the same figures as the API's series);
 * - changing the period to weeks and the breakdown to offices, then to mode for another indicator
 *   chosen from the catalogue, redraws the charts with the API's figures;
 * - the screen reads in French and German.
 *
 * axe-core checks the screen for serious or critical violations; nothing may break the page's content
 * security policy. Screenshots go to test-artifacts/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, CHROMIUM, assertAccessible, launchChromium, screenshot } from '../support/chromium.ts';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import type { IndicatorReport } from '../../src/indicators/index.ts';
import { databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { loadDemoTraffic } from '../support/demo-traffic.ts';
import type { DemoTraffic } from '../support/demo-traffic.ts';

const PASSWORD = 'a long test passphrase';

let app: TestApp;
let url: string;
let browser: BrowserContext;
let token: string;
let traffic: DemoTraffic;
const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  await buildWeb(true);
  app = await startTestApp(databaseTargets()[0]!);
  traffic = await loadDemoTraffic(app, { days: 5, perDay: 60 });
  // What `vigil serve`'s refresher does a few seconds after start and then every minute.
  await app.deps.indicators.refresh();
  await app.deps.people.add(
    { username: 'ana', authority: 'NL', displayName: 'Ana Analyst', role: 'analyst', password: PASSWORD },
    'admin:test',
  );
  token = await app.token('NL', 'analyst', 'ana');
  url = await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium(profile, { viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  rmSync(profile, { recursive: true, force: true });
});

/** One indicator as the API answers it, for the traffic's days. */
async function indicator(
  id: string,
  query: Record<string, string>,
): Promise<IndicatorReport['indicators'][0]> {
  const q = new URLSearchParams({ from: traffic.first, to: traffic.end, ...query });
  const res = await fetch(`${url}/v1/indicators/${id}?${q.toString()}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, await res.clone().text());
  const report = (await res.json()) as IndicatorReport;
  assert.equal(report.indicators.length, 1);
  return report.indicators[0]!;
}

const accessible = assertAccessible;

const shot = (page: Page, name: string): Promise<void> => screenshot(page, `${name}`);

const percent = (v: number): string =>
  new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(v);
const count = (v: number): string => new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(v);

/** A chart drawn on a canvas, with its summary in words and its table equal to `points`. */
async function drawnWithTable(
  figure: Locator,
  points: ReadonlyArray<{ key: string; value: number | null }>,
  format: (v: number) => string,
): Promise<void> {
  await figure.and(figure.page().locator('[data-state="drawn"]')).waitFor();
  const canvas = figure.locator('[role="img"] canvas');
  assert.ok((await canvas.count()) >= 1, 'ECharts drew on a canvas');
  const box = (await canvas.first().boundingBox())!;
  assert.ok(box.width > 100 && box.height > 100, `the canvas is ${box.width}×${box.height}`);
  const label = (await figure.locator('[role="img"]').getAttribute('aria-label'))!;
  const known = points.filter((p) => p.value !== null).map((p) => p.value!);
  assert.ok(known.length > 0, 'the API has figures to draw');
  assert.match(label, new RegExp(`${known.length} values`));
  assert.ok(label.includes(`Highest: `) && label.includes(format(Math.max(...known))), label);

  // The same figures as a table, behind a button (still open when the chart was redrawn).
  const table = figure.locator('table');
  if (!(await table.isVisible())) {
    await figure.getByRole('button', { name: 'Show the figures as a table' }).click();
    await table.waitFor();
  }
  assert.equal(
    await figure.getByRole('button', { name: 'Hide the table' }).getAttribute('aria-expanded'),
    'true',
  );
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      key: tr.getAttribute('data-key'),
      value: tr.querySelector('td')!.getAttribute('data-value'),
      text: tr.querySelector('td')!.textContent,
    })),
  );
  assert.deepEqual(
    rows,
    points.map((p) => ({
      key: p.key,
      value: String(p.value),
      text: p.value === null ? '—' : format(p.value),
    })),
  );
}

test('an analyst reads the key figures, changes the period and breakdown, and every chart has its figures in words', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) {
      problems.push(`${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Username').fill('ana');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/queue$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.waitForURL(/\/dashboard$/);
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  await page.locator('.headline').first().waitFor();

  // The traffic's days: the first to the last, included.
  const last = new Date(Date.parse(traffic.end) - 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('First day').fill(traffic.first);
  await page.getByLabel('Last day').fill(last);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator(`[data-range="${traffic.first}/${traffic.end}"]`).waitFor();
  assert.match(
    await page.locator('[data-range]').innerText(),
    new RegExp(`From ${traffic.first} to ${last} \\(authority NL\\)`),
  );

  // The key figures are the API's for the same period, in words.
  const expected = {
    'DQ-01': { name: 'Filings processed', format: count },
    'TG-01': { name: 'Consignments assessed', format: count },
    'TG-02': { name: 'Hit rate', format: percent },
    'TG-03': { name: 'Control rate', format: percent },
    'TG-05': { name: 'Detection rate', format: percent },
  };
  for (const [id, { name, format }] of Object.entries(expected)) {
    const fromApi = await indicator(id, { period: 'day' });
    assert.ok(fromApi.value !== null && fromApi.value > 0, `${id} has a value: ${fromApi.value}`);
    const card = page.locator(`.headline[data-indicator="${id}"]`);
    assert.equal(await card.getAttribute('data-value'), String(fromApi.value), id);
    assert.equal(await card.locator('.headline-title').innerText(), name);
    assert.equal(await card.locator('.headline-value').innerText(), format(fromApi.value), id);
  }
  assert.equal((await indicator('DQ-01', {})).value, traffic.lodged, 'every filing lodged is counted');

  // The control rate (chosen at first) per day: a line on a canvas, in words and as a table.
  const view = page.locator('article.indicator-view[data-indicator="TG-03"]');
  await view.getByText('Controls decided per consignment assessed', { exact: false }).waitFor();
  const series = view.locator('figure[data-chart="series"]');
  assert.equal(await series.locator('figcaption').innerText(), 'Control rate per day');
  const daily = await indicator('TG-03', { period: 'day' });
  assert.equal(daily.series!.length, 5);
  await drawnWithTable(
    series,
    daily.series!.map((s) => ({ key: s.period, value: s.value })),
    percent,
  );
  await accessible(page, 'dashboard');
  await shot(page, 'dashboard-1-key-figures');

  // Per week, by office.
  await page.getByLabel('Series per').selectOption('week');
  await series.locator('figcaption', { hasText: 'Control rate per week' }).waitFor();
  await page.getByLabel('Break down by').selectOption('office');
  const breakdown = view.locator('figure[data-chart="breakdown"]');
  await breakdown.locator('figcaption', { hasText: 'Control rate by office' }).waitFor();
  const weekly = await indicator('TG-03', { period: 'week', by: 'office' });
  await drawnWithTable(
    view.locator('figure[data-chart="series"]'),
    weekly.series!.map((s) => ({ key: s.period, value: s.value })),
    percent,
  );
  assert.ok(weekly.breakdown!.items.length >= 1);
  await drawnWithTable(breakdown, weekly.breakdown!.items, percent);
  await accessible(page, 'dashboard per week by office');
  await shot(page, 'dashboard-2-week-by-office');

  // Another indicator from the catalogue, by mode: its definition in words and its charts.
  await page.getByLabel('Break down by').selectOption('mode');
  await page.getByLabel('Indicator', { exact: true }).selectOption('TG-01');
  const assessed = page.locator('article.indicator-view[data-indicator="TG-01"]');
  const byMode = await indicator('TG-01', { period: 'week', by: 'mode' });
  await assessed.getByText(byMode.definition).waitFor();
  await assessed.locator('figcaption', { hasText: 'Consignments assessed by mode of transport' }).waitFor();
  await drawnWithTable(assessed.locator('figure[data-chart="breakdown"]'), byMode.breakdown!.items, count);
  // An indicator that the chosen dimension does not split says so.
  await page.getByLabel('Indicator', { exact: true }).selectOption('DQ-06');
  await page.getByText('Invalidated filings is not broken down by mode of transport').waitFor();
  await accessible(page, 'dashboard, another indicator');
  await shot(page, 'dashboard-3-catalogue');

  // The same screen in French and German.
  await page.getByLabel('Language').selectOption('fr');
  await page.getByRole('heading', { name: 'Tableau de bord', level: 1 }).waitFor();
  await page.getByText('Taux de contrôle', { exact: true }).waitFor();
  await page.getByLabel('Langue').selectOption('de');
  await page.getByRole('heading', { name: 'Übersicht', level: 1 }).waitFor();
  await page.getByText('Kontrollquote', { exact: true }).waitFor();
  await accessible(page, 'dashboard in German');
  await page.getByLabel('Sprache').selectOption('en');

  assert.deepEqual(problems, [], 'no script errors or content security policy violations');
  await page.close();
});
