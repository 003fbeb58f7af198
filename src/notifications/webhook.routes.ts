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
import { jsonBody, jsonResponse, noContent, operation } from '../contract/index.ts';
import {
  DELIVERY_EXAMPLE,
  WEBHOOK_EXAMPLE,
  registeredWebhookSchema,
  replayedSchema,
  webhookDeliveryPageSchema,
  webhookListSchema,
} from './webhook.contract.ts';

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
  next: z.coerce.number().int().min(1).optional().describe('the `next` of the previous page'),
});

const idParams = z.object({ id: z.string().min(1).describe('the webhook endpoint (wh_…)') });
const NOT_FOUND = ['VIGIL_WEBHOOK_NOT_FOUND'] as const;

export const webhookRoutes: FastifyPluginCallback<WebhookRoutesOptions> = (app, { webhooks }, done) => {
  app.post(
    '/webhooks',
    {
      schema: operation({
        operationId: 'registerWebhook',
        permission: 'webhook.manage',
        tags: ['notifications'],
        summary: 'Register a webhook endpoint (its signing secret is shown once)',
        description:
          'Events are POSTed signed by the Standard Webhooks scheme (webhook-id, webhook-timestamp, webhook-signature), in order per endpoint, retried with backoff and dead-lettered after the configured attempts. A filer receives its own events; an endpoint an admin registers receives every filer’s of the authority. https only (http for this machine); no private-network addresses unless the server allows them.',
        body: jsonBody(registerSchema, {
          url: 'https://hooks.acme-shipping.example/vigil',
          description: 'ACME production receiver',
        }),
        responses: {
          201: jsonResponse(
            'The endpoint and its signing secret',
            registeredWebhookSchema,
            { ...WEBHOOK_EXAMPLE, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo=' },
            {
              headers: { Location: { type: 'string', description: '/v1/webhooks/{id} of the new endpoint' } },
            },
          ),
        },
        errors: [
          'VIGIL_WEBHOOK_URL_INVALID',
          'VIGIL_WEBHOOK_URL_INSECURE',
          'VIGIL_WEBHOOK_URL_PRIVATE',
          'VIGIL_WEBHOOK_LIMIT',
        ],
      }),
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
      schema: operation({
        operationId: 'listWebhooks',
        permission: 'webhook.manage',
        tags: ['notifications'],
        summary: 'Webhook endpoints: a filer’s own, or every one of the authority for an admin (no secrets)',
        responses: {
          200: jsonResponse('The endpoints, oldest first', webhookListSchema, { items: [WEBHOOK_EXAMPLE] }),
        },
      }),
    },
    async (request) => ({ items: await webhooks.list(actorOf(request)) }),
  );

  app.delete<{ Params: { id: string } }>(
    '/webhooks/:id',
    {
      schema: operation({
        operationId: 'deleteWebhook',
        permission: 'webhook.manage',
        tags: ['notifications'],
        summary: 'Delete a webhook endpoint (its pending deliveries are not sent; its history stays)',
        params: idParams,
        responses: { 204: noContent('Deleted') },
        errors: NOT_FOUND,
      }),
    },
    async (request, reply) => {
      await webhooks.remove(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/webhooks/:id/deliveries',
    {
      schema: operation({
        operationId: 'listWebhookDeliveries',
        permission: 'webhook.manage',
        tags: ['notifications'],
        summary: 'Deliveries of an endpoint, newest first: attempts, last status code or error, next attempt',
        params: idParams,
        query: deliveriesQuery,
        responses: {
          200: jsonResponse('A page of deliveries', webhookDeliveryPageSchema, {
            items: [DELIVERY_EXAMPLE],
            next: null,
          }),
        },
        errors: NOT_FOUND,
      }),
    },
    async (request) => {
      const q = parseInput(deliveriesQuery, request.query, 'VIGIL_QUERY_INVALID');
      return webhooks.deliveries(actorOf(request), request.params.id, q);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/webhooks/:id/replay',
    {
      schema: operation({
        operationId: 'replayWebhookEvents',
        permission: 'webhook.manage',
        tags: ['notifications'],
        summary: 'Re-send every event since a date to this endpoint (same webhook-ids: receivers dedupe)',
        params: idParams,
        body: jsonBody(replaySchema, { since: '2027-02-19T00:00:00Z' }),
        responses: { 202: jsonResponse('The deliveries queued', replayedSchema, { queued: 12 }) },
        errors: NOT_FOUND,
      }),
    },
    async (request, reply) => {
      const body = parseInput(replaySchema, request.body ?? {});
      const queued = await webhooks.replay(actorOf(request), request.params.id, new Date(body.since));
      return reply.status(202).send(queued);
    },
  );
  done();
};
