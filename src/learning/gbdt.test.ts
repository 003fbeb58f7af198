import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../domain/index.ts';
import { compileForest, predictRaw, predictProba, trainGbdt } from './gbdt.ts';
import type { Matrix } from './gbdt.ts';

function column(values: number[]): Matrix {
  return { data: Float64Array.from(values), rows: values.length, cols: 1 };
}

const ONE_SPLIT = {
  numTrees: 1,
  numLeaves: 2,
  minDataInLeaf: 1,
  minChildWeight: 0,
  lambda: 1,
  learningRate: 0.1,
  rowSubsample: 1,
  colSubsample: 1,
};

test('one split on six rows: threshold and leaf values match the hand computation', () => {
  // Base rate 0.5, so the start score is 0, p = 0.5, g = p - y = ±0.5, h = p(1-p) = 0.25.
  // Best cut x <= 3: left G = 1.5, H = 0.75; right G = -1.5, H = 0.75.
  // leaf = -G / (H + lambda) * lr = ∓1.5 / 1.75 * 0.1.
  const model = trainGbdt(column([1, 2, 3, 4, 5, 6]), [0, 0, 0, 1, 1, 1], ONE_SPLIT);
  assert.equal(model.baseScore, 0);
  assert.equal(model.trees.length, 1);
  const t = model.trees[0]!;
  assert.equal(t.feature[0], 0);
  assert.equal(t.threshold[0], 3);
  assert.ok(Math.abs(t.value[t.left[0]!]! - (-1.5 / 1.75) * 0.1) < 1e-12);
  assert.ok(Math.abs(t.value[t.right[0]!]! - (1.5 / 1.75) * 0.1) < 1e-12);
  // Gain = GL²/(HL+λ) + GR²/(HR+λ) - G²/(H+λ) = 2 · 2.25/1.75.
  assert.ok(Math.abs(t.gain[0]! - 4.5 / 1.75) < 1e-12);
  const raw = predictRaw(compileForest(model), column([0, 3, 3.5, 100]));
  assert.deepEqual(
    [...raw].map((v) => Math.round(v * 1e9) / 1e9),
    [-0.085714286, -0.085714286, 0.085714286, 0.085714286],
  );
});

test('missing values: the split learns which side they go to', () => {
  // Base rate 4/6: p = 2/3, g = 2/3 for y = 0 and -1/3 for y = 1, h = 2/9.
  // Best: x <= 2 with missing right. Left {1,2}: G = 4/3, H = 4/9; right {3,4,NaN,NaN}: G = -4/3, H = 8/9.
  const model = trainGbdt(column([Number.NaN, Number.NaN, 1, 2, 3, 4]), [1, 1, 0, 0, 1, 1], ONE_SPLIT);
  assert.ok(Math.abs(model.baseScore - Math.log(2)) < 1e-12);
  const t = model.trees[0]!;
  assert.equal(t.threshold[0], 2);
  assert.equal(t.missingLeft[0], 0);
  assert.ok(Math.abs(t.gain[0]! - (16 / 13 + 16 / 17)) < 1e-12);
  const left = (-(4 / 3) / (4 / 9 + 1)) * 0.1;
  const right = (4 / 3 / (8 / 9 + 1)) * 0.1;
  const raw = predictRaw(compileForest(model), column([Number.NaN, 1, 4]));
  assert.ok(Math.abs(raw[0]! - (Math.log(2) + right)) < 1e-12);
  assert.ok(Math.abs(raw[1]! - (Math.log(2) + left)) < 1e-12);
  assert.ok(Math.abs(raw[2]! - (Math.log(2) + right)) < 1e-12);
});

test('the second tree fits the gradients left by the first', () => {
  const model = trainGbdt(column([1, 2, 3, 4, 5, 6]), [0, 0, 0, 1, 1, 1], { ...ONE_SPLIT, numTrees: 2 });
  const v1 = (1.5 / 1.75) * 0.1;
  // After tree 1 the left rows sit at -v1: p = σ(-v1), g = p, h = p(1-p); symmetric on the right.
  const p = 1 / (1 + Math.exp(v1));
  const expected = (-(3 * p) / (3 * p * (1 - p) + 1)) * 0.1;
  const t = model.trees[1]!;
  assert.equal(t.threshold[0], 3);
  assert.ok(Math.abs(t.value[t.left[0]!]! - expected) < 1e-12);
});

