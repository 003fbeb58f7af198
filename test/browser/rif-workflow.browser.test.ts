/**
 * Composing, issuing and adopting a RIF, and taking part in a joint operation, in headless Chromium
 * against a real server (issue 16, RIFs and operations). Seeded through the API: the directory (EU,
 * NL, BE), two Belgian filings of phones from China lodged the day before (the history the adoption
 * preview backtests), and a joint customs operation the EU coordinates with NL and BE.
 *
 * A Dutch analyst composes a RIF on the Cooperation screen with a typo in a goods code: the server
 * refuses it and the problem is shown in words at the goods codes field (and listed with a link to
 * it); she fixes it, saves the draft and issues it to BE. A Belgian analyst finds it in the inbox,
 * opens the adoption, sees the preview (the rule, what it would have hit on BE's two filings, the
 * control load it would add, the daily chart) and adopts it: the rule is live. Then he opens the
 * operation, accepts it for BE and writes a note in its channel with the keyboard (an empty message
 * is refused in words first).
 *
 * axe-core checks each new view (zero serious or critical violations); screenshots go to
 * test-artifacts/ (rifs-*.png).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, CHROMIUM, assertAccessible, launchChromium, screenshot } from '../support/chromium.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { validFiling } from '../support/filings.ts';
import { assessPending, databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const PASSWORD = 'a long test passphrase';
const DAY = 86_400_000;

let app: TestApp;
let url: string;
let browser: BrowserContext;
const tokens: Record<string, string> = {};
const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));
let operationId = '';

async function call<T>(method: string, path: string, who: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[who]!}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as T;
}

/** A Belgian filing of the default phones (HS 8517, from China, by sea). */
function beFiling(now: Date, lrn: string): Record<string, any> {
  const f = validFiling(now, { lrn });
  f['officeOfFirstEntry'] = 'BE101000';
  f['transport'].routing = ['CN', 'SG', 'BE'];
  f['consignments'][0].placeOfUnloading = 'BEANR';
  f['consignments'][0].routing = ['CN', 'SG', 'BE'];
  return f;
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  await buildWeb(true);
  app = await startTestApp(databaseTargets()[0]!);
  await app.deps.people.add(
    { username: 'ana', authority: 'NL', displayName: 'Ana Analyst', role: 'analyst', password: PASSWORD },
    'admin:test',
  );
  await app.deps.people.add(
    { username: 'bert', authority: 'BE', displayName: 'Bert Analyst', role: 'analyst', password: PASSWORD },
    'admin:test',
  );
  tokens['admin'] = await app.token('EU', 'admin', 'root');
  tokens['coord'] = await app.token('EU', 'coordinator', 'eu-ops');
  tokens['filerBE'] = await app.token('BE', 'filer', 'acme-be');
  url = await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  for (const code of ['EU', 'NL', 'BE']) {
    await call('PUT', `/v1/authorities/${code}`, 'admin', { name: `${code} customs`, kind: 'customs' });
  }
  // BE's history: two phone consignments lodged a day ago, never controlled.
  await call('POST', '/v1/filings', 'filerBE', beFiling(app.clock.now(), 'BE-HIST-1'));
  await call('POST', '/v1/filings', 'filerBE', beFiling(app.clock.now(), 'BE-HIST-2'));
  await assessPending(app);
  app.clock.advance(DAY);

  const op = await call<{ id: string }>('POST', '/v1/operations', 'coord', {
    kind: 'jco',
    title: 'JCO Handset: counterfeit phones',
    objective: 'Detect counterfeit phones entering the union by sea',
    start: '2027-02-20T00:00:00Z',
    end: '2027-03-20T00:00:00Z',
    interimReview: '2027-03-06T00:00:00Z',
    participants: [{ authority: 'NL' }, { authority: 'BE', liaisonOfficers: [{ name: 'M. Peeters' }] }],
    criteria: [
      {
        title: 'Phones from China',
        condition: 'goods.exists(g, g.hsCode.startsWith("8517"))',
        riskArea: 'ipr',
        weight: 10,
        severity: 'low',
        recommendedAction: 'documentary-check',
        reason: 'Phones of the operation',
      },
    ],
  });
  operationId = op.id;

  browser = await launchChromium(profile, { viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  rmSync(profile, { recursive: true, force: true });
});

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/queue$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cooperation' }).click();
  await page.waitForURL(/\/cooperation$/);
  await page.getByRole('heading', { name: 'Cooperation', level: 1 }).waitFor();
}

