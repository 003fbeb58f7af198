/**
 * Everyday commands a newcomer missed (issue "What a newcomer hit", #16), through the API: a rule is
 * activated or retired without sending it whole, backtests and statistics take plain dates, watchlist
 * uploads take semicolon-separated CSV, watchlist entries are listed, deleted and expire with their
 * source, and an officer's token names their office, so `assign-next`
 * needs no `?office=`, and an office of another authority is refused.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

const rule = {
  id: 'EVERYDAY-PHONES',
  title: 'Phones: documentary check',
  riskArea: 'ipr',
  weight: 40,
  severity: 'high',
  recommendedAction: 'documentary-check',
  status: 'active',
  reason: 'counterfeit phones seen on this lane',
  condition: 'goods.exists(g, g.hsCode.startsWith("8517"))',
};

forEachDatabase('newcomer: everyday commands', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};

  before(async () => {
    t = await startTestApp(target);
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
    tok['filer'] = await app().token('NL', 'filer', 'acme');
    tok['officer'] = await app().token('NL', 'officer', 'olga');
    tok['officer-at-office'] = await app().deps.tokens.issue({
      authority: 'NL',
      role: 'officer',
      subject: 'otto',
      ttlSeconds: 3600,
      office: 'NL000396',
    });
  });

  const send = sender(app, tok);

  test('a rule is retired and activated again without sending it whole', async () => {
    assert.equal((await send('POST', '/v1/rules', 'analyst', rule)).statusCode, 201);
    const retired = await send('POST', `/v1/rules/${rule.id}/status`, 'analyst', { status: 'retired' });
    assert.equal(retired.statusCode, 200, retired.body);
    assert.equal(retired.json().version, 2);
    assert.equal(retired.json().status, 'retired');
    assert.equal(retired.json().condition, rule.condition);
    const active = await send('POST', `/v1/rules/${rule.id}/status`, 'analyst', { status: 'active' });
    assert.equal(active.json().version, 3);
    assert.equal(active.json().status, 'active');
    const bad = await send('POST', `/v1/rules/${rule.id}/status`, 'analyst', { status: 'asleep' });
    assert.equal(bad.statusCode, 400);
  });

  test('backtests and rule statistics take plain dates, the `to` day included', async () => {
    const today = app().clock.now().toISOString().slice(0, 10);
    const r = await send(
      'POST',
      '/v1/filings',
      'filer',
      validFiling(app().clock.now(), { lrn: 'EVERYDAY-1' }),
    );
    assert.equal(r.statusCode, 201, r.body);
    const back = await send('POST', `/v1/rules/${rule.id}/backtest`, 'analyst', { from: today, to: today });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().consignmentsHit, 1);
    const stats = await send('GET', `/v1/rules/${rule.id}/stats?from=${today}&to=${today}`, 'analyst');
    assert.equal(stats.statusCode, 200, stats.body);
  });

  test('a watchlist upload may be semicolon-separated, as spreadsheets write it in many EU locales', async () => {
    const made = await send('POST', '/v1/watchlists', 'analyst', {
      name: 'suppliers',
      subject: 'operator-name',
    });
    assert.equal(made.statusCode, 201, made.body);
    const up = await send(
      'POST',
      '/v1/watchlists/suppliers/entries',
      'analyst',
      'value;note\n"Müller; Söhne GmbH";seen 2026\nAcme BV;\n',
      'text/csv',
    );
    assert.equal(up.statusCode, 200, up.body);
    const match = await send(
      'GET',
      `/v1/watchlists/suppliers/match?value=${encodeURIComponent('Müller; Söhne GmbH')}`,
      'analyst',
    );
    assert.equal(match.json().listed, true, match.body);
  });

  test("an officer's token names their office: assign-next needs no ?office=; another authority's office is refused", async () => {
    const lodged = await send(
      'POST',
      '/v1/filings',
      'filer',
      validFiling(app().clock.now(), { lrn: 'EVERYDAY-2' }),
    );
    assert.equal(lodged.statusCode, 201);
    await app().deps.assessments.handleReady({ mrn: lodged.json().mrn, authority: 'NL', version: 1 });
    const next = await send('POST', '/v1/controls/assign-next', 'officer-at-office', {});
    assert.equal(next.statusCode, 200, next.body);
    assert.equal(next.json().office, 'NL000396');
    assert.equal(next.json().assignee, 'otto');

    const unbound = await send('POST', '/v1/controls/assign-next', 'officer', {});
    assert.equal(unbound.statusCode, 400, unbound.body);
    assert.match(unbound.json().detail, /--office/);
    const foreign = await send('POST', '/v1/controls/assign-next?office=BE101000', 'officer', {});
    assert.equal(foreign.statusCode, 422, foreign.body);
    assert.equal(foreign.json().code, 'VIGIL_OFFICE_INVALID');
    await assert.rejects(
      app().deps.tokens.issue({
        authority: 'NL',
        role: 'officer',
        subject: 'x',
        ttlSeconds: 60,
        office: 'BE101000',
      }),
      /not an office of NL/,
    );
  });

  test('watchlist entries are listed with their source, expire, and can be taken off one by one', async () => {
    const now = app().clock.now();
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const nextYear = new Date(now.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
    const made = await send('POST', '/v1/watchlists', 'analyst', {
      name: 'sanctioned-parties',
      subject: 'operator-name',
      threshold: 0.95,
      entries: [
        { value: 'Old Listing Trading LLC', source: 'EU consolidated list 2025-11', expires: yesterday },
        { value: 'Current Listing Trading LLC', source: 'EU consolidated list 2026-11', expires: nextYear },
        { value: 'Analyst Pick GmbH' },
      ],
    });
    assert.equal(made.statusCode, 201, made.body);
    const page = await send('GET', '/v1/watchlists/sanctioned-parties/entries?limit=2', 'analyst');
    assert.equal(page.statusCode, 200, page.body);
    assert.deepEqual(
      page.json().items.map((e: { value: string; source: string }) => [e.value, e.source]),
      [
        ['Analyst Pick GmbH', 'entered by analyst:ana'],
        ['Current Listing Trading LLC', 'EU consolidated list 2026-11'],
      ],
    );
    assert.equal(typeof page.json().next, 'string', 'a cursor to the next page');
    const rest = await send(
      'GET',
      `/v1/watchlists/sanctioned-parties/entries?next=${encodeURIComponent(page.json().next)}`,
      'analyst',
    );
    const old = rest.json().items[0];
    assert.equal(old.value, 'Old Listing Trading LLC');
    assert.ok(Date.parse(old.expiresAt) <= now.getTime(), 'it expired at the end of yesterday');

    const listed = async (value: string): Promise<boolean> =>
      (
        await send(
          'GET',
          `/v1/watchlists/sanctioned-parties/match?value=${encodeURIComponent(value)}`,
          'analyst',
        )
      ).json().listed as boolean;
    assert.equal(await listed('Old Listing Trading LLC'), false, 'an expired entry no longer matches');
    assert.equal(await listed('Current Listing Trading LLC'), true);

    const del = await app().server.app.inject({
      method: 'DELETE',
      url: `/v1/watchlists/sanctioned-parties/entries?value=${encodeURIComponent('Current Listing Trading LLC')}`,
      headers: { authorization: `Bearer ${tok['analyst']!}` },
    });
    assert.equal(del.statusCode, 200, del.body);
    assert.equal(
      await listed('Current Listing Trading LLC'),
      false,
      'a deleted entry stops matching at once',
    );
    const again = await app().server.app.inject({
      method: 'DELETE',
      url: `/v1/watchlists/sanctioned-parties/entries?value=${encodeURIComponent('Current Listing Trading LLC')}`,
      headers: { authorization: `Bearer ${tok['analyst']!}` },
    });
    assert.equal(again.statusCode, 404);
  });
});
