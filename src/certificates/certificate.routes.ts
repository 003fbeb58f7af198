/**
 * HTTP adapter of the registry of certificates and licences, mounted under /v1: certificates (list
 * and search, create, change, import, history, usage) and the measures that require one.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePermission } from '../auth/index.ts';
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import { VigilError } from '../errors/index.ts';
import { RECORD_CONTENT_TYPES, formatOfContentType, importQuerySchema } from '../operators/index.ts';
import { historySchema } from '../operators/operator-registry.contract.ts';
import {
  CERTIFICATE_EXAMPLE,
  CERTIFICATE_IMPORT_EXAMPLE,
  CERTIFICATE_USE_EXAMPLE,
  REQUIREMENT_EXAMPLE,
  certificateImportSummarySchema,
  certificatePageSchema,
  certificateSchema,
  certificateUsageSchema,
  requirementSchema,
} from './certificate.contract.ts';
import {
  certificateInputSchema,
  listCertificatesQuerySchema,
  requirementInputSchema,
  usageQuerySchema,
} from './certificate.schema.ts';
import type { CertificateService } from './certificate.service.ts';

export interface CertificateRoutesOptions {
  readonly certificates: CertificateService;
}

const idParams = z.object({ id: z.string().min(1).max(40).describe('the certificate (crt_…)') });
const requirementParams = z.object({ id: z.string().min(1).max(40).describe('the measure') });
const NOT_FOUND = ['VIGIL_CERTIFICATE_NOT_FOUND'] as const;

/** An import as a JSON array (the documented example of application/json). */
const JSON_EXAMPLE = [
  {
    type: 'flegt-licence',
    number: 'ID-FLEGT-27-000871',
    issuer: 'Ministry of Environment and Forestry',
    goods: ['4409'],
    quantity: 20,
    unit: 'MTQ',
    validFrom: '2027-02-01',
  },
];

const CERTIFICATE_INPUT_EXAMPLE = {
  type: 'cites-permit' as const,
  number: 'DE-CITES-2027-004512',
  issuer: 'Bundesamt für Naturschutz',
  holderEori: 'DE123456789012345',
  goods: ['4407'],
  origin: 'CM',
  quantity: 100,
  unit: 'MTQ',
  validFrom: '2027-01-15',
  validUntil: '2027-07-14',
};

const REQUIREMENT_INPUT_EXAMPLE = {
  id: 'CITES-DALBERGIA',
  goodsPrefix: '4407',
  origin: '*',
  certificateType: 'cites-permit' as const,
  description: 'Rosewood (Dalbergia spp.), CITES Appendix II',
  validFrom: '2017-01-02',
};

