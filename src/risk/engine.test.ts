import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRuleSet, assess, type Assessment, type RuleSet } from './engine.ts';
import { exampleFiling, rule } from './test-fixtures.ts';
import { Watchlist, WatchlistRegistry } from './watchlist.ts';
import type { Filing } from '../domain/filing.ts';

const lists = new WatchlistRegistry([
  new Watchlist({ name: 'seized-containers', subject: 'container', entries: [{ value: 'MSCU1234566' }] }),
  new Watchlist({
    name: 'sanctioned',
    subject: 'operator-name',
    entries: [{ value: 'Bright Electronix Ltd' }],
  }),
  new Watchlist({ name: 'hs-watch', subject: 'hs-code', entries: [{ value: '8517' }] }),
]);

const RULES = [
  rule(
    'R-DESIGN-1',
    'goods.exists(g, g.hsCode.startsWith("8517")) && consignment.origin in ["CN", "HK"] && valuePerKg < 20.0',
  ),
  rule(
    'R-DESIGN-2',
    'consignor.name.fuzzy("Bright Electronics", 0.85) || container.id in watchlist("seized-containers")',
  ),
  rule('R-AIR', 'transport.mode == "air" && totalValue > 1.0'),
  rule('R-ROUTE', '"SG" in routing && inGroup(consignment.origin, "eu") == false'),
  rule('R-GROUP', 'inGroup(transport.nationality, "sanctioned")'),
  rule('R-LIST', 'inWatchlist("sanctioned", consignor.name)'),
  rule('R-HSLIST', 'goods.exists(g, inWatchlist("hs-watch", g.hsCode)) && hsIn(hsCodes[0], ["85", "84"])'),
  rule('R-PROFILE', '!operator.aeo && operator.irregularities >= 2 && operator.daysKnown > 30'),
  rule('R-ERROR', 'goods[3].grossMassKg > 1.0'),
  rule('R-OFFICE', 'true', { scope: { authority: 'NL', offices: ['BE000001'] } }),
  rule('R-DRAFT', 'true', { status: 'draft' }),
  rule('R-EXPIRED', 'true', { validUntil: '2026-01-01T00:00:00Z' }),
  rule('R-OTHER-AUTHORITY', 'true', { scope: { authority: 'BE' } }),
  rule('R-CHAPTER', 'goods.exists(g, hsChapter(g.hsCode) == "85" && g.packageCount > 100)'),
  rule(
    'R-FUZZY-FN',
    'fuzzy(consignee.name, "Elektro Handel", 0.9) && fuzzyScore(consignor.name, "Nothing Alike") < 0.5',
  ),
];

function ruleSet(indexed: boolean): RuleSet {
  const r = compileRuleSet(RULES, { indexed, watchlistNames: new Set(lists.names()) });
  assert.ok(r.ok, JSON.stringify(r.ok ? [] : r.errors));
  return r.value;
}

const input = {
  filing: exampleFiling,
  consignmentIndex: 0,
  at: '2027-03-01T00:00:00Z',
  authority: 'NL',
  profiles: () => ({ aeo: false, controls: 10, irregularities: 3, firstSeen: '2026-01-01T00:00:00Z' }),
};

test('the example filing hits the expected rules, with what triggered them', () => {
  const a = assess(input, ruleSet(true), lists);
  assert.deepEqual(
    a.hits.map((h) => h.ruleId),
    ['R-CHAPTER', 'R-DESIGN-1', 'R-DESIGN-2', 'R-FUZZY-FN', 'R-HSLIST', 'R-LIST', 'R-PROFILE', 'R-ROUTE'],
  );
  const d1 = a.hits.find((h) => h.ruleId === 'R-DESIGN-1')!;
  assert.equal(d1.version, 1);
  assert.equal(d1.riskArea, 'undervaluation');
  assert.equal(d1.reason, 'reason R-DESIGN-1');
  const triggers = Object.fromEntries(d1.triggers.map((t) => [t.label, t.value]));
  assert.equal(triggers['goods[0].hsCode'], '851713');
  assert.equal(triggers['consignment.origin'], 'CN');
  assert.ok(Math.abs((triggers['valuePerKg'] as number) - 3.1987) < 1e-3);
  assert.deepEqual(
    a.errors.map((e) => e.ruleId),
    ['R-ERROR'],
  );
});

test('the draft rule is evaluated only when drafts are asked for', () => {
  const a = assess({ ...input, statuses: ['active', 'draft'] }, ruleSet(true), lists);
  assert.ok(a.hits.some((h) => h.ruleId === 'R-DRAFT'));
});