function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    // The session probe before signing in answers 401; the refused RIF answers 422.
    if (m.type() === 'error' && !/status of (401|422)/.test(m.text())) {
      problems.push(`${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

let rifId = '';

test('an analyst composes a RIF, sees the typo at its field, fixes it and issues it to BE', async () => {
  const page = await browser.newPage();
  const problems = watch(page);
  await signIn(page, 'ana');

  await page.getByRole('button', { name: 'New RIF' }).click();
  const form = page.getByRole('region', { name: 'New risk information form (draft)' });
  await form.waitFor();
  // The panel's heading has the focus: the keyboard goes on from there.
  assert.equal(
    await page.evaluate(() => (globalThis as any).document.activeElement?.id),
    'rif-compose-title',
  );
  await form.getByLabel('Title').fill('Counterfeit phones in mixed cartons');
  await form.getByLabel('Risk area').selectOption('ipr');
  await form.getByLabel(/^What to look for/).fill('Boxed phones with fake logos, declared at low value.');
  await form.getByLabel('Goods codes').fill('85I7');
  await form.getByLabel('Origins').fill('cn');
  await form.getByRole('checkbox', { name: 'maritime' }).check();
  await form.getByLabel('Recommended action').selectOption('physical-check');
  await form.getByLabel('Urgency').selectOption('urgent');
  await form.getByLabel('Valid from').fill('2027-02-21');
  await form.getByLabel(/^Valid until/).fill('2027-06-01');
  // The directory's customs authorities other than NL itself.
  const recipients = form.getByRole('group', { name: 'Recipients' });
  assert.deepEqual(
    (await recipients.getByRole('checkbox').all()).length,
    2,
    'EU and BE, not NL (the issuer)',
  );
  await recipients.getByRole('checkbox', { name: /^BE/ }).check();
  await form.getByLabel('TLP label').selectOption('AMBER');
  await form.getByLabel('Handling code').selectOption('H2');
  await form.getByRole('checkbox', { name: 'Ask the recipients for feedback' }).check();
  await form.getByLabel('Feedback due').fill('2027-03-15');
  await form.getByRole('button', { name: 'Save the draft' }).click();

  // The server refuses the goods code: the problem is at its field, in words, and listed with a link.
  const goods = form.getByLabel('Goods codes');
  await form.locator('#rif-f-indicators-goodsCodes-err').waitFor();
  assert.equal(await goods.getAttribute('aria-invalid'), 'true');
  const described = (await goods.getAttribute('aria-describedby')) ?? '';
  assert.ok(described.split(' ').includes('rif-f-indicators-goodsCodes-err'), described);
  assert.match(
    await form.locator('#rif-f-indicators-goodsCodes-err').innerText(),
    /HS\/CN\/TARIC code or its prefix/,
  );
  const summary = form.getByRole('alert');
  assert.match(await summary.innerText(), /The RIF was not saved: 1 problem/);
  assert.equal(await summary.getByRole('link').first().getAttribute('href'), '#rif-f-indicators-goodsCodes');
  await assertAccessible(page, 'compose, refused');
  await screenshot(page, 'rifs-1-compose-error');

  // Fixed: saved as a draft, opened in the issued box, then issued to BE.
  await goods.fill('8517');
  await form.getByRole('button', { name: 'Save the draft' }).click();
  const detail = page.getByRole('region', { name: /Counterfeit phones in mixed cartons/ });
  await detail.waitFor();
  assert.match(await detail.innerText(), /Goods codes\s*8517/);
  assert.match(await detail.innerText(), /Origins\s*CN/);
  const row = page.locator('tr[data-rif]').filter({ hasText: 'Counterfeit phones in mixed cartons' });
  rifId = (await row.getAttribute('data-rif'))!;
  assert.match(await row.innerText(), /draft/);
  await detail.getByRole('button', { name: 'Issue to its recipients' }).click();
  await detail.getByRole('status').getByText('Issued to BE.').waitFor();
  await row.getByText('issued').waitFor();
  // The issuer may now amend or withdraw it.
  await detail.getByRole('button', { name: 'Amend' }).waitFor();
  await detail.getByRole('button', { name: 'Withdraw…' }).click();
  await detail.getByRole('button', { name: 'Withdraw the RIF' }).click();
  await detail.getByText('Give the reason for withdrawing it.').waitFor();
  await assertAccessible(page, 'issued RIF, withdrawal form');
  await screenshot(page, 'rifs-2-issued');

  assert.deepEqual(problems, []);
  await page.close();
});

test('the recipient previews the rule on its own history and adopts it; then accepts an operation and writes in its channel', async () => {
  assert.notEqual(rifId, '', 'the first test issued the RIF');
  const page = await browser.newPage();
  const problems = watch(page);
  await signIn(page, 'bert');

  const inbox = page.getByRole('table', {
    name: 'RIFs sent to your authority, the earliest feedback due first',
  });
  const row = inbox.locator(`tr[data-rif="${rifId}"]`);
  assert.match(await row.innerText(), /Counterfeit phones in mixed cartons[\s\S]*NL[\s\S]*TLP:AMBER/);
  await row.getByRole('button', { name: 'Counterfeit phones in mixed cartons' }).click();
  const detail = page.getByRole('region', { name: /Counterfeit phones in mixed cartons/ });
  await detail.getByRole('button', { name: 'Adopt, note or decline…' }).click();

  // The preview: the rule and what it would have hit on BE's filings, stored nowhere yet.
  const adopt = page.getByRole('region', { name: `Adopt ${rifId} as a local rule` });
  await adopt.waitFor();
  const summary = adopt.getByTestId('rif-preview-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /^2 of 2 consignments hit \(100%\); 0 of them were controlled/);
  assert.match(
    await adopt.getByTestId('rif-preview-load').innerText(),
    /Control load it would add: 2 consignments that had no control \(100% of the traffic/,
  );
  assert.match(await adopt.innerText(), /Condition\s*[\s\S]*8517/);
  await adopt.getByTestId('backtest-chart').locator('canvas').waitFor();
  assert.match(
    (await adopt.getByTestId('backtest-chart').getAttribute('aria-label'))!,
    /Daily hits of the rule from the RIF: Hits 2, Controls it would add 2/,
  );
  await adopt.getByText('The days with traffic, as a table').click();
  assert.match(await adopt.locator('tbody tr').first().innerText(), /2027-02-20\s*2\s*2\s*2/);
  await assertAccessible(page, 'adoption preview');
  await screenshot(page, 'rifs-3-adopt-preview');

  await adopt.getByRole('button', { name: 'Adopt: make the rule live' }).click();
  await adopt
    .getByRole('status')
    .getByText(/^Adopted: the rule rif-.* is live\.$/)
    .waitFor();
  await row.getByText('adopted').waitFor();

  // The operation: accept it for BE, then write in its channel with the keyboard.
  const ops = page.getByRole('table', { name: 'Operations your authority coordinates or takes part in' });
  await ops
    .locator(`tr[data-operation="${operationId}"]`)
    .getByRole('button', { name: 'JCO Handset: counterfeit phones' })
    .click();
  const op = page.getByRole('region', { name: /JCO Handset/ });
  await op.waitFor();
  const participants = op.getByRole('table', { name: 'The operation’s participants' });
  assert.match(await participants.locator('tr[data-participant="BE"]').innerText(), /not yet/);
  await op.getByText('No message yet.').waitFor();
  await assertAccessible(page, 'operation, not accepted');
  await op.getByRole('button', { name: 'Accept the operation' }).click();
  await op
    .getByRole('status')
    .getByText(/^Accepted: the criteria are your rules/)
    .waitFor();
  await participants
    .locator('tr[data-participant="BE"]')
    .getByText(/accepted Feb 21, 2027/)
    .waitFor();

  await op.getByLabel('Message').focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await op.getByRole('alert').getByText('Write the message.').waitFor();
  assert.equal(await op.getByLabel('Message').getAttribute('aria-invalid'), 'true');
  await op.getByLabel('Kind').selectOption('alert');
  await op.getByLabel('Consignment (MRN)').fill('27BE000000000001X1');
  await op.getByLabel('Message').focus();
  await page.keyboard.type('Two phone consignments from the same shipper at Antwerp this week.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const messages = op.getByRole('list', { name: 'Messages, oldest first' });
  await messages.waitFor();
  const first = messages.getByRole('listitem').first();
  assert.match(
    await first.innerText(),
    /Alert · BE \(bert\), Feb 21, 2027[\s\S]*about 27BE000000000001X1[\s\S]*Two phone consignments from the same shipper/,
  );
  // The coordinator reads it through the API.
  const seen = await call<{ items: { from: string; kind: string }[] }>(
    'GET',
    `/v1/operations/${operationId}/messages`,
    'coord',
  );
  assert.deepEqual(
    seen.items.map((m) => [m.from, m.kind]),
    [['BE', 'alert']],
  );
  await assertAccessible(page, 'operation, accepted, with a message');
  await screenshot(page, 'rifs-4-operation-channel');

  // In French and German, the new parts have their own words.
  await page.getByLabel('Language').selectOption('fr');
  await op.getByRole('heading', { name: 'Canal', exact: true }).waitFor();
  await page.getByLabel('Langue').selectOption('de');
  await op.getByRole('button', { name: 'Senden' }).waitFor();
  await assertAccessible(page, 'operation channel, in German');
  await page.getByLabel('Sprache').selectOption('en');

  assert.deepEqual(problems, []);
  await page.close();
});
