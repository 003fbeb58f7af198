/**
 * Keeps the indicators' daily rollups in step with the facts: a refresh shortly after start and then
 * every interval (default a minute), each recomputing only the days whose facts changed. Idempotent,
 * so several `serve` processes may each run it (they recompute the same days to the same values).
 */
import type { IndicatorService } from '../indicators/index.ts';

export interface IndicatorRefresher {
  stop(): Promise<void>;
}

export function startIndicatorRefresher(
  indicators: Pick<IndicatorService, 'refresh'>,
  options: { readonly intervalMs?: number; readonly onError?: (err: unknown) => void } = {},
): IndicatorRefresher {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = (): void => {
    if (busy) {
      return;
    }
    busy = true;
    running = indicators
      .refresh()
      .then(() => undefined)
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        busy = false;
      });
  };
  const first = setTimeout(tick, 3_000);
  const every = setInterval(tick, options.intervalMs ?? 60_000);
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
