/**
 * The officer's Controls screens and the auditor's Audit screen in headless Chromium (issue 16),
 * against a real server with demo traffic assessed by the demo pack:
 *
 * - an analyst refers a consignment to a physical control at another office, chosen on the
 *   Consignment screen;
 * - an officer of that office, on a tablet-sized screen, signs in to their queue, takes the next
 *   control and records a seizure (category, quantity, unit) with the keyboard alone, after the form
 *   has told them in words what was missing; the rule that selected the consignment then counts the
 *   seizure as a positive in its statistics;
 * - an auditor signs in, browses the trail of that consignment, pages through the whole trail, and
 *   verifies the chain.
 *
 * axe-core checks every new screen for serious or critical violations; nothing may break the page's
 * content security policy. Screenshots of each step go to test-artifacts/.
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

const PASSWORD = 'a long test passphrase';
/** An office of the demo authority whose queue the demo traffic leaves empty: the referral fills it. */
const OFFICE = 'NL000854';

let app: TestApp;
let url: string;
let browser: BrowserContext;
let token: string;
const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));

interface Hit {
  id: string;
  source: string;
  version?: number;
}
interface Stats {
  total: { positives: number; seizures: number; controls: number };
}

/** The consignment the analyst refers, its rule, and what that rule's statistics said before. */
let chosen: { mrn: string; index: number; rule: string; before: Stats['total'] };
let taskId: string;

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
  for (const [username, role, displayName, office] of [
    ['ana', 'analyst', 'Ana Analyst', undefined],
    ['olga', 'officer', 'Olga Officer', OFFICE],
    ['aude', 'auditor', 'Aude Auditor', undefined],
  ] as const) {
    await app.deps.people.add(
      { username, authority: 'NL', displayName, role, password: PASSWORD, ...(office ? { office } : {}) },
      'admin:test',
    );
  }
  token = await app.token('NL', 'admin', 'checker');
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

const shot = (page: Page, name: string): Promise<void> => screenshot(page, `${name}`);

/** A page that records script errors and content security policy violations. */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) {
      problems.push(`${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, problems };
}

async function signIn(page: Page, username: string, lands: RegExp): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(lands);
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in$/);
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = (globalThis as any).document.activeElement;
    return {
      id: el?.id as string,
      tag: (el?.tagName as string).toLowerCase(),
      name: el?.getAttribute('name') as string | null,
      text: (el?.textContent as string).trim(),
    };
  });

/** Presses Tab until `want` holds for the focused element (at most 60 presses). */
async function tabTo(
  page: Page,
  want: (f: Awaited<ReturnType<typeof focused>>) => boolean,
  what: string,
): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (want(await focused(page))) {
      return;
    }
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${what}; focus is on ${JSON.stringify(await focused(page))}`);
}

test('an analyst refers a consignment to a physical control at an office of their choice', async () => {
  const queue = await api<{ items: Array<{ mrn: string; index: number; hits: number; reviewed: number }> }>(
    '/v1/queue?limit=1000',
  );
  // A consignment with a rule hit (a rule has statistics) and nothing reviewed yet.
  for (const item of queue.items.filter((i) => i.reviewed === 0)) {
    const a = await api<{ consignments: Array<{ index: number; hits: Hit[] }> }>(
      `/v1/filings/${item.mrn}/assessment`,
    );
    const hit = a.consignments
      .find((c) => c.index === item.index)
      ?.hits.find((h) => h.source === 'rule' && h.version !== undefined);
    if (hit !== undefined) {
      const stats = await api<Stats>(`/v1/rules/${hit.id}/stats`);
      chosen = { mrn: item.mrn, index: item.index, rule: hit.id, before: stats.total };
      break;
    }
  }
  assert.ok(chosen !== undefined, 'demo traffic has a consignment with a rule hit');
  const empty = await api<{ items: unknown[] }>(`/v1/controls?office=${OFFICE}`);
  assert.deepEqual(empty.items, [], `the demo traffic leaves office ${OFFICE} without controls`);

  const { page, problems } = await openPage();
  await signIn(page, 'ana', /\/queue$/);
  await page.goto(`${url}/consignments/${chosen.mrn}/${chosen.index}`);
  const hit = page.locator(`article[data-hit="${chosen.rule}"]`);
  await hit.waitFor();
  // The choice of control: type and office (react-aria selects), then refer.
  await hit.getByRole('button', { name: /Type of control/ }).click();
  await page.getByRole('option', { name: 'physical', exact: true }).click();
  await hit.getByRole('button', { name: /Office/ }).click();
  await page.getByRole('option', { name: OFFICE }).click();
  await accessible(page, 'consignment with the control choice');
  await shot(page, 'controls-0-referral');
  await hit.getByRole('button', { name: 'Refer to control' }).click();
  await hit.getByText('Referred to control by ana').waitFor();
  assert.match(
    await page.locator('.saved').innerText(),
    new RegExp(`Referred to a physical control at office ${OFFICE}`),
  );
  const tasks = await api<{
    items: Array<{ id: string; mrn: string; controlType: string; ruleRefs: Hit[] }>;
  }>(`/v1/controls?office=${OFFICE}`);
  assert.equal(tasks.items.length, 1);
  const task = tasks.items[0]!;
  assert.equal(task.mrn, chosen.mrn);
  assert.equal(task.controlType, 'physical');
  assert.ok(
    task.ruleRefs.some((r) => r.id === chosen.rule),
    'the task names the rule that selected it',
  );
  taskId = task.id;
  await signOut(page);
  assert.deepEqual(problems, [], 'no script errors or content security policy violations');
  await page.close();
});

