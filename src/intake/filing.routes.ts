/**
 * HTTP adapter of intake: /v1/filings. Parses paths and queries, calls the filing service and maps
 * its results onto status codes; every error goes to the problem+json handler.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { VigilError } from '../errors/index.ts';
import { filingSchema } from './filing.schema.ts';
import type { FilingService } from './filing.service.ts';
import { fromZodIssues } from '../errors/index.ts';
import { actorOf } from '../auth/index.ts';
import { XmlBody, locateErrors, mapIcs2Message, parseXml } from './ics2-xml/index.ts';

/** The filing as JSON Schema (also one line of a bulk request, bulk.routes.ts). */
export const filingBodySchema = z.toJSONSchema(filingSchema, {
  io: 'input',
  unrepresentable: 'any',
  target: 'draft-2020-12',
});
delete (filingBodySchema as { $schema?: string }).$schema;

const problemRef = { description: 'application/problem+json', type: 'object' } as const;
const summarySchema = {
  type: 'object',
  properties: {
    mrn: { type: 'string', example: '26NL0A1B2C3D4E5F6Z7' },
    lrn: { type: 'string' },
    filingType: { type: 'string' },
    status: { type: 'string', enum: ['registered', 'incomplete', 'invalidated'] },
    version: { type: 'integer' },
    lodgedAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    consignments: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          transportDocument: {
            type: 'object',
            properties: { type: { type: 'string' }, ref: { type: 'string' } },
          },
          status: { type: 'string', enum: ['complete', 'incomplete'] },
          masterMrn: { type: 'string' },
        },
      },
    },
    warnings: { type: 'array', items: { type: 'object' } },
  },
} as const;
const mrnParams = { type: 'object', properties: { mrn: { type: 'string' } }, required: ['mrn'] } as const;

const listQuerySchema = z.strictObject({
  lrn: z.string().min(1).max(35).optional(),
  status: z.enum(['registered', 'incomplete', 'invalidated']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  next: z.string().max(200).optional(),
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

export const filingRoutes: FastifyPluginCallback<{ filings: FilingService }> = (app, { filings }, done) => {
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
      schema: {
        'x-vigil-permission': 'filing.lodge',
        tags: ['filings'],
        summary: 'Lodge an entry summary declaration',
        description:
          'Validates and registers a filing. 201 with the new MRN; 200 with the existing MRN when the same filer already lodged this LRN; 422 with every error at once.',
        body: filingBodySchema,
        response: { 200: summarySchema, 201: summarySchema, 422: problemRef },
      },
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
      schema: {
        'x-vigil-permission': 'filing.read',
        tags: ['filings'],
        summary: 'List filings, newest first, paged with the `next` cursor',
        querystring: z.toJSONSchema(listQuerySchema, { io: 'input' }),
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: summarySchema },
              next: { type: ['string', 'null'] },
            },
          },
        },
      },
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
      schema: {
        'x-vigil-permission': 'filing.read',
        tags: ['filings'],
        summary: 'A filing with its current data',
        params: mrnParams,
        response: { 404: problemRef },
      },
    },
    async (request) => filings.get(actorOf(request), request.params.mrn),
  );

  app.post<{ Params: { mrn: string } }>(
    '/filings/:mrn/amendments',
    {
      schema: {
        'x-vigil-permission': 'filing.lodge',
        tags: ['filings'],
        summary: 'Amend a filing with its complete new data',
        description:
          'Identifying fields (filing type, LRN, declarant and carrier EORI, office of first entry, mode, transport documents) may not change. An amendment equal to the filing on file changes nothing; only one that changes what the assessment reads is assessed again, and control tasks keep their assignee. 409 VIGIL_AMENDMENT_TOO_LATE once amendments closed for the mode (before the estimated arrival) or a control of the goods was decided.',
        params: mrnParams,
        body: filingBodySchema,
        response: { 200: summarySchema, 409: problemRef, 422: problemRef },
      },
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
      schema: {
        'x-vigil-permission': 'filing.lodge',
        tags: ['filings'],
        summary: 'Accept house filings (or 7+1 complements) of other filers under this filing',
        description:
          'The filer of a master filing names the filers (token subjects) whose house consignments may link to it; the filer of a 7+1 pre-loading set (F23, F24, F32, F43) names the filers whose complement (F25) may complete it. Without this, parts link only within one filer; a filer never sees the MRN of another filer’s part.',
        params: mrnParams,
        body: z.toJSONSchema(houseFilersSchema, { io: 'input' }),
        response: { 409: problemRef },
      },
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
      schema: {
        'x-vigil-permission': 'filing.lodge',
        tags: ['filings'],
        summary: 'Invalidate a filing',
        params: mrnParams,
        body: z.toJSONSchema(invalidationSchema, { io: 'input' }),
        response: { 200: summarySchema, 409: problemRef },
      },
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
