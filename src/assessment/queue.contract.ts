/**
 * The zod contracts of the queue's workbench routes: saved filters (GET/POST /v1/queue/filters,
 * DELETE /v1/queue/filters/{id}), bulk dismiss (POST /v1/queue/dismissals) and the events of the
 * staff's stream (GET /v1/queue/stream). One source for validation, the OpenAPI document and the
 * generated client.
 */
import { z } from 'zod';
import { ERROR_CATALOGUE } from '../errors/index.ts';
import type { ErrorCode } from '../errors/index.ts';
import { queueQuerySchema } from './assessment.contract.ts';

/** The queue's filters as a person saves them: the query of GET /v1/queue without its paging. */
export const queueFilterSetSchema = z
  .strictObject({
    review: queueQuerySchema.shape.review.unwrap().optional(),
    sort: queueQuerySchema.shape.sort.unwrap().optional(),
    mode: queueQuerySchema.shape.mode,
    office: queueQuerySchema.shape.office,
    riskArea: queueQuerySchema.shape.riskArea,
    rule: queueQuerySchema.shape.rule,
  })
  .meta({ id: 'QueueFilterSet' });

export const savedFilterCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(80).describe('the name the filter is listed under (unique for you)'),
  filters: queueFilterSetSchema,
});

export const savedFilterSchema = z
  .object({
    id: z.string().describe('pass to DELETE /v1/queue/filters/{id}'),
    name: z.string(),
    filters: queueFilterSetSchema,
    createdAt: z.string().describe('ISO 8601 date-time, UTC'),
  })
  .meta({ id: 'SavedFilter' });

export const savedFilterListSchema = z
  .object({ items: z.array(savedFilterSchema) })
  .meta({ id: 'SavedFilterList' });

export const SAVED_FILTER_EXAMPLE: z.output<typeof savedFilterSchema> = {
  id: '12',
  name: 'Rotterdam maritime, by arrival',
  filters: { review: 'open', sort: 'arrival', mode: 'maritime', office: 'NL000396' },
  createdAt: '2027-03-01T09:00:00.000Z',
};

export const bulkDismissSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({
        mrn: z.string().min(1).max(40).describe('the MRN of the filing'),
        consignment: z.number().int().min(0).describe('the consignment (index) in it'),
      }),
    )
    .min(1)
    .max(200)
    .describe('the consignments whose hits not yet reviewed are dismissed'),
  reason: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .describe('why, recorded on every dismissal and in the audit trail'),
});

const errorCodes = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];

export const bulkDismissResultSchema = z
  .object({
    dismissed: z.int().describe('consignments whose hits were dismissed'),
    failed: z.int().describe('consignments left as they were'),
    results: z.array(
      z.discriminatedUnion('ok', [
        z.object({
          mrn: z.string(),
          consignment: z.int(),
          ok: z.literal(true),
          dismissed: z.array(z.string()).describe('ids of the hits dismissed'),
          outcome: z.string().describe('the kind of the consignment’s outcome afterwards'),
        }),
        z.object({
          mrn: z.string(),
          consignment: z.int(),
          ok: z.literal(false),
          code: z.enum(errorCodes).describe('why nothing was dismissed (the error catalogue’s code)'),
          message: z.string(),
        }),
      ]),
    ),
  })
  .meta({ id: 'BulkDismissResult' });

export const QUEUE_STREAM_EXAMPLE = [
  'retry: 3000',
  '',
  'id: 41',
  'event: queue.assessed',
  'data: {"id":41,"kind":"assessed","mrn":"24NLDB7X2C4D1E8F90","consignment":0,"version":1,"score":0.62,"hits":2,"outcome":"control-recommended","at":"2027-03-01T10:00:01.000Z"}',
  '',
  'id: 42',
  'event: queue.reviewed',
  'data: {"id":42,"kind":"reviewed","mrn":"24NLDB7X2C4D1E8F90","consignment":0,"version":1,"hit":"R-UNDERVALUE","decision":"dismissed","outcome":"assessment-complete","open":1,"at":"2027-03-01T10:05:00.000Z"}',
  '',
  ': heartbeat',
  '',
  '',
].join('\n');
