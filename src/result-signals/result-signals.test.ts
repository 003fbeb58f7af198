import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleFiling } from '../risk/test-fixtures.ts';
import type { Filing } from '../domain/index.ts';
import {
  DEFAULT_RESULT_SIGNAL_SETTINGS,
  keysOf,
  markWeight,
  marksOf,
  resultSignals,
} from './result-signals.ts';
import type { MarkOrigin, ResultMark } from './result-signals.ts';

const NOW = new Date('2027-03-01T12:00:00Z');
const DAY = 86_400_000;
const c = exampleFiling.consignments[0]!;

const seizure = (daysAgo: number, over: Partial<MarkOrigin> = {}): MarkOrigin => ({
  taskId: `T-${daysAgo}`,
  mrn: `27NLSEIZED${daysAgo}`,
  result: 'seizure',
  category: 'drugs',
  quantity: 120,
  unit: 'kg',
  recordedAt: new Date(NOW.getTime() - daysAgo * DAY),
  ...over,
});

const byKey = (marks: readonly ResultMark[]): Map<string, ResultMark[]> => {
  const m = new Map<string, ResultMark[]>();
  for (const x of marks) {
    m.set(x.key, [...(m.get(x.key) ?? []), x]);
  }
  return m;
};

test('a seizure marks the parties, the pair, the container, the vessel and route with goods; an irregularity only the parties and pair', () => {
  const keys = marksOf(exampleFiling, c, seizure(0)).map((m) => m.key);
  assert.deepEqual(keys, [
    'op:eori:DE123456789012345',
    `op:${keysOf(exampleFiling, c).consignor!.slice(3)}`,
    keysOf(exampleFiling, c).pair,
    'container:MSCU1234566',
    'means:maritime:IMO9321483',
    'route:CNSHA:8517',
  ]);
  const irregular = marksOf(
    exampleFiling,
    c,
    seizure(0, { result: 'irregularity', irregularityType: 'undervaluation' }),
  );
  assert.equal(irregular.length, 3);
  assert.deepEqual(
    irregular.map((m) => m.role),
    ['consignee', 'consignor', undefined],
  );
});

test('weight: full today, half at the end of the window, nothing after it; an irregularity counts half', () => {
  const s = { enabled: true, weight: 60, days: 100 };
  assert.equal(markWeight(seizure(0), s, NOW), 60);
  assert.equal(markWeight(seizure(50), s, NOW), 45);
  assert.equal(markWeight(seizure(100), s, NOW), 30);
  assert.equal(markWeight(seizure(101), s, NOW), 0);
  assert.equal(markWeight(seizure(0, { result: 'irregularity' }), s, NOW), 30);
});

test('one hit per signal from the strongest result, counting the others; its own filing is not evidence', () => {
  const marks = byKey([
    ...marksOf(exampleFiling, c, seizure(200)),
    ...marksOf(exampleFiling, c, seizure(3, { taskId: 'T-new', mrn: '27NLNEW' })),
  ]);
  const hits = resultSignals(
    exampleFiling,
    c,
    { mrn: '27NLOTHER' },
    marks,
    DEFAULT_RESULT_SIGNAL_SETTINGS,
    NOW,
  );
  const consignee = hits.find((h) => h.id === 'SIG-RESULT-CONSIGNEE')!;
  assert.equal(consignee.values['controlledMrn'], '27NLNEW');
  assert.equal(consignee.values['results'], 2);
  assert.match(
    consignee.reason,
    /120 kg of drugs seized on 2027-02-26 \(3 days ago\) in 27NLNEW \(and 1 more/,
  );
  assert.equal(consignee.riskArea, 'security-safety');
  // 200 days is past the container's 180-day window: only the recent seizure counts for it.
  assert.equal(hits.find((h) => h.id === 'SIG-RESULT-CONTAINER')!.values['results'], 1);
  assert.deepEqual(
    resultSignals(
      exampleFiling,
      c,
      { mrn: '27NLNEW' },
      byKey(marksOf(exampleFiling, c, seizure(3, { mrn: '27NLNEW' }))),
      DEFAULT_RESULT_SIGNAL_SETTINGS,
      NOW,
    ),
    [],
  );
});

test('an irregularity does not mark a container; a switched-off signal never hits; a counterfeit seizure is an IPR matter', () => {
  const f: Filing = exampleFiling;
  const irregular = byKey(marksOf(f, c, seizure(1, { result: 'irregularity', irregularityType: 'origin' })));
  const hits = resultSignals(f, c, { mrn: 'X' }, irregular, DEFAULT_RESULT_SIGNAL_SETTINGS, NOW);
  assert.deepEqual(hits.map((h) => h.id).sort(), [
    'SIG-RESULT-CONSIGNEE',
    'SIG-RESULT-CONSIGNOR',
    'SIG-RESULT-PAIR',
  ]);
  assert.equal(hits[0]!.riskArea, 'origin');
  assert.equal(hits[0]!.recommendedAction, 'documentary-check');
  const off = {
    ...DEFAULT_RESULT_SIGNAL_SETTINGS,
    'SIG-RESULT-PAIR': { ...DEFAULT_RESULT_SIGNAL_SETTINGS['SIG-RESULT-PAIR'], enabled: false },
  };
  assert.ok(!resultSignals(f, c, { mrn: 'X' }, irregular, off, NOW).some((h) => h.id === 'SIG-RESULT-PAIR'));
  const fake = byKey(marksOf(f, c, seizure(1, { category: 'counterfeit', quantity: 300, unit: 'items' })));
  assert.equal(
    resultSignals(f, c, { mrn: 'X' }, fake, DEFAULT_RESULT_SIGNAL_SETTINGS, NOW)[0]!.riskArea,
    'ipr',
  );
});
