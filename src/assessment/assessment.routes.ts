/**
 * HTTP adapter of assessments: a filing's assessment with its explanation for officials, its outcome
 * for the filer, analysts' reviews of hits and the filer's answers to requests for information.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { CONTROL_TYPES } from '../domain/index.ts';
import { parseInput } from '../errors/index.ts';
import type { ExplainedHit } from './assess.ts';
import type { AssessmentService } from './assessment.service.ts';
import { filerView } from './entry-outcome.ts';
import type { EntryOutcome } from './entry-outcome.ts';
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import {
  ASSESSMENT_EXAMPLE,
  QUEUE_EXAMPLE,
  assessmentViewSchema,
  queuePageSchema,
  queueQuerySchema,
  outcomeViewSchema,
  reviewResultSchema,
  rfiResultSchema,
} from './assessment.contract.ts';

export interface AssessmentRoutesOptions {
  readonly assessments: AssessmentService;
}

const mrnParams = z.object({ mrn: z.string().min(1).describe('the MRN of the filing') });

const reviewSchema = z.strictObject({
  consignment: z.number().int().min(0),
  hitId: z.string().min(1).max(100),
  decision: z.enum(['confirmed', 'dismissed']),
  reason: z.string().trim().min(1).max(1000).optional(),
  control: z
    .strictObject({
      type: z.enum(CONTROL_TYPES).describe('the kind of control'),
      office: z
        .string()
        .regex(/^[A-Z]{2}[A-Z0-9]{6}$/, 'a customs office reference (an8), e.g. NL000396')
        .describe('the office of the caller’s authority that carries it out'),
    })
    .optional()
    .describe(
      'with `confirmed` only: the control to refer the consignment to; default the hit’s recommended control at the office of first entry',
    ),
});
const rfiSchema = z.strictObject({
  consignment: z.number().int().min(0).default(0),
  answer: z.string().trim().min(1).max(10_000),
});

/** A filing without consignments (the postal complement F44): nothing in it is assessed. */
function hasNoConsignments(body: unknown): boolean {
  return (body as { consignments?: unknown[] } | null)?.consignments?.length === 0;
}

