import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Filing } from '../domain/index.ts';
import {
  buildActivation,
  compileRule,
  createCelEnvironment,
  createRuleRuntime,
  toCelActivation,
} from '../risk/index.ts';
import { createFrame } from '../risk/cel-compiler.ts';
import { exampleFiling } from '../risk/test-fixtures.ts';
import { IprScreen } from './ipr-check.ts';
import type { IprApplicationFacts } from './ipr-check.ts';

const DAY = '2027-03-01';

const zentrova: IprApplicationFacts = {
  number: 'EU-AFA-2027-000101',
  kind: 'union',
  rightHolder: { name: 'Zentrova Sportswear S.p.A. (fictitious)', address: null, contact: null },
  brands: [{ name: 'ZENTROVA', registration: 'EUTM 018999001', aliases: [] }],
  goods: ['64'],
  authorised: [
    { role: 'distributor', eori: 'DE123456789012345', name: null, country: 'DE' },
    { role: 'manufacturer', eori: null, name: 'Zentrova Manufacturing (Dongguan) Co., Ltd.', country: 'CN' },
  ],
  validFrom: '2027-01-01',
  validUntil: '2027-12-31',
  status: 'granted',
};

function shoes(
  description: string,
  consignor: Filing['consignments'][number]['consignor'],
  hsCode = '640411',
): Filing {
  const c = exampleFiling.consignments[0]!;
  return {
    ...exampleFiling,
    consignments: [
      {
        ...c,
        consignor,
        goods: [c.goods[0]!, { ...c.goods[0]!, hsCode, description }],
      },
    ],
  };
}

const stranger = { name: 'Guangzhou Lucky Star Trading Co' };

test('a protected brand from an unauthorised consignor is a hit naming the application, brand, words and how', () => {
  const screen = new IprScreen([zentrova]);
  const [hit] = screen.hits(shoes('MENS RUNNING SHOES ZENTROVVA', stranger), 0, DAY);
  assert.equal(hit?.id, 'SIG-IPR-BRAND');
  assert.equal(hit.recommendedAction, 'physical-check');
  assert.equal(hit.riskArea, 'ipr');
  assert.equal(hit.values['application'], 'EU-AFA-2027-000101');
  assert.equal(hit.values['rightHolder'], 'Zentrova Sportswear S.p.A. (fictitious)');
  assert.equal(hit.values['brand'], 'ZENTROVA');
  assert.equal(hit.values['words'], 'ZENTROVVA');
  assert.equal(hit.values['goodsItem'], 2);
  assert.match(hit.reason, /goods item 2: 'ZENTROVVA' names ZENTROVA .* application EU-AFA-2027-000101/);
  const [cyrillic] = screen.hits(shoes('кроссовки ЗЕНТРОВА', stranger), 0, DAY);
  assert.equal(cyrillic?.values['how'], 'transliterated');
  assert.match(cyrillic.reason, /transliterated from cyrillic as 'zentrova'/);
});

test('an authorised consignor (by EORI or by name), seller or manufacturer clears the goods', () => {
  const screen = new IprScreen([zentrova]);
  const byEori = { name: 'Other name', eori: 'de 123456789012345' };
  assert.deepEqual(screen.hits(shoes('ZENTROVA sneakers', byEori), 0, DAY), []);
  const byName = { name: 'ZENTROVA MANUFACTURING DONGGUAN CO LTD' };
  assert.deepEqual(screen.hits(shoes('ZENTROVA sneakers', byName), 0, DAY), []);
  const f = shoes('ZENTROVA sneakers', stranger);
  const withSeller: Filing = {
    ...f,
    consignments: [{ ...f.consignments[0]!, seller: { name: 'x', eori: 'DE123456789012345' } }],
  };
  assert.deepEqual(screen.hits(withSeller, 0, DAY), []);
  assert.equal(screen.hits(f, 0, DAY).length, 1);
});

test('a suspended, expired or not yet valid application, or goods outside its codes, give no hit', () => {
  const f = shoes('ZENTROVA sneakers', stranger);
  assert.deepEqual(new IprScreen([{ ...zentrova, status: 'suspended' }]).hits(f, 0, DAY), []);
  assert.deepEqual(new IprScreen([{ ...zentrova, status: 'expired' }]).hits(f, 0, DAY), []);
  assert.deepEqual(new IprScreen([zentrova]).hits(f, 0, '2028-01-01'), []);
  assert.deepEqual(new IprScreen([zentrova]).hits(f, 0, '2026-12-31'), []);
  assert.deepEqual(new IprScreen([zentrova]).hits(shoes('ZENTROVA bags', stranger, '420221'), 0, DAY), []);
  assert.equal(
    new IprScreen([{ ...zentrova, goods: [] }]).hits(shoes('ZENTROVA bags', stranger, '420221'), 0, DAY)
      .length,
    1,
  );
});

test('rules find brands with ipr.brands, on both evaluators, and are type-checked', () => {
  const screen = new IprScreen([zentrova]);
  const filing = shoes('кроссовки зентрова', stranger);
  const conditions: [string, boolean][] = [
    ['goods.exists(g, ipr.brands(g.description).exists(m, m.brand == "ZENTROVA" && m.score >= 0.9))', true],
    ['goods.exists(g, ipr.brands(g.description, g.hsCode).size() > 0)', true],
    ['goods.exists(g, ipr.brands(g.description, "8517").size() > 0)', false],
    ['ipr.brands(goods[1].description)[0].application == "EU-AFA-2027-000101"', true],
    ['ipr.brands(goods[1].description)[0].how == "transliterated"', true],
    ['goods.exists(g, ipr.brands(g.description).exists(m, m.rightHolder.startsWith("Zentrova")))', true],
  ];
  for (const [condition, expected] of conditions) {
    const compiled = compileRule(condition);
    assert.ok(compiled.ok, JSON.stringify(!compiled.ok && compiled.errors));
    assert.equal(compiled.value.compiled, true, `${condition} is compiled to closures`);
    const act = buildActivation({ filing, consignmentIndex: 0, at: `${DAY}T08:00:00Z`, brands: screen });
    const rt = createRuleRuntime();
    assert.equal(compiled.value.evaluate(createFrame(act, rt)), expected, condition);
    assert.equal(
      createCelEnvironment(rt).evaluate(condition, toCelActivation(act)),
      expected,
      `${condition} (library)`,
    );
    if (!condition.includes('[0]')) {
      // Without the authority's applications (a rule's test), nothing is found.
      const none = buildActivation({ filing, consignmentIndex: 0, at: `${DAY}T08:00:00Z` });
      assert.equal(compiled.value.evaluate(createFrame(none, rt)), false, condition);
    }
  }
  assert.equal(compileRule('ipr.brands(1).size() > 0').ok, false);
  const typo = compileRule('goods.exists(g, ipr.brands(g.description).exists(m, m.brnd == "X"))');
  assert.equal(typo.ok, false);
});
