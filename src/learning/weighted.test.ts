/**
 * The pieces the entry-summary model adds to learning: row weights in the trees (a row of weight 2
 * counts as that row twice), path contributions that add up to the raw score, and the weighted
 * ranking figures and population stability index.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../domain/index.ts';
import { compileForest, predictRaw, trainGbdt } from './gbdt.ts';
import type { Matrix } from './gbdt.ts';
import { contributionBias, nodeExpectations, pathContributions } from './contributions.ts';
import { rocAuc } from './metrics.ts';
import {
  binShares,
  populationStability,
  precisionAtShare,
  scoreReference,
  weightedAuc,
} from './weighted-metrics.ts';

function dataset(n: number, seed: number): { x: Matrix; y: number[] } {
  const rng = mulberry32(seed);
  const data = new Float64Array(n * 3);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    // Few distinct values, so that duplicating rows does not move the bin edges.
    const a = Math.floor(rng() * 8);
    const b = Math.floor(rng() * 5);
    data[i * 3] = a;
    data[i * 3 + 1] = b;
    data[i * 3 + 2] = rng() < 0.1 ? Number.NaN : Math.floor(rng() * 4);
    y.push(a >= 5 && b <= 1 ? 1 : rng() < 0.1 ? 1 : 0);
  }
  return { x: { data, rows: n, cols: 3 }, y };
}

const EXACT = { numTrees: 20, numLeaves: 8, minDataInLeaf: 1, rowSubsample: 1, colSubsample: 1, seed: 3 };

test('a row of weight 2 counts as the same row twice', () => {
  const { x, y } = dataset(300, 1);
  const weights = y.map((_, i) => (i % 3 === 0 ? 2 : 1));
  const weighted = trainGbdt(x, y, EXACT, weights);
  const rows: number[] = [];
  y.forEach((_, i) => {
    rows.push(i);
    if (i % 3 === 0) {
      rows.push(i);
    }
  });
  const dup: Matrix = {
    data: Float64Array.from(rows.flatMap((i) => [...x.data.subarray(i * 3, i * 3 + 3)])),
    rows: rows.length,
    cols: 3,
  };
  const duplicated = trainGbdt(
    dup,
    rows.map((i) => y[i]!),
    EXACT,
  );
  const a = predictRaw(compileForest(weighted), x);
  const b = predictRaw(compileForest(duplicated), x);
  for (let i = 0; i < x.rows; i++) {
    assert.ok(Math.abs(a[i]! - b[i]!) < 1e-9, `row ${i}: ${a[i]} against ${b[i]}`);
  }
  assert.throws(() => trainGbdt(x, y, EXACT, [1, 2]), /2 weights for 300 rows/);
});

test('path contributions and the bias add up to the raw score; an unused feature contributes nothing', () => {
  const { x, y } = dataset(500, 2);
  const model = trainGbdt(x, y, { numTrees: 30, numLeaves: 6, minDataInLeaf: 5, seed: 1 });
  const expected = nodeExpectations(model, x);
  const bias = contributionBias(model, expected);
  const raw = predictRaw(compileForest(model), x);
  let aPushes = 0;
  for (let i = 0; i < 50; i++) {
    const row = x.data.subarray(i * 3, i * 3 + 3);
    const c = pathContributions(model, expected, row);
    assert.ok(Math.abs(bias + c[0]! + c[1]! + c[2]! - raw[i]!) < 1e-9);
    if (row[0]! >= 5 && row[1]! <= 1) {
      aPushes += c[0]! > 0 ? 1 : 0;
    }
  }
  assert.ok(aPushes > 0, 'the planted feature pushes planted rows up');
  // Only feature 0 in the trees: the others get nothing.
  const onlyA = trainGbdt({ data: x.data.map((v, k) => (k % 3 === 0 ? v : 0)), rows: x.rows, cols: 3 }, y, {
    numTrees: 5,
    numLeaves: 4,
    minDataInLeaf: 5,
  });
  const c = pathContributions(onlyA, nodeExpectations(onlyA, x), [6, 0, 0]);
  assert.equal(c[1], 0);
  assert.equal(c[2], 0);
});

test('weighted precision at a share takes rows by score until the weight budget is used', () => {
  const scores = [0.9, 0.8, 0.7, 0.6, 0.5];
  const labels = [1, 0, 1, 0, 0];
  // Budget 0.4 × 10 = 4: rows of weight 1, 1, 2 fit; the next (weight 3) does not.
  const p = precisionAtShare(scores, labels, [1, 1, 2, 3, 3], 0.4);
  assert.deepEqual(p, { precision: 3 / 4, rows: 3, weight: 4, positives: 3 });
  assert.ok(Number.isNaN(precisionAtShare(scores, labels, [10, 1, 1, 1, 1], 0.1).precision));
});

test('weighted AUC is the AUC when every weight is 1, and follows the weights otherwise', () => {
  const rng = mulberry32(9);
  const scores = Array.from({ length: 200 }, () => Math.round(rng() * 20) / 20);
  const labels = scores.map((s) => (rng() < s ? 1 : 0));
  const ones = scores.map(() => 1);
  assert.ok(Math.abs(weightedAuc(scores, labels, ones) - rocAuc(scores, labels)) < 1e-12);
  // One positive ranked low, weighted heavily, drags the AUC down.
  assert.equal(weightedAuc([0.1, 0.5, 0.9], [1, 0, 1], [1, 1, 1]), 0.5);
  assert.equal(weightedAuc([0.1, 0.5, 0.9], [1, 0, 1], [3, 1, 1]), 0.25);
});

test('population stability: zero for the same distribution, large for a shifted one', () => {
  const rng = mulberry32(4);
  const base = Array.from({ length: 5000 }, () => rng());
  const ref = scoreReference(base, undefined, 10);
  assert.equal(ref.shares.length, ref.edges.length + 1);
  for (const share of ref.shares) {
    assert.ok(Math.abs(share - 0.1) < 0.01, String(share));
  }
  const same = binShares(
    Array.from({ length: 5000 }, () => rng()),
    undefined,
    ref.edges,
  );
  assert.ok(populationStability(ref.shares, same) < 0.02);
  const shifted = binShares(
    Array.from({ length: 5000 }, () => Math.min(1, rng() * 0.5 + 0.5)),
    undefined,
    ref.edges,
  );
  assert.ok(populationStability(ref.shares, shifted) > 0.25);
});
