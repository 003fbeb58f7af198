/**
 * What the notification feed (GET /v1/notifications) and the event stream (GET /v1/events/stream)
 * answer, as zod schemas (the OpenAPI document and a generated client read them), with examples. A
 * notification's `kind` is what was stored (src/assessment, src/intake); its `type` is the event
 * type webhooks and the stream carry (`vigil_event_type`, migration 0024).
 */
import { z } from 'zod';
import { filerOutcomeSchema } from '../assessment/assessment.contract.ts';

const instant = z.string().describe('ISO 8601 date-time, UTC');

const common = { id: z.int().describe('the event id (`id:` of the event stream)'), mrn: z.string() };

/** An outcome decided or changed (src/assessment/assessment.service.ts). */
const outcomeNotificationSchema = z
  .object({
    ...common,
    kind: z.literal('outcome'),
    type: z
      .enum(['outcome.decided', 'outcome.request-for-information'])
      .describe('outcome.request-for-information when customs ask for information'),
    payload: z.object({
      mrn: z.string(),
      consignment: z.int(),
      version: z.int(),
      outcome: filerOutcomeSchema.describe(
        'the outcome as the filer sees it (GET /v1/filings/{mrn}/outcome)',
      ),
    }),
    createdAt: instant,
  })
  .meta({ id: 'OutcomeNotification' });

/** An amendment registered (src/intake/filing.service.ts). */
const amendmentNotificationSchema = z
  .object({
    ...common,
    kind: z.literal('amendment.registered'),
    type: z.literal('amendment.registered'),
    payload: z.object({
      mrn: z.string(),
      lrn: z.string(),
      fromVersion: z.int(),
      version: z.int(),
      reassessed: z.boolean().describe('a risk-relevant change: the filing is assessed again'),
      amendedAt: instant,
    }),
    createdAt: instant,
  })
  .meta({ id: 'AmendmentNotification' });

/** A filing invalidated (src/intake/filing.service.ts). */
const invalidationNotificationSchema = z
  .object({
    ...common,
    kind: z.literal('filing.invalidated'),
    type: z.literal('filing.invalidated'),
    payload: z.object({
      mrn: z.string(),
      lrn: z.string(),
      version: z.int(),
      reason: z.string().nullable(),
      invalidatedAt: instant,
    }),
    createdAt: instant,
  })
  .meta({ id: 'InvalidationNotification' });

export const notificationSchema = z
  .discriminatedUnion('kind', [
    outcomeNotificationSchema,
    amendmentNotificationSchema,
    invalidationNotificationSchema,
  ])
  .meta({ id: 'Notification' });

export const notificationPageSchema = z.object({
  items: z.array(notificationSchema),
  next: z.int().describe('the id of the last notification; pass it as `?next=` (unchanged when none came)'),
});

export const NOTIFICATION_PAGE_EXAMPLE: z.output<typeof notificationPageSchema> = {
  items: [
    {
      id: 17,
      mrn: '27IT0A1B2C3D4E5FZ1',
      kind: 'outcome',
      type: 'outcome.decided',
      payload: {
        mrn: '27IT0A1B2C3D4E5FZ1',
        consignment: 0,
        version: 1,
        outcome: { kind: 'assessment-complete' },
      },
      createdAt: '2027-03-01T10:00:01.000Z',
    },
    {
      id: 18,
      mrn: '27IT0A1B2C3D4E5FZ1',
      kind: 'amendment.registered',
      type: 'amendment.registered',
      payload: {
        mrn: '27IT0A1B2C3D4E5FZ1',
        lrn: 'ACME-2027-000123',
        fromVersion: 1,
        version: 2,
        reassessed: true,
        amendedAt: '2027-03-01T11:30:00.000Z',
      },
      createdAt: '2027-03-01T11:30:00.000Z',
    },
    {
      id: 19,
      mrn: '27IT0A1B2C3D4E5FZ1',
      kind: 'filing.invalidated',
      type: 'filing.invalidated',
      payload: {
        mrn: '27IT0A1B2C3D4E5FZ1',
        lrn: 'ACME-2027-000123',
        version: 2,
        reason: 'shipment cancelled',
        invalidatedAt: '2027-03-01T12:00:00.000Z',
      },
      createdAt: '2027-03-01T12:00:00.000Z',
    },
  ],
  next: 19,
};

/**
 * What a stream sends: the reconnection delay first, then per event `id:` (the notification id),
 * `event:` (its type) and `data:` (the Standard Webhooks payload, as a webhook carries it), and a
 * comment line (`:`) to keep an idle connection open.
 */
export const EVENT_STREAM_EXAMPLE = [
  'retry: 3000',
  '',
  'id: 1017',
  'event: outcome.decided',
  'data: {"type":"outcome.decided","timestamp":"2027-02-20T08:00:00.000Z","data":{"mrn":"27NL0A1B2C3D4E5FZ7","consignment":0,"version":1,"outcome":{"kind":"assessment-complete"},"lrn":"ACME-2027-000123"}}',
  '',
  'id: 1018',
  'event: filing.invalidated',
  'data: {"type":"filing.invalidated","timestamp":"2027-02-20T09:15:00.000Z","data":{"mrn":"27NL0A1B2C3D4E5FZ7","lrn":"ACME-2027-000123","version":1,"reason":"shipment cancelled","invalidatedAt":"2027-02-20T09:15:00.000Z"}}',
  '',
  ': heartbeat',
  '',
  '',
].join('\n');
