/**
 * What `vigil worker` runs: the composed application consuming the assessment stream from JetStream,
 * and webhook delivery alongside serve.
 * No HTTP: nothing here loads Fastify (the import rules in .dependency-cruiser.runtime.json keep it so).
 */
import type { VigilConfig } from '../config/index.ts';
import { startWorkerBus } from './bus-mode.ts';
import { composeApp } from './compose.ts';
import type { Running } from './running.ts';
import { startReferenceRefresher } from './reference-refresher.ts';
import { startWebhookDelivery } from './webhook-delivery.ts';

export async function startWorker(
  config: VigilConfig,
  say: (line: string) => void = () => undefined,
): Promise<Running> {
  if (config.natsUrl === undefined) {
    throw new Error('vigil worker needs NATS_URL (without it, vigil serve assesses in process)');
  }
  const deps = await composeApp(config);
  try {
    const bus = await startWorkerBus(
      config,
      deps,
      (err, source) => say(`bus ${source}: ${String(err)}`),
      (event, err) => {
        say(`event ${event.id} (${event.topic} ${event.key}) parked after repeated failures: ${String(err)}`);
      },
    );
    // Workers share webhook delivery with serve (each endpoint's queue is leased by one process).
    const webhooks = startWebhookDelivery(deps.webhookDispatcher, {
      pollMs: config.webhooks.pollMs,
      onError: (err) => say(`webhook delivery: ${String(err)}`),
    });
    // Rules read descriptions of the nomenclature: an import by another process reaches this one.
    const reference = startReferenceRefresher(deps.reference, {
      onError: (err) => say(`reference data: ${String(err)}`),
    });
    return {
      stopping: 'draining',
      async stop() {
        await reference.stop();
        await webhooks.stop();
        await bus.stop();
        await deps.db.close();
      },
    };
  } catch (err) {
    await deps.db.close();
    throw err;
  }
}
