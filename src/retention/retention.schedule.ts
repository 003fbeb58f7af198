/**
 * Runs the retention purge on a schedule in a long-running process: once shortly after start, then
 * every interval. Safe with several processes: each batch skips rows another purge holds, and a
 * purge finds nothing a previous one already did.
 */
import type { RetentionRun, RetentionService } from './retention.service.ts';

export interface RetentionSchedule {
  stop(): Promise<void>;
}

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
): RetentionSchedule {
  if (options.intervalMinutes <= 0) {
    return { stop: () => Promise.resolve() };
  }
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = (): void => {
    if (busy) {
      return;
    }
    busy = true;
    running = retention
      .purge()
      .then((runs) => options.onRun?.(runs))
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        busy = false;
      });
  };
  const first = setTimeout(tick, options.firstAfterMs ?? 60_000);
  const every = setInterval(tick, options.intervalMinutes * 60_000);
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
