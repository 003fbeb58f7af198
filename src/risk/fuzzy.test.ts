import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deletionKeyHashes,
  deletionKeys,
  explainNames,
  fuzzyScore,
  keyHash,
  nearEnough,
  normalizeName,
  osaDistance,
  spellingSkeleton,
  spellingSkeletonByRules,
  withinOneEdit,
} from './fuzzy.ts';

test('normalisation drops case, punctuation, legal forms (dotted and national ones too), titles and diacritics', () => {
  assert.deepEqual(normalizeName('Shenzhen Bright Electronics Co., Ltd.').tokens, [
    'shenzhen',
    'bright',
    'electronics',
  ]);
  assert.deepEqual(normalizeName('MÜLLER & Söhne GmbH').tokens, ['muller', 'sohne']);
  assert.deepEqual(normalizeName('ООО Брайт Электроникс').tokens, ['brayt', 'elektroniks']);
  assert.deepEqual(normalizeName('Grupo Acme, S.A. de C.V.').tokens, ['grupo', 'acme']);
  assert.deepEqual(normalizeName('ACME TRADING L.L.C.').tokens, ['acme', 'trading']);
  assert.deepEqual(normalizeName('Acme Limited Liability Company').tokens, ['acme']);
  assert.deepEqual(normalizeName('Acme FZCO').tokens, ['acme']);
  assert.deepEqual(normalizeName('Acme S.R.L.').tokens, ['acme']);
  assert.deepEqual(normalizeName('WHALE SHIPPINGLTD.').tokens, ['whale', 'shipping'], 'a legal form run in');
  assert.deepEqual(
    normalizeName('I.P.C. INTERNATIONAL LIMITDE').tokens,
    ['ipc', 'international'],
    'misspelt',
  );
  assert.deepEqual(normalizeName('Dr. Adnan S. Hasan').tokens, ['adnan', 's', 'hasan']);
  assert.equal(normalizeName('  , Ltd ').weight, 0);
});

