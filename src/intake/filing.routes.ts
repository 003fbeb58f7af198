/**
 * HTTP adapter of intake: /v1/filings. Parses paths and queries, calls the filing service and maps
 * its results onto status codes; every error goes to the problem+json handler.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { VigilError } from '../errors/index.ts';
import { filingSchema } from './filing.schema.ts';
import {
  FILING_XML_EXAMPLE,
  MRN_EXAMPLE,
  filingExamples,
  filingDetailSchema,
  filingPageSchema,
  filingSummarySchema,
  houseFilersResultSchema,
} from './filing.contract.ts';
import { jsonBody, jsonResponse, nextCursorQuery, operation } from '../contract/index.ts';
import type { FilingService } from './filing.service.ts';
import { fromZodIssues } from '../errors/index.ts';
import { actorOf } from '../auth/index.ts';
import { XmlBody, locateErrors, mapIcs2Message, parseXml } from './ics2-xml/index.ts';

const mrnParams = z.object({ mrn: z.string().min(1).describe('the MRN of the filing') });

const XML_ERRORS = ['VIGIL_XML_MALFORMED', 'VIGIL_XML_FORBIDDEN', 'VIGIL_XML_TOO_LARGE'] as const;
const location = {
  Location: { type: 'string', description: 'the filing: /v1/filings/{mrn}' },
} as const;

const listQuerySchema = z.strictObject({
  lrn: z.string().min(1).max(35).optional(),
  status: z.enum(['registered', 'incomplete', 'invalidated']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  next: nextCursorQuery,
});

const invalidationSchema = z.strictObject({ reason: z.string().trim().min(1).max(512).optional() });

const houseFilersSchema = z.strictObject({
  /** Subjects of the filers whose house filings may link to this master (their tokens' subject). */
  filers: z.array(z.string().trim().min(1).max(200)).min(1).max(100),
});

function requireBody(body: unknown, contentType: string | undefined): unknown {
  // No content type means no JSON was sent (Fastify then hands the route a null body).
  if (body === undefined || contentType === undefined) {
    throw new VigilError(
      'VIGIL_UNSUPPORTED_MEDIA_TYPE',
      'send the filing as a JSON body with Content-Type: application/json (or as an ICS2 IE3F message with Content-Type: application/xml)',
    );
  }
  return body;
}

/**
 * Lodges `body` with `lodge`; an ICS2 XML message is first mapped onto the JSON filing (its structure
 * errors name XPaths), and the errors of the JSON validation are then reported at the XPaths that
 * carried the fields.
 */
async function lodgeJsonOrXml<T>(
  body: unknown,
  invalid: 'VIGIL_FILING_INVALID' | 'VIGIL_AMENDMENT_INVALID',
  lodge: (filing: unknown) => Promise<T>,
): Promise<T> {
  if (!(body instanceof XmlBody)) {
    return lodge(body);
  }
  const mapped = mapIcs2Message(body);
  if (!mapped.ok) {
    throw new VigilError(invalid, `the XML message has ${mapped.errors.length} error(s)`, mapped.errors);
  }
  try {
    return await lodge(mapped.value.filing);
  } catch (err) {
    if (err instanceof VigilError && err.errors !== undefined) {
      throw new VigilError(err.code, err.message, locateErrors(err.errors, mapped.value));
    }
    throw err;
  }
}

export interface FilingRoutesOptions {
  readonly filings: FilingService;
  /** The filing the document shows (the demo generator's; src/demo/demo-example.ts). */
  readonly exampleFiling: z.input<typeof filingSchema>;
}

