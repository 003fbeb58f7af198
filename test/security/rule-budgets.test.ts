/**
 * Issue "Hardening", finding 1: one rule froze the whole API. Reproduced through the API on a real
 * database, each test asserts the fixed behaviour:
 * - a catastrophic-backtracking pattern tested by an analyst runs on RE2 (linear time), and `/health`
 *   keeps answering meanwhile;
 * - three nested macros over 600-element literal lists are refused with VIGIL_RULE_TOO_COSTLY on
 *   save, on test, and on backtest of a version stored before the limit existed;
 * - an active rule that passes the static check but meets a filing that makes it too costly is
 *   stopped by its evaluation budget: the consignment is assessed, the other rules hit, and the
 *   analyst reads why the rule was stopped; an over-limit rule stored active before the limit
 *   existed is skipped (reported as a rule that no longer compiles);
 * - an invalid RE2 pattern is refused when saved, with its own code; backtests are bounded in window
 *   and time, and say on how many consignments the rule was stopped.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import type { RiskRule } from '../../src/risk/index.ts';
import { RuleService } from '../../src/rules/index.ts';
import { OperatorRepository } from '../../src/operators/index.ts';
import { testRule } from '../support/rules.ts';

const rule = testRule;

const literal600 = `[${Array.from({ length: 600 }, (_, i) => i).join(',')}]`;
/** The review's rule: 600 × 600 × 600 = 216 million iterations of the innermost test. */
const NESTED_600 = `${literal600}.exists(a, ${literal600}.exists(b, ${literal600}.exists(c, a + b + c == consignment.goodsCount)))`;