export const certificateRoutes: FastifyPluginCallback<CertificateRoutesOptions> = (
  app,
  { certificates },
  done,
) => {
  app.addContentTypeParser(['text/csv', 'application/x-ndjson'], { parseAs: 'string' }, (_req, body, next) =>
    next(null, body),
  );

  app.get(
    '/certificates',
    {
      schema: operation({
        operationId: 'listCertificates',
        permission: 'registry.read',
        tags: ['certificates'],
        summary: 'Certificates and licences: by kind, number, holder, the goods code they cover, status',
        query: listCertificatesQuerySchema,
        responses: {
          200: jsonResponse('A page of certificates', certificatePageSchema, {
            items: [CERTIFICATE_EXAMPLE],
            next: null,
          }),
        },
      }),
    },
    async (request) => certificates.list(actorOf(request), request.query),
  );

  app.post(
    '/certificates',
    {
      schema: operation({
        operationId: 'createCertificate',
        permission: 'registry.write',
        tags: ['certificates'],
        summary: 'Register a certificate or licence of another authority',
        description:
          'Goods items cite it as a supporting document with its `documentCode` and `number`, and the `quantity` they use; registration writes that quantity off.',
        body: jsonBody(certificateInputSchema, CERTIFICATE_INPUT_EXAMPLE),
        responses: {
          201: jsonResponse(
            'The certificate, version 1',
            certificateSchema,
            { ...CERTIFICATE_EXAMPLE, remaining: 100 },
            {
              headers: { Location: { type: 'string', description: '/v1/certificates/{id}' } },
            },
          ),
        },
        errors: ['VIGIL_CERTIFICATE_INVALID', 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => {
      const created = await certificates.create(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/certificates/${created.id}`).send(created);
    },
  );

  app.post(
    '/certificates/import',
    {
      schema: operation({
        operationId: 'importCertificates',
        permission: 'registry.write',
        tags: ['certificates'],
        summary: 'Import certificates and measures requiring one (CSV, NDJSON or a JSON array)',
        description:
          'Each record has a `record` field (certificate or requirement; certificate when absent) and the fields of its kind; in CSV a list is written with `|`. A certificate registered under the same document code and number is changed. Every bad record is reported with `$[i]`, its line and a code; nothing is loaded when one is bad unless `?skipBad=true`.',
        consumes: Object.keys(RECORD_CONTENT_TYPES),
        query: importQuerySchema,
        body: jsonBody(
          z.array(z.record(z.string(), z.unknown())).describe('an array of records'),
          JSON_EXAMPLE,
          {
            'text/csv': {
              schema: {
                type: 'string',
                description: 'a header row naming the fields, then one record a line',
              },
              example:
                'type,number,issuer,holderEori,goods,quantity,unit,validFrom,validUntil\ncites-permit,DE-CITES-2027-004512,Bundesamt für Naturschutz,DE123456789012345,4407,100,MTQ,2027-01-15,2027-07-14\n',
            },
            'application/x-ndjson': {
              schema: { type: 'string', description: 'one JSON object a line' },
              example:
                '{"record":"requirement","id":"CITES-DALBERGIA","goodsPrefix":"4407","origin":"*","certificateType":"cites-permit","description":"Rosewood","validFrom":"2017-01-02"}\n',
            },
          },
        ),
        responses: {
          200: jsonResponse(
            'What was loaded, and the bad records',
            certificateImportSummarySchema,
            CERTIFICATE_IMPORT_EXAMPLE,
          ),
        },
        errors: ['VIGIL_REGISTRY_IMPORT_INVALID'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'registry.write');
      const format = formatOfContentType(request.headers['content-type']);
      if (format === undefined) {
        throw new VigilError(
          'VIGIL_UNSUPPORTED_MEDIA_TYPE',
          `send the records as ${Object.keys(RECORD_CONTENT_TYPES).join(', ')}`,
        );
      }
      return certificates.import(actor, request.body, format, request.query);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/certificates/:id',
    {
      schema: operation({
        operationId: 'getCertificate',
        permission: 'registry.read',
        tags: ['certificates'],
        summary: 'A certificate, with what is left of its quantity',
        params: idParams,
        responses: { 200: jsonResponse('The certificate', certificateSchema, CERTIFICATE_EXAMPLE) },
        errors: NOT_FOUND,
      }),
    },
    async (request) => certificates.get(actorOf(request), request.params.id),
  );

  app.put<{ Params: { id: string } }>(
    '/certificates/:id',
    {
      schema: operation({
        operationId: 'updateCertificate',
        permission: 'registry.write',
        tags: ['certificates'],
        summary: 'Change a certificate: its validity, holder, goods, status (cancel it) or quantity',
        description:
          'Its kind, document code and number do not change. A changed quantity moves what is left by as much, and may not go below what goods items have written off.',
        params: idParams,
        body: jsonBody(certificateInputSchema, { ...CERTIFICATE_INPUT_EXAMPLE, status: 'cancelled' }),
        responses: {
          200: jsonResponse('The new version', certificateSchema, {
            ...CERTIFICATE_EXAMPLE,
            status: 'cancelled',
            version: 2,
          }),
        },
        errors: [...NOT_FOUND, 'VIGIL_CERTIFICATE_INVALID', 'VIGIL_CERTIFICATE_QUANTITY_BELOW_USED'],
      }),
    },
    async (request) => certificates.update(actorOf(request), request.params.id, request.body),
  );

  app.get<{ Params: { id: string } }>(
    '/certificates/:id/history',
    {
      schema: operation({
        operationId: 'getCertificateHistory',
        permission: 'registry.read',
        tags: ['certificates'],
        summary: 'Every version of the certificate’s record, oldest first',
        params: idParams,
        responses: {
          200: jsonResponse('The versions', historySchema, {
            items: [
              {
                registry: 'certificate',
                recordId: CERTIFICATE_EXAMPLE.id,
                subject: CERTIFICATE_EXAMPLE.id,
                version: 1,
                action: 'created',
                data: { ...CERTIFICATE_INPUT_EXAMPLE, documentCode: 'C400', remaining: 100 },
                actor: 'coordinator:carla',
                at: '2027-01-15T09:00:00.000Z',
                importId: null,
              },
            ],
          }),
        },
        errors: NOT_FOUND,
      }),
    },
    async (request) => certificates.history(actorOf(request), request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/certificates/:id/usage',
    {
      schema: operation({
        operationId: 'getCertificateUsage',
        permission: 'registry.read',
        tags: ['certificates'],
        summary: 'Which filings cited the certificate, how much each wrote off, and what was refused',
        params: idParams,
        query: usageQuerySchema,
        responses: {
          200: jsonResponse('The certificate and a page of its uses, oldest first', certificateUsageSchema, {
            certificate: CERTIFICATE_EXAMPLE,
            items: [CERTIFICATE_USE_EXAMPLE],
            next: null,
          }),
        },
        errors: NOT_FOUND,
      }),
    },
    async (request) => certificates.usage(actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/certificate-requirements',
    {
      schema: operation({
        operationId: 'listCertificateRequirements',
        permission: 'registry.read',
        tags: ['certificates'],
        summary: 'The measures that require a certificate for goods and origin',
        responses: {
          200: jsonResponse('The measures', z.object({ items: z.array(requirementSchema) }), {
            items: [REQUIREMENT_EXAMPLE],
          }),
        },
      }),
    },
    async (request) => certificates.listRequirements(actorOf(request)),
  );

  app.post(
    '/certificate-requirements',
    {
      schema: operation({
        operationId: 'createCertificateRequirement',
        permission: 'registry.write',
        tags: ['certificates'],
        summary: 'Add a measure: goods under a code prefix from an origin need a certificate of a kind',
        description:
          'A goods item that falls under it and cites no certificate of the kind is a hit of its assessment (SIG-CERTIFICATE-MISSING, a documentary check).',
        body: jsonBody(requirementInputSchema, REQUIREMENT_INPUT_EXAMPLE),
        responses: { 201: jsonResponse('The measure, version 1', requirementSchema, REQUIREMENT_EXAMPLE) },
        errors: ['VIGIL_CERTIFICATE_REQUIREMENT_INVALID', 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) =>
      reply
        .status(201)
        .send((await certificates.putRequirement(actorOf(request), undefined, request.body)).requirement),
  );

  app.put<{ Params: { id: string } }>(
    '/certificate-requirements/:id',
    {
      schema: operation({
        operationId: 'updateCertificateRequirement',
        permission: 'registry.write',
        tags: ['certificates'],
        summary: 'Change a measure (end it with validUntil)',
        params: requirementParams,
        body: jsonBody(requirementInputSchema, { ...REQUIREMENT_INPUT_EXAMPLE, validUntil: '2027-12-31' }),
        responses: {
          200: jsonResponse('The new version', requirementSchema, {
            ...REQUIREMENT_EXAMPLE,
            validUntil: '2027-12-31',
            version: 2,
          }),
        },
        errors: ['VIGIL_CERTIFICATE_REQUIREMENT_NOT_FOUND', 'VIGIL_CERTIFICATE_REQUIREMENT_INVALID'],
      }),
    },
    async (request) =>
      (await certificates.putRequirement(actorOf(request), request.params.id, request.body)).requirement,
  );
  done();
};
