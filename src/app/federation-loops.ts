/**
 * The federation's relay and receiver in `vigil serve` (docs/federation.md): on when the node speaks
 * for an authority (VIGIL_FEDERATION_AUTHORITY) and knows its NATS server (VIGIL_FEDERATION_NATS_URL
 * or NATS_URL); otherwise nothing runs and messages for peers wait in the database.
 */
import type { VigilConfig } from '../config/index.ts';
import { startFederationReceiver, startFederationRelay } from '../federation/index.ts';
import type { FederationService } from '../federation/index.ts';

export interface FederationLoops {
  readonly running: boolean;
  stop(): Promise<void>;
}

export function startFederationLoops(
  config: VigilConfig,
  federation: FederationService,
  onError: (err: unknown, where: string) => void,
): FederationLoops {
  const natsUrl = config.federation.natsUrl;
  if (config.federation.authority === undefined || natsUrl === undefined) {
    return { running: false, stop: () => Promise.resolve() };
  }
  const relay = startFederationRelay(federation, {
    pollMs: config.federation.pollMs,
    onError: (err, peer) => onError(err, `relay to ${peer}`),
  });
  const receiver = startFederationReceiver(federation, {
    natsUrl,
    onError: (err) => onError(err, 'receiver'),
  });
  return {
    running: true,
    async stop() {
      await relay.stop();
      await receiver.stop();
    },
  };
}