export const filingRoutes: FastifyPluginCallback<FilingRoutesOptions> = (
  app,
  { filings, exampleFiling },
  done,
) => {
  const examples = filingExamples(exampleFiling);
  /** A filing as JSON (the zod contract the validator parses) or as an ICS2 IE3F XML message. */
  const filingBody = jsonBody(filingSchema, examples.filing, {
    'application/xml': {
      schema: { type: 'string', description: 'an ICS2 IE3F message (docs/ics2-xml.md)' },
      example: FILING_XML_EXAMPLE,
    },
  });

  // ICS2 IE3F messages as XML, for these routes only; the server's body limit applies.
  app.addContentTypeParser('application/xml', { parseAs: 'string' }, (_request, body, parsed) => {
    try {
      parsed(null, parseXml(body as string));
    } catch (err) {
      parsed(err as Error, undefined);
    }
  });

  app.post(
    '/filings',
    {
      schema: operation({
        operationId: 'lodgeFiling',
        permission: 'filing.lodge',
        tags: ['filings'],
        summary: 'Lodge an entry summary declaration',
        description:
          'Validates and registers a filing, as JSON or as an ICS2 IE3F XML message. 201 with the new MRN; 422 with every error at once. ' +
          'Idempotent on the filer and the LRN: lodging an LRN this filer already lodged answers 200 with the filing on file (even when the retry differs), ' +
          'so a filer retries after a timeout or a lost answer without risk of a second filing; no Idempotency-Key header is needed.',
        body: filingBody,
        responses: {
          200: jsonResponse(
            'This filer already lodged this LRN: the filing on file',
            filingSummarySchema,
            examples.summary,
            { headers: location },
          ),
          201: jsonResponse('Registered: the new MRN', filingSummarySchema, examples.summary, {
            headers: location,
          }),
        },
        errors: ['VIGIL_FILING_INVALID', 'VIGIL_EORI_NOT_BOUND', ...XML_ERRORS],
      }),
    },
    async (request, reply) => {
      const { created, filing } = await lodgeJsonOrXml(
        requireBody(request.body, request.headers['content-type']),
        'VIGIL_FILING_INVALID',
        (body) => filings.register(actorOf(request), body, { requestId: request.id }),
      );
      return reply
        .status(created ? 201 : 200)
        .header('location', `/v1/filings/${filing.mrn}`)
        .send(filing);
    },
  );

  app.get(
    '/filings',
    {
      schema: operation({
        operationId: 'listFilings',
        permission: 'filing.read',
        tags: ['filings'],
        summary: 'List filings, newest first, paged with the `next` cursor',
        query: listQuerySchema,
        responses: {
          200: jsonResponse('A page of filings', filingPageSchema, {
            items: [examples.summary],
            next: null,
          }),
        },
      }),
    },
    async (request) => {
      const q = listQuerySchema.safeParse(request.query, { reportInput: true });
      if (!q.success) {
        throw new VigilError(
          'VIGIL_QUERY_INVALID',
          'a query parameter is invalid',
          fromZodIssues(q.error.issues, 'the query'),
        );
      }
      return filings.list(actorOf(request), {
        lrn: q.data.lrn,
        status: q.data.status,
        from: q.data.from !== undefined ? new Date(q.data.from) : undefined,
        to: q.data.to !== undefined ? new Date(q.data.to) : undefined,
        limit: q.data.limit,
        cursor: q.data.next,
      });
    },
  );

  app.get<{ Params: { mrn: string } }>(
    '/filings/:mrn',
    {
      schema: operation({
        operationId: 'getFiling',
        permission: 'filing.read',
        tags: ['filings'],
        summary: 'A filing with its current data',
        params: mrnParams,
        responses: { 200: jsonResponse('The filing', filingDetailSchema, examples.detail) },
        errors: ['VIGIL_FILING_NOT_FOUND'],
      }),
    },
    async (request) => filings.get(actorOf(request), request.params.mrn),
  );

  app.post<{ Params: { mrn: string } }>(
    '/filings/:mrn/amendments',
    {
      schema: operation({
        operationId: 'amendFiling',
        permission: 'filing.lodge',
        tags: ['filings'],
        summary: 'Amend a filing with its complete new data',
        description:
          'Identifying fields (filing type, LRN, declarant and carrier EORI, office of first entry, mode, transport documents) may not change. An amendment equal to the filing on file changes nothing; only one that changes what the assessment reads is assessed again, and control tasks keep their assignee. 409 VIGIL_AMENDMENT_TOO_LATE once amendments closed for the mode (before the estimated arrival) or a control of the goods was decided.',
        params: mrnParams,
        body: filingBody,
        responses: {
          200: jsonResponse('The filing after the amendment', filingSummarySchema, {
            ...examples.summary,
            version: 2,
          }),
        },
        errors: [
          'VIGIL_FILING_NOT_FOUND',
          'VIGIL_AMENDMENT_INVALID',
          'VIGIL_AMENDMENT_TOO_LATE',
          'VIGIL_FILING_INVALIDATED',
          'VIGIL_EORI_NOT_BOUND',
          ...XML_ERRORS,
        ],
      }),
    },
    async (request) =>
      lodgeJsonOrXml(
        requireBody(request.body, request.headers['content-type']),
        'VIGIL_AMENDMENT_INVALID',
        (body) => filings.amend(actorOf(request), request.params.mrn, body),
      ),
  );

  app.post<{ Params: { mrn: string } }>(
    '/filings/:mrn/house-filers',
    {
      schema: operation({
        operationId: 'acceptHouseFilers',
        permission: 'filing.lodge',
        tags: ['filings'],
        summary: 'Accept house filings (or 7+1 complements) of other filers under this filing',
        description:
          'The filer of a master filing names the filers (token subjects) whose house consignments may link to it; the filer of a 7+1 pre-loading set (F23, F24, F32, F43) names the filers whose complement (F25) may complete it. Without this, parts link only within one filer; a filer never sees the MRN of another filer’s part.',
        params: mrnParams,
        body: jsonBody(houseFilersSchema, { filers: ['forwarder-nl-01'] }),
        responses: {
          200: jsonResponse('The filers accepted under this filing', houseFilersResultSchema, {
            mrn: MRN_EXAMPLE,
            houseFilers: ['forwarder-nl-01'],
            linkedConsignments: 1,
          }),
        },
        errors: ['VIGIL_FILING_NOT_FOUND', 'VIGIL_FILING_INVALIDATED', 'VIGIL_CONFLICT'],
      }),
    },
    async (request) => {
      const parsed = houseFilersSchema.safeParse(request.body ?? {}, { reportInput: true });
      if (!parsed.success) {
        throw new VigilError('VIGIL_BAD_REQUEST', 'the body is invalid', fromZodIssues(parsed.error.issues));
      }
      return filings.acceptHouseFilers(actorOf(request), request.params.mrn, parsed.data.filers);
    },
  );

  app.post<{ Params: { mrn: string } }>(
    '/filings/:mrn/invalidation',
    {
      schema: operation({
        operationId: 'invalidateFiling',
        permission: 'filing.lodge',
        tags: ['filings'],
        summary: 'Invalidate a filing',
        params: mrnParams,
        body: jsonBody(invalidationSchema, { reason: 'shipment cancelled by the shipper' }),
        responses: {
          200: jsonResponse('The invalidated filing', filingSummarySchema, {
            ...examples.summary,
            status: 'invalidated',
          }),
        },
        errors: ['VIGIL_FILING_NOT_FOUND', 'VIGIL_INVALIDATION_TOO_LATE', 'VIGIL_FILING_INVALIDATED'],
      }),
    },
    async (request) => {
      const parsed = invalidationSchema.safeParse(request.body ?? {}, { reportInput: true });
      if (!parsed.success) {
        throw new VigilError(
          'VIGIL_BAD_REQUEST',
          'the invalidation body is invalid',
          fromZodIssues(parsed.error.issues),
        );
      }
      return filings.invalidate(actorOf(request), request.params.mrn, parsed.data.reason);
    },
  );
  done();
};
