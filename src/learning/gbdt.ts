// Histogram-based gradient-boosted decision trees for binary classification (logistic loss), in the
// manner of LightGBM: features are cut into at most 255 quantile bins (bin 0 holds missing values),
// trees grow leaf-wise (best gain first) up to a leaf and depth budget, each split learns which side
// missing values go to, and a child's histogram is the parent's minus its sibling's. Rows and
// features are subsampled per tree from a seeded PRNG, so a seed reproduces a model exactly.
// See docs/adr/0002-gradient-boosting.md for why this is our own code rather than a library.
import { mulberry32 } from '../domain/index.ts';

export interface GbdtConfig {
  readonly numTrees: number;
  readonly learningRate: number;
  /** Leaves per tree (leaf-wise growth stops here). */
  readonly numLeaves: number;
  /** Depth limit; 0 means none. */
  readonly maxDepth: number;
  /** L2 regularisation on leaf values (lambda). */
  readonly lambda: number;
  /** Minimum hessian sum in a child (XGBoost's min_child_weight). */
  readonly minChildWeight: number;
  /** Minimum rows in a child. */
  readonly minDataInLeaf: number;
  /** Minimum gain for a split to be made. */
  readonly minSplitGain: number;
  /** Fraction of rows drawn (without replacement, per tree). */
  readonly rowSubsample: number;
  /** Fraction of features drawn per tree. */
  readonly colSubsample: number;
  /** At most 255 value bins per feature, plus the missing bin. */
  readonly maxBins: number;
  readonly seed: number;
}

export const DEFAULT_GBDT_CONFIG: GbdtConfig = Object.freeze({
  numTrees: 300,
  learningRate: 0.05,
  numLeaves: 31,
  maxDepth: 0,
  lambda: 1,
  minChildWeight: 1e-3,
  minDataInLeaf: 20,
  minSplitGain: 0,
  rowSubsample: 0.8,
  colSubsample: 0.8,
  maxBins: 255,
  seed: 1,
});

/**
 * One tree as parallel arrays over its nodes (node 0 is the root). A leaf has feature -1 and its
 * value already includes the learning rate. Rows with value <= threshold go left; missing (NaN)
 * values go left when missingLeft is 1.
 */
export interface GbdtTree {
  readonly feature: number[];
  readonly threshold: number[];
  readonly missingLeft: number[];
  readonly left: number[];
  readonly right: number[];
  readonly value: number[];
  /** Split gain per internal node (0 for leaves): feature importance. */
  readonly gain: number[];
}

export interface GbdtModel {
  readonly numFeatures: number;
  /** Log-odds every prediction starts from (the training base rate). */
  readonly baseScore: number;
  readonly trees: GbdtTree[];
}

/** A dense row-major matrix: value of feature f in row i is data[i * numFeatures + f]. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

interface Binning {
  /** Upper edges per feature: a value v falls in bin 1 + (first k with v <= edges[k]), clamped. */
  readonly edges: Float64Array[];
  /** Bins per feature including the missing bin 0. */
  readonly sizes: Int32Array;
  readonly offsets: Int32Array;
  readonly total: number;
}

function buildBinning(x: Matrix, maxBins: number): Binning {
  const valueBins = Math.max(1, Math.min(255, maxBins));
  const edges: Float64Array[] = [];
  const sizes = new Int32Array(x.cols);
  const offsets = new Int32Array(x.cols);
  let total = 0;
  const column = new Float64Array(x.rows);
  for (let f = 0; f < x.cols; f++) {
    let n = 0;
    for (let i = 0; i < x.rows; i++) {
      const v = x.data[i * x.cols + f]!;
      if (!Number.isNaN(v)) {
        column[n++] = v;
      }
    }
    const sorted = column.subarray(0, n).slice().sort();
    const unique: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = sorted[i]!;
      if (unique.length === 0 || unique[unique.length - 1] !== v) {
        unique.push(v);
      }
    }
    let cuts: number[];
    if (unique.length <= valueBins) {
      cuts = unique;
    } else {
      // Quantile edges over the rows (not the distinct values), so each bin holds ~n/bins rows.
      cuts = [];
      for (let b = 1; b <= valueBins; b++) {
        const v = sorted[Math.min(n - 1, Math.floor((b * n) / valueBins) - 1)]!;
        if (cuts.length === 0 || cuts[cuts.length - 1]! < v) {
          cuts.push(v);
        }
      }
    }
    edges.push(Float64Array.from(cuts));
    sizes[f] = cuts.length + 1;
    offsets[f] = total;
    total += cuts.length + 1;
  }
  return { edges, sizes, offsets, total };
}

