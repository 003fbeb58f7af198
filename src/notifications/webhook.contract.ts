/**
 * What the webhook routes answer (WebhookService's views), as zod schemas (the OpenAPI document and
 * a generated client read them), with examples. An endpoint's signing secret is in the answer to its
 * registration only.
 */
import { z } from 'zod';
import { EVENT_TYPES } from './webhook-events.ts';

const instant = z.string().describe('ISO 8601 date-time, UTC');

const endpointShape = {
  id: z.string(),
  url: z.string().describe('the URL events are POSTed to, as normalised at registration'),
  events: z.array(z.enum(EVENT_TYPES)).describe('the event types it receives'),
  description: z.string().nullable(),
  filer: z.string().nullable().describe("whose events: the filer's subject, or null for every filer"),
  createdAt: instant,
};

export const webhookEndpointSchema = z.object(endpointShape).meta({ id: 'WebhookEndpoint' });

export const registeredWebhookSchema = z
  .object({
    ...endpointShape,
    secret: z.string().describe('the signing secret (whsec_…); shown only in this answer'),
  })
  .meta({ id: 'RegisteredWebhookEndpoint' });

export const webhookListSchema = z.object({ items: z.array(webhookEndpointSchema) });

export const webhookDeliverySchema = z
  .object({
    id: z.int(),
    eventId: z.int().describe('the event (the id of its notification, the `id:` of the event stream)'),
    webhookId: z.string().describe('the webhook-id header: the same for every delivery of the event'),
    type: z.enum(EVENT_TYPES),
    replay: z.boolean().describe('queued by a replay'),
    status: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.int(),
    lastStatusCode: z.int().nullable().describe('the HTTP status the receiver last answered'),
    lastError: z.string().nullable(),
    lastAttemptAt: instant.nullable(),
    nextAttemptAt: instant.nullable().describe('when it is tried next; null unless pending'),
    deliveredAt: instant.nullable(),
    deadLetteredAt: instant.nullable(),
    createdAt: instant,
  })
  .meta({ id: 'WebhookDelivery' });

/** Deliveries are paged by delivery id (an integer cursor), newest first. */
export const webhookDeliveryPageSchema = z.object({
  items: z.array(webhookDeliverySchema),
  next: z.int().nullable().describe('pass as `?next=` for the following page; null on the last page'),
});

export const replayedSchema = z.object({ queued: z.int().describe('deliveries queued') });

export const WEBHOOK_EXAMPLE: z.output<typeof webhookEndpointSchema> = {
  id: 'wh_5f2c8e0a9b7d4c1e3a6f0b2d',
  url: 'https://hooks.acme-shipping.example/vigil',
  events: [...EVENT_TYPES],
  description: 'ACME production receiver',
  filer: 'acme',
  createdAt: '2027-02-20T08:00:00.000Z',
};

export const DELIVERY_EXAMPLE: z.output<typeof webhookDeliverySchema> = {
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
};
