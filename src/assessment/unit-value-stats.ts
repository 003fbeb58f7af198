/**
 * Learns the unit-value statistics the undervaluation signal compares against: for each HS6 × origin,
 * the median and median absolute deviation of ln(EUR per kg) over the goods lines lodged in the last
 * year. Robust on purpose: the undervalued lines the signal is looking for must not drag the baseline
 * down. Cells with too little history keep their earlier (or reference) values.
 */
import type { Database } from '../store/database.ts';
import type { FilingRepository } from '../intake/index.ts';
import type { AssessmentRepository } from './assessment.repository.ts';
import { SIGNAL_SETTINGS } from './signals.ts';
import type { UnitValueStats } from './signals.ts';
import { toEur } from '../domain/index.ts';

const DAY_MS = 86_400_000;

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median and MAD of ln(values); values must be positive. */
export function robustLogStats(values: readonly number[]): UnitValueStats {
  const logs = values.map(Math.log).sort((a, b) => a - b);
  const m = median(logs);
  const deviations = logs.map((x) => Math.abs(x - m)).sort((a, b) => a - b);
  return { n: logs.length, median: m, mad: median(deviations) };
}

/** Recomputes the authority's statistics from its history; returns how many cells were learned. */
export async function refreshUnitValueStats(
  db: Database,
  repos: {
    /** Where the lodged goods lines come from. */
    readonly filings: Pick<FilingRepository, 'goodsHistory'>;
    readonly stats: Pick<AssessmentRepository, 'upsertUnitValueStats'>;
  },
  authority: string,
  now: Date,
  options: { readonly windowDays?: number; readonly minHistory?: number } = {},
): Promise<number> {
  const scoped = db.forAuthority(authority);
  const from = new Date(now.getTime() - (options.windowDays ?? 365) * DAY_MS);
  const lines = await repos.filings.goodsHistory(scoped, authority, from, new Date(now.getTime() + 1));
  const cells = new Map<string, number[]>();
  for (const l of lines) {
    const eur = toEur(l.amount, l.currency, new Date(l.lodgedAt));
    if (eur === undefined || !(eur > 0) || !(l.mass > 0)) {
      continue;
    }
    const key = `${l.hs6}/${l.origin}`;
    let list = cells.get(key);
    if (list === undefined) {
      list = [];
      cells.set(key, list);
    }
    list.push(eur / l.mass);
  }
  const minHistory = options.minHistory ?? SIGNAL_SETTINGS.minHistory;
  const learned = [...cells]
    .filter(([, values]) => values.length >= minHistory)
    .map(([key, values]) => {
      const [hs6, origin] = key.split('/') as [string, string];
      return { hs6, origin, ...robustLogStats(values) };
    });
  await scoped.transaction((tx) => repos.stats.upsertUnitValueStats(tx, authority, learned, now));
  return learned.length;
}
