import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assess, compileRule, compileRuleSet, RuleBudgetError } from './index.ts';
import { createFrame } from './cel-compiler.ts';
import { buildActivation } from './activation.ts';
import { createRuleRuntime } from './rule-environment.ts';
import { withCelMethods } from './rule-compiler.ts';
import { Re2Cache } from './re2.ts';
import { exampleFiling, rule } from './test-fixtures.ts';
import { WatchlistRegistry } from './watchlist.ts';
import type { Filing } from '../domain/index.ts';

const AT = '2027-01-01T00:00:00Z';

function filingWith(over: (f: Record<string, any>) => void): Filing {
  const f: Record<string, any> = structuredClone(exampleFiling);
  over(f);
  return f as Filing;
}

function run(condition: string, filing: Filing = exampleFiling) {
  const set = compileRuleSet([rule('R', condition)]);
  assert.ok(set.ok, JSON.stringify(!set.ok && set.errors));
  return assess({ filing, consignmentIndex: 0, at: AT, authority: 'NL' }, set.value, new WatchlistRegistry());
}

test('matches is RE2 in both evaluators: flags, Unicode classes, \\A…\\z; no backtracking blow-up', () => {
  const named = (name: string) =>
    filingWith((f) => {
      f['consignments'][0].consignee.name = name;
    });
  for (const extra of ['', ' && timestamp(transport.estimatedArrival).getHours() >= 0']) {
    // The second form uses a construct the closures do not compile: the library's evaluator runs it.
    assert.equal(compileRule(`consignee.name.matches("x")${extra}`).ok, true);
    const compiled = compileRule(`consignee.name.matches("x")${extra}`);
    assert.equal(compiled.ok && compiled.value.compiled, extra === '');
    const hits = (pattern: string, name: string) =>
      run(`consignee.name.matches(${JSON.stringify(pattern)})${extra}`, named(name)).hits.length === 1;
    assert.equal(hits('(?i)^elektro', 'ELEKTRO Handel'), true);
    assert.equal(hits('^\\pL+$', 'Ωμέγα'), true);
    assert.equal(hits('^[[:alpha:]]+$', 'Acme'), true);
    assert.equal(hits('\\AAcme\\z', 'Acme'), true);
    assert.equal(hits('Handel', 'Elektro Handel GmbH'), true, 'a search, not a whole-string match');
    const started = Date.now();
    assert.equal(hits('^(a|aa)+$', `${'a'.repeat(44)}!`), false);
    assert.ok(Date.now() - started < 5000);
  }
});

test('a pattern RE2 refuses is a compile error with its position', () => {
  const r = compileRule('consignee.name.matches("(a)\\\\1")');
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.errors[0]!.code, 'VIGIL_RULE_INVALID_REGEX');
  assert.equal(!r.ok && r.errors[0]!.position.column, 24);
});

test('the library path gets the RE2 function only where `matches` is called', () => {
  const src = 'consignee.name.matches("matches") || consignor.name .matches ("x")';
  const r = compileRule(src);
  assert.ok(r.ok);
  assert.equal(
    withCelMethods(r.value.ast, src),
    'consignee.name.re2Matches("matches") || consignor.name .re2Matches ("x")',
  );
});

test('the static limit: nesting × literal sizes, expression size, long texts and patterns', () => {
  const lit = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(',')}]`;
  const costly = (src: string) => {
    const r = compileRule(src);
    assert.equal(r.ok, false, src.slice(0, 80));
    return !r.ok ? r.errors.map((e) => e.code) : [];
  };
  assert.deepEqual(costly(`${lit(600)}.exists(a, ${lit(600)}.exists(b, a + b == consignment.goodsCount))`), [
    'VIGIL_RULE_TOO_COSTLY',
  ]);
  assert.deepEqual(costly(`consignee.name == "${'x'.repeat(1001)}"`), ['VIGIL_RULE_TOO_COSTLY']);
  assert.deepEqual(costly(`consignee.name.matches("${'a'.repeat(1001)}")`), ['VIGIL_RULE_TOO_COSTLY']);
  assert.deepEqual(costly(Array.from({ length: 1300 }, (_, i) => `totalPackages != ${i}`).join(' && ')), [
    'VIGIL_RULE_TOO_COSTLY',
  ]);
  // A rule the library runs cannot be stopped: its lists count at their largest (999 goods).
  assert.deepEqual(
    costly(
      'goods.exists(a, goods.exists(b, a.hsCode == b.hsCode)) && timestamp(transport.estimatedArrival).getHours() < 6',
    ),
    ['VIGIL_RULE_TOO_COSTLY'],
  );
  // Ordinary rules pass: one macro over a literal list, `in` over 600 values, nesting over data lists.
  for (const ok of [
    `${lit(600)}.exists(x, x == consignment.goodsCount)`,
    `consignment.goodsCount in ${lit(600)}`,
    'goods.exists(a, goods.exists(b, a.hsCode != b.hsCode))',
  ]) {
    assert.equal(compileRule(ok).ok, true, ok.slice(0, 80));
  }
});

test('the run-time budget stops a rule, is never absorbed by || or a macro, and is per rule', () => {
  const many = filingWith((f) => {
    const c = f['consignments'][0];
    c.goods = Array.from({ length: 120 }, (_, i) => ({ ...c.goods[0], description: `lot ${i}` }));
  });
  const cubic =
    'goods.exists(a, goods.exists(b, goods.exists(c, a.description + b.description + c.description == "x")))';
  for (const condition of [cubic, `${cubic} || true`, `true && (${cubic} || consignment.goodsCount > 0)`]) {
    const a = run(condition, many);
    assert.equal(a.hits.length, 0, condition);
    assert.match(a.errors[0]?.message ?? '', /evaluation budget/);
  }
  // Directly: the frame's budget is what the closures spend.
  const r = compileRule(cubic);
  assert.ok(r.ok);
  const frame = createFrame(
    buildActivation({ filing: many, consignmentIndex: 0, at: AT }),
    createRuleRuntime(),
    1000,
  );
  assert.throws(() => r.value.evaluate(frame), RuleBudgetError);
  // A second rule after a stopped one still has its whole budget.
  const set = compileRuleSet([rule('A', cubic), rule('B', 'goods.exists(g, g.description == "lot 119")')]);
  assert.ok(set.ok);
  const both = assess(
    { filing: many, consignmentIndex: 0, at: AT, authority: 'NL' },
    set.value,
    new WatchlistRegistry(),
  );
  assert.deepEqual(
    both.hits.map((h) => h.ruleId),
    ['B'],
  );
});

test('compiled pattern caches are bounded', () => {
  const cache = new Re2Cache(3);
  for (let i = 0; i < 10; i++) {
    assert.equal(cache.get(`a${i}`).ok, true);
  }
  assert.equal(cache.size, 3);
});
