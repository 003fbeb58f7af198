/**
 * Marks issued RIFs whose validity is over as expired, each in its issuer's audit trail, shortly after
 * start and then every minute. The adopted rules stop by their own validity; this sweep makes the
 * RIF's recorded state (and its audit trail) follow. Idempotent, so several `serve` processes may run it.
 */
import type { RifService } from '../cooperation/index.ts';
import { startPeriodic } from './periodic.ts';
import type { Periodic } from './periodic.ts';

export function startRifExpiry(
  rifs: Pick<RifService, 'expireDue'>,
  options: { readonly intervalMs?: number; readonly onError?: (err: unknown) => void } = {},
): Periodic {
  return startPeriodic(() => rifs.expireDue(), {
    firstMs: 5_000,
    intervalMs: options.intervalMs ?? 60_000,
    onError: options.onError,
  });
}
