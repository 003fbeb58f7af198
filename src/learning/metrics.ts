// Ranking metrics used in the customs-selection literature: precision@n% (fraud rate among the n%
// highest-scored declarations, i.e. the hit rate if that share were controlled), recall@n% (share
// of all frauds those controls would find), the share of the value at stake those controls would
// find (e.g. the duty and tax of the fraudulent declarations, when the data carries it) and ROC AUC.
// Ties in score are broken by row order, so the figures are deterministic.

export const TOP_PERCENTS = [1, 2, 5, 10] as const;

export interface RankingMetrics {
  readonly rows: number;
  readonly frauds: number;
  readonly precisionAt: Record<string, number>;
  readonly recallAt: Record<string, number>;
  /**
   * With values given: the share of the value of all positive rows (e.g. the duty at stake in the
   * frauds) found among the top n% — recall weighted by each fraud's value.
   */
  readonly valueShareAt?: Record<string, number>;
  /** With values given: the total value of the positive rows. */
  readonly valueAtStake?: number;
  readonly auc: number;
}

/** Row indices ordered by descending score (stable). */
export function rankDescending(scores: ArrayLike<number>): Uint32Array {
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order;
}

/** Number of rows in the top n%: at least one when there are rows. */
export function topCount(rows: number, percent: number): number {
  return rows === 0 ? 0 : Math.max(1, Math.round((rows * percent) / 100));
}

/** ROC AUC by the rank-sum formula; tied scores share their average rank. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) {
      j++;
    }
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    return Number.NaN;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Precision, recall (and, given `values`, the share of the positives' value found) among the top
 * n% of rows by score, for each n of `percents`, and the AUC. A value that is not a finite number
 * counts as 0.
 */
export function rankingMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  percents: readonly number[] = TOP_PERCENTS,
  values?: ArrayLike<number>,
): RankingMetrics {
  const n = scores.length;
  const value = (i: number): number => {
    const v = values?.[i];
    return v !== undefined && Number.isFinite(v) ? v : 0;
  };
  let frauds = 0;
  let atStake = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) {
      frauds++;
      atStake += value(i);
    }
  }
  const order = rankDescending(scores);
  const precisionAt: Record<string, number> = {};
  const recallAt: Record<string, number> = {};
  const valueShareAt: Record<string, number> = {};
  for (const p of percents) {
    const k = topCount(n, p);
    let hits = 0;
    let found = 0;
    for (let r = 0; r < k; r++) {
      const i = order[r]!;
      if (labels[i] === 1) {
        hits++;
        found += value(i);
      }
    }
    precisionAt[String(p)] = k === 0 ? Number.NaN : hits / k;
    recallAt[String(p)] = frauds === 0 ? Number.NaN : hits / frauds;
    valueShareAt[String(p)] = atStake === 0 ? Number.NaN : found / atStake;
  }
  const auc = rocAuc(scores, labels);
  return values === undefined
    ? { rows: n, frauds, precisionAt, recallAt, auc }
    : { rows: n, frauds, precisionAt, recallAt, valueShareAt, valueAtStake: atStake, auc };
}
