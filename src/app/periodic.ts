/**
 * A background task run shortly after start and then every interval, never two rounds at once;
 * `stop()` waits for the round in flight. The retention purge, the unit-value statistics, the RIF
 * expiry sweep, the indicator refresher and webhook delivery use it.
 */
export interface Periodic {
  stop(): Promise<void>;
}

export function startPeriodic(
  round: () => Promise<unknown>,
  options: {
    readonly firstMs: number;
    readonly intervalMs: number;
    readonly onError?: (err: unknown) => void;
  },
): Periodic {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = (): void => {
    if (busy) {
      return;
    }
    busy = true;
    running = round()
      .then(() => undefined)
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        busy = false;
      });
  };
  const first = setTimeout(tick, options.firstMs);
  const every = setInterval(tick, options.intervalMs);
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
