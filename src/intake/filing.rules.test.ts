/**
 * Business rules as tables: each row breaks or keeps one rule and names the code it expects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateFiling } from './validate-filing.ts';
import { vagueness } from './filing.rules.ts';
import { validAirFiling, validFiling } from '../../test/support/filings.ts';

const NOW = new Date('2027-02-20T08:00:00Z');
const HOUR = 3_600_000;

function codesOf(body: unknown, now = NOW, checkDeadlines = true): string[] {
  const r = validateFiling(body, { now, checkDeadlines });
  return r.ok ? [] : r.errors.map((e) => e.code);
}

test('the reference filing is valid', () => {
  assert.deepEqual(codesOf(validFiling(NOW)), []);
  assert.deepEqual(codesOf(validAirFiling(NOW)), []);
});

test('lodging deadlines by mode', () => {
  type Case = [
    name: string,
    mode: string,
    extra: Record<string, unknown>,
    depInH: number,
    arrInH: number,
    late: boolean,
  ];
  const cases: Case[] = [
    ['container ship 25 h before loading', 'maritime', {}, 25, 300, false],
    ['container ship 23 h before loading', 'maritime', {}, 23, 300, true],
    ['bulk ship 5 h before arrival', 'maritime', { containerised: false }, -100, 5, false],
    ['bulk ship 3 h before arrival', 'maritime', { containerised: false }, -100, 3, true],
    ['short-sea 3 h before arrival', 'maritime', { containerised: false, shortHaul: true }, -10, 3, false],
    ['short-sea 1 h before arrival', 'maritime', { containerised: false, shortHaul: true }, -10, 1, true],
    ['long-haul flight 5 h before arrival', 'air', {}, -2, 5, false],
    ['long-haul flight 3 h before arrival', 'air', {}, -2, 3, true],
    ['short-haul flight before departure', 'air', { shortHaul: true }, 0.5, 2, false],
    ['short-haul flight after departure', 'air', { shortHaul: true }, -0.5, 1, true],
    ['rail 3 h before arrival', 'rail', {}, -20, 3, false],
    ['rail 1 h before arrival', 'rail', {}, -20, 1, true],
    ['road 2 h before arrival', 'road', {}, -5, 2, false],
    ['road 30 min before arrival', 'road', {}, -5, 0.5, true],
    ['barge 1 h before arrival', 'inland-waterway', {}, -5, 1, true],
  ];
  const typeFor: Record<string, string> = {
    maritime: 'F11',
    air: 'F20',
    rail: 'F51',
    road: 'F50',
    'inland-waterway': 'F11',
  };
  for (const [name, mode, extra, depInH, arrInH, late] of cases) {
    const f = validFiling(NOW);
    f['filingType'] = typeFor[mode];
    f['transport'] = {
      ...f['transport'],
      ...extra,
      mode,
      estimatedDeparture: new Date(NOW.getTime() + depInH * HOUR).toISOString(),
      estimatedArrival: new Date(NOW.getTime() + arrInH * HOUR).toISOString(),
    };
    if (extra['containerised'] === false) {
      f['consignments'][0].containers = [];
    }
    // Only elements of the type's data set (issue 17): no seals by air, no nationality by rail, and a
    // barge is identified by its ENI number (R3010).
    if (mode === 'air') {
      f['consignments'][0].containers = [];
    } else if (mode === 'rail') {
      delete f['transport'].nationality;
    } else if (mode === 'inland-waterway') {
      f['transport'].meansId = '02314567';
    }
    assert.deepEqual(codesOf(f), late ? ['VIGIL_LODGED_LATE'] : [], name);
    assert.deepEqual(codesOf(f, NOW, false), [], `${name}: amendments are not held to the deadline`);
  }
});

test('departure more than 200 days ahead is refused', () => {
  const f = validFiling(NOW);
  f['transport'].estimatedDeparture = new Date(NOW.getTime() + 201 * 24 * HOUR).toISOString();
  f['transport'].estimatedArrival = new Date(NOW.getTime() + 210 * 24 * HOUR).toISOString();
  assert.deepEqual(codesOf(f), ['VIGIL_LODGED_TOO_EARLY']);
});

test('routing rules', () => {
  const table: [string, (f: Record<string, any>) => void, string[]][] = [
    ['starts elsewhere', (f) => (f['transport'].routing = ['KR', 'CN', 'SG', 'NL']), ['R3013']],
    ['ends elsewhere', (f) => (f['transport'].routing = ['CN', 'SG', 'NL', 'BE']), ['R3014']],
    ['first EU country not the office’s', (f) => (f['transport'].routing = ['CN', 'BE', 'NL']), ['R3018']],
    ['office of first entry in another EU country', (f) => (f['officeOfFirstEntry'] = 'DE004701'), ['R3018']],
    // R3022 (issue 17): the consignment's routing holds the countries of acceptance and delivery.
    [
      'consignment routing misses the country of the place of delivery',
      (f) => Object.assign(f['consignments'][0], { placeOfDelivery: 'ATVIE' }),
      ['R3022'],
    ],
    [
      'consignment routing misses the country of the place of acceptance',
      (f) => Object.assign(f['consignments'][0], { placeOfAcceptance: 'HKHKG' }),
      ['R3022'],
    ],
    [
      'consignment routing with the countries of acceptance and delivery',
      (f) => Object.assign(f['consignments'][0], { placeOfAcceptance: 'CNSHA', placeOfDelivery: 'DEHAM' }),
      [],
    ],
    [
      'arrival before departure',
      (f) => (f['transport'].estimatedArrival = '2027-02-21T00:00:00Z'),
      ['R3053'],
    ],
    [
      'arrival after the estimated but before the actual departure',
      (f) =>
        (f['transport'].actualDeparture = new Date(
          Date.parse(f['transport'].estimatedArrival) + HOUR,
        ).toISOString()),
      ['R3053'],
    ],
    // C3001 at header level (issue 17): split ⇒ previous MRN, no split ⇒ none.
    ['split without previous MRN', (f) => (f['split'] = true), ['C3001']],
    [
      'split with previous MRN',
      (f) => Object.assign(f, { split: true, previousMrn: '22ITZXBZYUTJFLJXK6' }),
      [],
    ],
    ['previous MRN without split', (f) => (f['previousMrn'] = '22ITZXBZYUTJFLJXK6'), ['C3001']],
    [
      'duplicate transport document',
      (f) => f['consignments'].push(structuredClone(f['consignments'][0])),
      ['R3052'],
    ],
    [
      'filing type for another mode',
      (f) => Object.assign(f, { filingType: 'F50' }),
      ['VIGIL_FILING_TYPE_MODE'],
    ],
    ['filing type not in the catalogue', (f) => (f['filingType'] = 'F99'), ['VIGIL_FILING_TYPE_UNKNOWN']],
  ];
  for (const [name, mutate, expected] of table) {
    const f = validFiling(NOW);
    mutate(f);
    assert.deepEqual(codesOf(f), expected, name);
  }
});

test('vague descriptions: a whole match rejects, an embedded term warns', () => {
  assert.deepEqual(vagueness('General cargo'), { whole: true, terms: ['general cargo'] });
  assert.equal(vagueness('SAID TO CONTAIN: consolidated').whole, true);
  assert.equal(vagueness('Freight all kinds').whole, true);
  assert.equal(vagueness('gifts').whole, true);
  assert.equal(vagueness('Parts').whole, true);
  assert.equal(vagueness('12 parts').whole, true);
  assert.equal(vagueness('F.A.K.').whole, true);
  assert.equal(vagueness('various / misc').whole, true);
  assert.equal(vagueness('S.T.C. consolidated').whole, true);
  assert.deepEqual(vagueness('Brake parts for passenger cars'), { whole: false, terms: ['parts'] });
  assert.deepEqual(vagueness('Smartphones, 128GB, boxed'), { whole: false, terms: [] });
  const f = validFiling(NOW);
  f['consignments'][0].goods[0].description = 'Gifts';
  assert.deepEqual(codesOf(f), ['VIGIL_DESCRIPTION_VAGUE']);
  f['consignments'][0].goods[0].description = 'Christmas gifts: ceramic mugs';
  const r = validateFiling(f, { now: NOW, checkDeadlines: true });
  assert.ok(r.ok);
  assert.deepEqual(
    r.warnings?.map((w) => `${w.code} ${w.path}`),
    ['VIGIL_DESCRIPTION_VAGUE_TERM $.consignments[0].goods[0].description'],
  );
});
