/**
 * The caller's events as server-sent events (/v1/events/stream): `id:` is the event's id (the
 * notification id), `event:` its type, `data:` the same JSON a webhook carries. A client resumes
 * after the last id it saw with the Last-Event-ID header (EventSource sends it by itself); comments
 * keep idle connections alive; a stream ends when its token is revoked or expires, and every open
 * stream ends cleanly when the server stops.
 */
import { once } from 'node:events';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { actorOf, requirePermission } from '../auth/index.ts';
import { z } from 'zod';
import { VigilError } from '../errors/index.ts';
import { operation, paramsOf, textResponse } from '../contract/index.ts';
import type { JsonSchema } from '../contract/index.ts';
import { EVENT_STREAM_EXAMPLE } from './notification.contract.ts';
import type { NotificationService } from './notification.service.ts';
import { eventPayload } from './webhook-events.ts';

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

/** `?after=` is what Last-Event-ID says, for a client that cannot send headers; read by lastEventId. */
const streamQuery = z.object({
  after: z
    .string()
    .optional()
    .describe('event id to continue after (as Last-Event-ID; the header wins when both are sent)'),
});
const lastEventIdHeader = z.object({
  'last-event-id': z
    .string()
    .optional()
    .describe('the id of the last event received: the stream continues after it (EventSource sends it)'),
});

// The stream's headers are written on the raw response (hijacked): the rate-limit headers of other
// answers are not among them.
const { headers: _rateLimit, ...streamResponse } = textResponse(
  'The events, as they happen',
  'text/event-stream',
  EVENT_STREAM_EXAMPLE,
);

/**
 * The operation, from the contract; the query and the Last-Event-ID header are read by hand (not
 * parsed with a schema), so they are added to it without the VIGIL_QUERY_INVALID a parsed query
 * may answer: a wrong id is a 400 VIGIL_BAD_REQUEST.
 */
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
const baseHeaders = baseOperation.headers as JsonSchema;
const streamOperation = {
  ...baseOperation,
  headers: {
    ...baseHeaders,
    properties: {
      ...(baseHeaders.properties as JsonSchema),
      ...(paramsOf(lastEventIdHeader).properties as JsonSchema),
    },
  },
  querystring: paramsOf(streamQuery),
};

function lastEventId(header: string | string[] | undefined, query: unknown): number {
  const raw = (Array.isArray(header) ? header[0] : header) ?? (query as { after?: string } | null)?.after;
  if (raw === undefined || raw === '') {
    return 0;
  }
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      `Last-Event-ID ${JSON.stringify(raw)} is not an event id this server sent (a whole number)`,
    );
  }
  return Number(raw.trim());
}

export const eventStreamRoutes: FastifyPluginCallback<EventStreamRoutesOptions> = (app, opts, done) => {
  const open = new Set<() => void>();
  const perCaller = new Map<string, number>();
  app.addHook('preClose', (next) => {
    for (const end of open) {
      end();
    }
    next();
  });

  app.get(
    '/events/stream',
    {
      schema: streamOperation,
    },
    async (request, reply) => {
      const actor = actorOf(request);
      requirePermission(actor, 'notification.read');
      if (!(request.headers.accept ?? '').includes('text/event-stream')) {
        throw new VigilError(
          'VIGIL_NOT_ACCEPTABLE',
          'this is a stream of server-sent events: send Accept: text/event-stream (EventSource does)',
        );
      }
      const caller = `${actor.authority}:${actor.role}:${actor.subject}`;
      const max = opts.maxPerCaller ?? 5;
      if ((perCaller.get(caller) ?? 0) >= max) {
        throw new VigilError(
          'VIGIL_RATE_LIMITED',
          `you have ${max} event streams open already; close one (one stream carries all your events)`,
        );
      }
      let cursor = lastEventId(request.headers['last-event-id'], request.query);
      // Read once before the stream opens, so a refused or failing read is an ordinary error answer.
      let batch = await opts.notifications.events(actor, cursor, PAGE);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let closed = false;
      let wake: (() => void) | undefined;
      const end = (): void => {
        if (!closed) {
          closed = true;
          wake?.();
          res.end();
        }
      };
      open.add(end);
      perCaller.set(caller, (perCaller.get(caller) ?? 0) + 1);
      res.on('close', end);
      const write = async (text: string): Promise<void> => {
        if (closed) {
          return;
        }
        // A reader slower than its events holds the loop here rather than filling memory.
        if (!res.write(text) && !closed) {
          await Promise.race([once(res, 'drain'), once(res, 'close')]);
        }
      };
      let lastWrite = Date.now();
      try {
        await write('retry: 3000\n\n');
        while (!closed) {
          for (const e of batch) {
            await write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(eventPayload(e))}\n\n`);
            cursor = e.id;
            lastWrite = Date.now();
          }
          if (closed) {
            break;
          }
          if (batch.length < PAGE) {
            if (Date.now() - lastWrite >= opts.heartbeatMs) {
              await write(': heartbeat\n\n');
              lastWrite = Date.now();
            }
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, opts.pollMs);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
          }
          if (!closed && (await opts.stillAuthenticated?.(request)) === false) {
            await write(': the token is no longer valid\n\n');
            break;
          }
          if (!closed) {
            batch = await opts.notifications.events(actor, cursor, PAGE);
          }
        }
      } catch (err) {
        // The client reconnects with the last id it received; nothing is skipped.
        request.log.warn({ err }, 'event stream ended by an error');
      } finally {
        open.delete(end);
        const left = (perCaller.get(caller) ?? 1) - 1;
        if (left > 0) {
          perCaller.set(caller, left);
        } else {
          perCaller.delete(caller);
        }
        end();
      }
    },
  );
  done();
};
