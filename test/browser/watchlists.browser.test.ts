/**
 * The analyst's Watchlists screen in headless Chromium (issue 16), against a real server: an analyst
 * signs in, uploads a watchlist file that names a party (a new list, with a progress bar; the list
 * of watchlists then shows it and its size), is told in words and by line what is wrong with a bad
 * file (and nothing of it is stored), searches a variant of the party's name and reads its fuzzy
 * score explained word by word, and opens an entry's details and history. A rule screening
 * consignees against the list (created through the API, `consignee.name in watchlist(…)`), then a
 * filing lodged through the API whose consignee bears another spelling of the name, gets a hit that
 * the queue and the Consignment screen show with the entity and the name it matched.
 *
 * axe-core checks the Watchlists screen (in English and German) for serious or critical
 * violations; nothing may break the page's content security policy. Screenshots of each step go to
 * test-artifacts/.
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
import { testRule } from '../support/rules.ts';
import { assessPending, databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const PASSWORD = 'a long test passphrase';
const LIST = 'denied-parties';
const LISTED = 'Korvex Maritime Logistics LLC';
/** The filler entries of the file, so that it takes more than one progress event to send. */
const FILLERS = 2500;

let app: TestApp;
let url: string;
let browser: BrowserContext;
const tokens: Record<string, string> = {};
const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  await buildWeb(true);
  app = await startTestApp(databaseTargets()[0]!);
  await app.deps.people.add(
    { username: 'ana', authority: 'NL', displayName: 'Ana Analyst', role: 'analyst', password: PASSWORD },
    'admin:test',
  );
  tokens['analyst'] = await app.token('NL', 'analyst', 'checker');
  tokens['filer'] = await app.token('NL', 'filer', 'acme');
  url = await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium(profile, { viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  rmSync(profile, { recursive: true, force: true });
});

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

const accessible = assertAccessible;

const shot = (page: Page, name: string): Promise<void> => screenshot(page, `watchlists-${name}`);

