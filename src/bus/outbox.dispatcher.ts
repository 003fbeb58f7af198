/**
 * The embedded event bus (the default, no NATS): a loop in the process that claims pending outbox
 * rows, runs the handler on each, and marks them processed. A failing event is retried with backoff
 * and parked after `maxAttempts`; the rest of the queue keeps flowing. Several dispatchers (one per
 * process on PostgreSQL) can share the table: claims use leases taken with SKIP LOCKED.
 *
 * Order: one dispatcher with `concurrency` 1 delivers in id order; with more, events of the same key
 * stay in order within a batch and different keys run side by side. A retried event comes after
 * later ones, so handlers must not rely on order across failures.
 */
import type { Database } from '../store/database.ts';
import { backoffMs, Waker } from './backoff.ts';
import { errorText } from './event.ts';
import type { BusErrorListener, DeadLetterListener, EventHandler } from './event.ts';
import { OutboxRepository } from './outbox.repository.ts';
import type { ClaimedEvent } from './outbox.repository.ts';

export interface OutboxDispatcherOptions {
  /** Rows claimed per round. */
  readonly batchSize: number;
  /** Delay between rounds when the queue is empty (`wake()` cuts it short). */
  readonly pollMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Handlers running at once (different keys only); default 1. */
  readonly concurrency?: number | undefined;
  /** Attempts before an event is parked; default 5. */
  readonly maxAttempts?: number | undefined;
  /** First retry delay, doubled per attempt up to retryMaxMs; defaults 1 s and 5 min. */
  readonly retryBaseMs?: number | undefined;
  readonly retryMaxMs?: number | undefined;
  /** How long a claim holds a row before another process may take it; renewed while working. Default 30 s. */
  readonly leaseMs?: number | undefined;
  readonly onError?: BusErrorListener | undefined;
  readonly onDeadLetter?: DeadLetterListener | undefined;
}

export interface OutboxDispatcher {
  /** Stops claiming, waits for the handlers in flight, gives back unstarted claims. */
  stop(): Promise<void>;
  /** Resolves when no row is pending (retries included; parked rows do not count). */
  drain(): Promise<void>;
  /** Pokes the loop after a commit so it does not wait for the poll delay. */
  wake(): void;
}

export function startOutboxDispatcher(
  db: Database,
  handler: EventHandler,
  options: OutboxDispatcherOptions,
): OutboxDispatcher {
  const repo = new OutboxRepository(db);
  const batchSize = Math.max(1, options.batchSize);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const retry = { baseMs: options.retryBaseMs ?? 1000, maxMs: options.retryMaxMs ?? 300_000 };
  const leaseMs = options.leaseMs ?? 30_000;
  const onError = options.onError ?? (() => undefined);
  const waker = new Waker();
  let stopping = false;
  let idleWaiters: (() => void)[] = [];
  let infraFailures = 0;

  const notifyIdle = (): void => {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) {
      w();
    }
  };

  async function runOne(claimed: ClaimedEvent): Promise<'done' | 'failed'> {
    try {
      await handler(claimed.event, { deliveryAttempt: claimed.attempts });
      return 'done';
    } catch (err) {
      try {
        const parked = await repo.markFailed(
          claimed.event.id,
          errorText(err),
          maxAttempts,
          backoffMs(claimed.attempts, retry),
        );
        if (parked) {
          await options.onDeadLetter?.(claimed.event, err);
        }
      } catch (markErr) {
        // The lease expires and the row is claimed again: nothing is lost.
        onError(markErr, 'dispatcher');
      }
      return 'failed';
    }
  }

  async function runBatch(batch: readonly ClaimedEvent[]): Promise<void> {
    // Same key: one after another, in id order. Different keys: side by side, up to `concurrency`.
    // With one lane the whole batch is one group: strict id order.
    const groups = concurrency === 1 ? [[...batch]] : groupByKey(batch);
    const done: number[] = [];
    const unstarted: number[] = [];
    const inFlight = new Set<number>(batch.map((c) => c.event.id));
    const renew = setInterval(
      () => {
        repo.extendLease([...inFlight], leaseMs).catch((err: unknown) => onError(err, 'dispatcher'));
      },
      Math.max(100, Math.floor(leaseMs / 3)),
    );
    const lane = async (): Promise<void> => {
      for (let group = groups.shift(); group !== undefined; group = groups.shift()) {
        for (const c of group) {
          if (stopping) {
            unstarted.push(c.event.id);
          } else if ((await runOne(c)) === 'done') {
            done.push(c.event.id);
          }
          inFlight.delete(c.event.id);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, lane));
    } finally {
      clearInterval(renew);
    }
    await repo.markProcessed(done);
    await repo.release(unstarted, true);
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        await repo.parkExhausted(maxAttempts);
        const batch = await repo.claimForDispatch(batchSize, leaseMs, maxAttempts);
        infraFailures = 0;
        if (batch.length === 0) {
          notifyIdle();
          await waker.sleep(options.pollMs);
          continue;
        }
        await runBatch(batch);
      } catch (err) {
        infraFailures += 1;
        onError(err, 'dispatcher');
        await waker.sleep(backoffMs(infraFailures, { baseMs: Math.min(options.pollMs, 500), maxMs: 10_000 }));
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
          throw new Error('outbox dispatcher stopped before the queue was drained');
        }
        const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
        waker.wake();
        await idle;
        if (stopping) {
          continue;
        }
        if ((await repo.countPending()) === 0) {
          return;
        }
        // Rows wait for a retry or are leased by another process: look again shortly.
        await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs, 50)));
      }
    },
  };
}

function groupByKey(batch: readonly ClaimedEvent[]): ClaimedEvent[][] {
  const byKey = new Map<string, ClaimedEvent[]>();
  for (const c of batch) {
    const list = byKey.get(c.event.key);
    if (list === undefined) {
      byKey.set(c.event.key, [c]);
    } else {
      list.push(c);
    }
  }
  return [...byKey.values()];
}
