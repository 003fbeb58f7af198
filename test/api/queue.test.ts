/**
 * The analysts' queue (GET /v1/queue, issue 16): on demo traffic assessed with the demo pack, it
 * lists exactly the current assessments with a hit not yet reviewed, highest score first (or soonest
 * arrival), narrows by mode, office, risk area and rule, pages without gaps or repeats, and a
 * consignment whose hits are all reviewed leaves it for the `reviewed` list.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installDemoPack } from '../../src/demo/demo-pack.ts';
import { generateDemoFilings } from '../../src/demo/index.ts';
import { assessPending, closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

forEachDatabase('queue', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tokens: Record<string, string> = {};
  const send = sender(app, tokens);

  before(async () => {
    t = await startTestApp(target);
    await installDemoPack(app().deps, 'NL', app().clock.now());
    for (const f of generateDemoFilings({ count: 80, seed: 7, now: app().clock.now(), riskyShare: 0.4 })) {
      await app()
        .deps.filings.register({ subject: 'acme', authority: 'NL', role: 'filer' }, f.filing)
        .catch(() => undefined);
    }
    await assessPending(app());
    tokens['ana'] = await app().token('NL', 'analyst', 'ana');
    tokens['filer'] = await app().token('NL', 'filer', 'acme');
    tokens['be'] = await app().token('BE', 'analyst', 'bea');
  });

  const queue = async (query = '', who = 'ana') => {
    const res = await send('GET', `/v1/queue${query}`, who);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  test('lists every current assessment with an unreviewed hit, highest score first', async () => {
    const expected = await app().deps.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM assessment a JOIN filing f ON f.mrn = a.mrn AND f.version = a.version
       WHERE jsonb_array_length(a.hits) > 0`,
    );
    const page = await queue('?limit=1000');
    assert.ok(expected.rows[0]!.n >= 5, `demo traffic gives hits (${expected.rows[0]!.n})`);
    assert.equal(page.total, expected.rows[0]!.n);
    assert.equal(page.items.length, page.total);
    assert.equal(page.next, null);
    const scores = page.items.map((i: { score: number }) => i.score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
    for (const i of page.items) {
      assert.ok(i.hits > i.reviewed && i.rules.length === i.hits, JSON.stringify(i));
      const s = i.severity;
      assert.equal(s.critical + s.high + s.medium + s.low, i.hits);
    }
    const byArrival = (await queue('?limit=1000&sort=arrival')).items
      .map((i: { arrival: string | null }) => i.arrival)
      .filter((a: string | null) => a !== null);
    assert.deepEqual(byArrival, [...byArrival].sort());
    // Other authorities and filers see none of it.
    assert.equal((await queue('', 'be')).total, 0);
    assert.equal((await send('GET', '/v1/queue', 'filer')).statusCode, 403);
  });

  test('filters narrow the queue to what they name', async () => {
    const all = (await queue('?limit=1000')).items as Array<Record<string, any>>;
    const first = all[0]!;
    for (const [key, value, has] of [
      ['mode', first.mode, (i: Record<string, any>) => i.mode === first.mode],
      ['office', first.office, (i: Record<string, any>) => i.office === first.office],
      ['riskArea', first.riskAreas[0], (i: Record<string, any>) => i.riskAreas.includes(first.riskAreas[0])],
      ['rule', first.rules[0], (i: Record<string, any>) => i.rules.includes(first.rules[0])],
    ] as const) {
      const got = (await queue(`?limit=1000&${key}=${encodeURIComponent(value)}`)).items;
      assert.deepEqual(
        got.map((i: { mrn: string; index: number }) => `${i.mrn}/${i.index}`).sort(),
        all
          .filter(has)
          .map((i) => `${i.mrn}/${i.index}`)
          .sort(),
        key,
      );
    }
    const bad = await send('GET', '/v1/queue?review=maybe', 'ana');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'VIGIL_QUERY_INVALID');
  });

  test('pages follow one another without gaps or repeats', async () => {
    const all = (await queue('?limit=1000')).items.map(
      (i: { mrn: string; index: number }) => `${i.mrn}/${i.index}`,
    );
    const seen: string[] = [];
    let next: string | null = '';
    while (next !== null) {
      const page = await queue(`?limit=3${next === '' ? '' : `&next=${next}`}`);
      seen.push(...page.items.map((i: { mrn: string; index: number }) => `${i.mrn}/${i.index}`));
      next = page.next;
    }
    assert.deepEqual(seen, all);
  });

  test('a consignment whose hits are all reviewed leaves the open queue for the reviewed one', async () => {
    const item = (await queue('?limit=1000')).items.at(-1);
    for (const [n, hitId] of (item.rules as string[]).entries()) {
      const res = await send('POST', `/v1/filings/${item.mrn}/assessment/reviews`, 'ana', {
        consignment: item.index,
        hitId,
        decision: n === 0 ? 'confirmed' : 'dismissed',
        ...(n === 0 ? {} : { reason: 'checked the invoice' }),
      });
      assert.equal(res.statusCode, 200, res.body);
    }
    const key = (i: { mrn: string; index: number }) => `${i.mrn}/${i.index}`;
    const open = (await queue('?limit=1000')).items.map(key);
    const reviewed = (await queue('?limit=1000&review=reviewed')).items;
    assert.ok(!open.includes(key(item)));
    const now = reviewed.find((i: { mrn: string; index: number }) => key(i) === key(item));
    assert.equal(now.reviewed, now.hits);
    assert.equal((await queue('?limit=1000&review=all')).total, open.length + reviewed.length);
  });
});
