/**
 * Training and judging the entry-summary model, pure: labelled consignments in, a model file, its
 * figures and the champion–challenger decision out. The database side is ens-model.service.ts.
 *
 * Selection bias. Only controlled consignments have labels, and most controls were chosen because
 * the risk engine scored them high, so the labelled rows are not a sample of the traffic. Each row
 * carries the probability it was controlled (recorded on the control task: 1 for a control asked for
 * by risk or by an analyst, the random rate for a random one); it counts as 1/probability rows
 * (inverse propensity weighting, capped at `maxWeight`), in the learned hit rates, the trees and the
 * evaluation alike. A random control of a consignment the rules passed thus speaks for all the
 * consignments like it that were not controlled, and the model estimates how often a control of *any*
 * consignment finds something, not how often the rules' picks do. See docs/model.md.
 */
import { mulberry32 } from '../domain/index.ts';
import {
  DEFAULT_GBDT_CONFIG,
  featureImportance,
  nodeExpectations,
  precisionAtShare,
  scoreReference,
  trainGbdt,
  weightedAuc,
} from '../learning/index.ts';
import type { GbdtConfig, ScoreReference } from '../learning/index.ts';
import {
  ENS_BASE_WIDTH,
  ENS_CATEGORIES,
  ENS_FEATURES,
  ENS_KEY_NAMES,
  compileEnsEncoding,
  ensFeatureLabel,
  keyValues,
  logUnitValue,
  smoothedRate,
  writeEnsBase,
} from './ens-features.ts';
import type {
  EnsCategory,
  EnsEncoding,
  EnsFacts,
  EnsKeyStats,
  HistoryOf,
  OperatorHistory,
} from './ens-features.ts';
import { ENS_MODEL_FORMAT, ENS_MODEL_VERSION, EnsModel } from './ens-model.ts';
import type { EnsModelFile } from './ens-model.ts';

/** A controlled consignment with its current result. */
export interface LabelledConsignment {
  /** The control task's id. */
  readonly id: string;
  readonly facts: EnsFacts;
  /** When the consignment was lodged (ms since the epoch). */
  readonly lodgedAt: number;
  /** When the result was recorded (ms since the epoch). */
  readonly recordedAt: number;
  /** 1: an irregularity or a seizure. */
  readonly label: 0 | 1;
  /** The task's source: risk, random, exploration, manual. */
  readonly source: string;
  /** The probability that it was controlled, as recorded (or inferred from the source). */
  readonly propensity: number;
  /** Whether the propensity was recorded (false: inferred from the source). */
  readonly recorded: boolean;
  /** The risk area of what was found. */
  readonly area?: string | undefined;
}

export interface EnsTrainingConfig {
  readonly gbdt: Partial<GbdtConfig>;
  /** Pseudo-count of the learned hit rates. */
  readonly smoothing: number;
  /** Folds of the out-of-fold hit rates of training rows. */
  readonly folds: number;
  /** Cap on a row's weight 1/propensity (a tiny random rate would otherwise let one row dominate). */
  readonly maxWeight: number;
  /**
   * Most rows the trees are grown on: above it, rows without findings are sampled (all rows with
   * findings kept) and weigh 1/sampling rate more, so the weighted sample still stands for the
   * traffic. The learned hit rates use every row.
   */
  readonly maxTreeRows: number;
  readonly seed: number;
}

/** The shipped settings: small enough to retrain often and score at the assessment's pace. */
export const ENS_TRAINING_CONFIG: EnsTrainingConfig = Object.freeze({
  gbdt: {
    numTrees: 100,
    learningRate: 0.1,
    numLeaves: 31,
    maxDepth: 0,
    lambda: 1,
    minChildWeight: 1e-3,
    minDataInLeaf: 10,
    minSplitGain: 0,
    rowSubsample: 0.8,
    colSubsample: 0.8,
    maxBins: 255,
  },
  smoothing: 5,
  folds: 5,
  maxWeight: 1000,
  maxTreeRows: 300_000,
  seed: 1,
});

/**
 * The rows the trees grow on when there are more than `max`: every positive, and negatives sampled
 * (seeded) at the rate that brings the total to about `max`, their weights divided by that rate.
 */