forEachDatabase('rule budgets', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);

  before(async () => {
    t = await startTestApp(target);
    tok['analyst'] = await app().token('NL', 'analyst', 'ana');
    tok['auditor'] = await app().token('NL', 'auditor', 'aude');
    tok['filer'] = await app().token('NL', 'filer', 'acme');
  });

  test('/health answers within 200 ms while a catastrophic-backtracking pattern is tested', async () => {
    const filing = validFiling(app().clock.now(), { lrn: 'REDOS-1' });
    filing['consignments'][0].consignee.name = `${'a'.repeat(44)}!`;
    // A server that has answered before (a first request compiles schemas and loads the rules).
    const warm = await send('POST', '/v1/rules/test', 'auditor', {
      rule: rule({ id: 'WARM', condition: 'consignee.name.matches("^b")' }),
      filing,
    });
    assert.equal(warm.statusCode, 200, warm.body);
    let done = false;
    // The auditor role may test rules too: the attack needs no write permission.
    const tested = send('POST', '/v1/rules/test', 'auditor', {
      rule: rule({ id: 'REDOS', condition: 'consignee.name.matches("^(a|aa)+$")' }),
      filing,
    }).finally(() => {
      done = true;
    });
    const latencies: number[] = [];
    // Ask for /health again and again while the test request is in flight (at least once).
    do {
      // A pause between probes, as a load balancer's would be (the loop must not starve the request);
      // it counts in the latency, so an event loop blocked during the pause is seen too.
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 10));
      const health = await app().server.app.inject({ method: 'GET', url: '/health' });
      latencies.push(performance.now() - started - 10);
      assert.equal(health.statusCode, 200, health.body);
    } while (!done);
    const r = await tested;
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().hit, false);
    assert.deepEqual(r.json().errors, []);
    assert.ok(Math.max(...latencies) < 200, `slowest /health: ${Math.round(Math.max(...latencies))} ms`);
  });

  test('RE2 semantics: a case-insensitive flag works, and a pattern RE2 refuses is refused on save', async () => {
    const filing = validFiling(app().clock.now(), { lrn: 'RE2-1' });
    const hit = await send('POST', '/v1/rules/test', 'analyst', {
      rule: rule({ id: 'CASE', condition: 'consignee.name.matches("(?i)^elektro handel")' }),
      filing,
    });
    assert.equal(hit.statusCode, 200, hit.body);
    assert.equal(hit.json().hit, true, hit.body);
    const lookahead = await send(
      'POST',
      '/v1/rules',
      'analyst',
      rule({ id: 'LOOKAHEAD', condition: 'consignee.name.matches("^(?=.*GmbH)")' }),
    );
    assert.equal(lookahead.statusCode, 422, lookahead.body);
    const e = lookahead.json().errors[0];
    assert.equal(e.code, 'VIGIL_RULE_INVALID_REGEX');
    assert.equal(e.path, '$.condition');
    assert.match(e.message, /column 24/);
  });

  test('three nested macros over 600-element lists are refused on save, test and backtest', async () => {
    const saved = await send('POST', '/v1/rules', 'analyst', rule({ id: 'NESTED', condition: NESTED_600 }));
    assert.equal(saved.statusCode, 422, saved.body);
    assert.equal(saved.json().code, 'VIGIL_RULE_TOO_COSTLY');
    assert.match(saved.json().detail, /3 nested macros over lists of 600, 600 and 600 elements/);
    assert.match(saved.json().detail, /at most 100,000/);
    assert.equal(saved.json().errors[0].code, 'VIGIL_RULE_TOO_COSTLY');

    const tested = await send('POST', '/v1/rules/test', 'analyst', {
      rule: rule({ id: 'NESTED', condition: NESTED_600 }),
      filing: validFiling(app().clock.now(), { lrn: 'NESTED-1' }),
    });
    assert.equal(tested.statusCode, 422, tested.body);
    assert.equal(tested.json().code, 'VIGIL_RULE_TOO_COSTLY');

    // A version stored before the limit existed (written past the service, as an old release did).
    const now = app().clock.now();
    const old: RiskRule = {
      ...(rule({ id: 'NESTED-OLD', condition: NESTED_600 }) as unknown as Omit<
        RiskRule,
        'version' | 'scope'
      >),
      status: 'retired',
      version: 1,
      scope: { authority: 'NL' },
    };
    await app()
      .deps.db.forAuthority('NL')
      .transaction((tx) => app().deps.ruleRepo.insertRule(tx, 'NL', old, 'ana', now));
    const backtest = await send('POST', '/v1/rules/NESTED-OLD/backtest', 'analyst', {
      from: new Date(now.getTime() - 7 * 86_400_000).toISOString(),
      to: now.toISOString(),
    });
    assert.equal(backtest.statusCode, 422, backtest.body);
    assert.equal(backtest.json().code, 'VIGIL_RULE_TOO_COSTLY');
    assert.match(backtest.json().detail, /NESTED-OLD.*3 nested macros/);
  });

  test('a backtest window is bounded', async () => {
    await send('POST', '/v1/rules', 'analyst', rule({ id: 'WINDOW', condition: 'totalValue > 1.0' }));
    const now = app().clock.now();
    const r = await send('POST', '/v1/rules/WINDOW/backtest', 'analyst', {
      from: new Date(now.getTime() - 400 * 86_400_000).toISOString(),
      to: now.toISOString(),
    });
    assert.equal(r.statusCode, 422, r.body);
    assert.equal(r.json().code, 'VIGIL_BACKTEST_TOO_LONG');
    assert.match(r.json().detail, /at most 366/);
  });

  test('an active rule over its evaluation budget is stopped and explained; the other rules still hit', async () => {
    // Passes the static check (the filing's lists are unknown when it is saved), but on a filing with
    // 150 goods items it would loop 150³ = 3.4 million times.
    const hostile = rule({
      id: 'CUBIC',
      condition:
        'goods.exists(a, goods.exists(b, goods.exists(c, a.description + b.description + c.description == "x")))',
    });
    const saved = await send('POST', '/v1/rules', 'analyst', hostile);
    assert.equal(saved.statusCode, 201, saved.body);
    const phones = rule({ id: 'PHONES-B', condition: 'goods.exists(g, g.hsCode.startsWith("8517"))' });
    assert.equal((await send('POST', '/v1/rules', 'analyst', phones)).statusCode, 201);
    // The review's rule, stored active by a release without the limit: skipped and reported, not run.
    const stored: RiskRule = {
      ...(rule({ id: 'NESTED-LIVE', condition: NESTED_600 }) as unknown as Omit<
        RiskRule,
        'version' | 'scope'
      >),
      status: 'active',
      version: 1,
      scope: { authority: 'NL' },
    };
    await app()
      .deps.db.forAuthority('NL')
      .transaction((tx) => app().deps.ruleRepo.insertRule(tx, 'NL', stored, 'ana', app().clock.now()));
    app().deps.ruleSets.invalidate('NL');
    assert.ok((await app().deps.ruleSets.get('NL')).brokenRules.includes('NESTED-LIVE'));
    // … and the analyst sees why in the rule list.
    const listed = (await send('GET', '/v1/rules', 'analyst')).json().items as {
      id: string;
      notLive?: { code: string; message: string };
    }[];
    const skipped = listed.find((r) => r.id === 'NESTED-LIVE');
    assert.equal(skipped?.notLive?.code, 'VIGIL_RULE_TOO_COSTLY', JSON.stringify(skipped));
    assert.match(skipped.notLive.message, /skipped by live assessment/);
    assert.equal(listed.find((r) => r.id === 'PHONES-B')?.notLive, undefined);

    const filing = validFiling(app().clock.now(), { lrn: 'CUBIC-1' });
    const c0 = filing['consignments'][0];
    const item = c0.goods[0];
    c0.goods = Array.from({ length: 150 }, (_, i) => ({ ...item, description: `Smartphones, lot ${i}` }));
    const lodged = await send('POST', '/v1/filings', 'filer', filing);
    assert.equal(lodged.statusCode, 201, lodged.body);
    const mrn = lodged.json().mrn as string;
    assert.equal(await app().deps.assessments.handleReady({ mrn, authority: 'NL', version: 1 }), 1);
    const a = (await send('GET', `/v1/filings/${mrn}/assessment`, 'analyst')).json().consignments[0];
    assert.ok(
      a.hits.some((h: { id: string }) => h.id === 'PHONES-B'),
      JSON.stringify(a.hits),
    );
    assert.ok(!a.hits.some((h: { id: string }) => ['CUBIC', 'NESTED-LIVE'].includes(h.id)));
    const stopped = a.errors.find((e: { ruleId: string }) => e.ruleId === 'CUBIC');
    assert.ok(stopped, JSON.stringify(a.errors));
    assert.match(stopped.message, /evaluation budget/);
  });

  test('a backtest reports where the rule was stopped, and stops itself at its time limit', async () => {
    // A second large filing, so the backtest has more than one slice of work.
    const filing = validFiling(app().clock.now(), { lrn: 'CUBIC-2' });
    const c0 = filing['consignments'][0];
    c0.goods = Array.from({ length: 150 }, (_, i) => ({ ...c0.goods[0], description: `Tablets, lot ${i}` }));
    assert.equal((await send('POST', '/v1/filings', 'filer', filing)).statusCode, 201);
    const now = app().clock.now();
    const period = {
      from: new Date(now.getTime() - 86_400_000).toISOString(),
      to: new Date(now.getTime() + 86_400_000).toISOString(),
    };
    const r = await send('POST', '/v1/rules/CUBIC/backtest', 'analyst', period);
    assert.equal(r.statusCode, 200, r.body);
    assert.ok(r.json().evaluationErrors >= 2, r.body);
    assert.match(r.json().firstEvaluationError, /evaluation budget/);

    // The same backtest with no time to spare is stopped with a code, not left to run.
    const d = app().deps;
    const hurried = new RuleService({
      db: d.db,
      repo: d.ruleRepo,
      filings: d.filingRepo,
      ruleSets: d.ruleSets,
      operators: new OperatorRepository(),
      controlOutcomes: () => Promise.resolve(new Map()),
      clock: d.clock,
      backtestLimits: { maxDays: 366, maxMs: 0 },
    });
    await assert.rejects(
      hurried.backtest({ subject: 'ana', authority: 'NL', role: 'analyst' }, 'CUBIC', {
        from: new Date(period.from),
        to: new Date(period.to),
      }),
      (e: { code?: string; message: string }) =>
        e.code === 'VIGIL_BACKTEST_TOO_LONG' && /stopped after/.test(e.message),
    );
  });
});