test('an officer on a tablet takes the next control and records a seizure with the keyboard alone', async () => {
  assert.ok(taskId !== undefined, 'the referral made a task');
  const { page, problems } = await openPage();
  await page.setViewportSize({ width: 820, height: 1180 });
  await signIn(page, 'olga', /\/controls$/);
  await page.getByRole('heading', { name: 'Controls' }).waitFor();
  const row = page.locator(`tr[data-task="${taskId}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), new RegExp(`${chosen.mrn} #${chosen.index}`));
  assert.match(await page.locator('.office-badge').innerText(), new RegExp(OFFICE));
  // Made for a finger: large targets, nothing wider than the screen.
  const take = page.getByRole('button', { name: 'Take the next control' });
  const box = (await take.boundingBox())!;
  assert.ok(box.height >= 44, `the take button is ${box.height}px high`);
  assert.ok(
    await page.evaluate(
      () => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth,
    ),
    'no sideways scrolling on a tablet',
  );
  await accessible(page, 'controls queue');
  await shot(page, 'controls-1-queue-tablet');

  await take.click();
  await page.waitForURL(new RegExp(`/controls/${taskId}$`));
  await page.getByRole('heading', { name: `Control of ${chosen.mrn} #${chosen.index}` }).waitFor();
  await page.getByRole('heading', { name: 'Record the result' }).waitFor();
  assert.equal(await page.locator('dd[data-status]').innerText(), 'Yours');
  await accessible(page, 'control and result form');
  await shot(page, 'controls-2-task-tablet');

  // From here on, the keyboard alone.
  await tabTo(page, (f) => f.name === 'result', 'the outcome');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('input[name="result"]:checked').getAttribute('value'), 'seizure');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).id, 'result-method');
  assert.equal(await page.locator('#result-method').inputValue(), 'physical', 'the task’s type of control');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).id, 'result-category');
  await page.keyboard.type('Counterfeit');
  assert.equal(await page.locator('#result-category').inputValue(), 'counterfeit');
  // Leave the quantity and unit out, and submit: the form says what is missing, in words.
  await tabTo(page, (f) => f.id === 'result-notes', 'the notes');
  await page.keyboard.type('Fake brand phones in cartons 3 to 9; seal NL-4471.');
  await tabTo(page, (f) => f.tag === 'button' && f.text === 'Record the result', 'the submit button');
  await page.keyboard.press('Enter');
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  assert.equal(await summary.getAttribute('role'), 'alert');
  assert.match(await summary.innerText(), /There are 2 problems with the result/);
  assert.match(await summary.innerText(), /Enter the quantity seized: a number greater than 0/);
  assert.match(await summary.innerText(), /Choose the unit of the quantity/);
  assert.equal(
    await page.evaluate(() => (globalThis as any).document.activeElement?.className),
    'error-summary',
    'the summary takes the focus',
  );
  assert.equal(await page.locator('#result-quantity').getAttribute('aria-invalid'), 'true');
  await accessible(page, 'result form with problems');
  await shot(page, 'controls-3-form-problems');

  // Follow the summary's first link to the field, and fix both.
  await page.keyboard.press('Tab');
  assert.match((await focused(page)).text, /quantity seized/);
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).id, 'result-quantity');
  await page.keyboard.type('1200');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).id, 'result-unit');
  await page.keyboard.type('items');
  assert.equal(await page.locator('#result-unit').inputValue(), 'items');
  assert.equal(await summary.count(), 0, 'nothing left to fix');
  await tabTo(page, (f) => f.tag === 'button' && f.text === 'Record the result', 'the submit button');
  await page.keyboard.press('Enter');

  const done = page.getByRole('status').filter({ hasText: 'Recorded' });
  await done.waitFor();
  assert.equal(
    await done.innerText(),
    'Recorded: seizure — Counterfeit goods: 1,200 items. The control is done.',
  );
  assert.equal(
    await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('role')),
    'status',
    'the confirmation takes the focus',
  );
  await page.locator('li[data-result="seizure"]').waitFor();
  await accessible(page, 'result recorded');
  await shot(page, 'controls-4-recorded');

  // What was stored, and the rule that selected the consignment counts the positive.
  const stored = await api<{
    task: { status: string };
    results: Array<{ result: string; details: object; method: string; recordedBy: string; remarks: string }>;
  }>(`/v1/controls/${taskId}`);
  assert.equal(stored.task.status, 'done');
  assert.equal(stored.results.length, 1);
  assert.deepEqual(stored.results[0]!.details, { category: 'counterfeit', quantity: 1200, unit: 'items' });
  assert.equal(stored.results[0]!.method, 'physical');
  assert.equal(stored.results[0]!.recordedBy, 'olga');
  assert.equal(stored.results[0]!.remarks, 'Fake brand phones in cartons 3 to 9; seal NL-4471.');
  const stats = await api<Stats>(`/v1/rules/${chosen.rule}/stats`);
  assert.equal(stats.total.seizures, chosen.before.seizures + 1);
  assert.equal(stats.total.positives, chosen.before.positives + 1);
  assert.equal(stats.total.controls, chosen.before.controls + 1);

  // Nothing else is open at the office: taking the next one says so.
  await tabTo(page, (f) => f.tag === 'button' && f.text === 'Take the next control', 'take next');
  await page.keyboard.press('Enter');
  await page.getByText(`No open control at office ${OFFICE}: nothing to take.`).waitFor();

  // The same screen in French and German.
  await page.goto(`${url}/controls`);
  await page.getByLabel('Language').selectOption('fr');
  await page.getByRole('heading', { name: 'Contrôles' }).waitFor();
  await page.getByLabel('Langue').selectOption('de');
  await page.getByRole('heading', { name: 'Kontrollen' }).waitFor();
  await accessible(page, 'controls in German');
  await page.getByLabel('Sprache').selectOption('en');
  await signOut(page);
  assert.deepEqual(problems, [], 'no script errors or content security policy violations');
  await page.close();
});

