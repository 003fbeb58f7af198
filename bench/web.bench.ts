/**
 * The workbench in headless Chromium (issue 16): what the first screen costs and how the queue feels.
 *
 * - firstScreenJsGzipBytes: the JavaScript the sign-in page loads, gzipped (the server sends it
 *   uncompressed on localhost; gzip is what a reverse proxy would send);
 * - timeToInteractiveMs: from navigation to the sign-in form accepting input, fresh cache each run;
 * - queue10k: a 10,000-row queue (the API's pages of 500, answered from memory so that the database
 *   is not what is measured): time to the first rows drawn, time to jump to the last row with its
 *   data (End key: the pages in between are fetched), and the frames while scrolling through it all.
 *
 * Needs /usr/bin/chromium. BENCH_ROUNDS (default 5) runs; medians printed. One JSON line last.
 *
 *   npm run bench:web
 */
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.ts';
import { databaseTargets, startTestApp } from '../test/support/test-app.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/support/chromium.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ROWS = 10_000;
const PASSWORD = 'bench passphrase';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function queuePage(offset: number, limit: number): unknown {
  const items = [];
  for (let i = offset; i < Math.min(offset + limit, ROWS); i++) {
    items.push({
      mrn: `27NL${String(i).padStart(13, '0')}0`,
      index: 0,
      version: 1,
      score: 100 - (i * 100) / ROWS,
      outcome: 'control-recommended',
      mode: 'maritime',
      office: 'NL000396',
      arrival: new Date(Date.now() + (i % 500) * 3_600_000).toISOString(),
      consignor: `Consignor ${i} Trading Co., Ltd.`,
      consignee: `Consignee ${i} B.V.`,
      hits: 3,
      reviewed: 0,
      severity: { critical: 0, high: 1, medium: 1, low: 1 },
      riskAreas: ['undervaluation', 'security-safety'],
      rules: ['DEMO-UNDERVALUE', 'SIG-UNIT-VALUE', 'SIG-NEW-CONSIGNOR'],
      assessedAt: new Date().toISOString(),
    });
  }
  const next = offset + limit < ROWS ? String(offset + limit) : null;
  return { items, total: ROWS, next };
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Username').fill('ana');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/queue$/);
}

const built = await buildWeb(true);
const app = await startTestApp(databaseTargets()[0]!);
await app.deps.people.add(
  { username: 'ana', authority: 'NL', displayName: 'Ana', role: 'analyst', password: PASSWORD },
  'admin:bench',
);
const url = await app.server.app.listen({ port: 0, host: '127.0.0.1' });
const browser: Browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [...CHROMIUM_ARGS],
});

const js: number[] = [];
const tti: number[] = [];
const render: number[] = [];
const toEnd: number[] = [];
const frameP95: number[] = [];
const scrollMs: number[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
    const page = await context.newPage();
    let bytes = 0;
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') {
        void r
          .body()
          .then((b) => (bytes += gzipSync(b).length))
          .catch(() => undefined);
      }
    });
    const t0 = Date.now();
    await page.goto(`${url}/`);
    await page.getByLabel('Username').waitFor();
    await page.getByLabel('Username').fill('x');
    tti.push(Date.now() - t0);
    await page.waitForLoadState('networkidle');
    js.push(bytes);

    await page.route('**/v1/queue?**', async (route) => {
      const q = new URL(route.request().url()).searchParams;
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(queuePage(Number(q.get('next') ?? 0), Number(q.get('limit') ?? 200))),
      });
    });
    const t1 = Date.now();
    await signIn(page, url);
    await page.getByText(`${ROWS} consignments with hits`).waitFor();
    await page.locator('#queue-row-0 .mrn').waitFor();
    render.push(Date.now() - t1);

    // The keyboard: End jumps to the last row, whose page arrives after the ones before it.
    await page.getByRole('grid').focus();
    const t2 = Date.now();
    await page.keyboard.press('End');
    await page.locator(`#queue-row-${ROWS - 1} .mrn`).waitFor();
    toEnd.push(Date.now() - t2);

    // Scrolling from the top to the bottom in 200 steps, one per frame: how long frames take.
    const frames = await page.evaluate(async () => {
      const grid = (globalThis as any).document.querySelector('[role=grid]');
      grid.scrollTop = 0;
      const raf = () => new Promise<number>((r) => (globalThis as any).requestAnimationFrame(r));
      await raf();
      const times: number[] = [];
      let last = await raf();
      const steps = 200;
      const start = last;
      for (let i = 1; i <= steps; i++) {
        grid.scrollTop = (grid.scrollHeight * i) / steps;
        const now = await raf();
        times.push(now - last);
        last = now;
      }
      return { times, total: last - start };
    });
    const sorted = [...frames.times].sort((a, b) => a - b);
    frameP95.push(sorted[Math.floor(sorted.length * 0.95)]!);
    scrollMs.push(frames.total);
    await context.close();
  }
} finally {
  await browser.close();
  await app.close();
}

const result = {
  bench: 'web',
  rounds: ROUNDS,
  builtNow: built,
  firstScreenJsGzipBytes: median(js),
  timeToInteractiveMs: median(tti),
  queue10k: {
    rows: ROWS,
    signInToFirstRowsMs: median(render),
    endKeyToLastRowMs: median(toEnd),
    scrollTopToBottom200FramesMs: Math.round(median(scrollMs)),
    frameP95Ms: Math.round(median(frameP95) * 10) / 10,
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
