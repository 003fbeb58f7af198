/**
 * The Cooperation screen in headless Chromium (issue 16, point 3), against a real server. Seeded
 * through the API: two RIFs the Belgian authority issues to the Dutch one (one whose feedback is
 * overdue by the server's clock, one whose feedback is still due), one the Dutch authority issues to
 * the Belgian, and a joint customs operation the EU coordinates with NL and BE (NL accepts it, then
 * a Dutch filing inside its window is hit by its criterion). A Dutch analyst signs in, opens
 * Cooperation from the navigation, sees the inbox sorted by feedback due with the overdue mark
 * first, opens the due RIF (its indicators and details), gives feedback with the keyboard (a bad
 * count is refused in words first), sees the issued RIF in the other box, then opens the operation:
 * its participants (NL accepted, BE not yet), the pooled results per participant and in total, and
 * the link to the printable report.
 *
 * axe-core checks the screen (zero serious or critical violations); screenshots go to
 * test-artifacts/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, CHROMIUM, assertAccessible, launchChromium, screenshot } from '../support/chromium.ts';
import type { BrowserContext } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { validFiling } from '../support/filings.ts';
import { assessPending, databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const PASSWORD = 'a long test passphrase';

let app: TestApp;
let url: string;
let browser: BrowserContext;
const tokens: Record<string, string> = {};
const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));

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

/** A RIF body; the server's clock is 2027-02-20T08:00Z (test/support/test-app.ts). */
const rif = (title: string, recipients: string[], dueAt: string, validFrom = '2027-02-15T00:00:00Z') => ({
  title,
  riskArea: 'ipr',
  description: 'Counterfeit sports shoes declared as plastic slippers.',
  concealment: 'under a cover load of slippers',
  indicators: { goodsCodes: ['6402'], origins: ['CN'], modes: ['maritime'] },
  recommendedAction: 'physical-check',
  controlType: 'scan',
  validFrom,
  validUntil: '2027-06-01T00:00:00Z',
  recipients,
  handling: { tlp: 'AMBER', code: 'H1', sourceReliability: 'B', informationAccuracy: 2 },
  feedback: { required: true, dueAt },
});

async function issue(who: string, body: unknown): Promise<string> {
  const made = await call<{ rif: { id: string } }>('POST', '/v1/rifs', who, body);
  await call('POST', `/v1/rifs/${made.rif.id}/issue`, who);
  return made.rif.id;
}

let operationId = '';

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  await buildWeb(true);
  app = await startTestApp(databaseTargets()[0]!);
  await app.deps.people.add(
    { username: 'ana', authority: 'NL', displayName: 'Ana Analyst', role: 'analyst', password: PASSWORD },
    'admin:test',
  );
  tokens['admin'] = await app.token('EU', 'admin', 'root');
  tokens['coord'] = await app.token('EU', 'coordinator', 'eu-ops');
  tokens['analystNL'] = await app.token('NL', 'analyst', 'an-nl');
  tokens['analystBE'] = await app.token('BE', 'analyst', 'an-be');
  tokens['filer'] = await app.token('NL', 'filer', 'acme');
  url = await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  for (const code of ['EU', 'NL', 'BE']) {
    await call('PUT', `/v1/authorities/${code}`, 'admin', { name: `${code} customs`, kind: 'customs' });
  }
  await issue('analystBE', rif('Shoes in slipper cartons', ['NL'], '2027-03-10T12:00:00Z'));
  await issue(
    'analystBE',
    rif('Slippers under the declared mass', ['NL'], '2027-02-18T12:00:00Z', '2027-02-01T00:00:00Z'),
  );
  await issue('analystNL', rif('Dutch warning on sports shoes', ['BE'], '2027-04-01T12:00:00Z'));

  const op = await call<{ id: string }>('POST', '/v1/operations', 'coord', {
    kind: 'jco',
    title: 'JCO Stride: counterfeit footwear',
    objective: 'Detect counterfeit footwear entering the union by sea',
    start: '2027-02-19T00:00:00Z',
    end: '2027-03-05T00:00:00Z',
    interimReview: '2027-02-26T00:00:00Z',
    participants: [{ authority: 'NL', liaisonOfficers: [{ name: 'J. de Vries' }] }, { authority: 'BE' }],
    criteria: [
      {
        title: 'Any consignment with goods',
        condition: 'size(goods) > 0',
        riskArea: 'ipr',
        weight: 10,
        severity: 'low',
        recommendedAction: 'documentary-check',
        reason: 'Footwear routes of the operation',
      },
    ],
  });
  operationId = op.id;
  await call('POST', `/v1/operations/${operationId}/participation`, 'analystNL');
  await call('POST', '/v1/filings', 'filer', validFiling(app.clock.now(), { lrn: 'COOP-1' }));
  await assessPending(app);

  browser = await launchChromium(profile, { viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  rmSync(profile, { recursive: true, force: true });
});