function treeSample(
  labels: Float64Array,
  weights: Float64Array,
  max: number,
  seed: number,
):
  | {
      labels: Float64Array;
      weights: Float64Array;
      matrix: (data: Float64Array, nf: number) => { data: Float64Array; rows: number; cols: number };
    }
  | undefined {
  const n = labels.length;
  if (n <= max) {
    return undefined;
  }
  let positives = 0;
  for (let i = 0; i < n; i++) {
    positives += labels[i]!;
  }
  const rate = Math.min(1, Math.max(0.05, (max - positives) / Math.max(1, n - positives)));
  const rng = mulberry32(seed ^ 0x7ee5);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1 || rng() < rate) {
      keep.push(i);
    }
  }
  return {
    labels: Float64Array.from(keep, (i) => labels[i]!),
    weights: Float64Array.from(keep, (i) => (labels[i] === 1 ? weights[i]! : weights[i]! / rate)),
    matrix: (data, nf) => {
      const out = new Float64Array(keep.length * nf);
      keep.forEach((i, k) => out.set(data.subarray(i * nf, (i + 1) * nf), k * nf));
      return { data: out, rows: keep.length, cols: nf };
    },
  };
}

/** A row's weight: 1/propensity, capped. */
export function ipwWeight(propensity: number, maxWeight: number): number {
  const p = Number.isFinite(propensity) && propensity > 0 ? Math.min(1, propensity) : 1;
  return Math.min(maxWeight, 1 / p);
}

/**
 * Each row's operators' control record as of when it was lodged: the results (of these rows)
 * recorded strictly before. The operator register's counters give the same numbers at scoring time.
 */
export function pointInTimeHistory(rows: readonly LabelledConsignment[]): HistoryOf[] {
  const n = rows.length;
  const byRecorded = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => rows[a]!.recordedAt - rows[b]!.recordedAt || a - b,
  );
  const byLodged = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => rows[a]!.lodgedAt - rows[b]!.lodgedAt || a - b,
  );
  const counts = new Map<string, [number, number]>();
  const snap = new Float64Array(4 * n);
  let e = 0;
  const bump = (key: string, hit: number): void => {
    if (key === '') {
      return;
    }
    const c = counts.get(key);
    if (c === undefined) {
      counts.set(key, [1, hit]);
    } else {
      c[0]++;
      c[1] += hit;
    }
  };
  for (let k = 0; k < n; k++) {
    const i = byLodged[k]!;
    const r = rows[i]!;
    while (e < n && rows[byRecorded[e]!]!.recordedAt < r.lodgedAt) {
      const d = rows[byRecorded[e]!]!;
      bump(d.facts.consignee, d.label);
      if (d.facts.consignor !== d.facts.consignee) {
        bump(d.facts.consignor, d.label);
      }
      e++;
    }
    const ce = counts.get(r.facts.consignee);
    const cr = counts.get(r.facts.consignor);
    snap[4 * i] = ce?.[0] ?? 0;
    snap[4 * i + 1] = ce?.[1] ?? 0;
    snap[4 * i + 2] = cr?.[0] ?? 0;
    snap[4 * i + 3] = cr?.[1] ?? 0;
  }
  return rows.map((r, i): HistoryOf => {
    const consignee: OperatorHistory = { controls: snap[4 * i]!, hits: snap[4 * i + 1]! };
    const consignor: OperatorHistory = { controls: snap[4 * i + 2]!, hits: snap[4 * i + 3]! };
    return (key) =>
      key === r.facts.consignee ? consignee : key === r.facts.consignor ? consignor : undefined;
  });
}

/**
 * Rows split by time: the latest `share` of them (by lodging) is the evaluation window, the rest the
 * fit window; the cut never falls inside one instant. Indices into `rows`, each side in time order.
 */
export function splitByTime(
  rows: readonly LabelledConsignment[],
  share: number,
): { fit: number[]; holdout: number[] } {
  const order = Array.from({ length: rows.length }, (_, i) => i).sort(
    (a, b) => rows[a]!.lodgedAt - rows[b]!.lodgedAt || (rows[a]!.id < rows[b]!.id ? -1 : 1),
  );
  let cut = Math.floor(order.length * (1 - share));
  while (cut > 0 && cut < order.length && rows[order[cut]!]!.lodgedAt === rows[order[cut - 1]!]!.lodgedAt) {
    cut++;
  }
  return { fit: order.slice(0, cut), holdout: order.slice(cut) };
}