function variant(i: number): Filing {
  const c = exampleFiling.consignments[0]!;
  const modes = ['maritime', 'air', 'road', 'express'] as const;
  const origins = ['CN', 'HK', 'DE', 'US', 'RU'];
  return {
    ...exampleFiling,
    transport: {
      ...exampleFiling.transport!,
      mode: modes[i % 4]!,
      nationality: i % 5 === 0 ? 'RU' : 'PA',
      routing: i % 3 === 0 ? ['CN', 'NL'] : ['CN', 'SG', 'NL'],
    },
    consignments: [
      {
        ...c,
        routing: i % 3 === 0 ? ['CN', 'NL'] : ['CN', 'SG', 'NL'],
        consignor: {
          ...c.consignor,
          name: ['Bright Electronics', 'Acme', 'Brigth Electronix', 'Nordic'][i % 4]!,
        },
        containers: i % 7 === 0 ? [] : c.containers,
        goods: c.goods.map((g) => ({
          ...g,
          hsCode: ['851713', '847130', '610910', '930190'][i % 4]!,
          origin: origins[i % 5],
          value: { amount: 1000 * (1 + (i % 9)) ** 2, currency: 'EUR' },
        })),
      },
    ],
  };
}

test('indexed evaluation gives the same hits as evaluating every rule', () => {
  const indexed = ruleSet(true);
  const all = ruleSet(false);
  let evaluatedIndexed = 0;
  let evaluatedAll = 0;
  for (let i = 0; i < 60; i++) {
    const inp = { ...input, filing: variant(i) };
    const a = assess(inp, indexed, lists);
    const b = assess(inp, all, lists);
    assert.deepEqual(a.hits, b.hits, `variant ${i}`);
    evaluatedIndexed += a.rulesEvaluated;
    evaluatedAll += b.rulesEvaluated;
  }
  assert.ok(evaluatedIndexed < evaluatedAll, 'the index skipped some rules');
});

test('assessment is deterministic: same inputs, same result, whatever the rule order', () => {
  const a = assess(input, ruleSet(true), lists);
  const reversed = compileRuleSet([...RULES].reverse());
  assert.ok(reversed.ok);
  const b = assess(input, reversed.value, lists);
  assert.deepEqual(JSON.stringify(a), JSON.stringify(b));
  assert.deepEqual(JSON.stringify(assess(input, ruleSet(true), lists)), JSON.stringify(a));
});

test('a rule set with a bad rule reports it with the rule id', () => {
  const r = compileRuleSet([rule('R-BAD', 'consignor.nmae == "x"'), rule('R-OK', 'true')]);
  assert.equal(r.ok, false);
  assert.deepEqual(r.ok ? [] : r.errors.map((e) => [e.ruleId, e.errors[0]?.code]), [
    ['R-BAD', 'VIGIL_RULE_UNKNOWN_FIELD'],
  ]);
});

test('watchlist and number tests in the index: same hits and errors as evaluating every rule, fewer rules run', () => {
  const rules = [
    rule('R-L-EXACT', 'transport.mode == "maritime" && inWatchlist("seized-containers", container.id)'),
    rule('R-L-FUZZY', 'inWatchlist("sanctioned", consignor.name) && transport.mode in ["maritime", "air"]'),
    rule('R-L-FUZZY-T', 'inWatchlist("sanctioned", consignor.name, 0.7) && totalValue > 5000.0'),
    rule('R-L-IN', 'consignor.name in watchlist("sanctioned") || consignment.origin == "VN"'),
    rule('R-L-MANY', 'containers.exists(c, c.id in watchlist("seized-containers")) && 1.0 < totalValue'),
    rule('R-L-HS', 'goods.exists(g, inWatchlist("hs-watch", g.hsCode)) && goods[3].grossMassKg > 1.0'),
    rule('R-RANGE', 'totalValue >= 20000.0 && operator.irregularities <= 5 && transport.mode == "air"'),
    rule('R-RANGE-ONLY', 'totalValue < 3000.0'),
  ];
  const sets = [true, false].map((indexed) => {
    const r = compileRuleSet(rules, { indexed, watchlistNames: new Set(lists.names()) });
    assert.ok(r.ok, JSON.stringify(r.ok ? [] : r.errors));
    return r.value;
  });
  let evaluatedIndexed = 0;
  let evaluatedAll = 0;
  for (let i = 0; i < 60; i++) {
    const inp = { ...input, filing: variant(i) };
    const [a, b] = sets.map((s) => assess(inp, s, lists)) as [Assessment, Assessment];
    assert.deepEqual(a.hits, b.hits, `variant ${i}`);
    assert.deepEqual(a.errors, b.errors, `variant ${i}`);
    evaluatedIndexed += a.rulesEvaluated;
    evaluatedAll += b.rulesEvaluated;
  }
  assert.ok(evaluatedIndexed < evaluatedAll / 2, `${evaluatedIndexed} of ${evaluatedAll} evaluated`);
});