test('short, common and generic words weigh less than the words that say who it is', () => {
  const n = normalizeName('Mohammed Al Bahtiti Trading');
  const weight = (w: string): number => n.weights[n.tokens.indexOf(w)]!;
  assert.ok(weight('al') < weight('trading'));
  assert.ok(weight('trading') < weight('mohammed'));
  assert.ok(weight('mohammed') < weight('bahtiti'));
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
  // Issue 19's own examples
  ['Daniel Coats', 'DANIEL', 'no match'], // a one-word listed name inside a longer name
  ['FTC Solar, Inc.', 'SOLMAR', 'no match'],
  ['BILAL, Ghassan Ai', 'HASAN, Bilal', 'no match'],
  ['BILAL, Ghassan Ai', 'BILAL, Ghassan Ali', 'match'],
  ['TEHRAN PRISONS ORGNAIZTAION', 'TEHRAN PRISONS ORGANIZATION', 'match'], // two edits in a long word
  ['MAMLUK, Ail', 'MAMLUK, Ali', 'match'], // a swap in a three-letter word
  ['KHOTINTSEV', 'HOTINCEV', 'match'], // kh/h, ts/c
  ['DZHORDZHEVICH, Vlastimir', 'DJORDJEVIC, Vlastimir', 'match'], // dzh/dj, ch/c
  ['Sino Iron II', 'Sino Iron I', 'no match'], // numbers are compared exactly
  ['Sino Iron', 'Sino Iron II', 'no match'],
  ['YV2850', 'YV2851', 'no match'],
  ['YV 2850', 'YV2850', 'match'],
  ['Grupo Acme S.A. de C.V.', 'GRUPO ACME', 'match'],
  ['Acme Trading FZE', 'ACME TRADING L.L.C.', 'match'],
  ['ESSAADI Moussa BenAmor Ben Ali', 'ESSAADI, Moussa Ben Amor Ben Ali', 'match'], // words run together
  ['MUMBENGEGWI, Samuel Simbarashe Simb', 'MUMBENGEGWI, Samuel Simbarashe Simbanenduku', 'match'], // cut at 35
  ['Samuel Simbarashe Simbanenduku Mum', 'MUMBENGEGWI, Samuel Simbarashe Simbanenduku', 'match'], // "First LAST", cut
  ['NATIONAL IRANIAN OIL COMPANY PTE L', 'NATIONAL IRANIAN OIL COMPANY PTE LTD', 'match'],
  ['Mohammed Ali', 'ALI, Mohammed Hassan', 'no match'],
  ['Mohammed Ali Hassan', 'ALI HASSAN TRADING', 'no match'], // common words only
];

for (const [value, query, expected] of table) {
  test(`fuzzy: "${value}" vs "${query}" → ${expected}`, () => {
    const s = fuzzyScore(value, query);
    assert.ok(s >= 0 && s <= 1);
    assert.equal(s >= 0.85 ? 'match' : 'no match', expected, `score ${s}`);
  });
}

test('a name cut short is only taken as cut when it is long, and only the end of the listed name is excused', () => {
  const listed = 'KHORASAN PETROCHEMICAL DEVELOPMENT AND INVESTMENT HOLDING';
  assert.ok(fuzzyScore(listed.slice(0, 35), listed) >= 0.85);
  assert.ok(fuzzyScore('KHORASAN PETROCHEMICAL DEVELOPMENT AND INV', listed) >= 0.85);
  // A short name is not a cut one: the listed name's other words count against it.
  assert.ok(fuzzyScore('Khorasan', listed) < 0.85);
  // Words missing from the middle of the listed name are not what a field limit cuts.
  assert.ok(fuzzyScore('KHORASAN DEVELOPMENT AND INVESTMENT HOLDING', listed) < 0.85);
});

test('an explanation says word by word how the names met', () => {
  const parts = (a: string, b: string): [string, string, string, number | undefined][] =>
    explainNames(normalizeName(a), normalizeName(b)).parts.map((p) => [p.query, p.listed, p.how, p.edits]);
  assert.deepEqual(parts('TEHRAN PRISONS ORGNAIZTAION', 'TEHRAN PRISONS ORGANIZATION'), [
    ['tehran', 'tehran', 'exact', undefined],
    ['prisons', 'prisons', 'exact', undefined],
    ['orgnaiztaion', 'organization', 'edits', 2],
  ]);
  assert.deepEqual(parts('KHOTINTSEV Ivan', 'HOTINCEV, Ivan'), [
    ['khotintsev', 'hotincev', 'phonetic', undefined],
    ['ivan', 'ivan', 'exact', undefined],
  ]);
  assert.deepEqual(
    parts('MUMBENGEGWI, Samuel Simbarashe Simb', 'MUMBENGEGWI, Samuel Simbarashe Simbanenduku')[3],
    ['simb', 'simbanenduku', 'prefix', undefined],
  );
  assert.deepEqual(
    parts('ESSAADI Moussa BenAmor Ben Ali Trading', 'ESSAADI, Moussa Ben Amor Ben Ali').at(-1),
    ['benamor', 'ben amor', 'joined', undefined],
  );
  const sino = explainNames(normalizeName('Sino Iron II'), normalizeName('Sino Iron I'));
  assert.equal(sino.score, 0);
  assert.equal(sino.vetoed, 'number');
  const daniel = explainNames(normalizeName('Daniel Coats'), normalizeName('DANIEL'));
  assert.deepEqual(daniel.unmatchedQuery, ['coats']);
});

test('withinOneEdit agrees with the edit distance', () => {
  const words = ['bright', 'brigth', 'brght', 'brighte', 'bright', 'brxght', 'brihgt', 'tbright', 'brig'];
  for (const a of words) {
    for (const b of words) {
      assert.equal(withinOneEdit(a, b), osaDistance(a, b) <= 1, `${a} ${b}`);
    }
  }
});

test('words near enough to anchor a match always share a deletion key (what makes the indexes exact)', () => {
  let seed = 5;
  const rnd = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const alphabet = 'abcdeh';
  const word = (): string =>
    Array.from(
      { length: 1 + Math.floor(rnd() * 6) },
      () => alphabet[Math.floor(rnd() * alphabet.length)],
    ).join('');
  for (let k = 0; k < 20_000; k++) {
    const a = word();
    const b = rnd() < 0.5 ? word() : a.slice(0, 2) + a.slice(3);
    if (nearEnough(a, b)) {
      const keys = new Set(deletionKeys(a));
      assert.ok(
        deletionKeys(b).some((x) => keys.has(x)),
        `${a} ${b}`,
      );
    }
  }
});

test('the spelling skeleton passes fold exactly as the written rules do', () => {
  let seed = 11;
  const rnd = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const alphabets = ['schtgpkqxyjwzaeiofvbdhou', 'abcdefghijklmnopqrstuvwxyz0123456789'];
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