function binOf(edges: Float64Array, v: number): number {
  if (Number.isNaN(v)) {
    return 0;
  }
  let lo = 0;
  let hi = edges.length - 1;
  if (hi < 0) {
    return 0;
  }
  if (v > edges[hi]!) {
    return hi + 1;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! >= v) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo + 1;
}

interface Split {
  gain: number;
  feature: number;
  /** Last bin (1-based) that goes left. */
  bin: number;
  missingLeft: boolean;
  leftG: number;
  leftH: number;
  leftN: number;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  split: Split | undefined;
}

/**
 * Trains a model; y holds 0/1 labels. `weights` (optional, one per row, > 0) makes each row count as
 * that many: its gradient and hessian are scaled by it and the base rate is the weighted one (inverse
 * propensity weighting of labels from controls chosen by risk, docs/model.md). Without weights every
 * row counts once, exactly as before.
 */
export function trainGbdt(
  x: Matrix,
  y: ArrayLike<number>,
  config: Partial<GbdtConfig> = {},
  weights?: ArrayLike<number>,
): GbdtModel {
  const cfg: GbdtConfig = { ...DEFAULT_GBDT_CONFIG, ...config };
  const n = x.rows;
  const nf = x.cols;
  if (y.length !== n) {
    throw new Error(`trainGbdt: ${y.length} labels for ${n} rows`);
  }
  if (weights !== undefined && weights.length !== n) {
    throw new Error(`trainGbdt: ${weights.length} weights for ${n} rows`);
  }
  let positives = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    positives += w * y[i]!;
    total += w;
  }
  const p0 = Math.min(1 - 1e-6, Math.max(1e-6, n === 0 || total <= 0 ? 0.5 : positives / total));
  const baseScore = Math.log(p0 / (1 - p0));
  const model: GbdtModel = { numFeatures: nf, baseScore, trees: [] };
  if (n === 0) {
    return model;
  }

  const binning = buildBinning(x, cfg.maxBins);
  const binned = new Uint8Array(n * nf);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < nf; f++) {
      binned[i * nf + f] = binOf(binning.edges[f]!, x.data[i * nf + f]!);
    }
  }

  const rng = mulberry32(cfg.seed);
  const score = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const rows = new Uint32Array(n);
  const scratch = new Uint32Array(n);
  const histSize = binning.total * 3;
  const pool: Float64Array[] = [];
  const takeHist = (): Float64Array => {
    const h = pool.pop();
    return h === undefined ? new Float64Array(histSize) : h.fill(0);
  };
  const { offsets, sizes } = binning;
  let active = new Int32Array(0);

  const buildHist = (hist: Float64Array, start: number, end: number): void => {
    const na = active.length;
    for (let k = start; k < end; k++) {
      const i = rows[k]!;
      const g = grad[i]!;
      const h = hess[i]!;
      const base = i * nf;
      for (let a = 0; a < na; a++) {
        const f = active[a]!;
        const idx = (offsets[f]! + binned[base + f]!) * 3;
        hist[idx] = hist[idx]! + g;
        hist[idx + 1] = hist[idx + 1]! + h;
        hist[idx + 2] = hist[idx + 2]! + 1;
      }
    }
  };

  const lambda = cfg.lambda;
  const findSplit = (leaf: Leaf): Split | undefined => {
    const count = leaf.end - leaf.start;
    if (count < 2 * cfg.minDataInLeaf || (cfg.maxDepth > 0 && leaf.depth >= cfg.maxDepth)) {
      return undefined;
    }
    const G = leaf.g;
    const H = leaf.h;
    const parentScore = (G * G) / (H + lambda);
    let best: Split | undefined;
    const hist = leaf.hist;
    for (let a = 0; a < active.length; a++) {
      const f = active[a]!;
      const off = offsets[f]! * 3;
      const size = sizes[f]!;
      const mg = hist[off]!;
      const mh = hist[off + 1]!;
      const mn = hist[off + 2]!;
      let gl = 0;
      let hl = 0;
      let nl = 0;
      for (let b = 1; b < size - 1; b++) {
        const at = off + b * 3;
        gl += hist[at]!;
        hl += hist[at + 1]!;
        nl += hist[at + 2]!;
        // Two candidates: missing values join the left side, or the right side.
        for (let side = 0; side < (mn > 0 ? 2 : 1); side++) {
          const lg = side === 1 ? gl + mg : gl;
          const lh = side === 1 ? hl + mh : hl;
          const ln = side === 1 ? nl + mn : nl;
          const rn = count - ln;
          if (ln < cfg.minDataInLeaf || rn < cfg.minDataInLeaf) {
            continue;
          }
          const rh = H - lh;
          if (lh < cfg.minChildWeight || rh < cfg.minChildWeight) {
            continue;
          }
          const rg = G - lg;
          const gain = (lg * lg) / (lh + lambda) + (rg * rg) / (rh + lambda) - parentScore;
          if (gain > cfg.minSplitGain && (best === undefined || gain > best.gain)) {
            // With no missing rows in training, unseen missing values follow the heavier side.
            const missingLeft = mn > 0 ? side === 1 : lh >= rh;
            best = { gain, feature: f, bin: b, missingLeft, leftG: lg, leftH: lh, leftN: ln };
          }
        }
      }
    }
    return best;
  };

  const allFeatures = Int32Array.from({ length: nf }, (_, f) => f);
  const featuresPerTree = Math.max(1, Math.round(nf * Math.min(1, cfg.colSubsample)));
  for (let t = 0; t < cfg.numTrees; t++) {
    if (weights === undefined) {
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-score[i]!));
        grad[i] = p - y[i]!;
        hess[i] = Math.max(p * (1 - p), 1e-16);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const p = 1 / (1 + Math.exp(-score[i]!));
        const w = weights[i]!;
        grad[i] = (p - y[i]!) * w;
        hess[i] = Math.max(p * (1 - p), 1e-16) * w;
      }
    }
    // Row sample for this tree.
    let m = 0;
    if (cfg.rowSubsample >= 1) {
      for (let i = 0; i < n; i++) {
        rows[m++] = i;
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (rng() < cfg.rowSubsample) {
          rows[m++] = i;
        }
      }
    }
    // Feature sample for this tree: partial Fisher-Yates, then sorted for cache-friendly access.
    if (featuresPerTree >= nf) {
      active = allFeatures;
    } else {
      const perm = allFeatures.slice();
      for (let k = 0; k < featuresPerTree; k++) {
        const j = k + Math.floor(rng() * (nf - k));
        const tmp = perm[k]!;
        perm[k] = perm[j]!;
        perm[j] = tmp;
      }
      active = perm.subarray(0, featuresPerTree).slice().sort();
    }

    const tree: GbdtTree = {
      feature: [-1],
      threshold: [0],
      missingLeft: [0],
      left: [-1],
      right: [-1],
      value: [0],
      gain: [0],
    };
    let g0 = 0;
    let h0 = 0;
    for (let k = 0; k < m; k++) {
      g0 += grad[rows[k]!]!;
      h0 += hess[rows[k]!]!;
    }
    const root: Leaf = {
      node: 0,
      start: 0,
      end: m,
      depth: 0,
      g: g0,
      h: h0,
      hist: takeHist(),
      split: undefined,
    };
    buildHist(root.hist, 0, m);
    root.split = findSplit(root);
    const leaves: Leaf[] = [root];
    const splitBins: number[] = [0];

    while (leaves.length < cfg.numLeaves) {
      let bestAt = -1;
      for (let k = 0; k < leaves.length; k++) {
        const s = leaves[k]!.split;
        if (s !== undefined && (bestAt < 0 || s.gain > leaves[bestAt]!.split!.gain)) {
          bestAt = k;
        }
      }
      if (bestAt < 0) {
        break;
      }
      const leaf = leaves[bestAt]!;
      const s = leaf.split!;
      // Partition this leaf's rows: left ones first, right ones after, order kept.
      let nl = 0;
      let nr = 0;
      for (let k = leaf.start; k < leaf.end; k++) {
        const i = rows[k]!;
        const b = binned[i * nf + s.feature]!;
        const goLeft = b === 0 ? s.missingLeft : b <= s.bin;
        if (goLeft) {
          rows[leaf.start + nl++] = i;
        } else {
          scratch[nr++] = i;
        }
      }
      rows.set(scratch.subarray(0, nr), leaf.start + nl);

      const leftNode = tree.feature.length;
      const rightNode = leftNode + 1;
      for (let k = 0; k < 2; k++) {
        tree.feature.push(-1);
        tree.threshold.push(0);
        tree.missingLeft.push(0);
        tree.left.push(-1);
        tree.right.push(-1);
        tree.value.push(0);
        tree.gain.push(0);
        splitBins.push(0);
      }
      tree.feature[leaf.node] = s.feature;
      tree.threshold[leaf.node] = binning.edges[s.feature]![s.bin - 1]!;
      tree.missingLeft[leaf.node] = s.missingLeft ? 1 : 0;
      tree.left[leaf.node] = leftNode;
      tree.right[leaf.node] = rightNode;
      tree.gain[leaf.node] = s.gain;
      splitBins[leaf.node] = s.bin;

      const left: Leaf = {
        node: leftNode,
        start: leaf.start,
        end: leaf.start + nl,
        depth: leaf.depth + 1,
        g: s.leftG,
        h: s.leftH,
        hist: leaf.hist,
        split: undefined,
      };
      const right: Leaf = {
        node: rightNode,
        start: leaf.start + nl,
        end: leaf.end,
        depth: leaf.depth + 1,
        g: leaf.g - s.leftG,
        h: leaf.h - s.leftH,
        hist: leaf.hist,
        split: undefined,
      };
      // Build the smaller child's histogram; the larger one is the parent's minus it.
      const small = nl <= nr ? left : right;
      const large = small === left ? right : left;
      small.hist = takeHist();
      buildHist(small.hist, small.start, small.end);
      const parentHist = leaf.hist;
      for (let a = 0; a < active.length; a++) {
        const f = active[a]!;
        const from = offsets[f]! * 3;
        const to = from + sizes[f]! * 3;
        for (let k = from; k < to; k++) {
          parentHist[k] = parentHist[k]! - small.hist[k]!;
        }
      }
      large.hist = parentHist;
      left.split = findSplit(left);
      right.split = findSplit(right);
      leaves.splice(bestAt, 1, left, right);
    }

    // Leaf values, and the score update for every training row (sampled or not).
    for (const leaf of leaves) {
      tree.value[leaf.node] = (-leaf.g / (leaf.h + lambda)) * cfg.learningRate;
      pool.push(leaf.hist);
    }
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (tree.feature[node]! >= 0) {
        const b = binned[i * nf + tree.feature[node]!]!;
        const goLeft = b === 0 ? tree.missingLeft[node] === 1 : b <= splitBins[node]!;
        node = goLeft ? tree.left[node]! : tree.right[node]!;
      }
      score[i] = score[i]! + tree.value[node]!;
    }
    model.trees.push(tree);
  }
  return model;
}

