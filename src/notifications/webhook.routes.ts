/**
 * HTTP adapter of webhook endpoints (/v1/webhooks): register (the secret is shown once), list,
 * delete, read the deliveries of one, and replay events from a date. docs/integration.md walks a
 * filer's developer through it.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import { EVENT_TYPES } from './webhook-events.ts';
import type { WebhookService } from './webhook.service.ts';

export interface WebhookRoutesOptions {
  readonly webhooks: WebhookService;
}

const registerSchema = z.strictObject({
  url: z.string().min(1).max(2048).describe('https URL Vigil POSTs each event to'),
  events: z
    .array(z.enum(EVENT_TYPES))
    .min(1)
    .max(EVENT_TYPES.length)
    .optional()
    .describe('event types to deliver; all when omitted'),
  description: z.string().trim().min(1).max(200).optional(),
});

const replaySchema = z.strictObject({
  since: z.iso.datetime({ offset: true }).describe('re-send every event recorded at or after this time'),
});

const deliveriesQuery = z.strictObject({
  status: z.enum(['pending', 'delivered', 'dead']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  next: z.coerce.number().int().min(1).optional(),
});

const jsonSchemaOf = (schema: z.ZodType): Record<string, unknown> => {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  delete (s as { $schema?: string }).$schema;
  return s;
};

const problemRef = { description: 'application/problem+json', type: 'object' } as const;
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;

const EXAMPLE_ID = 'wh_5f2c8e0a9b7d4c1e3a6f0b2d';
const endpointProperties = {
  id: { type: 'string' },
  url: { type: 'string', format: 'uri' },
  events: { type: 'array', items: { type: 'string', enum: [...EVENT_TYPES] } },
  description: { type: ['string', 'null'] },
  filer: {
    type: ['string', 'null'],
    description: "whose events: the filer's subject, or null for every filer",
  },
  createdAt: { type: 'string', format: 'date-time' },
} as const;
const endpointExample = {
  id: EXAMPLE_ID,
  url: 'https://hooks.acme-shipping.example/vigil',
  events: [...EVENT_TYPES],
  description: 'ACME production receiver',
  filer: 'acme',
  createdAt: '2027-02-20T08:00:00.000Z',
};
const endpointSchema = { type: 'object', properties: endpointProperties, example: endpointExample } as const;
const createdSchema = {
  type: 'object',
  properties: {
    ...endpointProperties,
    secret: { type: 'string', description: 'the signing secret (whsec_…); shown only in this answer' },
  },
  required: ['id', 'url', 'events', 'secret', 'createdAt'],
  example: { ...endpointExample, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
} as const;
const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    eventId: { type: 'integer' },
    webhookId: {
      type: 'string',
      description: 'the webhook-id header: the same for every delivery of the event',
    },
    type: { type: 'string', enum: [...EVENT_TYPES] },
    replay: { type: 'boolean' },
    status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
    attempts: { type: 'integer' },
    lastStatusCode: { type: ['integer', 'null'] },
    lastError: { type: ['string', 'null'] },
    lastAttemptAt: { type: ['string', 'null'], format: 'date-time' },
    nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
    deliveredAt: { type: ['string', 'null'], format: 'date-time' },
    deadLetteredAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const webhookRoutes: FastifyPluginCallback<WebhookRoutesOptions> = (app, { webhooks }, done) => {
  app.post(
    '/webhooks',
    {
      schema: {
        'x-vigil-permission': 'webhook.manage',
        tags: ['notifications'],
        summary: 'Register a webhook endpoint (its signing secret is shown once)',
        description:
          'Events are POSTed signed by the Standard Webhooks scheme (webhook-id, webhook-timestamp, webhook-signature), in order per endpoint, retried with backoff and dead-lettered after the configured attempts. A filer receives its own events; an endpoint an admin registers receives every filer’s of the authority. https only (http for this machine); no private-network addresses unless the server allows them.',
        body: {
          ...jsonSchemaOf(registerSchema),
          example: {
            url: 'https://hooks.acme-shipping.example/vigil',
            description: 'ACME production receiver',
          },
        },
        response: { 201: createdSchema, 409: problemRef, 422: problemRef },
      },
    },
    async (request, reply) => {
      const body = parseInput(registerSchema, request.body ?? {});
      const created = await webhooks.register(actorOf(request), body);
      return reply.status(201).header('location', `/v1/webhooks/${created.id}`).send(created);
    },
  );

  app.get(
    '/webhooks',
    {
      schema: {
        'x-vigil-permission': 'webhook.manage',
        tags: ['notifications'],
        summary: 'Webhook endpoints: a filer’s own, or every one of the authority for an admin (no secrets)',
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: endpointSchema } },
            example: { items: [endpointExample] },
          },
        },
      },
    },
    async (request) => ({ items: await webhooks.list(actorOf(request)) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/webhooks/:id',
    {
      schema: {
        'x-vigil-permission': 'webhook.manage',
        tags: ['notifications'],
        summary: 'Delete a webhook endpoint (its pending deliveries are not sent; its history stays)',
        params: idParams,
        response: {
          204: { type: 'null', description: 'deleted', example: null },
          404: problemRef,
        },
      },
    },
    async (request, reply) => {
      await webhooks.remove(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/webhooks/:id/deliveries',
    {
      schema: {
        'x-vigil-permission': 'webhook.manage',
        tags: ['notifications'],
        summary: 'Deliveries of an endpoint, newest first: attempts, last status code or error, next attempt',
        params: idParams,
        querystring: z.toJSONSchema(deliveriesQuery, { io: 'input' }),
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: deliverySchema },
              next: { type: ['integer', 'null'], description: 'pass as `next` for the following page' },
            },
            example: {
              items: [
                {
                  id: 42,
                  eventId: 1017,
                  webhookId: 'evt_1017',
                  type: 'outcome.decided',
                  replay: false,
                  status: 'pending',
                  attempts: 2,
                  lastStatusCode: 503,
                  lastError: 'the receiver answered 503',
                  lastAttemptAt: '2027-02-20T08:01:00.000Z',
                  nextAttemptAt: '2027-02-20T08:02:00.000Z',
                  deliveredAt: null,
                  deadLetteredAt: null,
                  createdAt: '2027-02-20T08:00:00.000Z',
                },
              ],
              next: null,
            },
          },
          404: problemRef,
        },
      },
    },
    async (request) => {
      const q = parseInput(deliveriesQuery, request.query, 'VIGIL_QUERY_INVALID');
      return webhooks.deliveries(actorOf(request), request.params.id, q);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/webhooks/:id/replay',
    {
      schema: {
        'x-vigil-permission': 'webhook.manage',
        tags: ['notifications'],
        summary: 'Re-send every event since a date to this endpoint (same webhook-ids: receivers dedupe)',
        params: idParams,
        body: { ...jsonSchemaOf(replaySchema), example: { since: '2027-02-19T00:00:00Z' } },
        response: {
          202: {
            type: 'object',
            properties: { queued: { type: 'integer', description: 'deliveries queued' } },
            example: { queued: 12 },
          },
          404: problemRef,
        },
      },
    },
    async (request, reply) => {
      const body = parseInput(replaySchema, request.body ?? {});
      const queued = await webhooks.replay(actorOf(request), request.params.id, new Date(body.since));
      return reply.status(202).send(queued);
    },
  );
  done();
};
