/**
 * The federation's relay and receiver in `vigil serve` (docs/federation.md): on when the node speaks
 * for an authority (VIGIL_FEDERATION_AUTHORITY) and knows its NATS server (VIGIL_FEDERATION_NATS_URL
 * or NATS_URL); otherwise nothing runs and messages for peers wait in the database. With them, every
 * VIGIL_FEDERATION_FIGURES_MINUTES, the figures of joint operations coordinated on another node.
 */
import type { VigilConfig } from '../config/index.ts';
import { startFederationReceiver, startFederationRelay } from '../federation/index.ts';
import type { FederationService } from '../federation/index.ts';
import { startPeriodic } from './periodic.ts';

export interface FederationLoops {
  readonly running: boolean;
  stop(): Promise<void>;
}

export function startFederationLoops(
  config: VigilConfig,
  federation: FederationService,
  /** Sends the coordinators on other nodes this node's figures of the operations it takes part in. */
  shareFigures: () => Promise<unknown>,
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
  const figures = startPeriodic(shareFigures, {
    firstMs: 10_000,
    intervalMs: config.federation.figuresMinutes * 60_000,
    onError: (err) => onError(err, 'operation figures'),
  });
  return {
    running: true,
    async stop() {
      await figures.stop();
      await relay.stop();
      await receiver.stop();
    },
  };
}
