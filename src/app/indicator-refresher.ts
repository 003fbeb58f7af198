/**
 * Keeps the indicators' daily rollups in step with the facts: a refresh shortly after start and then
 * every interval (default a minute), each recomputing only the days whose facts changed. Idempotent,
 * so several `serve` processes may each run it (they recompute the same days to the same values).
 */
import type { IndicatorService } from '../indicators/index.ts';
import { startPeriodic } from './periodic.ts';
import type { Periodic } from './periodic.ts';

export function startIndicatorRefresher(
  indicators: Pick<IndicatorService, 'refresh'>,
  options: { readonly intervalMs?: number; readonly onError?: (err: unknown) => void } = {},
): Periodic {
  return startPeriodic(() => indicators.refresh(), {
    firstMs: 3_000,
    intervalMs: options.intervalMs ?? 60_000,
    onError: options.onError,
  });
}
