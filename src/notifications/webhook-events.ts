/**
 * The events a filer receives (by webhook and by the server-sent-events stream) and their wire
 * shape, the Standard Webhooks payload `{ type, timestamp, data }`. The type of a stored notification
 * is derived in SQL (`vigil_event_type`, migration 0024) so that the trigger, replays and reads agree.
 */

export const EVENT_TYPES = [
  'outcome.decided',
  'outcome.request-for-information',
  'amendment.registered',
  'filing.invalidated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** A notification as an event: what the dispatcher signs and the stream sends. */
export interface StoredEvent {
  readonly id: number;
  readonly authority: string;
  readonly filer: string;
  readonly type: string;
  readonly mrn: string;
  readonly lrn: string | null;
  readonly payload: unknown;
  readonly createdAt: Date;
}

export interface EventPayload {
  readonly type: string;
  readonly timestamp: string;
  readonly data: Readonly<Record<string, unknown>> & { readonly mrn: string; readonly lrn: string | null };
}

/** The Standard Webhooks payload of an event: `data` holds the MRN, the LRN and what happened. */
export function eventPayload(e: StoredEvent): EventPayload {
  const body = (typeof e.payload === 'object' && e.payload !== null ? e.payload : {}) as Record<
    string,
    unknown
  >;
  return {
    type: e.type,
    timestamp: new Date(e.createdAt).toISOString(),
    data: { ...body, mrn: e.mrn, lrn: e.lrn },
  };
}

/** The `webhook-id` of an event: the same for every delivery of it, replays included. */
export function webhookIdOf(eventId: number): string {
  return `evt_${eventId}`;
}
