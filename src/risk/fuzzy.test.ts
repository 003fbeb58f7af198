import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyScore, normalizeName, osaDistance, withinOneEdit } from './fuzzy.ts';

test('normalisation drops case, punctuation, legal forms and diacritics', () => {
  assert.deepEqual(normalizeName('Shenzhen Bright Electronics Co., Ltd.').tokens, [
    'shenzhen',
    'bright',
    'electronics',
  ]);
  assert.deepEqual(normalizeName('MÜLLER & Söhne GmbH').tokens, ['muller', 'sohne']);
  assert.deepEqual(normalizeName('ООО Брайт Электроникс').tokens, ['brayt', 'elektroniks']);
  assert.equal(normalizeName('  , Ltd ').weight, 0);
});

const table: readonly [string, string, 'match' | 'no match'][] = [
  ['Shenzhen Bright Electronics Co', 'Bright Electronics', 'match'],
  ['Brigth Electronics Ltd', 'Bright Electronics GmbH', 'match'], // swapped letters
  ['Bright Electronic', 'Bright Electronics', 'match'], // missing letter
  ['Electronics Bright', 'Bright Electronics', 'match'], // word order
  ['Брайт Электроникс ООО', 'Bright Electronics', 'match'], // Cyrillic
  ['Ελληνική Ναυτιλιακή', 'Elliniki Naftiliaki', 'match'], // Greek
  ['Müller Logistik GmbH', 'Mueller Logistik', 'match'], // diacritics
  ['BrightElectronics', 'Bright Electronics', 'match'], // run together
  ['Acme Trading BV', 'Bright Electronics', 'no match'],
  ['Bright Star Trading', 'Bright Electronics', 'no match'],
  ['Brave Electric', 'Bright Electronics', 'no match'],
];

for (const [value, query, expected] of table) {
  test(`fuzzy: "${value}" vs "${query}" → ${expected}`, () => {
    const s = fuzzyScore(value, query);
    assert.ok(s >= 0 && s <= 1);
    assert.equal(s >= 0.85 ? 'match' : 'no match', expected, `score ${s}`);
  });
}

test('withinOneEdit agrees with the edit distance', () => {
  const words = ['bright', 'brigth', 'brght', 'brighte', 'bright', 'brxght', 'brihgt', 'tbright', 'brig'];
  for (const a of words) {
    for (const b of words) {
      assert.equal(withinOneEdit(a, b), osaDistance(a, b) <= 1, `${a} ${b}`);
    }
  }
});