/**
 * A model flattened into typed arrays for scoring: all trees' nodes back to back, child indices
 * absolute, siblings adjacent. Scoring walks these arrays only. Leaves loop onto themselves (they
 * read column 0, compare against NaN and step to their own index), so several rows can walk a tree
 * in lock step until all of them sit on a leaf.
 */
export interface CompiledForest {
  readonly numFeatures: number;
  readonly baseScore: number;
  readonly roots: Int32Array;
  /** Split feature, or -1 at a leaf. */
  readonly feature: Int32Array;
  /** Column a node reads: its split feature, or 0 at a leaf. */
  readonly column: Int32Array;
  /** Split threshold, or NaN at a leaf (so no value goes right). */
  readonly threshold: Float64Array;
  /** 1 where missing values go right (the complement of the tree's missingLeft); 0 at a leaf. */
  readonly missingRight: Int32Array;
  /** Left child index (the right child is always next + 1), or the leaf's own index. */
  readonly next: Int32Array;
  readonly value: Float64Array;
}

export function compileForest(model: GbdtModel, numTrees = model.trees.length): CompiledForest {
  const trees = model.trees.slice(0, numTrees);
  const total = trees.reduce((s, t) => s + t.feature.length, 0);
  const forest = {
    numFeatures: model.numFeatures,
    baseScore: model.baseScore,
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    column: new Int32Array(total),
    threshold: new Float64Array(total),
    missingRight: new Int32Array(total),
    next: new Int32Array(total),
    value: new Float64Array(total),
  };
  let at = 0;
  trees.forEach((t, k) => {
    forest.roots[k] = at;
    for (let j = 0; j < t.feature.length; j++) {
      const leaf = t.feature[j]! < 0;
      if (!leaf && t.right[j] !== t.left[j]! + 1) {
        throw new Error('compileForest: a right child must follow its left sibling');
      }
      forest.feature[at + j] = leaf ? -1 : t.feature[j]!;
      forest.column[at + j] = leaf ? 0 : t.feature[j]!;
      forest.threshold[at + j] = leaf ? Number.NaN : t.threshold[j]!;
      forest.missingRight[at + j] = leaf || t.missingLeft[j] === 1 ? 0 : 1;
      forest.next[at + j] = leaf ? at + j : at + t.left[j]!;
      forest.value[at + j] = t.value[j]!;
    }
    at += t.feature.length;
  });
  return forest;
}