test('an auditor browses the trail of that consignment, pages through the trail and verifies the chain', async () => {
  assert.ok(taskId !== undefined, 'the officer recorded a result');
  // What the serving process's chainer does in the background: staged entries join the chain.
  await app.deps.audit.chainPending(app.deps.db);
  const { page, problems } = await openPage();
  await signIn(page, 'aude', /\/audit$/);
  await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
  await page.locator('table.audit-table tbody tr').first().waitFor();
  await accessible(page, 'audit trail');
  await shot(page, 'audit-1-trail');

  // The consignment's trail: the analyst's referral, the officer's assignment and seizure.
  await page.getByLabel('Consignment (MRN) or other subject').fill(chosen.mrn);
  await page.getByRole('button', { name: 'Apply' }).click();
  const expected = await api<{ entries: Array<{ seq: number; action: string; actor: string }> }>(
    `/v1/audit?subject=${chosen.mrn}&order=desc&limit=50`,
  );
  const rows = page.locator('table.audit-table tbody tr');
  await page.waitForFunction(
    (n) => (globalThis as any).document.querySelectorAll('table.audit-table tbody tr').length === n,
    expected.entries.length,
  );
  assert.deepEqual(
    await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seq')))),
    expected.entries.map((e) => e.seq),
  );
  const actions = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
  for (const action of ['control.result-recorded', 'control.task-assigned', 'outcome.decided']) {
    assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
  }
  const recorded = page.locator('tr[data-action="control.result-recorded"]');
  assert.match(await recorded.innerText(), /officer:olga/);
  assert.match(await recorded.innerText(), /seizure/);
  await accessible(page, 'audit trail of a consignment');
  await shot(page, 'audit-2-consignment');

  // The whole trail, newest first, a page of 50 at a time.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByText('Page 1 · 50 entries on this page').waitFor();
  const firstPage = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seq'))));
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText(/^Page 2 · /).waitFor();
  await page.waitForFunction(
    (top) =>
      Number((globalThis as any).document.querySelector('table.audit-table tbody tr')?.dataset.seq) < top,
    firstPage[firstPage.length - 1]!,
  );
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.getByText('Page 1 · 50 entries on this page').waitFor();

  // Verify the chain: intact, with as many entries as the server counts.
  const verified = await api<{ ok: boolean; rows: number }>('/v1/audit/verify');
  assert.equal(verified.ok, true);
  await page.getByRole('button', { name: 'Verify the chain' }).click();
  const verdict = page.locator('[data-verdict]');
  await verdict.waitFor();
  assert.equal(await verdict.getAttribute('data-verdict'), 'intact');
  assert.equal(await verdict.getAttribute('role'), 'status');
  assert.match(
    await verdict.innerText(),
    new RegExp(`The audit trail is intact: ${verified.rows} entries checked`),
  );
  await accessible(page, 'audit chain verified');
  await shot(page, 'audit-3-verified');
  await signOut(page);
  assert.deepEqual(problems, [], 'no script errors or content security policy violations');
  await page.close();
});
