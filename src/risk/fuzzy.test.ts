import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deletionKeyHashes,
  deletionKeys,
  fuzzyScore,
  keyHash,
  normalizeName,
  osaDistance,
  spellingSkeleton,
  spellingSkeletonByRules,
  withinOneEdit,
} from './fuzzy.ts';

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

test('the spelling skeleton passes fold exactly as the written rules do', () => {
  let seed = 11;
  const rnd = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const alphabets = ['schtgpkqxyjwzaeiofvb', 'abcdefghijklmnopqrstuvwxyz0123456789'];
  for (const alphabet of alphabets) {
    for (let k = 0; k < 20_000; k++) {
      let w = '';
      for (let i = 1 + Math.floor(rnd() * 12); i > 0; i--) {
        w += alphabet[Math.floor(rnd() * alphabet.length)];
      }
      assert.equal(spellingSkeleton(w), spellingSkeletonByRules(w), w);
    }
  }
});

test('deletion-key hashes are the hashes of the deletion keys', () => {
  for (const w of ['bright', 'abc', 'aabbcc', 'elektroniks', 'x'.repeat(70)]) {
    const hashes: number[] = [];
    deletionKeyHashes(w, hashes);
    assert.deepEqual(new Set(hashes), new Set(deletionKeys(w).map(keyHash)), w);
  }
});
