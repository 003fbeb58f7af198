import { test } from 'node:test';
import assert from 'node:assert/strict';
import { laneFor } from './lanes.ts';
import type { SelectivityHit } from '../domain/index.ts';

const hit = (over: Partial<SelectivityHit> = {}): SelectivityHit => ({
  source: 'rule',
  id: 'R-1',
  riskArea: 'undervaluation',
  weight: 30,
  severity: 'medium',
  recommendedAction: 'documentary-check',
  ...over,
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
