// Ranking figures for labels that are a weighted sample of the traffic (each labelled row stands for
// `weight` rows of the population, e.g. the inverse of the probability it was controlled), and the
// population stability index of a score distribution. Ties in score are broken by row order, so the
// figures are deterministic.
import { rankDescending } from './metrics.ts';

/**
 * Weighted precision when the top `share` of the (weighted) population is selected: rows are taken
 * by descending score while their weights fit share × total weight (a row is taken when at least half
 * of its weight fits). Returns the weighted share of positives among the rows taken (NaN when none
 * fits), and how many rows, how much weight and how many weighted positives that was.
 */
export function precisionAtShare(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  share: number,
): { precision: number; rows: number; weight: number; positives: number } {
  const n = scores.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += weights[i]!;
  }
  const budget = Math.max(0, Math.min(1, share)) * total;
  const order = rankDescending(scores);
  let taken = 0;
  let hit = 0;
  let rows = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const w = weights[i]!;
    if (taken + w / 2 > budget + 1e-9) {
      break;
    }
    taken += w;
    hit += labels[i] === 1 ? w : 0;
    rows++;
  }
  return { precision: taken === 0 ? Number.NaN : hit / taken, rows, weight: taken, positives: hit };
}

/** Weighted ROC AUC: the weighted chance that a positive outranks a negative (ties count half). */
export function weightedAuc(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
): number {
  const n = scores.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let negBelow = 0;
  let area = 0;
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < n;) {
    let j = i;
    let tiePos = 0;
    let tieNeg = 0;
    while (j < n && scores[order[j]!] === scores[order[i]!]) {
      const k = order[j]!;
      if (labels[k] === 1) {
        tiePos += weights[k]!;
      } else {
        tieNeg += weights[k]!;
      }
      j++;
    }
    area += tiePos * (negBelow + tieNeg / 2);
    negBelow += tieNeg;
    pos += tiePos;
    neg += tieNeg;
    i = j;
  }
  return pos === 0 || neg === 0 ? Number.NaN : area / (pos * neg);
}

/** A reference score distribution: bin edges (upper bounds of all bins but the last) and shares. */
export interface ScoreReference {
  readonly edges: readonly number[];
  readonly shares: readonly number[];
}

/** Weighted quantile edges cutting the scores into `bins` bins of equal weight (fewer on ties). */
export function scoreReference(
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  bins = 10,
): ScoreReference {
  const n = scores.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += weights === undefined ? 1 : weights[i]!;
  }
  const edges: number[] = [];
  let acc = 0;
  let next = 1;
  for (let r = 0; r < n && next < bins; r++) {
    const i = order[r]!;
    acc += weights === undefined ? 1 : weights[i]!;
    while (next < bins && acc >= (next * total) / bins) {
      const v = scores[i]!;
      if (edges.length === 0 || edges[edges.length - 1]! < v) {
        edges.push(v);
      }
      next++;
    }
  }
  // The last edge equal to the maximum would leave the last bin empty.
  if (n > 0 && edges.length > 0 && edges[edges.length - 1]! >= scores[order[n - 1]!]!) {
    edges.pop();
  }
  return { edges, shares: binShares(scores, weights, edges) };
}

function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= edges[mid]!) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

/** Weighted share of the scores in each bin of `edges`. */
export function binShares(
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  edges: readonly number[],
): number[] {
  const out = new Array<number>(edges.length + 1).fill(0);
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    const b = binOf(edges, scores[i]!);
    out[b] = out[b]! + w;
    total += w;
  }
  return out.map((x) => (total === 0 ? 0 : x / total));
}

/**
 * Population stability index of `actual` against `expected` bin shares: Σ (a − e) · ln(a / e), each
 * share floored at 0.0001 so that an empty bin does not make it infinite. Customary reading: under
 * 0.1 stable, 0.1–0.25 a moderate shift, above 0.25 a significant one.
 */
export function populationStability(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0;
  for (let b = 0; b < expected.length; b++) {
    const e = Math.max(1e-4, expected[b]!);
    const a = Math.max(1e-4, actual[b] ?? 0);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}
