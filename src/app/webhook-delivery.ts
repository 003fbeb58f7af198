/**
 * Runs the webhook dispatcher's rounds in the background of serve and worker: shortly after start and
 * then every poll interval, never two rounds at once in one process. Several processes may run it:
 * the dispatcher leases each endpoint's queue (SKIP LOCKED), so an endpoint is worked by one at a time.
 */
import type { WebhookDispatcher } from '../notifications/index.ts';
import { startPeriodic } from './periodic.ts';
import type { Periodic } from './periodic.ts';

export function startWebhookDelivery(
  dispatcher: Pick<WebhookDispatcher, 'tick'>,
  options: { readonly pollMs: number; readonly onError?: (err: unknown) => void },
): Periodic {
  return startPeriodic(() => dispatcher.tick(), {
    firstMs: Math.min(1000, options.pollMs),
    intervalMs: options.pollMs,
    onError: options.onError,
  });
}
