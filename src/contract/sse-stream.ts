/**
 * The loop behind Vigil's server-sent-event streams (the filers' /v1/events/stream, the staff's
 * /v1/queue/stream): a read before the stream opens (so a refused read is an ordinary error answer),
 * `retry:`, each event as `id:`/`event:`/`data:`, a comment line as heartbeat when idle, a look for
 * new events every poll, back-pressure from a slow reader, an end when the caller's credentials stop
 * being valid, a limit of open streams per caller, and every open stream ended when the server stops.
 */
import { once } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { VigilError } from '../errors/index.ts';
import { paramsOf } from './contract.ts';
import type { JsonSchema } from './contract.ts';

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

/**
 * A stream's operation (from the contract) with the Last-Event-ID header and `?after=` declared. Both
 * are read by hand (lastEventId), not parsed with a schema, so they are added without the
 * VIGIL_QUERY_INVALID a parsed query may answer: a wrong id is a 400 VIGIL_BAD_REQUEST.
 */
export function withLastEventId<T extends { headers?: unknown }>(base: T): T & { querystring: JsonSchema } {
  const headers = (base.headers ?? {}) as JsonSchema;
  return {
    ...base,
    headers: {
      ...headers,
      properties: {
        ...(headers['properties'] as JsonSchema | undefined),
        ...(paramsOf(lastEventIdHeader)['properties'] as JsonSchema),
      },
    },
    querystring: paramsOf(streamQuery),
  };
}

export interface SseEvent {
  readonly id: number;
  readonly event: string;
  readonly data: unknown;
}

export interface SseBatch {
  readonly events: readonly SseEvent[];
  /** Where the next read continues (the last event's id, or where the stream starts). */
  readonly cursor: number;
  /** True when more events wait beyond this batch (read again at once, without waiting a poll). */
  readonly more: boolean;
}

export interface SseOptions {
  readonly pollMs: number;
  readonly heartbeatMs: number;
  readonly stillAuthenticated?: ((request: FastifyRequest) => Promise<boolean>) | undefined;
}

export interface SseStreams {
  /**
   * Answers `request` with a stream: refuses a request without `Accept: text/event-stream` and a
   * caller holding `max` streams already; `read(cursor)` gives the events after `cursor`.
   */
  serve(
    request: FastifyRequest,
    reply: FastifyReply,
    stream: {
      readonly caller: string;
      readonly max: number;
      readonly cursor: number;
      readonly read: (cursor: number) => Promise<SseBatch>;
    },
  ): Promise<void>;
}

/** The id a client resumes after: the Last-Event-ID header, else `?after=`; 0 when neither is sent. */
export function lastEventId(header: string | string[] | undefined, query: unknown): number | undefined {
  const raw = (Array.isArray(header) ? header[0] : header) ?? (query as { after?: string } | null)?.after;
  if (raw === undefined || raw === '') {
    return undefined;
  }
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      `Last-Event-ID ${JSON.stringify(raw)} is not an event id this server sent (a whole number)`,
    );
  }
  return Number(raw.trim());
}

/** The streams of one plugin: registers the hook that ends them when the server stops. */
export function sseStreams(app: FastifyInstance, opts: SseOptions): SseStreams {
  const open = new Set<() => void>();
  const perCaller = new Map<string, number>();
  app.addHook('preClose', (next) => {
    for (const end of open) {
      end();
    }
    next();
  });
  return {
    async serve(request, reply, stream) {
      if (!(request.headers.accept ?? '').includes('text/event-stream')) {
        throw new VigilError(
          'VIGIL_NOT_ACCEPTABLE',
          'this is a stream of server-sent events: send Accept: text/event-stream (EventSource does)',
        );
      }
      const { caller, max } = stream;
      if ((perCaller.get(caller) ?? 0) >= max) {
        throw new VigilError(
          'VIGIL_RATE_LIMITED',
          `you have ${max} event streams open already; close one (one stream carries all your events)`,
        );
      }
      // Read once before the stream opens, so a refused or failing read is an ordinary error answer.
      let batch = await stream.read(stream.cursor);
      let cursor = batch.cursor;

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
        if (batch.events.length === 0 && batch.cursor !== stream.cursor) {
          // A stream that starts at "now" names where that is: an id without data sets the client's
          // Last-Event-ID (EventSource dispatches nothing), so a reconnect before the first event
          // still resumes from here and misses nothing that happened in between.
          await write(`id: ${batch.cursor}\n\n`);
        }
        while (!closed) {
          for (const e of batch.events) {
            await write(`id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
            lastWrite = Date.now();
          }
          cursor = batch.cursor;
          if (closed) {
            break;
          }
          if (!batch.more) {
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
            batch = await stream.read(cursor);
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
  };
}
