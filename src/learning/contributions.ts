// Per-feature contributions of one prediction, by the path method of Saabas (as in treeinterpreter
// and LightGBM's early `pred_contrib`): every node of a tree gets the expected output of the tree
// over the training rows that reach it; walking a row down the tree, each split adds the change in
// expectation from the node to the child taken to the split's feature. The contributions and the
// bias (base score plus each tree's expectation at its root) add up to the raw score exactly, and
// explaining a row costs one walk per tree, about what scoring it costs (occlusion costs one scoring
// per feature).
import type { GbdtModel, Matrix } from './gbdt.ts';

/** Expected tree output per node (same indexing as the tree's arrays), one array per tree. */
export type NodeExpectations = number[][];

function goesLeft(v: number, threshold: number, missingLeft: number): boolean {
  return Number.isNaN(v) ? missingLeft === 1 : v <= threshold;
}

/**
 * Each node's expected output over the rows of `x` (weighted when `weights` is given): the
 * cover-weighted mean of the leaf values below it. Rows are walked at most `maxRows` (evenly spaced)
 * so that computing expectations after a large training stays cheap. A node no row reaches takes its
 * parent's expectation (it then contributes nothing).
 */
export function nodeExpectations(
  model: GbdtModel,
  x: Matrix,
  weights?: ArrayLike<number>,
  maxRows = 200_000,
): NodeExpectations {
  const step = Math.max(1, Math.ceil(x.rows / maxRows));
  return model.trees.map((t) => {
    const size = t.feature.length;
    const cover = new Float64Array(size);
    for (let i = 0; i < x.rows; i += step) {
      const w = weights === undefined ? 1 : weights[i]!;
      const base = i * x.cols;
      let node = 0;
      cover[0] = cover[0]! + w;
      while (t.feature[node]! >= 0) {
        const v = x.data[base + t.feature[node]!]!;
        node = goesLeft(v, t.threshold[node]!, t.missingLeft[node]!) ? t.left[node]! : t.right[node]!;
        cover[node] = cover[node]! + w;
      }
    }
    const sum = new Float64Array(size);
    // Children come after their parent, so a reverse pass sees every child before its parent.
    for (let j = size - 1; j >= 0; j--) {
      if (t.feature[j]! < 0) {
        sum[j] = cover[j]! * t.value[j]!;
      } else {
        sum[j] = sum[t.left[j]!]! + sum[t.right[j]!]!;
      }
    }
    const expected = new Array<number>(size).fill(0);
    const fill = (j: number, parent: number): void => {
      expected[j] = cover[j]! > 0 ? sum[j]! / cover[j]! : parent;
      if (t.feature[j]! >= 0) {
        fill(t.left[j]!, expected[j]);
        fill(t.right[j]!, expected[j]);
      }
    };
    fill(0, 0);
    return expected;
  });
}

/** The part of every raw score that no feature explains: base score plus each tree's root expectation. */
export function contributionBias(model: GbdtModel, expected: NodeExpectations): number {
  return expected.reduce((s, e) => s + e[0]!, model.baseScore);
}

/**
 * Contributions (log-odds) of each feature to the raw score of one row; `bias + Σ contributions` is
 * the raw score.
 */
export function pathContributions(
  model: GbdtModel,
  expected: NodeExpectations,
  row: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(model.numFeatures);
  for (let k = 0; k < model.trees.length; k++) {
    const t = model.trees[k]!;
    const e = expected[k]!;
    let node = 0;
    while (t.feature[node]! >= 0) {
      const f = t.feature[node]!;
      const next = goesLeft(row[f]!, t.threshold[node]!, t.missingLeft[node]!)
        ? t.left[node]!
        : t.right[node]!;
      out[f] = out[f]! + e[next]! - e[node]!;
      node = next;
    }
  }
  return out;
}
