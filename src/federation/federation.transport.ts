/**
 * The federation's two loops over NATS JetStream (docs/adr/0014-federation-over-jetstream.md):
 *
 * - the **relay** takes each peer's queue in turn (a lease in the database: one relay per peer at a
 *   time), has it numbered and signed, and publishes it in order into the peer's inbound stream with
 *   the message id as `Nats-Msg-Id` (the stream drops a repeat); a message leaves the queue only
 *   when the peer's server has stored it. A peer that cannot be reached keeps its queue and is
 *   tried again with backoff; the queue is in the database, so it survives restarts of either side.
 * - the **receiver** owns this node's inbound stream (`vigil.fed.in.<sender>`) and a durable consumer
 *   with one message in flight, so each sender's messages are applied in the order they were
 *   published; a refusal is acknowledged (recorded and audited), a failure to apply comes back.
 */
import {
  backoffMs,
  connectNats,
  ensureConsumer,
  ensureStream,
  errorText,
  jetstream,
  jetstreamManager,
} from '../bus/index.ts';
import type { JetStreamClient, NatsConnection } from '../bus/index.ts';
import type { FederationService } from './federation.service.ts';
import { inboundSubject } from './federation.service.ts';

export interface FederationRelayOptions {
  /** Pause between rounds when nothing is queued; default 200 ms. */
  readonly pollMs?: number | undefined;
  /** How long a relay holds a peer's queue; default 30 s (renewed every round). */
  readonly leaseMs?: number | undefined;
  /** How long a publish waits for the peer's stream to store the message; default 5 s. */
  readonly publishTimeoutMs?: number | undefined;
  /** Longest wait before trying an unreachable peer again; default 5 s. */
  readonly retryMaxMs?: number | undefined;
  readonly onError?: ((error: unknown, peer: string) => void) | undefined;
}

export interface FederationRelay {
  /** One round over every peer with queued messages; resolves with how many were published. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export function startFederationRelay(
  service: FederationService,
  options: FederationRelayOptions = {},
): FederationRelay {
  const pollMs = options.pollMs ?? 200;
  const leaseMs = options.leaseMs ?? 30_000;
  const timeout = options.publishTimeoutMs ?? 5_000;
  const retry = { baseMs: 250, maxMs: options.retryMaxMs ?? 5_000 };
  const onError = options.onError ?? (() => undefined);
  const links = new Map<string, Promise<{ nc: NatsConnection; js: JetStreamClient }>>();
  const failures = new Map<string, { count: number; until: number }>();
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  function link(url: string): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    let l = links.get(url);
    if (l === undefined) {
      l = connectNats(url, {
        name: `vigil-federation-relay-${process.pid}`,
        firstConnectTimeoutMs: timeout,
      }).then((nc) => ({ nc, js: jetstream(nc, { timeout }) }));
      // A failed first connection is forgotten, so the next round connects again.
      l.catch(() => links.delete(url));
      links.set(url, l);
    }
    return l;
  }

  async function drain(peer: string): Promise<number> {
    if (!(await service.lease(peer, leaseMs))) {
      return 0;
    }
    let published = 0;
    try {
      for (;;) {
        const batch = await service.prepare(peer);
        if (batch === undefined || batch.messages.length === 0) {
          break;
        }
        const { js } = await link(batch.natsUrl);
        // One at a time, each stored by the peer's stream before the next (the order is the peer's
        // order); marked sent together. A crash before the mark republishes them with the same ids:
        // the stream (or, later, the peer's inbox) drops the repeats.
        const done: number[] = [];
        try {
          for (const m of batch.messages) {
            try {
              await js.publish(inboundSubject(service.authority!), m.envelope, {
                msgID: m.messageId,
                timeout,
              });
            } catch (err) {
              await service.markFailed(m.id, errorText(err));
              throw err;
            }
            done.push(m.id);
          }
        } finally {
          await service.markSent(done);
          published += done.length;
        }
        if (stopping) {
          break;
        }
      }
      failures.delete(peer);
    } finally {
      await service.release(peer);
    }
    return published;
  }

  async function tick(): Promise<number> {
    let total = 0;
    for (const peer of await service.peersWithPending()) {
      const f = failures.get(peer);
      if (f !== undefined && f.until > Date.now()) {
        continue;
      }
      try {
        total += await drain(peer);
      } catch (err) {
        const count = (f?.count ?? 0) + 1;
        failures.set(peer, { count, until: Date.now() + backoffMs(count, retry) });
        onError(err, peer);
      }
    }
    return total;
  }

  function schedule(): void {
    if (stopping) {
      return;
    }
    timer = setTimeout(() => {
      running = tick()
        .catch((err: unknown) => onError(err, '*'))
        .finally(schedule);
    }, pollMs);
  }
  schedule();

  return {
    tick: () => {
      const p = running.then(tick);
      running = p.catch(() => undefined);
      return p;
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
      for (const l of links.values()) {
        await l.then((x) => x.nc.close()).catch(() => undefined);
      }
      links.clear();
    },
  };
}

export interface FederationReceiverOptions {
  /** This node's NATS server (where its inbound stream lives). */
  readonly natsUrl: string;
  /** Default VIGIL_FED_IN. */
  readonly stream?: string | undefined;
  /** Default vigil-federation. */
  readonly durable?: string | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

export interface FederationReceiver {
  /** Resolves once the stream and consumer exist and messages are being taken. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export const FEDERATION_STREAM = 'VIGIL_FED_IN';

export function startFederationReceiver(
  service: FederationService,
  options: FederationReceiverOptions,
): FederationReceiver {
  const stream = options.stream ?? FEDERATION_STREAM;
  const durable = options.durable ?? 'vigil-federation';
  const onError = options.onError ?? (() => undefined);
  let nc: NatsConnection | undefined;
  let stopping = false;
  let stopMessages: (() => void) | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  async function consumeOnce(): Promise<void> {
    nc ??= await connectNats(options.natsUrl, { name: `vigil-federation-${process.pid}` });
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, {
      name: stream,
      subjects: [inboundSubject('*')],
      // A relay retrying after a long cut may repeat a message after this: the inbox still drops it.
      duplicateWindowMs: 60 * 60_000,
      maxAgeMs: 30 * 24 * 3_600_000,
    });
    // One message in flight: a sender's messages are applied in the order its relay published them.
    await ensureConsumer(jsm, { stream, durable, maxDeliver: -1, ackWaitMs: 60_000, maxAckPending: 1 });
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: 1 });
    stopMessages = () => messages.stop();
    markReady();
    for await (const m of messages) {
      if (stopping) {
        m.nak();
        break;
      }
      try {
        await service.receive(m.data, m.subject);
      } catch (err) {
        onError(err);
        m.nak(backoffMs(m.info.deliveryCount, { baseMs: 500, maxMs: 30_000 }));
        continue;
      }
      try {
        await m.ackAck({ timeout: 5000 });
      } catch (err) {
        // Lost ack: the message comes back and the inbox recognises it.
        onError(err);
      }
    }
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      try {
        await consumeOnce();
        failures = 0;
      } catch (err) {
        failures += 1;
        onError(err);
      }
      if (!stopping) {
        await new Promise((resolve) =>
          setTimeout(resolve, backoffMs(Math.max(1, failures), { baseMs: 250, maxMs: 5000 })),
        );
      }
    }
  })();

  return {
    ready,
    async stop() {
      stopping = true;
      stopMessages?.();
      await loop;
      await nc?.close().catch(() => undefined);
    },
  };
}