test('an analyst reads the RIF inbox by feedback due, gives feedback, and reads an operation’s pooled results', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // The session probe before signing in answers 401.
    if (m.type() === 'error' && !/status of 401/.test(m.text())) {
      problems.push(`${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Username').fill('ana');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/queue$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cooperation' }).click();
  await page.waitForURL(/\/cooperation$/);
  await page.getByRole('heading', { name: 'Cooperation', level: 1 }).waitFor();

  // The inbox: both Belgian RIFs, the overdue one first, each with its due date and mark.
  const inbox = page.getByRole('table', {
    name: 'RIFs sent to your authority, the earliest feedback due first',
  });
  await inbox.waitFor();
  const rows = inbox.locator('tbody tr');
  assert.equal(await rows.count(), 2);
  const first = rows.nth(0);
  const second = rows.nth(1);
  assert.match(
    await first.innerText(),
    /Slippers under the declared mass[\s\S]*BE[\s\S]*TLP:AMBER[\s\S]*ipr/,
  );
  assert.match(await first.innerText(), /Feb 18, 2027, 12:00 PM UTC\s*overdue/);
  assert.match(await second.innerText(), /Shoes in slipper cartons/);
  assert.match(await second.innerText(), /Mar 10, 2027, 12:00 PM UTC\s*due/);
  assert.doesNotMatch(await second.innerText(), /overdue/);
  await assertAccessible(page, 'cooperation, inbox');
  await screenshot(page, 'cooperation-1-inbox');

  // Open the due one: its indicators and details.
  await second.getByRole('button', { name: 'Shoes in slipper cartons' }).click();
  const detail = page.getByRole('region', { name: /Shoes in slipper cartons/ });
  await detail.waitFor();
  const text = await detail.innerText();
  assert.match(text, /Goods codes\s*6402/);
  assert.match(text, /Origins\s*CN/);
  assert.match(text, /Concealment\s*under a cover load of slippers/);
  assert.match(text, /TLP AMBER, H1, source B, information 2/);
  await detail.getByText('No feedback yet.').waitFor();

  // Feedback with the keyboard: a bad count is refused in words, then it is sent.
  await detail.getByRole('radio', { name: 'useful', exact: true }).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.type('two');
  await page.keyboard.press('Tab');
  await page.keyboard.type('One container scanned, nothing found.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await detail.getByRole('alert').getByText('Controls done must be a whole number, 0 or more.').waitFor();
  assert.equal(await detail.getByLabel('Controls done (optional)').getAttribute('aria-invalid'), 'true');
  await assertAccessible(page, 'cooperation, feedback refused');
  await detail.getByLabel('Controls done (optional)').fill('1');
  await detail.getByLabel('Controls done (optional)').press('Enter');
  await detail.getByRole('status').getByText('Feedback recorded.').waitFor();
  const given = detail.getByRole('table', { name: 'Feedback given on this RIF' });
  await given.waitFor();
  assert.match(await given.innerText(), /NL\s*useful\s*1\s*One container scanned, nothing found\./);
  // The inbox no longer marks it due: the feedback is given.
  await second.getByText('given').waitFor();
  await screenshot(page, 'cooperation-2-rif');

  // The other box: the RIF the Dutch authority issued.
  await page.getByRole('radio', { name: 'Issued' }).check();
  const issued = page.getByRole('table', {
    name: 'RIFs your authority issued, the earliest feedback due first',
  });
  await issued.waitFor();
  assert.match(
    await issued.innerText(),
    /Dutch warning on sports shoes[\s\S]*BE[\s\S]*Apr 1, 2027, 12:00 PM UTC/,
  );

  // The operation: participants, pooled results, the report.
  const ops = page.getByRole('table', { name: 'Operations your authority coordinates or takes part in' });
  const op = ops.locator(`tr[data-operation="${operationId}"]`);
  assert.match(await op.innerText(), /JCO Stride[\s\S]*Joint customs operation\s*operational\s*Feb 19, 2027/);
  await op.getByRole('button', { name: 'JCO Stride: counterfeit footwear' }).click();
  const opDetail = page.getByRole('region', { name: /JCO Stride/ });
  await opDetail.waitFor();
  const participants = opDetail.getByRole('table', { name: 'The operation’s participants' });
  assert.match(await participants.locator('tr[data-participant="NL"]').innerText(), /accepted Feb 20, 2027/);
  assert.match(await participants.locator('tr[data-participant="BE"]').innerText(), /not yet/);
  const results = opDetail.getByRole('table', { name: /Pooled results per participant and in total/ });
  await results.waitFor();
  const nl = (await results.locator('tr[data-results="NL"]').innerText()).split('\t').map((s) => s.trim());
  const total = (await results.locator('tr[data-results="total"]').innerText())
    .split('\t')
    .map((s) => s.trim());
  assert.deepEqual(nl.slice(0, 3), ['NL', '1', '1'], `NL row: ${nl.join(' | ')}`);
  assert.deepEqual(total.slice(0, 3), ['Total', '1', '1'], `total row: ${total.join(' | ')}`);
  const report = opDetail.getByRole('link', { name: /Printable report/ });
  assert.equal(await report.getAttribute('href'), `/v1/operations/${operationId}/report?format=html`);
  const html = await page.evaluate(
    async (href) => (await fetch(href)).text(),
    (await report.getAttribute('href'))!,
  );
  assert.match(html, /JCO Stride/);
  await assertAccessible(page, 'cooperation, operation');
  await screenshot(page, 'cooperation-3-operation');

  // In French and German, the screen's words are its own.
  await page.getByLabel('Language').selectOption('fr');
  await page.getByRole('heading', { name: 'Coopération', level: 1 }).waitFor();
  await opDetail.getByRole('columnheader', { name: 'Envois signalés' }).waitFor();
  await page.getByLabel('Langue').selectOption('de');
  await page.getByRole('heading', { name: 'Zusammenarbeit', level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Gemeinsame Aktionen' }).waitFor();
  await assertAccessible(page, 'cooperation, in German');
  await page.getByLabel('Sprache').selectOption('en');

  assert.deepEqual(problems, []);
  await page.close();
});
