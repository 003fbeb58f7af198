/**
 * Runs the retention purge on a schedule in a long-running process: once shortly after start, then
 * every interval (startPeriodic: never two purges at once). Safe with several processes: each batch
 * skips rows another purge holds, and a purge finds nothing a previous one already did.
 */
import type { RetentionRun, RetentionService } from '../retention/index.ts';
import { startPeriodic } from './periodic.ts';
import type { Periodic } from './periodic.ts';

export interface RetentionScheduleOptions {
  /** 0: never by itself (`vigil retention purge` only). */
  readonly intervalMinutes: number;
  /** Delay of the first run after start. */
  readonly firstAfterMs?: number | undefined;
  readonly onRun?: ((runs: readonly RetentionRun[]) => void) | undefined;
  readonly onError?: ((err: unknown) => void) | undefined;
}

export function startRetentionSchedule(
  retention: Pick<RetentionService, 'purge'>,
  options: RetentionScheduleOptions,
): Periodic {
  if (options.intervalMinutes <= 0) {
    return { stop: () => Promise.resolve() };
  }
  return startPeriodic(async () => options.onRun?.(await retention.purge()), {
    firstMs: options.firstAfterMs ?? 60_000,
    intervalMs: options.intervalMinutes * 60_000,
    ...(options.onError !== undefined ? { onError: options.onError } : {}),
  });
}