test('a seed reproduces a model exactly; another seed gives another subsample', () => {
  const rng = mulberry32(7);
  const n = 400;
  const data = new Float64Array(n * 3);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    data[i * 3] = rng();
    data[i * 3 + 1] = rng();
    data[i * 3 + 2] = rng() < 0.1 ? Number.NaN : rng();
    y.push(data[i * 3]! + 0.3 * rng() > 0.7 ? 1 : 0);
  }
  const x = { data, rows: n, cols: 3 };
  const cfg = { numTrees: 20, rowSubsample: 0.7, colSubsample: 0.67, minDataInLeaf: 5 };
  const a = trainGbdt(x, y, { ...cfg, seed: 3 });
  const b = trainGbdt(x, y, { ...cfg, seed: 3 });
  const c = trainGbdt(x, y, { ...cfg, seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('learns an interaction no single split can: XOR of two features', () => {
  const n = 800;
  const rng = mulberry32(11);
  const data = new Float64Array(n * 2);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng();
    const v = rng();
    data[i * 2] = u;
    data[i * 2 + 1] = v;
    y.push(u > 0.5 !== v > 0.5 ? 1 : 0);
  }
  const model = trainGbdt({ data, rows: n, cols: 2 }, y, {
    numTrees: 60,
    learningRate: 0.3,
    numLeaves: 4,
    rowSubsample: 1,
    colSubsample: 1,
  });
  const p = predictProba(compileForest(model), {
    data: Float64Array.from([0.2, 0.2, 0.2, 0.8, 0.8, 0.2, 0.8, 0.8]),
    rows: 4,
    cols: 2,
  });
  assert.ok(p[0]! < 0.2 && p[3]! < 0.2, `same-side corners: ${p[0]}, ${p[3]}`);
  assert.ok(p[1]! > 0.8 && p[2]! > 0.8, `opposite corners: ${p[1]}, ${p[2]}`);
});

test('leaf budget and depth limit are honoured', () => {
  const n = 300;
  const rng = mulberry32(5);
  const data = Float64Array.from({ length: n }, () => rng());
  const y = Array.from(data, (v) => (Math.sin(v * 20) > 0 ? 1 : 0));
  const leaves = (t: { feature: number[] }): number => t.feature.filter((f) => f < 0).length;
  const wide = trainGbdt({ data, rows: n, cols: 1 }, y, { numTrees: 3, numLeaves: 7, minDataInLeaf: 2 });
  assert.ok(wide.trees.every((t) => leaves(t) <= 7));
  assert.ok(wide.trees.some((t) => leaves(t) === 7));
  const shallow = trainGbdt({ data, rows: n, cols: 1 }, y, {
    numTrees: 3,
    numLeaves: 31,
    maxDepth: 2,
    minDataInLeaf: 2,
  });
  assert.ok(shallow.trees.every((t) => leaves(t) <= 4));
});

test('rejects a label vector of the wrong length', () => {
  assert.throws(() => trainGbdt(column([1, 2, 3]), [0, 1]), /labels/);
});

test('the compiled scorer gives exactly the scores of a plain walk down each tree', () => {
  // Deep trees, missing values in training and at scoring, and row counts that are not a multiple
  // of the four rows walked together nor of the block size.
  const nf = 5;
  const rng = mulberry32(11);
  const draw = (rows: number, missing: number): Float64Array =>
    Float64Array.from({ length: rows * nf }, () => (rng() < missing ? Number.NaN : rng() * 10 - 5));
  const n = 1500;
  const train = draw(n, 0.1);
  const y = Array.from({ length: n }, (_, i) => {
    const a = train[i * nf]!;
    const b = train[i * nf + 1]!;
    return (Number.isNaN(a) ? 1 : a) * (Number.isNaN(b) ? -1 : b) + rng() > 0 ? 1 : 0;
  });
  const model = trainGbdt({ data: train, rows: n, cols: nf }, y, {
    numTrees: 25,
    numLeaves: 15,
    minDataInLeaf: 5,
  });
  assert.ok(model.trees.some((t) => t.missingLeft.some((m, j) => m === 0 && t.feature[j]! >= 0)));
  assert.ok(model.trees.some((t) => t.missingLeft.some((m, j) => m === 1 && t.feature[j]! >= 0)));
  const forest = compileForest(model);
  for (const rows of [0, 1, 3, 4, 7, 256, 257, 1031]) {
    const data = draw(rows, 0.2);
    const raw = predictRaw(forest, { data, rows, cols: nf });
    for (let i = 0; i < rows; i++) {
      let score = model.baseScore;
      for (const t of model.trees) {
        let node = 0;
        while (t.feature[node]! >= 0) {
          const v = data[i * nf + t.feature[node]!]!;
          const left = Number.isNaN(v) ? t.missingLeft[node] === 1 : v <= t.threshold[node]!;
          node = left ? t.left[node]! : t.right[node]!;
        }
        score += t.value[node]!;
      }
      assert.equal(raw[i], score, `row ${i} of ${rows}`);
    }
  }
});
