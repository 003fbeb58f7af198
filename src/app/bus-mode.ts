/**
 * Which event bus a process runs. Embedded (no NATS_URL): an in-process dispatcher of the outbox.
 * JetStream (NATS_URL): `serve` relays the outbox to a stream with publish de-duplication, and
 * `vigil worker` processes consume it through a durable pull consumer with explicit acks. One of the
 * two runs against a database, never both (see docs/adr/0003-event-bus.md).
 */
import type { VigilConfig } from '../config/index.ts';
import {
  connectNats,
  ensureStream,
  jetstream,
  jetstreamManager,
  startJetStreamWorker,
  startOutboxDispatcher,
  startOutboxRelay,
} from '../bus/index.ts';
import type { BusErrorListener, DeadLetterListener } from '../bus/index.ts';
import type { AppDeps } from './compose.ts';

export interface RunningBus {
  readonly mode: 'embedded' | 'jetstream';
  /** Is the bus reachable (for /ready)? */
  healthy(): boolean;
  /** Messages the assessment consumer has not finished (JetStream mode). */
  consumerPending?(): Promise<number>;
  stop(): Promise<void>;
}

const SUBJECT_PREFIX = 'vigil';
const ASSESSMENT_CONSUMER = 'vigil-assessment';

async function jetStreamFor(config: VigilConfig, name: string) {
  const nc = await connectNats(config.natsUrl!, { name });
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, {
    name: config.natsStream,
    subjects: [`${SUBJECT_PREFIX}.>`],
    replicas: config.natsReplicas,
  });
  return { nc, js: jetstream(nc), jsm };
}

/** What `serve` runs: the embedded dispatcher, or the relay to JetStream. */
export async function startServeBus(
  config: VigilConfig,
  deps: AppDeps,
  onError: BusErrorListener,
): Promise<RunningBus> {
  if (config.natsUrl === undefined) {
    const bus = startOutboxDispatcher(deps.db, deps.handleEvent, {
      batchSize: 64,
      pollMs: 200,
      // Different filings go side by side and are assessed in batches (compose.ts), so many in flight
      // cost no more connections.
      concurrency: 64,
      onError,
    });
    const unsubscribe = deps.outbox.subscribe(() => bus.wake());
    return {
      mode: 'embedded',
      healthy: () => true,
      async stop() {
        unsubscribe();
        await bus.stop();
      },
    };
  }
  const { nc, js } = await jetStreamFor(config, 'vigil-relay');
  const relay = startOutboxRelay(deps.db, js, {
    stream: config.natsStream,
    subjectPrefix: SUBJECT_PREFIX,
    onError,
  });
  const unsubscribe = deps.outbox.subscribe(() => relay.wake());
  return {
    mode: 'jetstream',
    healthy: () => !nc.isClosed(),
    async stop() {
      unsubscribe();
      await relay.stop();
      await nc.drain();
    },
  };
}

/** What `vigil worker` runs: JetStream consumers that assess. */
export async function startWorkerBus(
  config: VigilConfig,
  deps: AppDeps,
  onError: BusErrorListener,
  onDeadLetter: DeadLetterListener,
): Promise<RunningBus> {
  if (config.natsUrl === undefined) {
    throw new Error('vigil worker needs NATS_URL (without it, vigil serve assesses in process)');
  }
  const { nc, js } = await jetStreamFor(config, 'vigil-worker');
  const worker = startJetStreamWorker(js, deps.handleEvent, {
    stream: config.natsStream,
    durable: ASSESSMENT_CONSUMER,
    maxDeliver: 10,
    ackWaitMs: 30_000,
    concurrency: config.workerConcurrency,
    onError,
    onDeadLetter,
  });
  await worker.ready;
  return {
    mode: 'jetstream',
    healthy: () => !nc.isClosed(),
    async stop() {
      await worker.stop();
      await nc.drain();
    },
  };
}
