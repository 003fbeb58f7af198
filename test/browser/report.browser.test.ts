/**
 * The HTML report in a real browser (issue 10): demo traffic on a test app (the demo pack's rules,
 * demo filings over five days, some refused, a result on every control), the indicators refreshed,
 * `vigil report --format html --out FILE` run against the app's HTTP listener, and the file opened in
 * headless Chromium from disk. Every chart must be drawn (an SVG of its size with shapes of nonzero
 * area: the line, the bars), nothing may be fetched from anywhere, and the page must print to a PDF.
 * The screenshot and the PDF are left in test-artifacts/ for a person to look at.
 *
 * Needs /usr/bin/chromium (Debian's `chromium`; .ci/run installs it): `npm run test:browser`, kept
 * out of `npm test` so that suite runs where there is no browser.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM, launchChromium } from '../support/chromium.ts';
import type { BrowserContext } from 'playwright-core';
import { runCli } from '../../src/cli/cli.ts';
import type { IndicatorReport } from '../../src/indicators/index.ts';
import { databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { loadDemoTraffic } from '../support/demo-traffic.ts';
import type { DemoTraffic } from '../support/demo-traffic.ts';

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

let app: TestApp;
let traffic: DemoTraffic;
let browser: BrowserContext;
let report: IndicatorReport;
const dir = mkdtempSync(join(tmpdir(), 'vigil-report-browser-'));
const htmlFile = join(dir, 'report.html');

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  app = await startTestApp(databaseTargets()[0]!);
  traffic = await loadDemoTraffic(app, { days: 5, perDay: 60 });
  await app.deps.indicators.refresh();
  const url = await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  const token = await app.token('NL', 'analyst', 'ana');
  let err = '';
  const io = {
    env: { VIGIL_TOKEN: token, VIGIL_DATA_DIR: dir },
    stdout: process.stdout,
    stderr: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
    stdin: process.stdin,
  };
  const args = ['--url', url, '--from', traffic.first, '--to', traffic.end, '--period', 'day'];
  assert.equal(await runCli(['report', ...args, '--format', 'html', '--out', htmlFile], io), 0, err);
  const json = join(dir, 'report.json');
  assert.equal(await runCli(['report', ...args, '--format', 'json', '--out', json], io), 0, err);
  report = JSON.parse(readFileSync(json, 'utf8')) as IndicatorReport;
  browser = await launchChromium(mkdtempSync(join(tmpdir(), 'vigil-chromium-')), {
    viewport: { width: 900, height: 1200 },
  });
});

after(async () => {
  await browser?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface DrawnChart {
  readonly id: string;
  readonly kind: string;
  readonly width: number;
  readonly height: number;
  /** Paths and rects with an area: a line (and its points), bars; not the hairline grid. */
  readonly shapes: number;
}

test('the report opened from disk draws every chart in headless Chromium and prints to PDF', async () => {
  const page = await browser.newPage();
  const fetched: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) {
      fetched.push(r.url());
    }
  });
  await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
  assert.deepEqual(fetched, [], 'the report is self-contained');

  const charts: DrawnChart[] = await page.$$eval('figure.chart', (figures) =>
    figures.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      // Grid and axis lines are one pixel thin, the background covers the whole chart: neither counts.
      const shapes = [...(svg?.querySelectorAll('path, rect') ?? [])].filter((el) => {
        const b = (el as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        return (
          b.width > 1 && b.height > 1 && !(b.width >= (box?.width ?? 0) && b.height >= (box?.height ?? 0))
        );
      }).length;
      return {
        id: f.getAttribute('data-indicator') ?? '',
        kind: f.getAttribute('data-kind') ?? '',
        width: box?.width ?? 0,
        height: box?.height ?? 0,
        shapes,
      };
    }),
  );
  // A line per indicator with a value in some day, bars per breakdown with keys: from the same data.
  const expected = report.indicators.flatMap((i) => [
    ...((i.series ?? []).some((p) => p.value !== null) ? [`${i.id} series`] : []),
    ...((i.breakdown?.items ?? []).length > 0 ? [`${i.id} breakdown`] : []),
  ]);
  assert.deepEqual(charts.map((c) => `${c.id} ${c.kind}`).sort(), expected.sort());
  for (const id of [
    'DQ-01 series',
    'TG-05 series',
    'TG-09 breakdown',
    'TG-04 breakdown',
    'CR-01 breakdown',
  ]) {
    assert.ok(expected.includes(id), `demo traffic gives ${id} a chart`);
  }
  for (const c of charts) {
    assert.ok(c.width > 250 && c.height > 100, `${c.id} ${c.kind} is ${c.width}×${c.height}`);
    assert.ok(c.shapes >= 1, `${c.id} ${c.kind} has something drawn`);
  }
  // A bar per key: seizures by category, controls by selection method.
  for (const id of ['TG-09', 'TG-04']) {
    const items = report.indicators
      .find((i) => i.id === id)!
      .breakdown!.items.filter((x) => (x.value ?? 0) > 0);
    const chart = charts.find((c) => c.id === id && c.kind === 'breakdown')!;
    assert.ok(chart.shapes >= items.length, `${id}: ${chart.shapes} bars for ${items.length} keys`);
  }

  mkdirSync(ARTIFACTS, { recursive: true });
  const png = join(ARTIFACTS, 'report.png');
  await page.screenshot({ path: png, fullPage: true });
  assert.ok(statSync(png).size > 20_000, 'a screenshot with something in it');

  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  writeFileSync(join(ARTIFACTS, 'report.pdf'), pdf);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
  assert.ok(pages.length >= 2, `${pages.length} printed pages`);
  assert.ok(pdf.length > 20_000, `a PDF of ${pdf.length} bytes`);
  await page.close();
});
