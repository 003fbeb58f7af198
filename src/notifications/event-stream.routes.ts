/**
 * The caller's events as server-sent events (/v1/events/stream): `id:` is the event's id (the
 * notification id), `event:` its type, `data:` the same JSON a webhook carries. A client resumes
 * after the last id it saw with the Last-Event-ID header (EventSource sends it by itself); comments
 * keep idle connections alive; a stream ends when its token is revoked or expires, and every open
 * stream ends cleanly when the server stops.
 */
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { actorOf, requirePermission } from '../auth/index.ts';
import { operation, textResponse } from '../contract/index.ts';
import { EVENT_STREAM_EXAMPLE } from './notification.contract.ts';
import type { NotificationService } from './notification.service.ts';
import { eventPayload } from './webhook-events.ts';
import { lastEventId, sseStreams, withLastEventId } from '../contract/index.ts';

export interface EventStreamRoutesOptions {
  readonly notifications: NotificationService;
  /** How often an open stream looks for new events. */
  readonly pollMs: number;
  /** Idle time after which a comment line is sent. */
  readonly heartbeatMs: number;
  /**
   * Asked before each look for new events: a stream whose token was revoked (or expired) since it
   * opened ends, and reconnecting then fails as any request with that token would.
   */
  readonly stillAuthenticated?: ((request: FastifyRequest) => Promise<boolean>) | undefined;
  /** Streams one caller may hold open at once in this process (each looks for events every poll). */
  readonly maxPerCaller?: number | undefined;
}

const PAGE = 100;

// The stream's headers are written on the raw response (hijacked): the rate-limit headers of other
// answers are not among them.
const { headers: _rateLimit, ...streamResponse } = textResponse(
  'The events, as they happen',
  'text/event-stream',
  EVENT_STREAM_EXAMPLE,
);

/** The operation, from the contract; withLastEventId adds the header and `?after=`. */
const baseOperation = operation({
  operationId: 'streamEvents',
  permission: 'notification.read',
  tags: ['notifications'],
  summary: 'Your events as server-sent events (resume with Last-Event-ID)',
  description:
    'Send `Accept: text/event-stream`. Each event has `id:` (the event id), `event:` (its type: outcome.decided, outcome.request-for-information, amendment.registered, filing.invalidated) and `data:` (the JSON a webhook carries). Reconnect with `Last-Event-ID` (or `?after=`) to continue after the last event received; lines starting with `:` are heartbeats. One caller may hold a few streams open at once (429 beyond).',
  responses: { 200: streamResponse },
  errors: ['VIGIL_BAD_REQUEST', 'VIGIL_NOT_ACCEPTABLE', 'VIGIL_RATE_LIMITED'],
});
const streamOperation = withLastEventId(baseOperation);

export const eventStreamRoutes: FastifyPluginCallback<EventStreamRoutesOptions> = (app, opts, done) => {
  const streams = sseStreams(app, opts);

  app.get(
    '/events/stream',
    {
      schema: streamOperation,
    },
    async (request, reply) => {
      const actor = actorOf(request);
      requirePermission(actor, 'notification.read');
      await streams.serve(request, reply, {
        caller: `${actor.authority}:${actor.role}:${actor.subject}`,
        max: opts.maxPerCaller ?? 5,
        cursor: lastEventId(request.headers['last-event-id'], request.query) ?? 0,
        read: async (cursor) => {
          const events = await opts.notifications.events(actor, cursor, PAGE);
          return {
            events: events.map((e) => ({ id: e.id, event: e.type, data: eventPayload(e) })),
            cursor: events.at(-1)?.id ?? cursor,
            more: events.length === PAGE,
          };
        },
      });
    },
  );
  done();
};