/** The watchlist file: the listed party among filler entries, as Vigil's CSV. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = (globalThis as any).document.activeElement;
    return {
      tag: (el?.tagName as string).toLowerCase(),
      label: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim() as string,
    };
  });

/** Presses Tab until `want` holds for the focused element (at most 80 presses). */
async function tabTo(
  page: Page,
  want: (f: Awaited<ReturnType<typeof focused>>) => boolean,
  what: string,
): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (want(await focused(page))) {
      return;
    }
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${what}; focus is on ${JSON.stringify(await focused(page))}`);
}

function listFile(): Buffer {
  const lines = ['id,value,aliases,type,identifiers,note,source'];
  lines.push(
    `dp:7,${LISTED},Korvex Marine Logistics|Korveks Shipping,organisation,registration:AE-DMCC-55120,denied 2027-01-12,national denied parties list`,
  );
  for (let i = 0; i < FILLERS; i++) {
    lines.push(`dp:f${i},Filler Trading Company Number ${i},,organisation,,,national denied parties list`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

test('an analyst uploads a watchlist, searches a variant of a listed name, and the next filing naming it gets a hit', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (40[14]|422)/.test(m.text())) {
      problems.push(`${m.text()} at ${JSON.stringify(m.location())}`);
    }
  });
  page.on('pageerror', (e) => problems.push(e.message));

  // Sign in, and go to the Watchlists screen from the main navigation.
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Username').fill('ana');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/queue$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Watchlists' }).click();
  await page.waitForURL(/\/watchlists$/);
  await page.getByRole('heading', { name: 'Watchlists', level: 1 }).waitFor();
  await page.getByText('No watchlist yet: upload one below.').waitFor();
  await accessible(page, 'watchlists, none yet');
  await shot(page, '1-empty');

  // Upload a new list of party names from a CSV file: the progress bar fills, the list appears.
  const file = listFile();
  await page.getByLabel('List name').fill(LIST);
  assert.equal(await page.getByLabel('A new list compares').inputValue(), 'operator-name');
  await page
    .getByLabel('Watchlist file', { exact: true })
    .setInputFiles({ name: 'denied-parties.csv', mimeType: 'text/csv', buffer: file });
  // A slow link (Chromium's throttling, 64 KB/s up), so the upload takes a few seconds to send.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: 64 * 1024,
  });
  // Every value the progress bar shows while the file goes.
  await page.evaluate(() => {
    const g = globalThis as any;
    g.progressSeen = [];
    new g.MutationObserver(() => {
      const bar = g.document.querySelector('.wl-progress progress');
      if (bar !== null && g.progressSeen.at(-1) !== bar.value) {
        g.progressSeen.push(bar.value);
      }
    }).observe(g.document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.waitForFunction(() => {
    const v = (globalThis as any).document.querySelector('.wl-progress progress')?.value;
    return v > 0 && v < 100;
  });
  await shot(page, '2-uploading');
  const done = page.getByRole('status').filter({ hasText: 'stored in' });
  await done.waitFor();
  assert.equal(
    await done.innerText(),
    `${(FILLERS + 1).toLocaleString('en')} entries read (CSV) and stored in ${LIST}.`,
  );
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  const seen = await page.evaluate(() => (globalThis as any).progressSeen as number[]);
  assert.ok(
    seen.some((v) => v > 0 && v < 100),
    `the bar showed the upload going: ${seen.join(', ')}`,
  );
  const bar = page.getByRole('progressbar', { name: 'Upload progress' });
  assert.equal(await bar.getAttribute('value'), '100');
  assert.match(await page.locator('.wl-progress').innerText(), /\(100 %\)/);
  const row = page.locator(`tr[data-list="${LIST}"]`);
  await row.waitFor();
  assert.equal(await row.locator('td[data-size]').getAttribute('data-size'), String(FILLERS + 1));
  assert.match(await row.innerText(), /party names/);
  const stored = await call<{ items: Array<{ name: string; size: number }> }>(
    'GET',
    '/v1/watchlists',
    'analyst',
  );
  assert.deepEqual(
    stored.items.map((l) => [l.name, l.size]),
    [[LIST, FILLERS + 1]],
  );
  await accessible(page, 'watchlists after an upload');
  await shot(page, '3-uploaded');

  // A bad file: every problem in words with its line, and nothing of it is stored.
  const bad = [
    'id,value,type',
    'x:1,Good Name Ltd,organisation',
    'x:2,,organisation',
    'x:3,Odd Entity,spaceship',
  ];
  await page
    .getByLabel('Watchlist file', { exact: true })
    .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`${bad.join('\n')}\n`) });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const refused = page.locator('.wl-problems');
  await refused.waitFor();
  assert.equal(await refused.getAttribute('role'), 'alert');
  const words = await refused.innerText();
  assert.match(words, /The upload failed/);
  assert.match(words, /2 problems in the file; nothing was stored/);
  assert.match(words, /line 3 value: /);
  assert.match(words, /line 4 type: /);
  assert.equal(
    (await call<{ items: Array<{ size: number }> }>('GET', '/v1/watchlists', 'analyst')).items[0]!.size,
    FILLERS + 1,
    'nothing of the bad file was stored',
  );
  await accessible(page, 'watchlists with a refused upload');
  await shot(page, '4-refused');

  // Search a variant of the listed name: the score, and word by word how it met the listed name.
  const variant = 'Korveks Maritim Logistic';
  await page.getByLabel('Name to search').fill(variant);
  await page.getByLabel('Name to search').press('Enter');
  const match = page.locator('article.wl-match[data-entity="dp:7"]');
  await match.waitFor();
  const expected = await call<{ listed: boolean; score: number; match: { name: string; parts: unknown[] } }>(
    'GET',
    `/v1/watchlists/${LIST}/match?value=${encodeURIComponent(variant)}`,
    'analyst',
  );
  assert.equal(expected.listed, true);
  const heading = await match.locator('h4').innerText();
  assert.match(heading, new RegExp(`Score ${expected.score.toFixed(2)}`));
  assert.match(heading, new RegExp(`Matched the name “${expected.match.name}” of ${LISTED} \\(dp:7\\)`));
  const parts = match.locator('table.wl-parts tbody tr');
  assert.equal(await parts.count(), expected.match.parts.length);
  assert.match(await match.locator('table.wl-parts caption').innerText(), new RegExp(`How “${variant}” met`));
  const hows = await parts.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-how')));
  assert.ok(
    hows.some((h) => h !== 'exact'),
    `a misspelt word is explained (${hows.join(', ')})`,
  );
  assert.match(await match.innerText(), /spelt differently|sounds alike|cut short/);
  await accessible(page, 'watchlists with a search explained');
  await shot(page, '5-search-explained');

  // An entry's details and history, opened from the list's entries with the keyboard alone; its
  // expiry set, then cleared.
  await page.getByRole('button', { name: 'Search', exact: true }).focus();
  await tabTo(page, (f) => f.label === 'Details of Filler Trading Company Number 0', 'the first entry');
  await page.keyboard.press('Enter');
  const details = page.locator('section.wl-entry[data-entry="dp:f0"]');
  await details.waitFor();
  await details.getByText(/^Listed on /).waitFor();
  assert.equal((await focused(page)).tag, 'h3', 'the focus goes to the details');
  assert.match(await details.innerText(), /Matches with no end date/);
  await details.getByLabel('Stop matching on').fill('2027-12-31');
  await details.getByRole('button', { name: 'Set the expiry' }).click();
  await details.getByRole('status').filter({ hasText: 'stops matching on' }).waitFor();
  await details.getByText(/^Stops matching on /).waitFor();
  const expiring = await call<{ expiresAt: string | null }>(
    'GET',
    `/v1/watchlists/${LIST}/entries/dp:f0`,
    'analyst',
  );
  assert.equal(expiring.expiresAt, '2028-01-01T00:00:00.000Z', 'the end of that day, UTC');
  await accessible(page, 'watchlists with an entry open');
  await shot(page, '6-entry');
  await details.getByRole('button', { name: 'Clear the expiry' }).click();
  await details.getByText('Matches with no end date', { exact: true }).waitFor();
  // Its history: who listed it, then the expiry set and cleared, each with who did it.
  const changes = details.getByRole('table', { name: 'Changes to this entity' });
  await changes.locator('tr[data-change]').nth(2).waitFor();
  const rows = await changes
    .locator('tr[data-change]')
    .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-change'), tr.children[1]?.textContent]));
  assert.deepEqual(rows.slice(-2), [
    ['expiry', 'analyst:ana'],
    ['expiry', 'analyst:ana'],
  ]);
  assert.equal(rows[0]![0], 'added');
  assert.match(await changes.innerText(), /Expiry set to .*\n?.*Expiry cleared/s);

  // A rule screens consignees against the list; a filing whose consignee bears a variant gets a hit.
  await call('POST', '/v1/rules', 'analyst', {
    ...testRule({
      id: 'R-DENIED-PARTY',
      condition: `consignee.name in watchlist("${LIST}")`,
    }),
    title: 'Consignee on the denied parties list',
    riskArea: 'security-safety',
    reason: 'The consignee is a denied party.',
  });
  const filing = validFiling(app.clock.now(), { lrn: 'WL-HIT-1' });
  filing['consignments'][0].consignee.name = 'KORVEX MARITIME LOGISTIC L.L.C.';
  const { mrn } = await call<{ mrn: string }>('POST', '/v1/filings', 'filer', filing);
  await assessPending(app);

  await page.goto(`${url}/queue`);
  const queued = page.getByText(mrn);
  await queued.first().waitFor();
  await shot(page, '7-queue');
  const queue = await call<{ items: Array<{ mrn: string; index: number; rules: string[] }> }>(
    'GET',
    '/v1/queue?limit=1000',
    'analyst',
  );
  const item = queue.items.find((i) => i.mrn === mrn);
  assert.ok(item !== undefined, 'the filing is in the queue');
  assert.ok(item.rules.includes('R-DENIED-PARTY'), `its hits: ${item.rules.join(', ')}`);

  await page.goto(`${url}/consignments/${mrn}/${item.index}`);
  const hit = page.locator('article[data-hit="R-DENIED-PARTY"]');
  await hit.waitFor();
  const hitWords = await hit.innerText();
  assert.match(hitWords, new RegExp(LIST));
  assert.match(hitWords, /KORVEX MARITIME LOGISTIC L\.L\.C\./);
  assert.match(hitWords, new RegExp(LISTED));
  await shot(page, '8-consignment-hit');

  // The screen in French and German.
  await page.goto(`${url}/watchlists`);
  await page.getByLabel('Language').selectOption('fr');
  await page.getByRole('heading', { name: 'Listes de surveillance', level: 1 }).waitFor();
  await page.getByLabel('Langue').selectOption('de');
  await page.getByRole('heading', { name: 'Beobachtungslisten', level: 1 }).waitFor();
  await page.getByText('Eine Listendatei hochladen').waitFor();
  await accessible(page, 'watchlists in German');
  await shot(page, '9-german');
  await page.getByLabel('Sprache').selectOption('en');
  assert.deepEqual(problems, [], 'no script errors or content security policy violations');
  await page.close();
});