/**
 * Rows scored together per tree: a block's features and a tree's nodes both stay in cache. Within
 * a block, four rows walk each tree in lock step: one row's walk is a chain of dependent loads
 * (node, then its feature's value, then the child), and interleaving four independent chains lets
 * the processor overlap them; it also replaces a mispredicted loop exit per row by one per four.
 */
const SCORE_BLOCK = 256;

/** Raw scores (log-odds) for every row of x. */
export function predictRaw(forest: CompiledForest, x: Matrix): Float64Array {
  if (x.cols !== forest.numFeatures) {
    throw new Error(`predict: model has ${forest.numFeatures} features, matrix has ${x.cols}`);
  }
  const out = new Float64Array(x.rows).fill(forest.baseScore);
  const { roots, feature, column, threshold, missingRight, next, value } = forest;
  const data = x.data;
  const nf = x.cols;
  for (let start = 0; start < x.rows; start += SCORE_BLOCK) {
    const end = Math.min(x.rows, start + SCORE_BLOCK);
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]!;
      let i = start;
      for (; i + 4 <= end; i += 4) {
        const b0 = i * nf;
        const b1 = b0 + nf;
        const b2 = b1 + nf;
        const b3 = b2 + nf;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        // Leaves have feature -1: the AND is negative only once all four rows are on leaves.
        while ((feature[n0]! & feature[n1]! & feature[n2]! & feature[n3]!) >= 0) {
          const v0 = data[b0 + column[n0]!]!;
          const v1 = data[b1 + column[n1]!]!;
          const v2 = data[b2 + column[n2]!]!;
          const v3 = data[b3 + column[n3]!]!;
          // Arithmetic instead of a branch: NaN fails v > threshold, so it goes right only where
          // learned; a leaf (threshold NaN, missingRight 0) stays where it is.
          n0 = next[n0]! + (+(v0 > threshold[n0]!) | (+(v0 !== v0) & missingRight[n0]!));
          n1 = next[n1]! + (+(v1 > threshold[n1]!) | (+(v1 !== v1) & missingRight[n1]!));
          n2 = next[n2]! + (+(v2 > threshold[n2]!) | (+(v2 !== v2) & missingRight[n2]!));
          n3 = next[n3]! + (+(v3 > threshold[n3]!) | (+(v3 !== v3) & missingRight[n3]!));
        }
        out[i] = out[i]! + value[n0]!;
        out[i + 1] = out[i + 1]! + value[n1]!;
        out[i + 2] = out[i + 2]! + value[n2]!;
        out[i + 3] = out[i + 3]! + value[n3]!;
      }
      for (; i < end; i++) {
        const base = i * nf;
        let node = root;
        while (feature[node]! >= 0) {
          const v = data[base + column[node]!]!;
          node = next[node]! + (+(v > threshold[node]!) | (+(v !== v) & missingRight[node]!));
        }
        out[i] = out[i]! + value[node]!;
      }
    }
  }
  return out;
}

/** Probabilities for every row of x. */
export function predictProba(forest: CompiledForest, x: Matrix): Float64Array {
  const raw = predictRaw(forest, x);
  for (let i = 0; i < raw.length; i++) {
    raw[i] = sigmoid(raw[i]!);
  }
  return raw;
}

/** Total split gain per feature over all trees. */
export function featureImportance(model: GbdtModel): Float64Array {
  const out = new Float64Array(model.numFeatures);
  for (const t of model.trees) {
    for (let j = 0; j < t.feature.length; j++) {
      const f = t.feature[j]!;
      if (f >= 0) {
        out[f] = out[f]! + t.gain[j]!;
      }
    }
  }
  return out;
}
