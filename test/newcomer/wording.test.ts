/**
 * Error wording a newcomer tripped over (issue "What a newcomer hit", #14), through the API: each
 * message names the right thing in words a filer reads, every error comes back at once, and paging
 * uses one parameter name.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

forEachDatabase('newcomer: error wording', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};

  before(async () => {
    t = await startTestApp(target);
    tok['filer'] = await app().token('NL', 'filer', 'acme');
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
  });

  const send = sender(app, tok);

  test('an unknown query parameter is called a query parameter; paging is `next` everywhere', async () => {
    const bad = await send('GET', '/v1/notifications?page=421', 'filer');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].message, "'page' is not a query parameter of this route");
    const paged = await send('GET', '/v1/notifications?next=0&limit=5', 'filer');
    assert.equal(paged.statusCode, 200, paged.body);
    assert.equal(paged.json().next, 0);
  });

  test('an unknown field of a list element names the element, not its index', async () => {
    const body = validFiling(app().clock.now(), { lrn: 'WORDING-1' });
    body['consignments'][0].weight = 12;
    const r = await send('POST', '/v1/filings', 'filer', body);
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().errors[0].message, "'weight' is not a field of consignments[0]");
  });

  test("zod's own words do not reach the caller", async () => {
    const r = await send('POST', '/v1/rules/test', 'analyst', { filing: {} });
    assert.equal(r.statusCode, 400);
    const messages = (r.json().errors as { message: string }[]).map((e) => e.message);
    assert.ok(messages.includes('rule is required (a value)'), messages.join(' | '));
    assert.ok(!messages.some((m) => m.includes('nonoptional')), messages.join(' | '));
  });

  test('a body without a content type is told what this route takes', async () => {
    const r = await send('POST', '/v1/watchlists/some-list/entries', 'analyst', 'value\nX\n', '');
    assert.equal(r.statusCode, 415);
    assert.equal(r.json().code, 'VIGIL_UNSUPPORTED_MEDIA_TYPE');
    assert.match(r.json().detail, /text\/csv or application\/x-ndjson/);
    assert.match(r.json().detail, /named no content type/);
  });

  test('an amendment gets every error at once: locked fields and business rules together', async () => {
    const body = validFiling(app().clock.now(), { lrn: 'WORDING-AMEND' });
    const lodged = await send('POST', '/v1/filings', 'filer', body);
    assert.equal(lodged.statusCode, 201, lodged.body);
    const changed = structuredClone(body);
    changed['lrn'] = 'WORDING-OTHER';
    changed['officeOfFirstEntry'] = 'BE101000';
    const r = await send('POST', `/v1/filings/${lodged.json().mrn as string}/amendments`, 'filer', changed);
    assert.equal(r.statusCode, 422, r.body);
    const found = (r.json().errors as { code: string; path: string }[]).map((e) => `${e.code} ${e.path}`);
    for (const expected of [
      'VIGIL_AMENDMENT_FIELD_LOCKED $.lrn',
      'VIGIL_AMENDMENT_FIELD_LOCKED $.officeOfFirstEntry',
    ]) {
      assert.ok(found.includes(expected), `${expected} missing from ${found.join(', ')}`);
    }
    assert.ok(
      found.some((e) => e.startsWith('R3018')),
      found.join(', '),
    );
  });
});
