/**
 * HTTP adapter of the queue's workbench routes: saved filters (a person's own), bulk dismiss of the
 * selected consignments with one reason (a result per consignment), and the staff's stream of the
 * queue's changes as server-sent events (resume with Last-Event-ID), scoped to the caller's authority.
 */
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePermission } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import { jsonBody, jsonResponse, noContent, operation, textResponse } from '../contract/index.ts';
import { lastEventId, sseStreams, withLastEventId } from '../contract/index.ts';
import type { AssessmentService } from './assessment.service.ts';
import {
  QUEUE_STREAM_EXAMPLE,
  SAVED_FILTER_EXAMPLE,
  bulkDismissResultSchema,
  bulkDismissSchema,
  savedFilterCreateSchema,
  savedFilterListSchema,
  savedFilterSchema,
} from './queue.contract.ts';
import type { QueueService } from './queue.service.ts';

export interface QueueRoutesOptions {
  readonly assessments: AssessmentService;
  readonly queue: QueueService;
  /** How often an open stream looks for new events. */
  readonly pollMs: number;
  /** Idle time after which a comment line is sent. */
  readonly heartbeatMs: number;
  readonly stillAuthenticated?: ((request: FastifyRequest) => Promise<boolean>) | undefined;
  /** Streams one person may hold open at once in this process (a few tabs). */
  readonly maxPerCaller?: number | undefined;
}

const PAGE = 100;

const idParams = z.object({ id: z.string().min(1).max(20).describe('the saved filter’s id') });

// The stream's headers are written on the raw response (hijacked): no rate-limit headers.
const { headers: _rateLimit, ...streamResponse } = textResponse(
  'The queue’s changes, as they happen',
  'text/event-stream',
  QUEUE_STREAM_EXAMPLE,
);

const baseStream = operation({
  operationId: 'streamQueue',
  permission: 'assessment.read',
  tags: ['assessment'],
  summary: 'The queue’s changes as server-sent events (officials; resume with Last-Event-ID)',
  description:
    'Send `Accept: text/event-stream` (EventSource does, with the session cookie). Events: `queue.assessed` (a consignment of your authority was assessed with hits: it enters the queue) and `queue.reviewed` (a hit was reviewed: `decision` dismissed or confirmed, i.e. referred to control; `open` is how many of its hits still await review). A stream opened without Last-Event-ID starts with the next change; reconnect with `Last-Event-ID` (or `?after=`) to continue after the last event received. Lines starting with `:` are heartbeats. One person may hold a few streams open at once (429 beyond).',
  responses: { 200: streamResponse },
  errors: ['VIGIL_BAD_REQUEST', 'VIGIL_NOT_ACCEPTABLE', 'VIGIL_RATE_LIMITED'],
});
const streamOperation = withLastEventId(baseStream);

export const queueRoutes: FastifyPluginCallback<QueueRoutesOptions> = (app, opts, done) => {
  const { assessments, queue } = opts;
  const streams = sseStreams(app, opts);

  app.get(
    '/queue/filters',
    {
      schema: operation({
        operationId: 'listSavedFilters',
        permission: 'assessment.read',
        tags: ['assessment'],
        summary: 'Your saved filters of the queue, by name',
        responses: {
          200: jsonResponse('Your saved filters', savedFilterListSchema, { items: [SAVED_FILTER_EXAMPLE] }),
        },
      }),
    },
    async (request) => ({ items: await queue.savedFilters(actorOf(request)) }),
  );
  app.post(
    '/queue/filters',
    {
      schema: operation({
        operationId: 'saveFilter',
        permission: 'assessment.read',
        tags: ['assessment'],
        summary: 'Save the queue’s filters under a name (yours only)',
        body: jsonBody(savedFilterCreateSchema, {
          name: SAVED_FILTER_EXAMPLE.name,
          filters: SAVED_FILTER_EXAMPLE.filters,
        }),
        responses: { 201: jsonResponse('Saved', savedFilterSchema, SAVED_FILTER_EXAMPLE) },
        errors: ['VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => {
      const body = parseInput(savedFilterCreateSchema, request.body ?? {});
      return reply.status(201).send(await queue.saveFilter(actorOf(request), body));
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/queue/filters/:id',
    {
      schema: operation({
        operationId: 'deleteSavedFilter',
        permission: 'assessment.read',
        tags: ['assessment'],
        summary: 'Delete one of your saved filters',
        params: idParams,
        responses: { 204: noContent('Deleted') },
        errors: ['VIGIL_NOT_FOUND'],
      }),
    },
    async (request, reply) => {
      await queue.deleteFilter(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
  app.post(
    '/queue/dismissals',
    {
      schema: operation({
        operationId: 'dismissMany',
        permission: 'hit.review',
        tags: ['assessment'],
        summary: 'Dismiss, with one reason, every hit not yet reviewed of each selected consignment',
        description:
          'Each consignment is dismissed in its own transaction and audited as a single review would be; the answer says, per consignment, which hits were dismissed or why nothing was (`code` from the error catalogue: not visible to you, no assessment, nothing left to review). One refused consignment changes nothing for the others.',
        body: jsonBody(bulkDismissSchema, {
          items: [
            { mrn: '24NLDB7X2C4D1E8F90', consignment: 0 },
            { mrn: '24NLDB7X2C4D1E8F91', consignment: 1 },
          ],
          reason: 'known importer, invoices checked',
        }),
        responses: {
          200: jsonResponse('What was dismissed, per consignment', bulkDismissResultSchema, {
            dismissed: 1,
            failed: 1,
            results: [
              {
                mrn: '24NLDB7X2C4D1E8F90',
                consignment: 0,
                ok: true,
                dismissed: ['R-UNDERVALUE'],
                outcome: 'assessment-complete',
              },
              {
                mrn: '24NLDB7X2C4D1E8F91',
                consignment: 1,
                ok: false,
                code: 'VIGIL_CONFLICT',
                message: 'every hit of consignment 1 of 24NLDB7X2C4D1E8F91 was already reviewed',
              },
            ],
          }),
        },
      }),
    },
    async (request) => {
      const body = parseInput(bulkDismissSchema, request.body ?? {});
      const results = await assessments.dismissMany(actorOf(request), body);
      return {
        dismissed: results.filter((r) => r.ok).length,
        failed: results.filter((r) => !r.ok).length,
        results,
      };
    },
  );
  app.get('/queue/stream', { schema: streamOperation }, async (request, reply) => {
    const actor = actorOf(request);
    requirePermission(actor, 'assessment.read');
    await streams.serve(request, reply, {
      caller: `${actor.authority}:${actor.role}:${actor.subject}`,
      max: opts.maxPerCaller ?? 5,
      cursor: lastEventId(request.headers['last-event-id'], request.query) ?? 0,
      read: async (cursor) => {
        const { cursor: next, events } = await queue.events(actor, cursor, PAGE);
        return {
          events: events.map((e) => ({ id: e.id, event: `queue.${e.kind}`, data: e })),
          cursor: next,
          more: events.length === PAGE,
        };
      },
    });
  });
  done();
};
