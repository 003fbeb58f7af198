/**
 * Keeps the unit-value statistics learned from history current: a refresh per authority shortly after
 * start and then every interval. Idempotent, so several `serve` processes may each run it.
 */
import { refreshUnitValueStats } from '../assessment/index.ts';
import type { AppDeps } from './compose.ts';

export interface StatsRefresher {
  stop(): Promise<void>;
}

export function startStatsRefresher(
  deps: Pick<AppDeps, 'db' | 'filingRepo' | 'assessmentRepo' | 'clock' | 'contexts'>,
  options: { readonly intervalMs?: number; readonly onError?: (err: unknown) => void } = {},
): StatsRefresher {
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  let running: Promise<void> = Promise.resolve();
  const round = async (): Promise<void> => {
    const repos = { filings: deps.filingRepo, stats: deps.assessmentRepo };
    for (const authority of await deps.filingRepo.authoritiesWithFilings(deps.db)) {
      if ((await refreshUnitValueStats(deps.db, repos, authority, deps.clock.now())) > 0) {
        deps.contexts.invalidate(authority);
      }
    }
  };
  const tick = (): void => {
    running = round().catch((err: unknown) => options.onError?.(err));
  };
  const first = setTimeout(tick, 5_000);
  const every = setInterval(tick, intervalMs);
  first.unref();
  every.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
