/**
 * Runs webhook delivery in the background of serve and worker: a few lanes, each taking one endpoint
 * at a time (least recently served first) until none is due, then waiting for the next poll. A slow
 * receiver holds one lane for at most the dispatcher's budget, never the others. Several processes may
 * run it: the dispatcher leases each endpoint's queue (SKIP LOCKED), so one process works it at a time.
 */
import type { WebhookDispatcher } from '../notifications/index.ts';
import { startPeriodic } from './periodic.ts';
import type { Periodic } from './periodic.ts';

export function startWebhookDelivery(
  dispatcher: Pick<WebhookDispatcher, 'tick'>,
  options: { readonly pollMs: number; readonly lanes?: number; readonly onError?: (err: unknown) => void },
): Periodic {
  const stopping = new AbortController();
  const lanes = Array.from({ length: options.lanes ?? 4 }, () =>
    startPeriodic(
      async () => {
        while (!stopping.signal.aborted) {
          const r = await dispatcher.tick({ endpoints: 1, signal: stopping.signal });
          if (r.endpoints === 0) {
            return;
          }
        }
      },
      { firstMs: Math.min(1000, options.pollMs), intervalMs: options.pollMs, onError: options.onError },
    ),
  );
  return {
    async stop() {
      stopping.abort();
      await Promise.all(lanes.map((lane) => lane.stop()));
    },
  };
}
