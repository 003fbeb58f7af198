/**
 * Keeps the unit-value statistics learned from history current: a refresh per authority shortly after
 * start and then every interval. Idempotent, so several `serve` processes may each run it.
 */
import { refreshUnitValueStats } from '../assessment/index.ts';
import type { AppDeps } from './compose.ts';
import { startPeriodic } from './periodic.ts';
import type { Periodic } from './periodic.ts';

export type StatsRefresher = Periodic;

export function startStatsRefresher(
  deps: Pick<AppDeps, 'db' | 'filingRepo' | 'assessmentRepo' | 'clock' | 'contexts'>,
  options: { readonly intervalMs?: number; readonly onError?: (err: unknown) => void } = {},
): StatsRefresher {
  const round = async (): Promise<void> => {
    const repos = { filings: deps.filingRepo, stats: deps.assessmentRepo };
    for (const authority of await deps.filingRepo.authoritiesWithFilings(deps.db)) {
      if ((await refreshUnitValueStats(deps.db, repos, authority, deps.clock.now())) > 0) {
        deps.contexts.invalidate(authority);
      }
    }
  };
  return startPeriodic(round, {
    firstMs: 5_000,
    intervalMs: options.intervalMs ?? 10 * 60_000,
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
  });
}
