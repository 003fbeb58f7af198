/**
 * The rule editor's completions (web/src/rules/cel-scope.ts) against the rule environment the server
 * describes (GET /v1/rule-environment): after a dot, the fields and methods of the type before it,
 * through macros that bind a variable to each element; the names of lists and groups inside the
 * strings that take them; nothing inside a number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRuleEnvironment } from '../../src/risk/index.ts';
import { suggest, typeOfChain } from '../../web/src/rules/cel-scope.ts';
import type { RuleEnvironment } from '../../web/src/rules/cel-scope.ts';

const env: RuleEnvironment = { ...describeRuleEnvironment(), watchlists: ['seized-containers'] };
const labels = (text: string, pos = text.length, explicit = false) =>
  suggest(env, text, pos, explicit)?.options.map((o) => o.label) ?? [];

test('after a variable and a dot: its fields and its type’s methods', () => {
  const party = labels('consignor.');
  assert.ok(party.includes('name') && party.includes('address') && party.includes('profile'));
  assert.ok(!party.includes('hsCode'));
  const name = labels('consignor.name.sta');
  assert.ok(name.includes('startsWith') && name.includes('fuzzy') && name.includes('matches'));
  assert.equal(suggest(env, 'consignor.name.sta', 18)?.from, 15, 'replaces the word begun');
  assert.ok(labels('consignor.address.').includes('country'));
  const list = labels('goods.');
  assert.ok(list.includes('exists') && list.includes('all') && list.includes('size'));
  const exists = suggest(env, 'goods.', 6)!.options.find((o) => o.label === 'exists')!;
  assert.equal(exists.kind, 'macro');
  assert.equal(exists.snippet, 'exists(${x}, ${})');
  assert.ok(labels('hs.').includes('under'), 'the nomenclature’s methods');
});

test('inside a macro, its variable is an element of the list', () => {
  assert.equal(typeOfChain(env, 'g', 'goods.exists(g, '), 'GoodsItem');
  const item = labels('goods.exists(g, g.');
  assert.ok(item.includes('hsCode') && item.includes('valuePerKg'));
  const nested = labels('containers.exists(c, c.seals.exists(s, s.');
  assert.ok(nested.includes('startsWith'), 's is a string');
  assert.deepEqual(labels('goods.exists(g, g.hsCode == "1") && g.'), [], 'closed: g is gone');
  const top = labels('goods.exists(g, g.origin == "CN" && ');
  assert.ok(top.length === 0, 'nothing typed, nothing asked');
  assert.ok(labels('goods.exists(g, g.origin == "CN" && ', undefined, true).includes('g'), 'asked: g first');
});

test('a word begun: variables, global functions and keywords', () => {
  const words = labels('cons');
  assert.ok(words.includes('consignor') && words.includes('consignment') && words.includes('hsIn'));
  assert.ok(words.includes('true') && words.includes('in'));
  assert.ok(!words.includes('startsWith'), 'methods only after a dot');
  assert.deepEqual(labels('valuePerKg < 20.'), [], 'nothing inside a number');
});

test('inside the strings that name them: watchlists and country groups', () => {
  assert.deepEqual(labels('container.id in watchlist("'), ['seized-containers']);
  assert.ok(labels('inGroup(consignment.origin, "s').includes('sanctioned'));
  assert.deepEqual(labels('consignor.name == "Acme'), []);
});
