import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryOutcome, laneFor } from './selectivity.ts';
import type { EntryFacts, SelectivityHit } from './selectivity.ts';

const hit = (over: Partial<SelectivityHit> = {}): SelectivityHit => ({
  source: 'rule',
  id: 'R-1',
  riskArea: 'undervaluation',
  weight: 30,
  severity: 'medium',
  recommendedAction: 'documentary-check',
  ...over,
});
const facts = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  mode: 'maritime',
  officeOfFirstEntry: 'NL000396',
  preLoading: false,
  score: 0,
  randomDraw: 0.9,
  ...over,
});

test('entry outcomes, one row per path through selectivity', () => {
  const table: [string, EntryFacts, SelectivityHit[], string][] = [
    ['no hits', facts(), [], 'assessment-complete'],
    [
      'low score, action none',
      facts({ score: 20 }),
      [hit({ recommendedAction: 'none' })],
      'assessment-complete',
    ],
    ['documentary check asked', facts({ score: 30 }), [hit()], 'control-recommended:documentary'],
    [
      'physical beats documentary',
      facts(),
      [hit(), hit({ id: 'R-2', recommendedAction: 'physical-check' })],
      'control-recommended:physical',
    ],
    ['scan', facts(), [hit({ recommendedAction: 'scan' })], 'control-recommended:scan'],
    [
      'score over the threshold',
      facts({ score: 75 }),
      [hit({ recommendedAction: 'none' })],
      'control-recommended:documentary',
    ],
    [
      'request for information',
      facts(),
      [hit({ recommendedAction: 'request-for-information' })],
      'request-for-information',
    ],
    [
      'control wins over RFI',
      facts(),
      [hit({ recommendedAction: 'request-for-information' }), hit({ id: 'R-2' })],
      'control-recommended:documentary',
    ],
    [
      'do not load before loading',
      facts({ mode: 'air', preLoading: true }),
      [hit({ recommendedAction: 'do-not-load', severity: 'critical', riskArea: 'security-safety' })],
      'do-not-load',
    ],
    [
      'do not load after loading becomes a physical control',
      facts({ mode: 'air', preLoading: false }),
      [hit({ recommendedAction: 'do-not-load', severity: 'critical', riskArea: 'security-safety' })],
      'control-recommended:physical',
    ],
    [
      'do not load needs critical severity',
      facts({ mode: 'air', preLoading: true }),
      [hit({ recommendedAction: 'do-not-load', severity: 'high', riskArea: 'security-safety' })],
      'assessment-complete',
    ],
    [
      'high-risk screening for air cargo before loading',
      facts({ mode: 'air', preLoading: true }),
      [hit({ recommendedAction: 'high-risk-screening', riskArea: 'security-safety' })],
      'high-risk-screening',
    ],
    [
      'security score screens postal items',
      facts({ mode: 'postal', preLoading: true, score: 55 }),
      [hit({ recommendedAction: 'none', riskArea: 'security-safety' })],
      'high-risk-screening',
    ],
    [
      'no screening for maritime',
      facts({ mode: 'maritime', preLoading: true }),
      [hit({ recommendedAction: 'high-risk-screening', riskArea: 'security-safety' })],
      'assessment-complete',
    ],
    ['random selection', facts({ randomDraw: 0.004 }), [], 'control-recommended:documentary'],
    ['random physical', facts({ randomDraw: 0.001 }), [], 'control-recommended:physical'],
    [
      'a noisy rule alone does not select',
      facts(),
      [hit({ noisy: true, recommendedAction: 'physical-check' })],
      'assessment-complete',
    ],
    [
      'a noisy rule counts next to another hit',
      facts(),
      [hit({ noisy: true, recommendedAction: 'physical-check' }), hit({ id: 'R-2' })],
      'control-recommended:physical',
    ],
  ];
  for (const [name, f, hits, expected] of table) {
    const o = entryOutcome(f, hits);
    const got = o.kind === 'control-recommended' ? `${o.kind}:${o.controlType}` : o.kind;
    assert.equal(got, expected, name);
    if (o.kind === 'control-recommended') {
      assert.equal(o.office, 'NL000396');
      assert.equal(o.random, name.startsWith('random'), name);
    }
  }
});

test('lanes within office capacity', () => {
  const full = { red: 10, yellow: 10 };
  const table: [string, number, SelectivityHit[], number, { red: number; yellow: number }, string][] = [
    ['green', 10, [], 0.5, full, 'green'],
    ['yellow by score', 35, [], 0.5, full, 'yellow'],
    ['red by score', 70, [], 0.5, full, 'red'],
    ['yellow by documentary hit', 10, [hit()], 0.5, full, 'yellow'],
    ['red by physical hit', 10, [hit({ recommendedAction: 'physical-check' })], 0.5, full, 'red'],
    [
      'blue by post-clearance audit hit',
      10,
      [hit({ recommendedAction: 'post-clearance-audit' })],
      0.5,
      full,
      'blue',
    ],
    ['red without physical capacity becomes yellow', 70, [], 0.5, { red: 0, yellow: 3 }, 'yellow'],
    ['red without any capacity becomes blue', 70, [], 0.5, { red: 0, yellow: 0 }, 'blue'],
    ['yellow without capacity becomes blue', 35, [], 0.5, { red: 5, yellow: 0 }, 'blue'],
    ['minimum random rate', 0, [], 0.004, full, 'red'],
    ['random yellow', 0, [], 0.008, full, 'yellow'],
    ['random is kept without capacity', 0, [], 0.004, { red: 0, yellow: 0 }, 'red'],
    [
      'noisy rule alone stays green',
      10,
      [hit({ noisy: true, recommendedAction: 'physical-check' })],
      0.5,
      full,
      'green',
    ],
  ];
  for (const [name, score, hits, draw, cap, lane] of table) {
    const d = laneFor(score, hits, draw, cap);
    assert.equal(d.lane, lane, name);
    assert.equal(d.random, name.startsWith('random') || name.startsWith('minimum'), name);
  }
});

test('exploration: a share of declarations the model is unsure about goes to a documentary check', () => {
  const full = { red: 10, yellow: 10 };
  const unsure = laneFor(20, [], 0.5, full, undefined, { probability: 0.5, draw: 0.01 });
  assert.equal(unsure.lane, 'yellow');
  assert.equal(unsure.exploration, true);
  assert.match(unsure.reason, /unsure/);
  // Outside the share, or when the model is sure, nothing changes.
  assert.equal(laneFor(20, [], 0.5, full, undefined, { probability: 0.5, draw: 0.9 }).lane, 'green');
  assert.equal(laneFor(20, [], 0.5, full, undefined, { probability: 0.05, draw: 0.01 }).lane, 'green');
  assert.equal(laneFor(20, [], 0.5, full, undefined, { probability: 0.95, draw: 0.01 }).lane, 'green');
  // Learning does not take capacity that is used up.
  assert.equal(
    laneFor(20, [], 0.5, { red: 10, yellow: 0 }, undefined, { probability: 0.5, draw: 0.01 }).lane,
    'green',
  );
  // No model: no exploration.
  assert.equal(laneFor(20, [], 0.5, full).lane, 'green');
});