export const assessmentRoutes: FastifyPluginCallback<AssessmentRoutesOptions> = (app, opts, done) => {
  const { assessments } = opts;
  app.get<{ Params: { mrn: string } }>(
    '/filings/:mrn/assessment',
    {
      schema: operation({
        operationId: 'getAssessment',
        permission: 'assessment.read',
        tags: ['assessment'],
        summary: 'The current assessment with its explanation (officials)',
        description:
          '`status` is `assessed` once the consignments have an assessment, `pending` while they wait ' +
          'for one, and `nothing-to-assess` for a filing without consignments (the postal complement ' +
          'F44): there is nothing to assess, and `consignments` is empty and complete.',
        params: mrnParams,
        responses: {
          200: jsonResponse('The assessment of each consignment', assessmentViewSchema, ASSESSMENT_EXAMPLE),
        },
        errors: ['VIGIL_FILING_NOT_FOUND'],
      }),
    },
    async (request) => {
      const {
        row,
        assessments: list,
        reviews,
      } = await assessments.explained(actorOf(request), request.params.mrn);
      return {
        mrn: row.mrn,
        filingVersion: row.version,
        status: hasNoConsignments(row.body)
          ? 'nothing-to-assess'
          : list.length === 0
            ? 'pending'
            : 'assessed',
        consignments: list.map((a) => ({
          index: a.seq,
          version: a.version,
          score: a.score,
          outcome: a.outcome,
          hits: a.hits as ExplainedHit[],
          errors: a.errors,
          random: a.random,
          model: a.model,
          conversion: a.conversion ?? null,
          assessedAt: a.assessedAt.toISOString(),
          reviews: reviews.filter((r) => r.version === a.version && r.seq === a.seq),
        })),
      };
    },
  );
  app.get(
    '/queue',
    {
      schema: operation({
        operationId: 'listQueue',
        permission: 'assessment.read',
        tags: ['assessment'],
        summary: 'The analysts’ queue: consignments with hits to review, by score or by arrival',
        description:
          'Current assessments (of each filing’s current version) with at least one hit, with their hit counts by severity, ' +
          'risk areas, rules, review progress and estimated arrival. `review=open` (default) lists those with a hit not yet reviewed.',
        query: queueQuerySchema,
        responses: { 200: jsonResponse('A page of the queue', queuePageSchema, QUEUE_EXAMPLE) },
      }),
    },
    async (request) =>
      assessments.queue(actorOf(request), parseInput(queueQuerySchema, request.query, 'VIGIL_QUERY_INVALID')),
  );
  app.get<{ Params: { mrn: string } }>(
    '/filings/:mrn/outcome',
    {
      schema: operation({
        operationId: 'getOutcome',
        permission: 'outcome.read',
        tags: ['assessment'],
        summary: 'What the carrier must do, per consignment',
        description:
          "`status` is the filing's; `assessment` is `assessed` when every consignment has an outcome, " +
          '`pending` while one waits for its assessment, and `nothing-to-assess` for a filing without ' +
          'consignments (the postal complement F44): nothing is to be done for it.',
        params: mrnParams,
        responses: {
          200: jsonResponse('What to do with each consignment', outcomeViewSchema, {
            mrn: ASSESSMENT_EXAMPLE.mrn,
            status: 'registered',
            assessment: 'assessed',
            consignments: [{ index: 0, outcome: { kind: 'assessment-complete' } }],
          }),
        },
        errors: ['VIGIL_FILING_NOT_FOUND'],
      }),
    },
    async (request) => {
      const { row, assessments: list } = await assessments.current(actorOf(request), request.params.mrn);
      const body = row.body as { consignments: unknown[] } | null;
      const consignments =
        body &&
        body.consignments.map((_c, seq) => {
          const a = list.find((x) => x.seq === seq);
          return {
            index: seq,
            outcome:
              a === undefined ? { kind: 'pending' } : filerView(a.outcome as EntryOutcome, row.mrn, seq),
          };
        });
      return {
        mrn: row.mrn,
        status: row.status,
        assessment: hasNoConsignments(row.body)
          ? 'nothing-to-assess'
          : consignments?.every((c) => c.outcome.kind !== 'pending')
            ? 'assessed'
            : 'pending',
        consignments,
      };
    },
  );
  app.post<{ Params: { mrn: string } }>(
    '/filings/:mrn/assessment/reviews',
    {
      schema: operation({
        operationId: 'reviewHit',
        permission: 'hit.review',
        tags: ['assessment'],
        summary:
          'An analyst confirms a hit (referring the consignment to control, of a chosen type at a chosen office) or dismisses it with a reason',
        params: mrnParams,
        body: jsonBody(reviewSchema, {
          consignment: 0,
          hitId: 'R-UNDERVALUE',
          decision: 'dismissed',
          reason: 'invoice checked: the price is a promotion',
        }),
        responses: {
          200: jsonResponse('The consignment’s outcome after the review', reviewResultSchema, {
            index: 0,
            version: 1,
            outcome: { kind: 'assessment-complete' },
          }),
        },
        errors: ['VIGIL_FILING_NOT_FOUND', 'VIGIL_NOT_FOUND', 'VIGIL_CONFLICT', 'VIGIL_OFFICE_INVALID'],
      }),
    },
    async (request) => {
      const b = parseInput(reviewSchema, request.body ?? {});
      const a = await assessments.review(actorOf(request), request.params.mrn, b);
      return { index: a.seq, version: a.version, outcome: a.outcome };
    },
  );
  app.post<{ Params: { mrn: string } }>(
    '/filings/:mrn/rfi-response',
    {
      schema: operation({
        operationId: 'answerRequestForInformation',
        permission: 'rfi.answer',
        tags: ['assessment'],
        summary: 'The filer answers a request for information',
        params: mrnParams,
        body: jsonBody(rfiSchema, {
          consignment: 0,
          answer:
            'The goods are galvanised steel tubes for scaffolding; the invoice is attached to the filing.',
        }),
        responses: {
          200: jsonResponse('The consignment’s outcome as the filer sees it', rfiResultSchema, {
            index: 0,
            outcome: {
              kind: 'request-for-information',
              message: 'your answer of 2027-03-01T11:00:00.000Z was received; customs are deciding.',
              questions: ['What is the use of the goods?'],
              answer: { text: 'Scaffolding tubes.', at: '2027-03-01T11:00:00.000Z', by: 'oocl-europe' },
            },
          }),
        },
        errors: ['VIGIL_FILING_NOT_FOUND', 'VIGIL_CONFLICT'],
      }),
    },
    async (request) => {
      const b = parseInput(rfiSchema, request.body ?? {});
      const a = await assessments.answerRfi(actorOf(request), request.params.mrn, b);
      return { index: a.seq, outcome: filerView(a.outcome as EntryOutcome, a.mrn, a.seq) };
    },
  );
  done();
};
