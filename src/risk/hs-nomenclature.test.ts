import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildActivation } from './activation.ts';
import { createFrame } from './cel-compiler.ts';
import { assess, compileRuleSet } from './engine.ts';
import { compileRule } from './rule-compiler.ts';
import { createCelEnvironment, createRuleRuntime, toCelActivation } from './rule-environment.ts';
import { exampleFiling, rule } from './test-fixtures.ts';
import type { Filing } from '../domain/filing.ts';
import type { GoodsNomenclature } from './hs-nomenclature.ts';

const DESCRIPTIONS: Record<string, string> = {
  '85': 'Electrical machinery and equipment',
  '8517': 'Telephone sets',
  '851762': 'Machines for the reception, conversion and transmission of voice, images or other data',
};
const nomenclature: GoodsNomenclature = {
  goodsDescription: (code) =>
    DESCRIPTIONS[code.slice(0, 6)] ?? DESCRIPTIONS[code.slice(0, 4)] ?? DESCRIPTIONS[code.slice(0, 2)],
};

function filingWith(...codes: string[]): Filing {
  const c = exampleFiling.consignments[0]!;
  return {
    ...exampleFiling,
    consignments: [{ ...c, goods: codes.map((hsCode) => ({ ...c.goods[0]!, hsCode })) }],
  };
}

const AT = '2027-02-20T08:00:00Z';

/** The condition's value on a filing, by the compiled closures and by the library's evaluator. */
function both(condition: string, filing: Filing): [boolean, boolean] {
  const compiled = compileRule(condition);
  assert.ok(compiled.ok, JSON.stringify(!compiled.ok && compiled.errors));
  assert.equal(compiled.value.compiled, true, `${condition} is compiled to closures`);
  const act = buildActivation({ filing, consignmentIndex: 0, at: AT, nomenclature });
  const rt = createRuleRuntime();
  const fast = compiled.value.evaluate(createFrame(act, rt));
  const library = createCelEnvironment(rt).evaluate(condition, toCelActivation(act)) as boolean;
  return [fast, library];
}

test('hs.under hits a filing with 851762 and not one with 850440', () => {
  const condition = 'goods.exists(g, hs.under(g.hsCode, "8517"))';
  assert.deepEqual(both(condition, filingWith('851762')), [true, true]);
  assert.deepEqual(both(condition, filingWith('850440')), [false, false]);
  // A chapter, a subheading and a CN code are prefixes too.
  assert.deepEqual(both('goods.exists(g, hs.under(g.hsCode, "85"))', filingWith('850440')), [true, true]);
  assert.deepEqual(both('goods.exists(g, hs.under(g.hsCode, "851762"))', filingWith('85176200')), [
    true,
    true,
  ]);
  assert.deepEqual(both('goods.exists(g, hs.under(g.hsCode, "851762"))', filingWith('851761')), [
    false,
    false,
  ]);
});

test('hs.chapter is an int, hs.heading a string, hs.description the nomenclature’s text', () => {
  assert.deepEqual(both('hs.chapter(goods[0].hsCode) == 85', filingWith('851762')), [true, true]);
  assert.deepEqual(both('hs.chapter(goods[0].hsCode) > 84', filingWith('061210')), [false, false]);
  assert.deepEqual(both('hs.heading(goods[0].hsCode) == "8517"', filingWith('851762')), [true, true]);
  assert.deepEqual(both('hs.description(goods[0].hsCode).contains("transmission")', filingWith('85176200')), [
    true,
    true,
  ]);
  assert.deepEqual(both('hs.description(goods[0].hsCode) == ""', filingWith('061210')), [true, true]);
});

test('hs functions are type-checked: a wrong argument type or a malformed literal prefix is refused', () => {
  const typed = compileRule('hs.chapter(goods[0].grossMassKg) == 85');
  assert.equal(typed.ok, false);
  assert.equal(!typed.ok && typed.errors[0]!.code, 'VIGIL_RULE_TYPE_ERROR');
  const notInt = compileRule('hs.chapter(goods[0].hsCode) == "85"');
  assert.equal(notInt.ok, false);
  const prefix = compileRule('goods.exists(g, hs.under(g.hsCode, "851"))');
  assert.equal(prefix.ok, false);
  assert.equal(!prefix.ok && prefix.errors[0]!.code, 'VIGIL_RULE_INVALID_ARGUMENT');
  assert.equal(compileRule('hs.nope(goods[0].hsCode)').ok, false);
});

test('a rule on hs.under is indexed by the HS prefix and explained like any other hit', () => {
  const set = compileRuleSet([rule('R-HS', 'goods.exists(g, hs.under(g.hsCode, "8517"))')]);
  assert.ok(set.ok);
  assert.deepEqual(set.value.rules[0]!.condition.discriminator, [
    { path: 'goods[].hsCode', kind: 'prefix', values: ['8517'] },
  ]);
  const input = { filing: filingWith('851762'), consignmentIndex: 0, at: AT, authority: 'NL', nomenclature };
  assert.deepEqual(
    assess(input, set.value, createRuleRuntime().watchlists).hits.map((h) => h.ruleId),
    ['R-HS'],
  );
  assert.deepEqual(
    assess({ ...input, filing: filingWith('850440') }, set.value, createRuleRuntime().watchlists).hits,
    [],
  );
});
