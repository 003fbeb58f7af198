/**
 * What the workbench's Rules screen asks of the API (issue 16), on a real database:
 * - a condition is checked as the analyst types: a typo comes back with its code, line and column,
 *   the corrected condition checks, and nothing is stored;
 * - the rule environment lists what a condition can name, read from the environment rules are
 *   type-checked against (every documented helper is there, with its description);
 * - comments on a rule: added on its latest version, listed oldest first, audited, refused to a
 *   filer and for a rule that does not exist;
 * - the statistics of every rule at once, with hits day by day, agree with one rule's statistics.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp, assessPending } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import { RULE_FUNCTIONS } from '../../src/risk/index.ts';

const DAY = 86_400_000;

const phonesRule = (over: Record<string, unknown> = {}) => ({
  id: 'PHONES-CN',
  title: 'Phones from China',
  riskArea: 'undervaluation',
  weight: 70,
  severity: 'high',
  recommendedAction: 'physical-check',
  status: 'active',
  reason: 'Phones from China are often undervalued.',
  condition: 'goods.exists(g, g.hsCode.startsWith("8517") && g.origin == "CN")',
  ...over,
});

forEachDatabase('the Rules screen’s API', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  before(async () => {
    t = await startTestApp(target);
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
    tok['officer'] = await app().token('NL', 'officer', 'olga');
    tok['filer'] = await app().token('NL', 'filer', 'acme');
    tok['be-analyst'] = await app().token('BE', 'analyst', 'bert');
  });

  test('a condition is checked as it is typed: the typo with its line and column, then no problem', async () => {
    const typo = await send('POST', '/v1/rules/check', 'analyst', {
      condition: 'goods.exists(g,\n  g.hsCod.startsWith("8517"))',
    });
    assert.equal(typo.statusCode, 200, typo.body);
    const body = typo.json<{
      ok: boolean;
      errors: { code: string; line: number; column: number; offset: number; message: string }[];
    }>();
    assert.equal(body.ok, false);
    assert.equal(body.errors[0]!.code, 'VIGIL_RULE_UNKNOWN_FIELD');
    assert.equal(body.errors[0]!.line, 2);
    assert.equal(body.errors[0]!.column, 5, 'the column points at the unknown field');
    assert.equal(body.errors[0]!.offset, 20);
    assert.match(body.errors[0]!.message, /hsCod/);

    const fixed = await send('POST', '/v1/rules/check', 'analyst', {
      condition: 'goods.exists(g,\n  g.hsCode.startsWith("8517"))',
    });
    assert.deepEqual(fixed.json(), { ok: true, errors: [] });
    const unknownList = await send('POST', '/v1/rules/check', 'analyst', {
      condition: 'consignor.name in watchlist("no-such-list")',
    });
    assert.equal(unknownList.json().errors[0].code, 'VIGIL_RULE_UNKNOWN_REFERENCE');
    assert.equal((await send('POST', '/v1/rules/check', 'filer', { condition: 'true' })).statusCode, 403);
    assert.equal(await app().count('rule'), 0, 'checking stores nothing');
  });

  test('the rule environment names every variable, field and documented helper a condition can use', async () => {
    const r = await send('GET', '/v1/rule-environment', 'analyst');
    assert.equal(r.statusCode, 200, r.body);
    const env = r.json<{
      variables: { name: string; type: string }[];
      types: { name: string; fields: { name: string; type: string }[] }[];
      functions: {
        name: string;
        receiver: string | null;
        signature: string;
        macro: boolean;
        description: string | null;
      }[];
      countryGroups: string[];
      watchlists: string[];
    }>();
    assert.deepEqual(
      env.variables.find((v) => v.name === 'goods'),
      { name: 'goods', type: 'list<GoodsItem>' },
    );
    const goodsItem = env.types.find((x) => x.name === 'GoodsItem');
    assert.deepEqual(
      goodsItem?.fields.find((f) => f.name === 'hsCode'),
      { name: 'hsCode', type: 'string' },
    );
    const exists = env.functions.find((f) => f.name === 'exists');
    assert.equal(exists?.macro, true);
    assert.equal(exists?.receiver, 'list<dyn>');
    const startsWith = env.functions.find((f) => f.name === 'startsWith');
    assert.equal(startsWith?.receiver, 'string');
    for (const [signature, description] of RULE_FUNCTIONS) {
      const name = /(\w+)\(/.exec(signature)![1]!;
      assert.ok(
        env.functions.some((f) => f.name === name && f.description === description),
        `${signature} is offered with its description`,
      );
    }
    assert.ok(
      !env.functions.some((f) => /bytes|google\.protobuf/.test(f.signature)),
      'nothing rules never meet',
    );
    assert.ok(env.countryGroups.includes('eu'));
    assert.deepEqual(env.watchlists, []);
  });

  test('comments on a rule: on its latest version, oldest first, audited; refused to a filer', async () => {
    assert.equal((await send('POST', '/v1/rules', 'analyst', phonesRule())).statusCode, 201);
    assert.equal(
      (await send('PUT', '/v1/rules/PHONES-CN', 'analyst', phonesRule({ weight: 50 }))).statusCode,
      200,
    );
    const first = await send('POST', '/v1/rules/PHONES-CN/comments', 'analyst', {
      text: '  Most hits are one importer with a binding valuation ruling.  ',
    });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.json().version, 2);
    assert.equal(first.json().text, 'Most hits are one importer with a binding valuation ruling.');
    assert.equal(first.json().author, 'analyst:ana');
    app().clock.set(new Date(app().clock.now().getTime() + 60_000));
    const second = await send('POST', '/v1/rules/PHONES-CN/comments', 'officer', {
      text: 'Three of the last five controls found nothing.',
    });
    assert.equal(second.statusCode, 201, second.body);

    const list = await send('GET', '/v1/rules/PHONES-CN/comments', 'analyst');
    assert.deepEqual(
      list.json().items.map((c: { author: string; version: number }) => [c.author, c.version]),
      [
        ['analyst:ana', 2],
        ['officer:olga', 2],
      ],
    );
    const audited = await app().deps.db.query<{
      actor: string;
      details: { comment: string; sha256: string };
    }>(
      `SELECT actor, details FROM audit_log WHERE authority = 'NL' AND action = 'rule.commented' ORDER BY seq`,
    );
    assert.deepEqual(
      audited.rows.map((a) => [a.actor, a.details.comment]),
      [
        ['analyst:ana', first.json().id],
        ['officer:olga', second.json().id],
      ],
    );
    assert.match(audited.rows[0]!.details.sha256, /^[0-9a-f]{64}$/);

    const filer = await send('POST', '/v1/rules/PHONES-CN/comments', 'filer', { text: 'let me in' });
    assert.equal(filer.statusCode, 403);
    assert.equal((await send('GET', '/v1/rules/PHONES-CN/comments', 'filer')).statusCode, 403);
    const empty = await send('POST', '/v1/rules/PHONES-CN/comments', 'analyst', { text: '   ' });
    assert.equal(empty.statusCode, 400, empty.body);
    assert.equal(empty.json().errors[0].path, '$.text');
    const nowhere = await send('POST', '/v1/rules/NO-SUCH/comments', 'analyst', { text: 'hello' });
    assert.equal(nowhere.statusCode, 404);
    assert.equal(nowhere.json().code, 'VIGIL_RULE_NOT_FOUND');
    assert.equal((await send('GET', '/v1/rules/PHONES-CN/comments', 'be-analyst')).statusCode, 404);
    assert.equal(await app().count('rule_comment'), 2);
  });

  test('every rule’s statistics at once, hits day by day, agree with the rule’s own', async () => {
    // PHONES-CN (active since the test above) hits the standard filing: two filings a day apart.
    const start = new Date('2027-02-25T09:00:00Z');
    const mrns: string[] = [];
    for (const [i, lrn] of ['SUM-1', 'SUM-2'].entries()) {
      app().clock.set(new Date(start.getTime() + i * DAY));
      const r = await send('POST', '/v1/filings', 'filer', validFiling(app().clock.now(), { lrn }));
      assert.equal(r.statusCode, 201, r.body);
      mrns.push(r.json().mrn as string);
      await assessPending(app());
    }
    // The rule recommends a physical check: each hit made a control task. The first found an irregularity.
    const tasks = await app().deps.db.query<{ id: string; mrn: string }>(
      `SELECT id, mrn FROM control_task WHERE authority = 'NL' AND mrn = ANY($1) ORDER BY mrn`,
      [mrns],
    );
    assert.equal(tasks.rows.length, 2);
    await app().deps.db.query(
      `INSERT INTO control_result (id, authority, task_id, mrn, seq, result, details, method, recorded_by, recorded_at)
       VALUES ('res-sum', 'NL', $1, $2, 0, 'irregularity', '{}', 'physical', 'olga', now())`,
      [tasks.rows.find((x) => x.mrn === mrns[0])!.id, mrns[0]],
    );
    const from = '2027-02-24';
    const to = '2027-02-27';
    const r = await send('GET', `/v1/rule-stats?from=${from}&to=${to}`, 'analyst');
    assert.equal(r.statusCode, 200, r.body);
    const summary = r.json();
    assert.deepEqual(summary.days, ['2027-02-24', '2027-02-25', '2027-02-26', '2027-02-27']);
    const item = summary.items.find((i: { rule: string }) => i.rule === 'PHONES-CN');
    assert.deepEqual(item.daily, [0, 1, 1, 0]);
    assert.equal(item.hits, 2);
    assert.equal(item.tasks, 2);
    assert.equal(item.controls, 1);
    assert.equal(item.positives, 1);
    assert.equal(item.falsePositives, 0);
    assert.equal(item.yield, 1);
    const one = (await send('GET', `/v1/rules/PHONES-CN/stats?from=${from}&to=${to}`, 'analyst')).json();
    for (const k of ['hits', 'finalHits', 'dismissed', 'tasks', 'controls', 'positives', 'falsePositives']) {
      assert.equal(item[k], one.total[k], k);
    }
    assert.equal(item.hitRate, one.total.hitRate);
    assert.equal(summary.assessed, one.assessed);

    const long = await send('GET', '/v1/rule-stats?from=2025-01-01&to=2027-01-01', 'analyst');
    assert.equal(long.statusCode, 400);
    assert.equal(long.json().code, 'VIGIL_QUERY_INVALID');
    assert.equal((await send('GET', '/v1/rule-stats', 'filer')).statusCode, 403);
    const be = await send('GET', `/v1/rule-stats?from=${from}&to=${to}`, 'be-analyst');
    assert.deepEqual(be.json().items, [], 'another authority sees none of it');
  });
});