interface Interned {
  readonly values: string[];
  /** Per row, its ids: ids[offsets[i] … offsets[i+1]). */
  readonly offsets: Int32Array;
  readonly ids: Int32Array;
}

function intern(key: string, rows: readonly LabelledConsignment[]): Interned {
  const index = new Map<string, number>();
  const values: string[] = [];
  const offsets = new Int32Array(rows.length + 1);
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (const v of keyValues(key, rows[i]!.facts)) {
      let id = index.get(v);
      if (id === undefined) {
        id = values.push(v) - 1;
        index.set(v, id);
      }
      ids.push(id);
    }
    offsets[i + 1] = ids.length;
  }
  return { values, offsets, ids: Int32Array.from(ids) };
}

export interface FittedEnsModel {
  readonly model: EnsModel;
  /** The training rows' features (hit rates out of fold), as the trees saw them. */
  readonly matrix: { readonly data: Float64Array; readonly rows: number; readonly cols: number };
  /** Rows per source, labelled and positive, and the weights' effective sample size. */
  readonly labels: LabelCounts;
  readonly seconds: number;
}

export interface LabelCounts {
  readonly rows: number;
  readonly positives: number;
  /** Weighted share of positives: the estimated rate of findings over all traffic. */
  readonly weightedRate: number;
  readonly bySource: Readonly<Record<string, { rows: number; positives: number }>>;
  /** Rows whose selection probability was not recorded (inferred from the source). */
  readonly inferredPropensity: number;
  /** (Σw)² / Σw²: how many unweighted rows the weighted sample is worth. */
  readonly effectiveRows: number;
}

export function labelCounts(rows: readonly LabelledConsignment[], maxWeight: number): LabelCounts {
  const bySource: Record<string, { rows: number; positives: number }> = {};
  let positives = 0;
  let sw = 0;
  let sw2 = 0;
  let swy = 0;
  let inferred = 0;
  for (const r of rows) {
    const s = (bySource[r.source] ??= { rows: 0, positives: 0 });
    s.rows++;
    s.positives += r.label;
    positives += r.label;
    const w = ipwWeight(r.propensity, maxWeight);
    sw += w;
    sw2 += w * w;
    swy += w * r.label;
    inferred += r.recorded ? 0 : 1;
  }
  return {
    rows: rows.length,
    positives,
    weightedRate: sw === 0 ? 0 : swy / sw,
    bySource,
    inferredPropensity: inferred,
    effectiveRows: sw2 === 0 ? 0 : Math.round((sw * sw) / sw2),
  };
}

