/**
 * The workbench in headless Chromium (issue 16), against a real server with demo traffic assessed by
 * the demo pack: an analyst signs in (after a wrong password, told why in words), sees the queue,
 * moves through it with the keyboard alone and opens a consignment with one hit, reads why it hit
 * (the rule and its version, the values that made it fire), refers it to control, and sees it leave
 * the queue and a control task appear for its office. axe-core checks every screen for serious or
 * critical violations; nothing may break the page's content security policy. Screenshots of each
 * step go to test-artifacts/.
 *
 * Builds the workbench first when web/dist is missing. Needs /usr/bin/chromium: `npm run test:browser`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, CHROMIUM, assertAccessible, launchChromium, screenshot } from '../support/chromium.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { installDemoPack } from '../../src/demo/demo-pack.ts';
import { generateDemoFilings } from '../../src/demo/index.ts';
import { assessPending, databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const PASSWORD = 'analyst passphrase';

let app: TestApp;
let url: string;
let browser: BrowserContext;
let token: string;
const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));

interface QueueItem {
  mrn: string;
  index: number;
  hits: number;
  reviewed: number;
  rules: string[];
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  await buildWeb(true);
  app = await startTestApp(databaseTargets()[0]!);
  await installDemoPack(app.deps, 'NL', app.clock.now());
  for (const f of generateDemoFilings({ count: 80, seed: 11, now: app.clock.now(), riskyShare: 0.4 })) {
    await app.deps.filings
      .register({ subject: 'acme', authority: 'NL', role: 'filer' }, f.filing)
      .catch(() => undefined);
  }
  await assessPending(app);
  await app.deps.people.add(
    { username: 'ana', authority: 'NL', displayName: 'Ana Analyst', role: 'analyst', password: PASSWORD },
    'admin:test',
  );
  token = await app.token('NL', 'analyst', 'checker');
  url = await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium(profile, { viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  rmSync(profile, { recursive: true, force: true });
});

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as T;
}

const accessible = assertAccessible;

const shot = (page: Page, name: string): Promise<void> => screenshot(page, `workbench-${name}`);

test('an analyst signs in, works the queue with the keyboard, reads a hit and refers it to control', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) {
      problems.push(`${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => problems.push(e.message));

  // Signed out: the workbench sends the person to sign in.
  await page.goto(`${url}/`);
  await page.waitForURL(/\/sign-in$/);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await accessible(page, 'sign-in');
  await shot(page, '1-sign-in');

  // A wrong password is explained in words, with what to do.
  await page.getByLabel('Username').fill('ana');
  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(
    await alert.innerText(),
    /username or password is wrong[\s\S]*check both and try again[\s\S]*What to do/,
  );
  await accessible(page, 'sign-in refused');
  await shot(page, '2-sign-in-refused');

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/queue$/);
  const grid = page.getByRole('grid');
  await grid.waitFor();
  const queue = await api<{ items: QueueItem[]; total: number }>('/v1/queue?limit=1000');
  assert.ok(queue.total >= 5, `demo traffic gives a queue (${queue.total})`);
  const summary = page.locator('.summary');
  assert.equal(await summary.innerText(), `${queue.total} consignments with hits`);
  await accessible(page, 'queue');
  await shot(page, '3-queue');

  // The keyboard alone: Tab to the list, arrows to the first consignment with a single hit, Enter.
  const target = queue.items.findIndex((i) => i.hits === 1);
  assert.ok(target >= 0, 'a consignment with one hit');
  const item = queue.items[target]!;
  for (
    let i = 0;
    i < 40 &&
    (await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('role'))) !== 'grid';
    i++
  ) {
    await page.keyboard.press('Tab');
  }
  assert.equal(
    await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('role')),
    'grid',
  );
  await page.keyboard.press('End');
  assert.equal(await grid.getAttribute('aria-activedescendant'), `queue-row-${queue.total - 1}`);
  await page.keyboard.press('Home');
  for (let i = 0; i < target; i++) {
    await page.keyboard.press('ArrowDown');
  }
  const active = page.locator(`#queue-row-${target}`);
  assert.equal(await grid.getAttribute('aria-activedescendant'), `queue-row-${target}`);
  assert.match(await active.innerText(), new RegExp(item.mrn));
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`/consignments/${item.mrn}/${item.index}$`));

  // The consignment: its parties, route, and the hit with its rule version and the values that made it fire.
  const hit = page.locator(`article[data-hit="${item.rules[0]!}"]`);
  await hit.waitFor();
  await page.getByRole('heading', { name: 'Parties' }).waitFor();
  await page.getByRole('heading', { name: 'Route' }).waitFor();
  const assessment = await api<{
    consignments: Array<{
      index: number;
      hits: Array<{ id: string; version?: number; reason: string; values: object }>;
    }>;
  }>(`/v1/filings/${item.mrn}/assessment`);
  const explained = assessment.consignments.find((c) => c.index === item.index)!.hits[0]!;
  const text = await hit.innerText();
  assert.ok(text.includes(explained.id), text);
  if (explained.version !== undefined) {
    assert.ok(text.includes(`version ${explained.version}`), text);
  }
  assert.ok(text.includes(explained.reason), text);
  for (const key of Object.keys(explained.values)) {
    assert.ok(text.includes(key), `${key} in ${text}`);
  }
  await accessible(page, 'consignment');
  await shot(page, '4-consignment');

  // Refer it to control: the review is recorded, the outcome shown, a task made for the office.
  await hit.getByRole('button', { name: 'Refer to control' }).click();
  await hit.getByText('Referred to control by ana').waitFor();
  await page.locator('.saved').waitFor();
  await accessible(page, 'consignment referred');
  await shot(page, '5-referred');
  const tasks = await api<{ items: Array<{ mrn: string }> }>('/v1/controls?status=open,assigned');
  assert.ok(
    tasks.items.some((t) => t.mrn === item.mrn),
    'a control task for the consignment',
  );

  // Back in the queue, it is gone: one fewer to review.
  await page.getByRole('link', { name: /Back to the queue/ }).click();
  await page.waitForURL(/\/queue$/);
  await page.getByText(`${queue.total - 1} consignments with hits`).waitFor();
  const after = await api<{ items: QueueItem[] }>('/v1/queue?limit=1000');
  assert.ok(!after.items.some((i) => i.mrn === item.mrn && i.index === item.index));
  await shot(page, '6-queue-after');

  // The same screen in French and German.
  await page.getByLabel('Language').selectOption('fr');
  await page.getByRole('heading', { name: 'File' }).waitFor();
  assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.lang), 'fr');
  await page.getByLabel('Langue').selectOption('de');
  await page.getByRole('heading', { name: 'Warteschlange' }).waitFor();
  await accessible(page, 'queue in German');
  await page.getByLabel('Sprache').selectOption('en');

  assert.deepEqual(problems, [], 'no script errors or content security policy violations');
  await page.close();
});
