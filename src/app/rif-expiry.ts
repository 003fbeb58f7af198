/**
 * Marks issued RIFs whose validity is over as expired, each in its issuer's audit trail, shortly after
 * start and then every minute. The adopted rules stop by their own validity; this sweep makes the
 * RIF's recorded state (and its audit trail) follow. Idempotent, so several `serve` processes may run it.
 */
import type { RifService } from '../cooperation/index.ts';

export interface RifExpiry {
  stop(): Promise<void>;
}

export function startRifExpiry(
  rifs: Pick<RifService, 'expireDue'>,
  options: { readonly intervalMs?: number; readonly onError?: (err: unknown) => void } = {},
): RifExpiry {
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    running = rifs
      .expireDue()
      .then(() => undefined)
      .catch((err: unknown) => options.onError?.(err));
  };
  const first = setTimeout(tick, 5_000);
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