/** Fits encodings and trees on `rows` (their histories aligned), weighting each by 1/propensity. */
export function fitEnsModel(
  rows: readonly LabelledConsignment[],
  histories: readonly HistoryOf[],
  config: EnsTrainingConfig = ENS_TRAINING_CONFIG,
  now: Date = new Date(),
): FittedEnsModel {
  const started = performance.now();
  const n = rows.length;
  const k = Math.max(2, config.folds);
  const m = config.smoothing;
  // Weights normalised to mean 1, so the smoothing and the trees' leaf minimums keep their meaning.
  const weights = Float64Array.from(rows, (r) => ipwWeight(r.propensity, config.maxWeight));
  let sw = 0;
  for (let i = 0; i < n; i++) {
    sw += weights[i]!;
  }
  for (let i = 0; i < n; i++) {
    weights[i] = (weights[i]! * n) / sw;
  }
  const labels = Float64Array.from(rows, (r) => r.label);
  let wPos = 0;
  for (let i = 0; i < n; i++) {
    wPos += weights[i]! * labels[i]!;
  }
  const prior = n === 0 ? 0 : wPos / n;

  // Label-free statistics: categories and unit values.
  const cats: Record<EnsCategory, Set<string>> = {
    mode: new Set(),
    office: new Set(),
    filingType: new Set(),
    loadingCountry: new Set(),
    packageType: new Set(),
  };
  const uv = new Map<string, [number, number]>();
  const addUv = (key: string, v: number): void => {
    const s = uv.get(key);
    if (s === undefined) {
      uv.set(key, [1, v]);
    } else {
      s[0]++;
      s[1] += v;
    }
  };
  for (const r of rows) {
    const f = r.facts;
    cats.mode.add(f.mode);
    cats.office.add(f.office);
    cats.filingType.add(f.filingType);
    cats.loadingCountry.add(f.loadingCountry);
    for (const g of f.items) {
      cats.packageType.add(g.packageType);
      const luv = logUnitValue(g);
      if (!Number.isNaN(luv)) {
        addUv(`${g.hs6}|${g.origin}`, luv);
        addUv(g.hs6, luv);
      }
    }
  }
  // A unit-value reference needs a few rows to mean anything.
  const uvKeys = [...uv.entries()].filter(([, [c]]) => c >= 3).sort(([a], [b]) => (a < b ? -1 : 1));

  // Hit rates per key: totals for the encoding, per fold for the training rows' own columns.
  const rng = mulberry32(config.seed ^ 0x5eed);
  const fold = Uint8Array.from({ length: n }, () => Math.floor(rng() * k));
  const foldW = new Float64Array(k);
  const foldP = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    foldW[fold[i]!]! += weights[i]!;
    foldP[fold[i]!]! += weights[i]! * labels[i]!;
  }
  const foldPrior = Float64Array.from({ length: k }, (_, f) => {
    const w = n - foldW[f]!;
    return w <= 0 ? prior : (wPos - foldP[f]!) / w;
  });
  const interned = ENS_KEY_NAMES.map((key) => intern(key, rows));
  const stats: Record<string, EnsKeyStats> = {};
  const perFold: Float64Array[] = [];
  ENS_KEY_NAMES.forEach((key, j) => {
    const { values, offsets, ids } = interned[j]!;
    const W = new Float64Array(values.length);
    const P = new Float64Array(values.length);
    const R = new Float64Array(values.length);
    const F = new Float64Array(values.length * 2 * k);
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      const y = labels[i]!;
      const f = fold[i]!;
      for (let o = offsets[i]!; o < offsets[i + 1]!; o++) {
        const id = ids[o]!;
        W[id]! += w;
        P[id]! += w * y;
        R[id]! += 1;
        F[id * 2 * k + 2 * f]! += w;
        F[id * 2 * k + 2 * f + 1]! += w * y;
      }
    }
    stats[key] = { values, weight: [...W], positives: [...P], rows: [...R] };
    perFold.push(F);
  });

  const encoding: EnsEncoding = {
    prior,
    smoothing: m,
    categories: Object.fromEntries(ENS_CATEGORIES.map((c) => [c, [...cats[c]].sort()])) as Record<
      EnsCategory,
      string[]
    >,
    unitValues: {
      keys: uvKeys.map(([key]) => key),
      n: uvKeys.map(([, [c]]) => c),
      mean: uvKeys.map(([, [c, s]]) => s / c),
    },
    stats,
  };
  const compiled = compileEnsEncoding(encoding);
  const nf = ENS_FEATURES.length;
  const data = new Float64Array(n * nf);
  for (let i = 0; i < n; i++) {
    writeEnsBase(data, i * nf, rows[i]!.facts, compiled, histories[i]);
    const f = fold[i]!;
    for (let j = 0; j < ENS_KEY_NAMES.length; j++) {
      const { offsets, ids } = interned[j]!;
      const s = stats[ENS_KEY_NAMES[j]!]!;
      const F = perFold[j]!;
      let best = Number.NaN;
      for (let o = offsets[i]!; o < offsets[i + 1]!; o++) {
        const id = ids[o]!;
        // Out of fold: the row's own fold (its own label with it) is left out, the prior too. A value
        // no other fold has is missing, as a value never seen is at scoring: were it the fold's
        // prior, the trees could tell the folds apart by it and learn their label noise.
        const w = s.weight[id]! - F[id * 2 * k + 2 * f]!;
        if (w <= 1e-12) {
          continue;
        }
        const p = s.positives[id]! - F[id * 2 * k + 2 * f + 1]!;
        const r = smoothedRate(p, w, foldPrior[f]!, m);
        if (Number.isNaN(best) || r > best) {
          best = r;
        }
      }
      data[i * nf + ENS_BASE_WIDTH + j] = best;
    }
  }
  const matrix = { data, rows: n, cols: nf };
  const gbdtConfig = { ...DEFAULT_GBDT_CONFIG, ...config.gbdt, seed: config.seed };
  const sample = treeSample(labels, weights, config.maxTreeRows, config.seed);
  const gbdt =
    sample === undefined
      ? trainGbdt(matrix, labels, gbdtConfig, weights)
      : trainGbdt(sample.matrix(data, nf), sample.labels, gbdtConfig, sample.weights);
  const expectations = nodeExpectations(gbdt, matrix, weights);

  const areas = new Map<string, number>();
  for (const r of rows) {
    if (r.label === 1 && r.area !== undefined) {
      areas.set(r.area, (areas.get(r.area) ?? 0) + 1);
    }
  }
  const riskArea =
    [...areas.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'security-safety';
  const file: EnsModelFile = {
    format: ENS_MODEL_FORMAT,
    version: ENS_MODEL_VERSION,
    createdAt: now.toISOString(),
    features: ENS_FEATURES,
    encoding,
    gbdt: gbdtConfig,
    baseScore: gbdt.baseScore,
    trees: gbdt.trees,
    expectations,
    riskArea,
  };
  return {
    model: new EnsModel(file),
    matrix,
    labels: labelCounts(rows, config.maxWeight),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The features a model uses most (total split gain), in words, largest first. */
export function importantFeatures(
  model: EnsModel,
  top = 10,
): { feature: string; label: string; importance: number }[] {
  const gain = featureImportance({
    numFeatures: model.file.features.length,
    baseScore: model.file.baseScore,
    trees: [...model.file.trees],
  });
  let total = 0;
  for (const g of gain) {
    total += g;
  }
  return model.file.features
    .map((feature, j) => ({
      feature,
      label: ensFeatureLabel(feature),
      importance: total === 0 ? 0 : Math.round((gain[j]! / total) * 10_000) / 10_000,
    }))
    .filter((f) => f.importance > 0)
    .sort((a, b) => b.importance - a.importance)
    .slice(0, top);
}

/** How a model ranks an evaluation window of labelled consignments. */
export interface EnsEvaluation {
  readonly rows: number;
  readonly positives: number;
  /** Weighted share of positives: what random selection would find. */
  readonly baseRate: number;
  /**
   * Weighted precision when each office controls its capacity's share of its traffic, taking the
   * highest scores first: the figure the champion–challenger decision compares.
   */
  readonly precisionAtCapacity: number;
  /** The capacity share used per office with its own capacity, and for the others (`default`). */
  readonly capacity: Readonly<Record<string, number>>;
  /** Weighted precision at the top 1, 2, 5, 10 % of the window. */
  readonly precisionAt: Readonly<Record<string, number>>;
  readonly auc: number;
}

const round4 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x);

/**
 * A model's figures on an evaluation window. `capacityOf(office)` is the share of its traffic an
 * office with a capacity of its own can control; offices without one (undefined) are taken together
 * at `defaultShare`, ranked as one pool (a window holds too few consignments per office to rank each
 * small office alone).
 */
export function evaluateScores(
  scores: ArrayLike<number>,
  rows: readonly LabelledConsignment[],
  capacityOf: (office: string) => number | undefined,
  defaultShare: number,
  maxWeight: number,
): EnsEvaluation {
  const n = rows.length;
  const labels = Float64Array.from(rows, (r) => r.label);
  const weights = Float64Array.from(rows, (r) => ipwWeight(r.propensity, maxWeight));
  let sw = 0;
  let swy = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    sw += weights[i]!;
    swy += weights[i]! * labels[i]!;
    positives += labels[i]!;
  }
  const POOL = '*';
  const groups = new Map<string, { share: number; rows: number[] }>();
  const capacity: Record<string, number> = {};
  rows.forEach((r, i) => {
    const own = capacityOf(r.facts.office);
    const key = own === undefined ? POOL : r.facts.office;
    capacity[own === undefined ? 'default' : r.facts.office] = round4(own ?? defaultShare);
    const g = groups.get(key);
    if (g === undefined) {
      groups.set(key, { share: own ?? defaultShare, rows: [i] });
    } else {
      g.rows.push(i);
    }
  });
  let taken = 0;
  let found = 0;
  for (const [, g] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const p = precisionAtShare(
      g.rows.map((i) => scores[i]!),
      g.rows.map((i) => labels[i]!),
      g.rows.map((i) => weights[i]!),
      g.share,
    );
    taken += p.weight;
    found += p.positives;
  }
  const precisionAt: Record<string, number> = {};
  for (const pct of [1, 2, 5, 10]) {
    precisionAt[String(pct)] = round4(precisionAtShare(scores, labels, weights, pct / 100).precision);
  }
  return {
    rows: n,
    positives,
    baseRate: round4(sw === 0 ? Number.NaN : swy / sw),
    precisionAtCapacity: round4(taken === 0 ? Number.NaN : found / taken),
    capacity: Object.fromEntries(Object.entries(capacity).sort(([a], [b]) => (a < b ? -1 : 1))),
    precisionAt,
    auc: round4(weightedAuc(scores, labels, weights)),
  };
}

