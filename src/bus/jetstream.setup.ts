/**
 * Creating (or bringing up to date) the JetStream stream that carries outbox events and the durable
 * consumer that workers share. Every setting here protects against something; ADR 0003 says what.
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type {
  JetStreamManager,
  StreamConfig,
  StreamInfo,
  ConsumerConfig,
  ConsumerInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export interface EnsureStreamOptions {
  readonly name: string;
  /** e.g. ['vigil.events.>'] */
  readonly subjects: readonly string[];
  /** 1 on a single server; 3 in a three-node cluster (survives the loss of one node). */
  readonly replicas?: number | undefined;
  /** Window in which a repeated Nats-Msg-Id is dropped; default 10 min. Must exceed a relay's retry horizon. */
  readonly duplicateWindowMs?: number | undefined;
  /** How long events stay in the stream for replay and inspection; default 7 days. */
  readonly maxAgeMs?: number | undefined;
}

export async function ensureStream(jsm: JetStreamManager, options: EnsureStreamOptions): Promise<StreamInfo> {
  const settings = {
    subjects: [...options.subjects],
    num_replicas: options.replicas ?? 1,
    duplicate_window: nanos(options.duplicateWindowMs ?? 10 * 60_000),
    max_age: nanos(options.maxAgeMs ?? 7 * 24 * 3_600_000),
    discard: DiscardPolicy.Old,
  } satisfies Partial<StreamConfig>;
  try {
    await jsm.streams.info(options.name);
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
    try {
      return await jsm.streams.add({
        name: options.name,
        ...settings,
        // Written to disk (survives a server restart); limits retention so that several consumers
        // (assessment, notifications …) can read the same events and an operator can replay them.
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        // Nobody deletes single events by hand; a whole stream can still be removed.
        deny_delete: true,
      });
    } catch (addErr) {
      // Another process created it between our info and add: fall through to the update.
      if (!/already in use|already exists/i.test(String(addErr))) {
        throw addErr;
      }
    }
  }
  return jsm.streams.update(options.name, settings);
}

export interface EnsureConsumerOptions {
  readonly stream: string;
  readonly durable: string;
  readonly maxDeliver: number;
  readonly ackWaitMs: number;
  /** Outstanding unacknowledged messages across all workers; default 1000. */
  readonly maxAckPending?: number | undefined;
  readonly filterSubject?: string | undefined;
}

/** Creates the durable pull consumer, or updates the settings that can change. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  options: EnsureConsumerOptions,
): Promise<ConsumerInfo> {
  const settings = {
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: options.maxDeliver,
    max_ack_pending: options.maxAckPending ?? 1000,
  } satisfies Partial<ConsumerConfig>;
  try {
    await jsm.consumers.info(options.stream, options.durable);
    return await jsm.consumers.update(options.stream, options.durable, settings);
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
  }
  return jsm.consumers.add(options.stream, {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ...(options.filterSubject !== undefined ? { filter_subject: options.filterSubject } : {}),
    ...settings,
  });
}

function isNotFound(err: unknown): boolean {
  return /not found/i.test(err instanceof Error ? err.message : String(err));
}
