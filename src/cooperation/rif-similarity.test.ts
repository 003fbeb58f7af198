import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rifIndicatorsSchema, type RifIndicators } from './rif.schema.ts';
import { findDuplicates, rifSimilarity } from './rif-similarity.ts';

/** Indicators through the real contract (EORIs normalised, codes checked). */
const ind = (i: unknown): RifIndicators => rifIndicatorsSchema.parse(i);

const CANDIDATE = ind({
  goodsCodes: ['8517'],
  origins: ['CN'],
  operators: [{ role: 'consignor', name: 'Shenzhen Bright Electronics Co., Ltd.' }],
  modes: ['maritime'],
});

/** Another authority's form on the same risk: a narrower code, a different legal form, a container. */
const NEAR_DUPLICATE = {
  id: 'NL-2027-0007',
  issuer: 'NL',
  title: 'Phones from Shenzhen undervalued',
  indicators: ind({
    goodsCodes: ['851713', '851762'],
    origins: ['CN'],
    operators: [{ role: 'any', name: 'SHENZHEN BRIGHT ELECTRONICS GmbH' }],
    modes: ['maritime'],
    containers: ['MSCU1234566'],
  }),
};

const UNRELATED = {
  id: 'DE-2027-0100',
  issuer: 'DE',
  title: 'Counterfeit footwear',
  indicators: ind({
    goodsCodes: ['6403'],
    origins: ['VN'],
    operators: [{ role: 'consignee', eori: 'DE123456789012345', name: 'Schuh Import GmbH' }],
    modes: ['maritime'],
  }),
};

const SAME_ORIGIN_ONLY = {
  id: 'FR-2027-0003',
  issuer: 'FR',
  title: 'Textiles under value',
  indicators: ind({
    goodsCodes: ['6109'],
    origins: ['CN'],
    operators: [{ role: 'consignor', name: 'Ningbo Textile Trading Ltd' }],
  }),
};

test('a near-duplicate (same goods family, origin, operator under another legal form) is found', () => {
  const s = rifSimilarity(CANDIDATE, NEAR_DUPLICATE.indicators);
  assert.ok(s.score >= 0.8, `score ${s.score}`);
  const shared = Object.fromEntries(s.shared.map((x) => [x.indicator, x.values]));
  assert.deepEqual(shared['goodsCodes'], ['8517', '851713', '851762']);
  assert.deepEqual(shared['origins'], ['CN']);
  assert.equal(shared['operators']?.length, 2, 'both spellings of the operator are shown');
  assert.equal(shared['containers'], undefined, 'a container only one form names is not shared');
  const found = findDuplicates(CANDIDATE, [UNRELATED, NEAR_DUPLICATE, SAME_ORIGIN_ONLY]);
  assert.deepEqual(
    found.map((d) => d.id),
    ['NL-2027-0007'],
  );
  assert.equal(found[0]?.issuer, 'NL');
  assert.equal(found[0]?.title, 'Phones from Shenzhen undervalued');
});

test('an unrelated RIF (other chapter, origin and operator) scores low and is not found', () => {
  const s = rifSimilarity(CANDIDATE, UNRELATED.indicators);
  assert.ok(s.score < 0.2, `score ${s.score}`);
  assert.deepEqual(
    s.shared.map((x) => x.indicator),
    ['modes'],
  );
  assert.deepEqual(findDuplicates(CANDIDATE, [UNRELATED]), []);
});

test('a RIF sharing only the origin stays below the threshold', () => {
  const s = rifSimilarity(CANDIDATE, SAME_ORIGIN_ONLY.indicators);
  assert.ok(s.score < 0.5, `score ${s.score}`);
  assert.deepEqual(s.shared, [{ indicator: 'origins', values: ['CN'] }]);
  // Nor does a form that states the origin and nothing else: it is far wider than the candidate.
  const originOnly = ind({ origins: ['CN'] });
  assert.ok(rifSimilarity(CANDIDATE, originOnly).score < 0.5);
});

test('the same operator by EORI, whatever name either form spells; a different EORI is another operator', () => {
  const a = ind({ goodsCodes: ['8517'], operators: [{ eori: 'NL123456789', name: 'Acme' }] });
  const b = ind({ goodsCodes: ['8517'], operators: [{ eori: 'nl 123456789', name: 'Totally Other' }] });
  const c = ind({ goodsCodes: ['8517'], operators: [{ eori: 'NL999999999', name: 'Acme B.V.' }] });
  assert.equal(rifSimilarity(a, b).score, 1);
  assert.ok(rifSimilarity(a, c).score < rifSimilarity(a, b).score);
  assert.equal(
    rifSimilarity(a, c).shared.find((x) => x.indicator === 'operators'),
    undefined,
  );
});

test('a group only one form states lowers the score a little; agreement on it is not required', () => {
  const base = ind({ goodsCodes: ['8517'], origins: ['CN'] });
  const plusOperator = ind({ goodsCodes: ['8517'], origins: ['CN'], operators: [{ name: 'Acme' }] });
  const otherOperator = ind({ goodsCodes: ['8517'], origins: ['CN'], operators: [{ name: 'Zenith' }] });
  const withAcme = ind({ goodsCodes: ['8517'], origins: ['CN'], operators: [{ name: 'Acme Ltd' }] });
  const one = rifSimilarity(base, plusOperator).score;
  assert.ok(one >= 0.5 && one < 1, `one-sided ${one}`);
  // Stating a different operator is a real difference; stating none is only a wider form.
  assert.ok(rifSimilarity(withAcme, otherOperator).score < one);
  assert.equal(rifSimilarity(withAcme, plusOperator).score, 1);
});

test('similarity is symmetric, and value ranges agree when they overlap', () => {
  const a = ind({ goodsCodes: ['6109'], unitValueRange: { max: 4 } });
  const b = ind({ goodsCodes: ['61'], unitValueRange: { min: 2, max: 6 } });
  const c = ind({ goodsCodes: ['61'], unitValueRange: { min: 10 } });
  assert.equal(rifSimilarity(a, b).score, rifSimilarity(b, a).score);
  assert.deepEqual(
    rifSimilarity(a, b).shared.find((x) => x.indicator === 'unitValueRange'),
    { indicator: 'unitValueRange', values: ['2–4'] },
  );
  assert.ok(rifSimilarity(a, c).score < rifSimilarity(a, b).score);
});

test('duplicates come most alike first, ties by id, below the threshold left out', () => {
  const active = [
    SAME_ORIGIN_ONLY,
    { ...NEAR_DUPLICATE, id: 'NL-2027-0009' },
    // Same goods and origin, no operator: alike, less than the near-duplicate.
    {
      id: 'BE-2027-0001',
      issuer: 'BE',
      title: 'Phones',
      indicators: ind({ goodsCodes: ['8517'], origins: ['CN'] }),
    },
    NEAR_DUPLICATE,
    UNRELATED,
  ];
  const found = findDuplicates(CANDIDATE, active);
  assert.deepEqual(
    found.map((d) => d.id),
    ['NL-2027-0007', 'NL-2027-0009', 'BE-2027-0001'],
  );
  for (let i = 1; i < found.length; i++) {
    assert.ok(found[i - 1]!.score >= found[i]!.score);
  }
  assert.ok(found[1]!.score > found[2]!.score);
  // A lower threshold lets the same-origin form in, last.
  const wide = findDuplicates(CANDIDATE, active, 0.2);
  assert.equal(wide.at(-1)?.id, 'FR-2027-0003');
  assert.deepEqual(findDuplicates(CANDIDATE, [...active].reverse()), found);
});