/** The reference distribution of a model's scores over the traffic (weighted window), for drift. */
export function referenceDistribution(
  scores: ArrayLike<number>,
  rows: readonly LabelledConsignment[],
  maxWeight: number,
): ScoreReference {
  return scoreReference(
    scores,
    rows.map((r) => ipwWeight(r.propensity, maxWeight)),
    10,
  );
}

/** Findings the evaluation window must hold before a model can be promoted on it. */
export const MIN_EVALUATION_POSITIVES = 5;

export interface PromotionDecision {
  readonly promote: boolean;
  readonly reason: string;
  readonly margin: number;
  readonly challenger: number;
  /** The champion's figure on the same window; null when there is no champion. */
  readonly champion: number | null;
  readonly championVersion: number | null;
  /** What random selection finds on the window (the bar for a first model). */
  readonly baseline: number;
}

/**
 * A challenger replaces the champion only when its precision at capacity on the evaluation window is
 * at least `margin` higher; with no champion, it must beat random selection by the margin.
 */
export function decidePromotion(input: {
  readonly challenger: EnsEvaluation;
  readonly champion?: { readonly version: number; readonly evaluation: EnsEvaluation } | undefined;
  readonly margin: number;
}): PromotionDecision {
  const c = input.challenger.precisionAtCapacity;
  const base = input.challenger.baseRate;
  const champ = input.champion?.evaluation.precisionAtCapacity;
  const common = {
    margin: input.margin,
    challenger: c,
    champion: champ ?? null,
    championVersion: input.champion?.version ?? null,
    baseline: base,
  };
  if (input.challenger.positives < MIN_EVALUATION_POSITIVES) {
    return {
      ...common,
      promote: false,
      reason: `the evaluation window has ${input.challenger.positives} findings; at least ${MIN_EVALUATION_POSITIVES} are needed to judge by`,
    };
  }
  if (!Number.isFinite(c)) {
    return {
      ...common,
      promote: false,
      reason: 'no office in the evaluation window has capacity for a single consignment',
    };
  }
  if (champ === undefined) {
    return c >= base + input.margin
      ? {
          ...common,
          promote: true,
          reason: `no champion; precision at capacity ${c.toFixed(3)} beats random selection (${base.toFixed(3)}) by at least ${input.margin}`,
        }
      : {
          ...common,
          promote: false,
          reason: `precision at capacity ${c.toFixed(3)} does not beat random selection (${base.toFixed(3)}) by ${input.margin}`,
        };
  }
  const cv = Number.isFinite(champ) ? champ : 0;
  // Precision at capacity reads the few consignments each office can control: on a small window it
  // moves by chance (a model trained on shuffled labels can top the champion there). A challenger
  // must also rank the whole window at least as well (AUC), a figure that chance moves far less.
  const ca = input.challenger.auc;
  const champAuc = input.champion!.evaluation.auc;
  if (c >= cv + input.margin && Number.isFinite(ca) && Number.isFinite(champAuc) && ca < champAuc) {
    return {
      ...common,
      promote: false,
      reason: `precision at capacity ${c.toFixed(3)} beats the champion v${input.champion!.version} (${cv.toFixed(3)}) by at least ${input.margin}, but it ranks the window worse (AUC ${ca.toFixed(3)} against ${champAuc.toFixed(3)}): it does not beat the champion v${input.champion!.version} overall`,
    };
  }
  return c >= cv + input.margin
    ? {
        ...common,
        promote: true,
        reason: `precision at capacity ${c.toFixed(3)} beats the champion v${input.champion!.version} (${cv.toFixed(3)}) by at least ${input.margin}`,
      }
    : {
        ...common,
        promote: false,
        reason: `precision at capacity ${c.toFixed(3)} does not beat the champion v${input.champion!.version} (${cv.toFixed(3)}) by ${input.margin}`,
      };
}
