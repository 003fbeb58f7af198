import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankingMetrics, rocAuc, topCount } from './metrics.ts';

test('precision and recall at n% count the frauds among the top-scored rows', () => {
  // 20 rows; top 10% = 2 rows, top 5% = 1 row.
  const scores = Array.from({ length: 20 }, (_, i) => 20 - i);
  const labels = Array.from({ length: 20 }, (_, i) => (i === 0 || i === 2 || i === 10 ? 1 : 0));
  const m = rankingMetrics(scores, labels, [5, 10, 50]);
  assert.equal(m.rows, 20);
  assert.equal(m.frauds, 3);
  assert.deepEqual(m.precisionAt, { '5': 1, '10': 0.5, '50': 0.2 });
  assert.deepEqual(m.recallAt, { '5': 1 / 3, '10': 1 / 3, '50': 2 / 3 });
});

test('AUC: perfect, reversed, and ties counted as half', () => {
  assert.equal(rocAuc([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0]), 1);
  assert.equal(rocAuc([0.1, 0.2, 0.9, 0.8], [1, 1, 0, 0]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]), 0.5);
  // One positive (0.6) against negatives 0.4 and 0.6: wins one, ties one.
  assert.equal(rocAuc([0.6, 0.4, 0.6], [1, 0, 0]), 0.75);
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [0, 0])));
});

test('top n% keeps at least one row', () => {
  assert.equal(topCount(8134, 1), 81);
  assert.equal(topCount(10, 1), 1);
  assert.equal(topCount(0, 5), 0);
});
