import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSimulation, simulateRows } from './kcs-simulate.ts';
import { KCS_MODEL_CONFIG } from './kcs-train.ts';
import { syntheticRows } from './synthetic-rows.fixture.ts';

const FAST = {
  features: KCS_MODEL_CONFIG.features,
  gbdt: { ...KCS_MODEL_CONFIG.gbdt, numTrees: 10, minDataInLeaf: 3 },
};
const rows = syntheticRows(1400, 4, 7);

test('controls 10% of each week; seed weeks are random and shared by both policies', () => {
  const r = simulateRows(rows, { seed: 2, config: FAST, seedWeeks: 2, explorationShare: 0.2 });
  assert.equal(r.weeks.length, 7);
  for (const w of r.weeks) {
    assert.equal(w.exploit.controls, Math.round(w.rows * 0.1));
    assert.equal(w.explore.controls, Math.round(w.rows * 0.1));
  }
  assert.deepEqual(
    r.weeks.map((w) => w.seed),
    [true, true, false, false, false, false, false],
  );
  assert.deepEqual(r.weeks[0]!.exploit, r.weeks[0]!.explore);
  assert.equal(
    r.exploit.controls,
    r.weeks.slice(2).reduce((s, w) => s + w.exploit.controls, 0),
  );
  // The planted risk is learnable: model-driven controls beat the base rate.
  assert.ok(
    r.exploit.precision >
      r.weeks.slice(2).reduce((s, w) => s + w.frauds, 0) / r.weeks.slice(2).reduce((s, w) => s + w.rows, 0),
  );
  const text = formatSimulation(r);
  assert.match(text, /exploit: \d+ controls/);
  assert.equal(text.split('\n').length, 2 + 7 + 3);
});

test('only controlled declarations reveal their label: flipping uncontrolled ones changes no decision', () => {
  const base = simulateRows(rows, { seed: 2, config: FAST, seedWeeks: 2 });
  const controlled = new Set(base.controlled.exploit);
  // Flip every label the exploiting policy never saw, from week 2 on.
  const from = rows[0]!.day + 14;
  const flipped = rows.map((r) =>
    r.day >= from && !controlled.has(r.id) ? { ...r, fraud: 1 - r.fraud } : r,
  );
  const again = simulateRows(flipped, { seed: 2, config: FAST, seedWeeks: 2 });
  assert.deepEqual(again.controlled.exploit, base.controlled.exploit);
  assert.deepEqual(
    again.weeks.map((w) => [w.exploit.controls, w.exploit.frauds]),
    base.weeks.map((w) => [w.exploit.controls, w.exploit.frauds]),
  );
  // The replay's own view of all frauds did change, so the flip was real.
  assert.notDeepEqual(
    again.weeks.map((w) => w.frauds),
    base.weeks.map((w) => w.frauds),
  );
});
