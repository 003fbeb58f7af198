/**
 * The outbox relay (JetStream mode): publishes pending outbox rows, in id order, to
 * `<subjectPrefix>.<topic>` with `Nats-Msg-Id: outbox-<id>`, and marks a row published only after the
 * server acknowledged that the stream stored it. A relay that dies between the publish and the mark
 * republishes the row later and the stream drops the copy (publish de-duplication within the stream's
 * duplicate window). Two relays can run at once (row leases taken with SKIP LOCKED). While NATS is
 * unreachable the rows simply stay pending and the relay retries with backoff.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Database } from '../store/database.ts';
import { backoffMs, Waker } from './backoff.ts';
import { errorText, toWire } from './event.ts';
import type { BusErrorListener, OutboxEvent } from './event.ts';
import { OutboxRepository } from './outbox.repository.ts';

export interface OutboxRelayOptions {
  /** The stream expected to store the events (the publish fails if another stream would). */
  readonly stream: string;
  /** e.g. 'vigil.events': topic 'filing.ready' goes to 'vigil.events.filing.ready'. */
  readonly subjectPrefix: string;
  readonly batchSize?: number | undefined;
  /** Delay between rounds when nothing is pending (`wake()` cuts it short); default 200 ms. */
  readonly pollMs?: number | undefined;
  /** How long to wait for the server's ack of one publish; default 5 s. */
  readonly publishTimeoutMs?: number | undefined;
  /** Backoff while NATS (or the database) fails; defaults 200 ms doubling to 10 s. */
  readonly retryBaseMs?: number | undefined;
  readonly retryMaxMs?: number | undefined;
  /** Claim lease; must exceed a batch's publish time. Default 30 s. */
  readonly leaseMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onError?: BusErrorListener | undefined;
}

export interface OutboxRelay {
  /** Stops after the batch in flight has been published and marked. */
  stop(): Promise<void>;
  /** Resolves when no row is pending. */
  drain(): Promise<void>;
  wake(): void;
}

export function outboxMessageId(id: number): string {
  return `outbox-${id}`;
}

export function outboxSubject(subjectPrefix: string, topic: string): string {
  return `${subjectPrefix}.${topic}`;
}

export function startOutboxRelay(
  db: Database,
  js: JetStreamClient,
  options: OutboxRelayOptions,
): OutboxRelay {
  const repo = new OutboxRepository(db);
  const batchSize = Math.max(1, options.batchSize ?? 256);
  const pollMs = options.pollMs ?? 200;
  const timeout = options.publishTimeoutMs ?? 5000;
  const retry = { baseMs: options.retryBaseMs ?? 200, maxMs: options.retryMaxMs ?? 10_000 };
  const leaseMs = options.leaseMs ?? 30_000;
  const onError = options.onError ?? (() => undefined);
  const encoder = new TextEncoder();
  const waker = new Waker();
  let stopping = false;
  let failures = 0;
  let idleWaiters: (() => void)[] = [];

  const notifyIdle = (): void => {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) {
      w();
    }
  };

  /** Publishes a batch; returns the ids the server stored (or had already stored) and the first error. */
  async function publish(events: readonly OutboxEvent[]): Promise<{ stored: number[]; error: unknown }> {
    // All publishes go out at once on the one connection, so the stream stores them in id order;
    // the acks are awaited together.
    const results = await Promise.allSettled(
      events.map((e) =>
        js.publish(outboxSubject(options.subjectPrefix, e.topic), encoder.encode(JSON.stringify(toWire(e))), {
          msgID: outboxMessageId(e.id),
          expect: { streamName: options.stream },
          timeout,
        }),
      ),
    );
    const stored: number[] = [];
    let error: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        stored.push(events[i]!.id);
      } else {
        error ??= r.reason;
      }
    });
    return { stored, error };
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        const batch = await repo.claimForRelay(batchSize, leaseMs);
        if (batch.length === 0) {
          failures = 0;
          notifyIdle();
          await waker.sleep(pollMs);
          continue;
        }
        const { stored, error } = await publish(batch.map((c) => c.event));
        await repo.markPublished(stored);
        if (error !== undefined) {
          const storedSet = new Set(stored);
          await repo.release(
            batch.filter((c) => !storedSet.has(c.event.id)).map((c) => c.event.id),
            false,
          );
          throw error instanceof Error ? error : new Error(errorText(error));
        }
        failures = 0;
      } catch (err) {
        // A failed mark leaves the lease to expire: the rows are published again and de-duplicated.
        failures += 1;
        onError(err, 'relay');
        await waker.sleep(backoffMs(failures, retry));
      }
    }
    notifyIdle();
  }

  const running = loop();
  const stop = async (): Promise<void> => {
    stopping = true;
    waker.wake();
    await running;
  };
  if (options.signal?.aborted === true) {
    void stop();
  }
  options.signal?.addEventListener('abort', () => void stop(), { once: true });

  return {
    stop,
    wake: () => waker.wake(),
    async drain() {
      for (;;) {
        if (stopping) {
          throw new Error('outbox relay stopped before the queue was drained');
        }
        const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
        waker.wake();
        await idle;
        if (!stopping && (await repo.countPending()) === 0) {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, 50)));
      }
    },
  };
}
