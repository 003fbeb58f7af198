/**
 * The event bus: the port (`OutboxEvent`, `EventHandler`), the embedded outbox dispatcher (default),
 * and the JetStream mode (relay from the outbox to a stream, workers on a durable pull consumer).
 * Composition roots pick one mode; ADR 0003 explains the choice and the settings.
 */
export type {
  BusErrorListener,
  BusErrorSource,
  DeadLetterListener,
  DeliveryContext,
  EventHandler,
  OutboxEvent,
  OutboxEventWire,
} from './event.ts';
export { errorText, fromWire, toWire } from './event.ts';
export { backoffMs } from './backoff.ts';
export { startOutboxDispatcher } from './outbox.dispatcher.ts';
export { OutboxSignal } from './outbox-signal.ts';
export type { OutboxDispatcher, OutboxDispatcherOptions } from './outbox.dispatcher.ts';
export { OutboxRepository } from './outbox.repository.ts';
export { appendOutbox } from './outbox.repository.ts';
export type { ClaimedEvent, NewOutboxEvent } from './outbox.repository.ts';
export { outboxMessageId, outboxSubject, startOutboxRelay } from './outbox.relay.ts';
export type { OutboxRelay, OutboxRelayOptions } from './outbox.relay.ts';
export { connectNats } from './nats.connection.ts';
export type { NatsConnectOptions, NatsConnection } from './nats.connection.ts';
export { ensureConsumer, ensureStream } from './jetstream.setup.ts';
export type { EnsureConsumerOptions, EnsureStreamOptions } from './jetstream.setup.ts';
export { startJetStreamWorker } from './jetstream.worker.ts';
export type { JetStreamWorker, JetStreamWorkerOptions } from './jetstream.worker.ts';
// The composition root builds the JetStream handles from the connection; re-exported so it needs no
// second import path for the client.
export { jetstream, jetstreamManager } from '@nats-io/jetstream';
export type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
