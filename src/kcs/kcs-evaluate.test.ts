import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEvaluation, formatEvaluationTable, kcsDutyAtStake } from './kcs-train.ts';
import { rankingMetrics } from '../learning/metrics.ts';
import { syntheticRows } from './synthetic-rows.fixture.ts';

test('duty at stake is item price × tax rate (%), NaN when either is missing', () => {
  const [r] = syntheticRows(1);
  assert.equal(kcsDutyAtStake({ ...r!, itemPrice: 2000, taxRate: 8 }), 160);
  assert.ok(Number.isNaN(kcsDutyAtStake({ ...r!, itemPrice: Number.NaN, taxRate: 8 })));
});

test('evaluate prints precision, recall and duty share per cut, as a table and one JSON line', () => {
  // 20 rows; the two best-scored are frauds with duty 30 and 10; a third fraud (duty 60) ranks last.
  const scores = Array.from({ length: 20 }, (_, i) => 20 - i);
  const labels = scores.map((_, i) => (i < 2 || i === 19 ? 1 : 0));
  const duty = scores.map((_, i) => (i === 0 ? 30 : i === 1 ? 10 : i === 19 ? 60 : 5));
  const m = rankingMetrics(scores, labels, [5, 10], duty);
  const json = JSON.parse(formatEvaluation(m)) as Record<string, unknown>;
  assert.deepEqual(json, {
    rows: 20,
    frauds: 3,
    precisionAt: { '5': 1, '10': 1 },
    recallAt: { '5': 0.3333, '10': 0.6667 },
    dutyShareAt: { '5': 0.3, '10': 0.4 },
    dutyAtStake: 100,
    auc: 0.6667, // two frauds outrank all 17 others, one none: 34 / 51
  });
  const table = formatEvaluationTable(m).split('\n');
  assert.equal(table.length, 2 + 2 + 1);
  assert.match(table[0]!, /20 declarations, 3 frauds \(15\.00%\), duty at stake in the frauds 100 KRW/);
  assert.match(table[3]!, /^ +10% +2 +1\.0000 +0\.6667 +0\.4000$/);
  assert.equal(table[4], 'AUC 0.6667');
});
