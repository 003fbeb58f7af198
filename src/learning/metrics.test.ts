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

test('recall and duty share at n%: the share of all frauds, and of their duty, among the top rows', () => {
  // 10 rows, best score first; frauds at ranks 1, 3 and 8 with duty 50, 30 and 20 (of 100 at stake).
  // A non-fraud's duty (row 2: 1,000) never counts; a missing duty counts as 0.
  const scores = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  const labels = [1, 0, 1, 0, 0, 0, 0, 1, 0, 0];
  const duty = [50, 1000, 30, 0, 0, Number.NaN, 0, 20, 0, 0];
  const m = rankingMetrics(scores, labels, [10, 20, 30, 100], duty);
  assert.deepEqual(m.precisionAt, { '10': 1, '20': 0.5, '30': 2 / 3, '100': 0.3 });
  assert.deepEqual(m.recallAt, { '10': 1 / 3, '20': 1 / 3, '30': 2 / 3, '100': 1 });
  assert.deepEqual(m.valueShareAt, { '10': 0.5, '20': 0.5, '30': 0.8, '100': 1 });
  assert.equal(m.valueAtStake, 100);
  // The same rows scored in reverse: the top 30% holds only the fraud with duty 20.
  const rev = rankingMetrics(
    scores.map((s) => -s),
    labels,
    [30],
    duty,
  );
  assert.deepEqual(rev.recallAt, { '30': 1 / 3 });
  assert.deepEqual(rev.valueShareAt, { '30': 0.2 });
});

test('without values there is no duty share; with no fraud, recall and duty share are NaN', () => {
  const m = rankingMetrics([0.9, 0.1], [1, 0], [50]);
  assert.equal(m.valueShareAt, undefined);
  assert.equal(m.valueAtStake, undefined);
  const none = rankingMetrics([0.9, 0.1], [0, 0], [50], [5, 5]);
  assert.ok(Number.isNaN(none.recallAt['50']!));
  assert.ok(Number.isNaN(none.valueShareAt!['50']!));
  assert.equal(none.valueAtStake, 0);
});
