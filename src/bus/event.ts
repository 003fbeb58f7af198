/**
 * The bus port: what an event looks like to the code that handles it, whichever transport carried it
 * (the embedded outbox dispatcher or a JetStream worker). Delivery is at least once, so every handler
 * must be idempotent; together that gives "exactly once in effect" (ADR 0003).
 */

/** One outbox row, as delivered to a handler. */
export interface OutboxEvent {
  readonly id: number;
  readonly authority: string;
  readonly topic: string;
  readonly key: string;
  readonly payload: unknown;
  readonly createdAt: Date;
}

export interface DeliveryContext {
  /** 1 on the first delivery, 2 on the first redelivery, and so on. */
  readonly deliveryAttempt: number;
}

/** Handles one event; resolving means "done", throwing means "retry later". Must be idempotent. */
export type EventHandler = (event: OutboxEvent, ctx: DeliveryContext) => Promise<void>;

/** Where an infrastructure error happened (not a handler failure: those are recorded per event). */
export type BusErrorSource = 'dispatcher' | 'relay' | 'worker';

/** Receives infrastructure errors (database or NATS unreachable …); the loops retry by themselves. */
export type BusErrorListener = (error: unknown, source: BusErrorSource) => void;

/** Called once when an event is parked after its last allowed attempt. */
export type DeadLetterListener = (event: OutboxEvent, error: unknown) => void | Promise<void>;

/** Text of an error for storage and logs, bounded so a huge message cannot bloat a row. */
export function errorText(error: unknown, max = 2000): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The wire form of an event on JetStream (JSON); dates travel as ISO strings. */
export interface OutboxEventWire {
  readonly id: number;
  readonly authority: string;
  readonly topic: string;
  readonly key: string;
  readonly payload: unknown;
  readonly createdAt: string;
}

export function toWire(event: OutboxEvent): OutboxEventWire {
  return { ...event, createdAt: event.createdAt.toISOString() };
}

/** Parses the wire form; returns undefined for a message that is not an outbox event (poison). */
export function fromWire(value: unknown): OutboxEvent | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  if (
    typeof v['id'] !== 'number' ||
    typeof v['authority'] !== 'string' ||
    typeof v['topic'] !== 'string' ||
    typeof v['key'] !== 'string' ||
    typeof v['createdAt'] !== 'string'
  ) {
    return undefined;
  }
  const createdAt = new Date(v['createdAt']);
  if (Number.isNaN(createdAt.getTime())) {
    return undefined;
  }
  return {
    id: v['id'],
    authority: v['authority'],
    topic: v['topic'],
    key: v['key'],
    payload: v['payload'],
    createdAt,
  };
}
