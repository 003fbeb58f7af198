/**
 * The analyst's Queue screen in headless Chromium (issue 16), against a real server with demo traffic
 * assessed by the demo pack: the analyst saves the filters in use under a name, reloads and applies
 * them again with one press; selects two rows with the keyboard alone (Space) and dismisses both with
 * one reason; and a filing lodged through the API while the queue is open appears in it without a
 * reload (the staff's event stream), announced politely. axe-core checks each state for serious or
 * critical violations. Screenshots go to test-artifacts/.
 *
 * Needs /usr/bin/chromium: `npm run test:browser`.
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
let filerToken: string;
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
  app = await startTestApp(databaseTargets()[0]!, undefined, { VIGIL_EVENT_STREAM_POLL_MS: '100' });
  await installDemoPack(app.deps, 'NL', app.clock.now());
  for (const f of generateDemoFilings({ count: 60, seed: 17, now: app.clock.now(), riskyShare: 0.4 })) {
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
  filerToken = await app.token('NL', 'filer', 'acme');
  url = await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium(profile, { viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  rmSync(profile, { recursive: true, force: true });
});

async function queue(query = ''): Promise<{ items: QueueItem[]; total: number }> {
  const res = await fetch(`${url}/v1/queue?limit=1000${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { items: QueueItem[]; total: number };
}

const shot = (page: Page, name: string): Promise<void> => screenshot(page, `queue-${name}`);

async function focusGrid(page: Page): Promise<void> {
  for (
    let i = 0;
    i < 60 &&
    (await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('role'))) !== 'grid';
    i++
  ) {
    await page.keyboard.press('Tab');
  }
  assert.equal(
    await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('role')),
    'grid',
  );
}

test('an analyst saves a filter and applies it after a reload, bulk-dismisses with the keyboard, and sees new filings live', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) {
      problems.push(`${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(`${url}/`);
  await page.waitForURL(/\/sign-in$/);
  await page.getByLabel('Username').fill('ana');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/queue$/);
  await page.getByRole('grid').waitFor();
  await page.locator('.live.on').getByText('Live').waitFor();
  const all = await queue();
  assert.ok(all.total >= 6, `demo traffic gives a queue (${all.total})`);
  const summary = page.locator('main > .summary');
  assert.equal(await summary.innerText(), `${all.total} consignments with hits`);

  // Filter by the rule of the first consignment, save the filters under a name.
  const rule = all.items[0]!.rules[0]!;
  const byRule = await queue(`&rule=${encodeURIComponent(rule)}`);
  await page.getByLabel('Rule', { exact: true }).fill(rule);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText(`${byRule.total} consignments with hits`).waitFor();
  await page.getByLabel('Save these filters as').fill(`Rule ${rule}`);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Filters saved as “Rule ${rule}”` })
    .waitFor();
  await assertAccessible(page, 'queue with a saved filter');

  // Reloaded, the queue is unfiltered again; one press applies the saved filter.
  await page.reload();
  await page.getByText(`${all.total} consignments with hits`).waitFor();
  await page.getByRole('button', { name: `Rule ${rule}`, exact: true }).click();
  await page.getByText(`${byRule.total} consignments with hits`).waitFor();
  assert.equal(await page.getByLabel('Rule', { exact: true }).inputValue(), rule);
  await shot(page, '1-saved-filter');
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await page.getByText(`${all.total} consignments with hits`).waitFor();

  // Keyboard alone: to the list, Space selects the first row, ArrowDown and Space the second.
  await focusGrid(page);
  await page.keyboard.press('Home');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await page.getByText('2 consignments selected').waitFor();
  const [first, second] = all.items;
  for (const [n, item] of [first!, second!].entries()) {
    assert.equal(await page.locator(`#queue-row-${n}`).getAttribute('aria-selected'), 'true');
    assert.match(await page.locator(`#queue-row-${n}`).innerText(), new RegExp(item.mrn));
  }
  assert.equal(await page.locator('#queue-row-2').getAttribute('aria-selected'), 'false');
  await assertAccessible(page, 'queue with a selection');
  await shot(page, '2-selected');
  for (
    let i = 0;
    i < 10 &&
    !(await page
      .getByLabel('Reason for dismissing the selected')
      .evaluate((e) => e === (globalThis as any).document.activeElement));
    i++
  ) {
    await page.keyboard.press('Shift+Tab');
  }
  await page.keyboard.type('known importer, invoices checked');
  await page.keyboard.press('Enter');
  await page.getByText('Dismissed 2 consignments.').waitFor();
  await page.getByText(`${all.total - 2} consignments with hits`).waitFor();
  const left = await queue();
  const key = (i: { mrn: string; index: number }) => `${i.mrn}/${i.index}`;
  assert.ok(!left.items.some((i) => key(i) === key(first!) || key(i) === key(second!)));
  const reviewed = await queue('&review=reviewed');
  for (const item of [first!, second!]) {
    const now = reviewed.items.find((i) => key(i) === key(item));
    assert.equal(now?.reviewed, item.hits, 'every hit dismissed');
  }

  // A filing lodged through the API while the queue is open appears in it without a reload.
  const before = left.total;
  for (const f of generateDemoFilings({
    count: 12,
    seed: 18,
    now: app.clock.now(),
    invalidShare: 0,
    riskyShare: 0.8,
  })) {
    const res = await fetch(`${url}/v1/filings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${filerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(f.filing),
    });
    await res.body?.cancel();
  }
  await assessPending(app);
  const grown = await queue();
  assert.ok(grown.total > before, `new filings with hits (${before} → ${grown.total})`);
  await page.getByText(`${grown.total} consignments with hits`).waitFor();
  const added = grown.total - before;
  await page
    .locator('[aria-live="polite"]')
    .getByText(`${added} new consignment${added === 1 ? '' : 's'}`)
    .waitFor({ state: 'attached' });
  await assertAccessible(page, 'queue updated live');
  await shot(page, '3-live');
  assert.deepEqual(problems, []);
});
