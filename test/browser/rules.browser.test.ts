/**
 * The Rules screen in headless Chromium (issue 16), against a real server with demo traffic assessed
 * by the demo pack: an analyst signs in, opens the rules with their statistics, writes a new rule
 * whose condition has a typo (the server's check marks it in the editor and lists it with its line
 * and column), fixes it (the error goes), is offered the fields of a goods item after `g.`, saves it
 * as a draft, tests it on a consignment chosen by MRN (it hits, and says why), backtests it (a chart
 * of daily hits and added controls, with the numbers the API gives), activates it, reads the diff
 * between its two versions, comments on it, and finds it active in the list. axe-core checks each
 * state of the screen for serious or critical violations; nothing may break the page's content
 * security policy. Screenshots of each step go to test-artifacts/rules-*.png.
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
import { RuleCapRepository } from '../../src/rule-caps/index.ts';
import { generateDemoFilings } from '../../src/demo/index.ts';
import { assessPending, databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const PASSWORD = 'analyst passphrase';
const RULE = 'R-BROWSER-GOODS';

let app: TestApp;
let url: string;
let browser: BrowserContext;
let token: string;
const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  await buildWeb(true);
  app = await startTestApp(databaseTargets()[0]!);
  await installDemoPack(app.deps, 'NL', app.clock.now());
  for (const f of generateDemoFilings({ count: 60, seed: 11, now: app.clock.now(), riskyShare: 0.4 })) {
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

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as T;
}

const accessible = assertAccessible;

const shot = (page: Page, name: string): Promise<void> => screenshot(page, `rules-${name}`);

test('an analyst writes a rule with a typo, fixes it, tests, backtests and activates it', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) {
      problems.push(`${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => problems.push(e.message));
  // A refused style or script is reported with what it was and on which element.
  await page.addInitScript(() => {
    const g = globalThis as unknown as {
      document: { addEventListener(type: string, f: (e: never) => void): void };
      console: { error(...a: unknown[]): void };
    };
    g.document.addEventListener(
      'securitypolicyviolation',
      (e: { effectiveDirective: string; sample: string; target: { outerHTML?: string } | null }) => {
        g.console.error(
          `refused by ${e.effectiveDirective}: ${e.sample} on ${String(e.target?.outerHTML).slice(0, 200)}`,
        );
      },
    );
  });

  // A consignment the new rule will hit: the first goods item of a demo filing, by its heading.
  const filings = await api<{ items: Array<{ mrn: string; status: string }> }>('/v1/filings?limit=20');
  const mrn = filings.items.find((f) => f.status === 'registered')!.mrn;
  const detail = await api<{ filing: { consignments: Array<{ goods: Array<{ hsCode: string }> }> } }>(
    `/v1/filings/${mrn}`,
  );
  const heading = detail.filing.consignments[0]!.goods[0]!.hsCode.slice(0, 4);
  const condition = `goods.exists(g, g.hsCode.startsWith("${heading}"))`;

  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Username').fill('ana');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/queue$/);

  // One active rule capped as noisy (as the schedule would cap it): the list marks it.
  const active = (
    await api<{ items: Array<{ id: string; version: number; status: string }> }>('/v1/rules')
  ).items.find((r) => r.status === 'active')!;
  await new RuleCapRepository().insert(app.deps.db.forAuthority('NL'), 'NL', {
    id: 'cap_browser',
    rule: active.id,
    version: active.version,
    reason: 'low-yield',
    explanation: 'capped as noisy: 0 of its 30 controls found an irregularity or made a seizure',
    figures: {
      from: app.clock.now().toISOString(),
      to: app.clock.now().toISOString(),
      days: 1,
      capacityShare: 0.25,
      yieldThreshold: 0.05,
      minControls: 30,
      selected: 30,
      controls: 30,
      positives: 0,
      yield: 0,
    },
    since: app.clock.now().toISOString(),
  });

  // The rules, with the demo pack's and their statistics.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
  await page.waitForURL(/\/rules$/);
  await page.getByRole('heading', { name: 'Rules', level: 1 }).waitFor();
  const listed = await api<{ items: Array<{ id: string }> }>('/v1/rules');
  await page.locator('.summary').getByText(`${listed.items.length} rules`).waitFor();
  const stats = await api<{ items: Array<{ rule: string; hits: number }> }>('/v1/rule-stats');
  const busiest = [...stats.items].sort((a, b) => b.hits - a.hits)[0]!;
  const busiestRow = page.locator(`tr[data-rule="${busiest.rule}"]`);
  await busiestRow.waitFor();
  assert.equal(await busiestRow.locator('td.num').first().innerText(), String(busiest.hits));
  assert.equal(await busiestRow.getByRole('img').count(), 1, 'a sparkline of daily hits');
  const capped = page.locator(`tr[data-rule="${active.id}"] [data-capped]`);
  await capped.waitFor();
  assert.equal(await capped.innerText(), 'Capped as noisy');
  assert.match((await capped.getAttribute('title')) ?? '', /0 of its 30 controls/);
  await accessible(page, 'rules');
  await shot(page, '1-list');

  // A new rule whose condition has a typo: marked in the editor and listed with its place.
  await page.getByRole('button', { name: 'New rule' }).click();
  await page.waitForURL(/\/rules\/new$/);
  await page.getByLabel('Identifier').fill(RULE);
  await page.getByLabel('Title').fill('Goods of one heading, from the browser test');
  await page.getByLabel('Reason shown to officers').fill('Goods of this heading are watched this month.');
  const editor = page.locator('.cm-content');
  await editor.waitFor();
  assert.equal(await editor.getAttribute('aria-labelledby'), 'condition-label');
  await editor.click();
  await page.keyboard.type('goods.exists(g, g.');
  const completion = page.locator('.cm-tooltip-autocomplete');
  await completion.getByText('chapter', { exact: true }).waitFor();
  assert.ok(!(await completion.innerText()).includes('consignor'), 'the fields of a goods item only');
  await page.keyboard.type('hs');
  await completion.getByText('hsCode', { exact: true }).waitFor();
  assert.match(await completion.innerText(), /hsCode\s*string/);
  await accessible(page, 'completions');
  await shot(page, '2-completion');
  await page.keyboard.press('Escape');
  await page.keyboard.type(`Cod.startsWith("${heading}"`);
  const typo = page.locator('#condition-problems li[data-code="VIGIL_RULE_UNKNOWN_FIELD"]');
  await typo.waitFor();
  assert.match(await typo.innerText(), /^Line 1, column 19: No such key: hsCod/);
  await page.locator('.cm-lintRange-error').waitFor();
  assert.equal(await editor.innerText(), `goods.exists(g, g.hsCod.startsWith("${heading}"))`);
  await accessible(page, 'rule with a typo');
  await shot(page, '3-typo');

  // Fixed: the error goes.
  await page.keyboard.press('Control+a');
  await page.keyboard.type(condition);
  await page.keyboard.press('Escape');
  assert.equal(await editor.innerText(), condition);
  await page.getByText('The condition checks.').waitFor();
  assert.equal(await page.locator('.cm-lintRange-error').count(), 0);
  assert.equal(await page.locator('#condition-problems li').count(), 0);
  await shot(page, '4-fixed');

  await page.getByRole('button', { name: 'Save as a draft' }).click();
  await page.waitForURL(new RegExp(`/rules/${RULE}$`));
  await page.getByRole('heading', { name: new RegExp(`Rule ${RULE} draft version 1`) }).waitFor();

  // Tested on the consignment: it hits, and says why.
  const testPanel = page.getByRole('region', { name: 'Test on a consignment' });
  await testPanel.getByLabel('MRN').fill(mrn);
  await testPanel.getByRole('button', { name: 'Test' }).click();
  const result = testPanel.locator('.test-result');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-hit'), 'true');
  const said = await result.innerText();
  assert.ok(said.includes(`The rule hits consignment 0 of ${mrn}.`), said);
  assert.ok(said.includes('Goods of this heading are watched this month.'), said);
  await accessible(page, 'rule tested');
  await shot(page, '5-test');

  // Backtested over the default period (the statistics' 30 days): the API's numbers, and a chart.
  const backtest = page.getByRole('region', { name: 'Backtest' });
  const from = await backtest.getByLabel('From').inputValue();
  const to = await backtest.getByLabel('To (included)').inputValue();
  await backtest.getByRole('button', { name: 'Run the backtest' }).click();
  const summary = backtest.locator('.bt-summary');
  await summary.waitFor();
  const expected = await api<{ consignmentsHit: number; consignmentsAssessed: number }>(
    `/v1/rules/${RULE}/backtest`,
    { from, to },
  );
  assert.ok(expected.consignmentsHit >= 1, 'the rule hits at least the consignment tested');
  assert.ok(
    (await summary.innerText()).startsWith(
      `${expected.consignmentsHit} of ${expected.consignmentsAssessed} consignments hit`,
    ),
    await summary.innerText(),
  );
  const chart = backtest.getByTestId('backtest-chart');
  await chart.locator('canvas').waitFor();
  const box = await chart.boundingBox();
  assert.ok(box !== null && box.width > 300 && box.height > 200, 'the chart is drawn at its size');
  assert.match(
    String(await chart.getAttribute('aria-label')),
    new RegExp(`Hits ${expected.consignmentsHit}`),
  );
  await accessible(page, 'rule backtested');
  await shot(page, '6-backtest');

  // Activated: a new version; the diff between the two says what changed.
  await page.getByRole('button', { name: 'Activate' }).click();
  await page.getByText('Version 2 is active.').waitFor();
  await page.getByRole('heading', { name: new RegExp(`Rule ${RULE} active version 2`) }).waitFor();
  const versions = page.getByRole('region', { name: 'Versions and diff' });
  const statusRow = versions.getByRole('row', { name: /status/ });
  await statusRow.waitFor();
  assert.deepEqual(
    (await statusRow.innerText()).split('\t').map((s) => s.trim()),
    ['status', 'draft', 'active'],
  );

  // A comment on it.
  const comments = page.getByRole('region', { name: 'Comments' });
  await comments.getByLabel('Your comment').fill('Activated after the backtest: watch the control load.');
  await comments.getByRole('button', { name: 'Add the comment' }).click();
  await comments.getByText('Activated after the backtest: watch the control load.').waitFor();
  await accessible(page, 'rule activated');
  await shot(page, '7-activated');

  // In the list, active.
  await page.getByRole('link', { name: /Back to the rules/ }).click();
  await page.waitForURL(/\/rules$/);
  const row = page.locator(`tr[data-rule="${RULE}"]`);
  await row.waitFor();
  assert.equal(await row.locator('[data-status]').getAttribute('data-status'), 'active');
  assert.match(await row.innerText(), /active/);
  await accessible(page, 'rules after activation');
  await shot(page, '8-list-active');
  const saved = await api<{ rule: { status: string; version: number; condition: string } }>(
    `/v1/rules/${RULE}`,
  );
  assert.deepEqual(
    { status: saved.rule.status, version: saved.rule.version, condition: saved.rule.condition },
    { status: 'active', version: 2, condition },
  );

  // The same screen in French and German.
  await page.getByLabel('Language').selectOption('fr');
  await page.getByRole('heading', { name: 'Règles', level: 1 }).waitFor();
  await page.getByLabel('Langue').selectOption('de');
  await page.getByRole('heading', { name: 'Regeln', level: 1 }).waitFor();
  await accessible(page, 'rules in German');
  await page.getByLabel('Sprache').selectOption('en');

  assert.deepEqual(problems, [], 'no script errors or content security policy violations');
  await page.close();
});
