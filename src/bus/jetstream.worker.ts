/**
 * A JetStream worker: consumes the outbox stream through a durable pull consumer shared by every
 * worker process, runs the handler, and acknowledges a message only after the handler resolved (and
 * waits for the server to confirm the ack). A failure is negatively acknowledged with a growing delay;
 * after `maxDeliver` deliveries the message is terminated and reported as a dead letter. A handler that
 * runs long keeps its message with `working()` heartbeats; a worker that dies without acknowledging
 * gets its messages redelivered to another after the ack wait. `stop()` stops pulling, hands back the
 * messages it had buffered, and waits for the handlers in flight.
 */
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { backoffMs, Waker } from './backoff.ts';
import { fromWire } from './event.ts';
import type { BusErrorListener, DeadLetterListener, EventHandler } from './event.ts';
import { ensureConsumer } from './jetstream.setup.ts';

export interface JetStreamWorkerOptions {
  readonly stream: string;
  /** The durable consumer's name; every worker process of one role uses the same. */
  readonly durable: string;
  /** Deliveries before a message is given up (terminated and reported). */
  readonly maxDeliver: number;
  /** Time the server waits for an ack before redelivering; heartbeats renew it. */
  readonly ackWaitMs: number;
  /** Handlers running at once in this process. */
  readonly concurrency: number;
  readonly filterSubject?: string | undefined;
  readonly maxAckPending?: number | undefined;
  /** Delay before a failed message comes back: doubles per delivery; defaults 1 s up to 60 s. */
  readonly retryBaseMs?: number | undefined;
  readonly retryMaxMs?: number | undefined;
  /** Create or update the durable consumer at start (default true). */
  readonly ensureConsumer?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onError?: BusErrorListener | undefined;
  readonly onDeadLetter?: DeadLetterListener | undefined;
}

export interface JetStreamWorker {
  /** Resolves once the consumer is ready and pulling (rejects if it cannot be set up). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export function startJetStreamWorker(
  js: JetStreamClient,
  handler: EventHandler,
  options: JetStreamWorkerOptions,
): JetStreamWorker {
  const concurrency = Math.max(1, options.concurrency);
  const retry = { baseMs: options.retryBaseMs ?? 1000, maxMs: options.retryMaxMs ?? 60_000 };
  const onError = options.onError ?? (() => undefined);
  const decoder = new TextDecoder();
  const waker = new Waker();
  const inFlight = new Set<Promise<void>>();
  let slotFreed: (() => void) | undefined;
  let messages: ConsumerMessages | undefined;
  let stopping = false;

  async function handle(m: JsMsg): Promise<void> {
    let event;
    try {
      event = fromWire(JSON.parse(decoder.decode(m.data)));
    } catch {
      event = undefined;
    }
    if (event === undefined) {
      m.term('not an outbox event');
      return;
    }
    const attempt = m.info.deliveryCount;
    const heartbeat = setInterval(() => m.working(), Math.max(100, Math.floor(options.ackWaitMs / 3)));
    try {
      await handler(event, { deliveryAttempt: attempt });
    } catch (err) {
      clearInterval(heartbeat);
      if (attempt >= options.maxDeliver) {
        try {
          await options.onDeadLetter?.(event, err);
        } catch (dlErr) {
          onError(dlErr, 'worker');
        }
        // No reason text: `+TERM <reason>` needs NATS 2.10; the listener above has the error.
        m.term();
      } else {
        // Reported, so a failing handler (a database error, a deadlock) is visible in the worker's log.
        onError(err, 'worker');
        m.nak(backoffMs(attempt, retry));
      }
      return;
    }
    clearInterval(heartbeat);
    try {
      // Confirmed ack: if it is lost the message comes back and the idempotent handler absorbs it.
      await m.ackAck({ timeout: 5000 });
    } catch (err) {
      onError(err, 'worker');
    }
  }

  async function acquireSlot(): Promise<void> {
    while (inFlight.size >= concurrency && !stopping) {
      await new Promise<void>((resolve) => (slotFreed = resolve));
    }
  }

  let markReady: () => void = () => undefined;
  let failReady: (err: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  // A caller that never awaits `ready` must not crash the process with an unhandled rejection.
  ready.catch(() => undefined);

  async function consumeOnce(): Promise<void> {
    if (options.ensureConsumer ?? true) {
      const jsm = await js.jetstreamManager();
      await ensureConsumer(jsm, options);
    }
    const consumer = await js.consumers.get(options.stream, options.durable);
    messages = await consumer.consume({ max_messages: concurrency });
    markReady();
    if (stopping) {
      messages.stop();
    }
    for await (const m of messages) {
      if (stopping) {
        // Buffered but not started: give it back now rather than after the ack wait.
        m.nak();
        continue;
      }
      await acquireSlot();
      if (stopping) {
        m.nak();
        continue;
      }
      const p: Promise<void> = handle(m)
        .catch((err: unknown) => onError(err, 'worker'))
        .finally(() => {
          inFlight.delete(p);
          slotFreed?.();
        });
      inFlight.add(p);
    }
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        await consumeOnce();
        failures = 0;
        if (!stopping) {
          throw new Error('consumer stopped delivering; starting again');
        }
      } catch (err) {
        failures += 1;
        onError(err, 'worker');
        if (failures === 1 && options.ensureConsumer !== false) {
          // Report a set-up problem to whoever awaits `ready`, but keep trying in the background.
          failReady(err);
        }
        await waker.sleep(backoffMs(failures, { baseMs: 250, maxMs: 10_000 }));
      }
    }
  }

  const running = loop();
  const stop = async (): Promise<void> => {
    stopping = true;
    messages?.stop();
    slotFreed?.();
    waker.wake();
    await running;
    await Promise.all([...inFlight]);
  };
  if (options.signal?.aborted === true) {
    void stop();
  }
  options.signal?.addEventListener('abort', () => void stop(), { once: true });
  return { ready, stop };
}
