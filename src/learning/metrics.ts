// Ranking metrics used in the customs-selection literature: precision@n% (fraud rate among the n%
// highest-scored declarations, i.e. the hit rate if that share were controlled), recall@n% (share
// of all frauds those controls would find) and ROC AUC. Ties in score are broken by row order, so
// the figures are deterministic.

export const TOP_PERCENTS = [1, 2, 5, 10] as const;

export interface RankingMetrics {
  readonly rows: number;
  readonly frauds: number;
  readonly precisionAt: Record<string, number>;
  readonly recallAt: Record<string, number>;
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

export function rankingMetrics(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  percents: readonly number[] = TOP_PERCENTS,
): RankingMetrics {
  const n = scores.length;
  let frauds = 0;
  for (let i = 0; i < n; i++) {
    frauds += labels[i] === 1 ? 1 : 0;
  }
  const order = rankDescending(scores);
  const precisionAt: Record<string, number> = {};
  const recallAt: Record<string, number> = {};
  for (const p of percents) {
    const k = topCount(n, p);
    let hits = 0;
    for (let r = 0; r < k; r++) {
      hits += labels[order[r]!] === 1 ? 1 : 0;
    }
    precisionAt[String(p)] = k === 0 ? Number.NaN : hits / k;
    recallAt[String(p)] = frauds === 0 ? Number.NaN : hits / frauds;
  }
  return { rows: n, frauds, precisionAt, recallAt, auc: rocAuc(scores, labels) };
}
