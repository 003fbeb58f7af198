import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRuleSet, assess } from './engine.ts';
import { exampleFiling, rule } from './test-fixtures.ts';
import { Watchlist, WatchlistRegistry } from './watchlist.ts';
import type { RiskRule } from './rule.ts';

// Two entities bear the consignor's alias; an exact list of containers names its entity too.
const lists = new WatchlistRegistry([
  new Watchlist({
    name: 'sanctioned',
    subject: 'operator-name',
    entries: [
      {
        id: 'ofac:1',
        value: 'Pearl River Holdings',
        aliases: ['Shenzhen Bright Electronics Co'],
        type: 'organisation',
      },
      { id: 'ofac:2', value: 'Pearl River Holdings', type: 'organisation' },
    ],
  }),
  new Watchlist({
    name: 'seized-containers',
    subject: 'container',
    entries: [{ id: 'seizure-17', value: 'MSCU1234566', type: 'other' }],
  }),
]);

const input = {
  filing: exampleFiling,
  consignmentIndex: 0,
  at: '2027-03-01T00:00:00Z',
  authority: 'NL',
  profiles: () => undefined,
};

function hitsOf(rules: RiskRule[]) {
  const set = compileRuleSet(rules, { watchlistNames: new Set(lists.names()) });
  assert.ok(set.ok, JSON.stringify(set.ok ? [] : set.errors));
  return assess(input, set.value, lists).hits;
}

const matched = {
  list: 'sanctioned',
  value: 'Shenzhen Bright Electronics Co',
  entity: { id: 'ofac:1', name: 'Pearl River Holdings', type: 'organisation' },
  name: 'Shenzhen Bright Electronics Co',
  score: 1,
};

test('a hit on a watchlist names the list, the entity, the listed name that matched and the score', () => {
  const [fn, inList, score, exact] = hitsOf([
    rule('A-FN', 'inWatchlist("sanctioned", consignor.name, 0.9)'),
    rule('B-IN', 'consignor.name in watchlist("sanctioned")'),
    rule('C-SCORE', 'watchlistScore("sanctioned", consignor.name) > 0.5'),
    rule('D-EXACT', 'container.id in watchlist("seized-containers")'),
  ]);
  assert.deepEqual(fn!.triggers, [
    { label: 'consignor.name', value: 'Shenzhen Bright Electronics Co' },
    { label: 'inWatchlist("sanctioned", consignor.name, 0.9)', value: 1, match: matched },
  ]);
  assert.deepEqual(
    inList!.triggers.find((t) => t.match !== undefined),
    { label: 'consignor.name in watchlist("sanctioned")', value: 1, match: matched },
  );
  assert.deepEqual(score!.triggers.find((t) => t.match !== undefined)?.match, matched);
  assert.deepEqual(exact!.triggers.find((t) => t.match !== undefined)?.match, {
    list: 'seized-containers',
    value: 'MSCU1234566',
    entity: { id: 'seizure-17', name: 'MSCU1234566', type: 'other' },
    name: 'MSCU1234566',
    score: 1,
  });
});

test('a rule that hits although a lookup missed carries no match; one inside a macro names the element', () => {
  const [notListed, inMacro] = hitsOf([
    rule('E-NOT', '!inWatchlist("sanctioned", consignee.name) && consignment.origin == "CN"'),
    rule('F-MACRO', 'goods.exists(g, inWatchlist("sanctioned", consignor.name))'),
  ]);
  assert.equal(notListed!.ruleId, 'E-NOT');
  assert.ok(notListed!.triggers.every((t) => t.match === undefined));
  assert.equal(inMacro!.ruleId, 'F-MACRO');
  assert.ok(inMacro!.triggers.some((t) => t.label.startsWith('goods[0]')));
});
