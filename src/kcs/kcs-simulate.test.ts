import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PolicyKnowledge,
  chooseControls,
  explorationBonus,
  formatSeedsSummary,
  formatSimulation,
  meanSd,
  simulateRows,
  simulateSeeds,
} from './kcs-simulate.ts';
import { mulberry32 } from '../domain/index.ts';
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

test('UCB exploration goes to declarations with few controlled neighbours, not to the next-best scores', () => {
  const week = syntheticRows(200, 9, 1);
  const knowledge = new PolicyKnowledge(['hs6*origin', 'importer']);
  // The policy has controlled many declarations of every importer but only one each of IMP7 and
  // IMP8: no importer is new (the old never-controlled-importer rule would pick at random), but
  // those two are barely known.
  const once = new Set<string>();
  for (const r of syntheticRows(3000, 10, 1)) {
    if ((r.importer !== 'IMP7' && r.importer !== 'IMP8') || !once.has(r.importer)) {
      once.add(r.importer);
      knowledge.control(r);
    }
  }
  // Scores: 0.5 for everyone, so only the bonus tells rows apart.
  const scores = week.map(() => 0.5);
  const { picked, explored } = chooseControls(week, scores, 20, 10, knowledge, mulberry32(1), 'ucb', 2);
  assert.equal(picked.length, 20);
  assert.equal(explored, 10);
  const novel = week.filter((r) => r.importer === 'IMP7' || r.importer === 'IMP8').length;
  assert.ok(novel >= 10, `the fixture has ${novel} rows of the unknown importers`);
  // The exploitation part is the top 10 by score (ties by row order), the exploration part all unknown.
  assert.deepEqual(picked.slice(0, 10), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (const i of picked.slice(10)) {
    assert.ok(['IMP7', 'IMP8'].includes(week[i]!.importer), `row ${i} of ${week[i]!.importer}`);
    assert.equal(knowledge.neighbours(week[i]!), 1);
  }
  // With no exploration share the same call is pure exploitation.
  assert.deepEqual(
    chooseControls(week, scores, 20, 0, knowledge, mulberry32(1), 'ucb', 2).picked,
    Array.from({ length: 20 }, (_, i) => i),
  );
});

test('the bonus shrinks with controlled neighbours and vanishes for a certain score', () => {
  assert.equal(explorationBonus(0.5, 0, 2), 1);
  assert.equal(explorationBonus(0.5, 3, 2), 0.5);
  assert.equal(explorationBonus(0, 0, 2), 0);
  assert.equal(explorationBonus(1, 0, 2), 0);
  assert.ok(explorationBonus(0.2, 10, 2) < explorationBonus(0.2, 1, 2));
});

test('the exploring policy, too, never reads the label of a declaration it did not control', () => {
  for (const strategy of ['ucb', 'thompson'] as const) {
    const base = simulateRows(rows, { seed: 3, config: FAST, seedWeeks: 2, strategy, explorationShare: 0.3 });
    const controlled = new Set(base.controlled.explore);
    const from = rows[0]!.day + 14;
    const flipped = rows.map((r) =>
      r.day >= from && !controlled.has(r.id) ? { ...r, fraud: 1 - r.fraud } : r,
    );
    const again = simulateRows(flipped, {
      seed: 3,
      config: FAST,
      seedWeeks: 2,
      strategy,
      explorationShare: 0.3,
    });
    assert.deepEqual(again.controlled.explore, base.controlled.explore, strategy);
    assert.equal(again.explore.frauds, base.explore.frauds, strategy);
    assert.ok(base.explore.explored > 0, strategy);
  }
});

test('several seeds: per-seed totals, their mean ± sd, and a cumulative curve ending at the totals', () => {
  const summary = simulateSeeds(rows, [1, 2], { config: FAST, seedWeeks: 2, explorationShare: 0.2 });
  assert.deepEqual(summary.seeds, [1, 2]);
  const [a, b] = summary.runs;
  assert.equal(a!.exploit.controls, a!.explore.controls);
  assert.equal(summary.exploit.mean, (a!.exploit.frauds + b!.exploit.frauds) / 2);
  const gains = [a!.explore.frauds - a!.exploit.frauds, b!.explore.frauds - b!.exploit.frauds];
  assert.equal(summary.gain.mean, (gains[0]! + gains[1]!) / 2);
  assert.equal(summary.gain.sd, Math.abs(gains[0]! - gains[1]!) / Math.SQRT2);
  const last = summary.curve[summary.curve.length - 1]!;
  assert.equal(last.exploit, summary.exploit.mean);
  assert.equal(last.explore, summary.explore.mean);
  // Seed weeks count for neither policy; the curve never goes down.
  assert.equal(summary.curve[0]!.exploit, 0);
  for (let i = 1; i < summary.curve.length; i++) {
    assert.ok(summary.curve[i]!.explore >= summary.curve[i - 1]!.explore);
  }
  const text = formatSeedsSummary(summary);
  assert.match(
    text,
    /mean ± sd over 2 seeds: exploit [\d.]+ ± [\d.]+, explore [\d.]+ ± [\d.]+, gain -?[\d.]+ ± [\d.]+/,
  );
  assert.equal(text.split('\n').length, 3 + 2 + 1 + 2 + 7);
  assert.equal(meanSd([1, 2, 3]).sd, 1);
});
