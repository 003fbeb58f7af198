/**
 * HTTP adapter of the register of operators, mounted under /v1: operators by EORI (list and search,
 * create, change, history, import), AEO authorisations, mutual recognition agreements and the
 * partner programmes' operators recognised under them.
 */
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { Actor } from '../auth/index.ts';
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import { VigilError } from '../errors/index.ts';
import {
  AEO_EXAMPLE,
  HISTORY_EXAMPLE,
  MRA_EXAMPLE,
  OPERATOR_EXAMPLE,
  OPERATOR_IMPORT_EXAMPLE,
  PARTNER_EXAMPLE,
  aeoAuthorisationSchema,
  aeoPageSchema,
  historySchema,
  mraSchema,
  operatorDetailSchema,
  operatorImportSummarySchema,
  operatorPageSchema,
  operatorRecordSchema,
  partnerPageSchema,
  partnerSchema,
} from './operator-registry.contract.ts';
import {
  aeoInputSchema,
  importQuerySchema,
  listAeoQuerySchema,
  listOperatorsQuerySchema,
  listPartnersQuerySchema,
  mraInputSchema,
  operatorInputSchema,
  partnerInputSchema,
} from './operator-registry.schema.ts';
import type { OperatorRegistryService } from './operator-registry.service.ts';
import { RECORD_CONTENT_TYPES, formatOfContentType } from './record-file.ts';
import type { RecordFormat } from './record-file.ts';

export interface OperatorRegistryRoutesOptions {
  readonly registry: OperatorRegistryService;
}

const eoriParams = z.object({ eori: z.string().min(1).max(40).describe('the operator’s EORI') });
const numberParams = z.object({ number: z.string().min(1).max(40).describe('the authorisation number') });
const mraParams = z.object({ id: z.string().min(1).max(40).describe('the agreement’s id') });
const partnerParams = mraParams.extend({
  partnerId: z.string().min(1).max(40).describe('the partner programme’s operator identifier'),
});

const NOT_FOUND = ['VIGIL_OPERATOR_NOT_FOUND'] as const;
const IMPORT_TYPES = Object.keys(RECORD_CONTENT_TYPES);

/** The format of an import body, from its content type; the caller's permission is checked first. */
export function importFormat(request: FastifyRequest, actor: Actor): RecordFormat {
  requirePermission(actor, 'registry.write');
  const format = formatOfContentType(request.headers['content-type']);
  if (format === undefined) {
    throw new VigilError('VIGIL_UNSUPPORTED_MEDIA_TYPE', `send the records as ${IMPORT_TYPES.join(', ')}`);
  }
  return format;
}

/** An import as a JSON array (the documented example of application/json). */
const JSON_EXAMPLE = [
  { eori: 'DE123456789012345', name: 'Elektro Handel GmbH', country: 'DE', validFrom: '2015-03-01' },
  {
    record: 'aeo',
    number: 'DEAEOF0000123456',
    eori: 'DE123456789012345',
    type: 'AEOF',
    validFrom: '2019-06-01',
  },
];

const OPERATOR_INPUT_EXAMPLE = {
  eori: 'DE123456789012345',
  name: 'Elektro Handel GmbH',
  street: 'Hafenstr. 5',
  city: 'Hamburg',
  postcode: '20457',
  country: 'DE',
  validFrom: '2015-03-01',
};

export const operatorRegistryRoutes: FastifyPluginCallback<OperatorRegistryRoutesOptions> = (
  app,
  { registry },
  done,
) => {
  app.addContentTypeParser(['text/csv', 'application/x-ndjson'], { parseAs: 'string' }, (_req, body, next) =>
    next(null, body),
  );

  app.get(
    '/operators',
    {
      schema: operation({
        operationId: 'listOperators',
        permission: 'registry.read',
        tags: ['operators'],
        summary: 'The register of operators, by EORI: search by EORI prefix or name, country, AEO or not',
        query: listOperatorsQuerySchema,
        responses: {
          200: jsonResponse('A page of operators', operatorPageSchema, {
            items: [OPERATOR_EXAMPLE],
            next: null,
          }),
        },
      }),
    },
    async (request) => registry.listOperators(actorOf(request), request.query),
  );

  app.post(
    '/operators',
    {
      schema: operation({
        operationId: 'createOperator',
        permission: 'registry.write',
        tags: ['operators'],
        summary: 'Register an operator by its EORI',
        body: jsonBody(operatorInputSchema, OPERATOR_INPUT_EXAMPLE),
        responses: {
          201: jsonResponse('The operator, version 1', operatorRecordSchema, OPERATOR_EXAMPLE, {
            headers: { Location: { type: 'string', description: '/v1/operators/{eori} of the operator' } },
          }),
        },
        errors: ['VIGIL_OPERATOR_INVALID', 'VIGIL_EORI_INVALID', 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => {
      const created = await registry.createOperator(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/operators/${created.eori}`).send(created);
    },
  );

  app.post(
    '/operators/import',
    {
      schema: operation({
        operationId: 'importOperators',
        permission: 'registry.write',
        tags: ['operators'],
        summary:
          'Import operators, AEO authorisations, agreements and partner operators (CSV, NDJSON or a JSON array)',
        description:
          'Each record has a `record` field (operator, aeo, mra, mra-partner; operator when absent) and the fields of its kind, as the create routes take them; in CSV a list is written with `|` between its values. Records are created, or changed when their key (EORI, number, id, partner id) is registered. Every bad record is reported with `$[i]`, its line and a code; nothing is loaded when one is bad unless `?skipBad=true`.',
        consumes: IMPORT_TYPES,
        query: importQuerySchema,
        body: jsonBody(
          z.array(z.record(z.string(), z.unknown())).describe('an array of records'),
          JSON_EXAMPLE,
          {
            'text/csv': {
              schema: {
                type: 'string',
                description:
                  'a header row naming the fields, then one record a line; comma- or semicolon-separated',
              },
              example:
                'record,eori,name,country,validFrom,number,type\noperator,DE123456789012345,Elektro Handel GmbH,DE,2015-03-01,,\naeo,DE123456789012345,,,2019-06-01,DEAEOF0000123456,AEOF\n',
            },
            'application/x-ndjson': {
              schema: { type: 'string', description: 'one JSON object a line' },
              example:
                '{"record":"mra","id":"EU-US","partnerCountry":"US","programme":"C-TPAT","covers":["security"],"flows":["import","export"],"validFrom":"2012-06-01"}\n{"record":"mra-partner","mra":"EU-US","partnerId":"US7722145930","name":"Great Lakes Machinery Inc","validFrom":"2020-01-15"}\n',
            },
          },
        ),
        responses: {
          200: jsonResponse(
            'What was loaded, and the bad records',
            operatorImportSummarySchema,
            OPERATOR_IMPORT_EXAMPLE,
          ),
        },
        errors: ['VIGIL_REGISTRY_IMPORT_INVALID'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      return registry.import(actor, request.body, importFormat(request, actor), request.query);
    },
  );

  app.get<{ Params: { eori: string } }>(
    '/operators/:eori',
    {
      schema: operation({
        operationId: 'getOperator',
        permission: 'registry.read',
        tags: ['operators'],
        summary: 'An operator, its AEO authorisations and the AEO status it holds today',
        params: eoriParams,
        responses: {
          200: jsonResponse('The operator', operatorDetailSchema, {
            operator: OPERATOR_EXAMPLE,
            authorisations: [AEO_EXAMPLE],
            aeoToday: { type: 'AEOF', authorisation: AEO_EXAMPLE.number },
          }),
        },
        errors: NOT_FOUND,
      }),
    },
    async (request) => registry.getOperator(actorOf(request), request.params.eori),
  );

  app.put<{ Params: { eori: string } }>(
    '/operators/:eori',
    {
      schema: operation({
        operationId: 'updateOperator',
        permission: 'registry.write',
        tags: ['operators'],
        summary: 'Change an operator’s record (a new version; its EORI does not change)',
        params: eoriParams,
        body: jsonBody(operatorInputSchema, { ...OPERATOR_INPUT_EXAMPLE, validUntil: '2027-12-31' }),
        responses: {
          200: jsonResponse('The new version', operatorRecordSchema, {
            ...OPERATOR_EXAMPLE,
            validUntil: '2027-12-31',
            version: 2,
          }),
        },
        errors: [...NOT_FOUND, 'VIGIL_OPERATOR_INVALID'],
      }),
    },
    async (request) => registry.updateOperator(actorOf(request), request.params.eori, request.body),
  );

  app.get<{ Params: { eori: string } }>(
    '/operators/:eori/history',
    {
      schema: operation({
        operationId: 'getOperatorHistory',
        permission: 'registry.read',
        tags: ['operators'],
        summary: 'Every version of the operator’s record and of its AEO authorisations, oldest first',
        params: eoriParams,
        responses: { 200: jsonResponse('The versions', historySchema, HISTORY_EXAMPLE) },
        errors: NOT_FOUND,
      }),
    },
    async (request) => registry.operatorHistory(actorOf(request), request.params.eori),
  );

  app.get(
    '/aeo-authorisations',
    {
      schema: operation({
        operationId: 'listAeoAuthorisations',
        permission: 'registry.read',
        tags: ['operators'],
        summary: 'AEO authorisations, by number: of one operator, of a status, of a type',
        query: listAeoQuerySchema,
        responses: {
          200: jsonResponse('A page of authorisations', aeoPageSchema, { items: [AEO_EXAMPLE], next: null }),
        },
      }),
    },
    async (request) => registry.listAuthorisations(actorOf(request), request.query),
  );

  app.post(
    '/aeo-authorisations',
    {
      schema: operation({
        operationId: 'createAeoAuthorisation',
        permission: 'registry.write',
        tags: ['operators'],
        summary: 'Register an AEO authorisation of a registered operator',
        body: jsonBody(aeoInputSchema, {
          number: 'DEAEOF0000123456',
          eori: 'DE123456789012345',
          type: 'AEOF',
          validFrom: '2019-06-01',
        }),
        responses: {
          201: jsonResponse('The authorisation, version 1', aeoAuthorisationSchema, AEO_EXAMPLE, {
            headers: { Location: { type: 'string', description: '/v1/aeo-authorisations/{number}' } },
          }),
        },
        errors: ['VIGIL_AEO_INVALID', 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => {
      const created = await registry.createAuthorisation(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/aeo-authorisations/${created.number}`).send(created);
    },
  );

  app.get<{ Params: { number: string } }>(
    '/aeo-authorisations/:number',
    {
      schema: operation({
        operationId: 'getAeoAuthorisation',
        permission: 'registry.read',
        tags: ['operators'],
        summary: 'An AEO authorisation',
        params: numberParams,
        responses: { 200: jsonResponse('The authorisation', aeoAuthorisationSchema, AEO_EXAMPLE) },
        errors: ['VIGIL_AEO_NOT_FOUND'],
      }),
    },
    async (request) => registry.getAuthorisation(actorOf(request), request.params.number),
  );

  app.put<{ Params: { number: string } }>(
    '/aeo-authorisations/:number',
    {
      schema: operation({
        operationId: 'updateAeoAuthorisation',
        permission: 'registry.write',
        tags: ['operators'],
        summary:
          'Change an AEO authorisation: suspend, revoke or reinstate it (from a day), change its validity',
        description:
          'A suspension or revocation takes effect from `statusFrom` (today when absent): filings of that day on get no AEO modifier from it.',
        params: numberParams,
        body: jsonBody(aeoInputSchema, {
          number: 'DEAEOF0000123456',
          eori: 'DE123456789012345',
          type: 'AEOF',
          status: 'suspended',
          statusFrom: '2027-02-20',
          validFrom: '2019-06-01',
        }),
        responses: {
          200: jsonResponse('The new version', aeoAuthorisationSchema, {
            ...AEO_EXAMPLE,
            status: 'suspended',
            statusFrom: '2027-02-20',
            version: 2,
          }),
        },
        errors: ['VIGIL_AEO_NOT_FOUND', 'VIGIL_AEO_INVALID'],
      }),
    },
    async (request) => registry.updateAuthorisation(actorOf(request), request.params.number, request.body),
  );

  app.get(
    '/mras',
    {
      schema: operation({
        operationId: 'listMras',
        permission: 'registry.read',
        tags: ['operators'],
        summary: 'Mutual recognition agreements: the partner programmes whose operators are recognised',
        responses: {
          200: jsonResponse('The agreements', z.object({ items: z.array(mraSchema) }), {
            items: [MRA_EXAMPLE],
          }),
        },
      }),
    },
    async (request) => registry.listMras(actorOf(request)),
  );

  const MRA_INPUT_EXAMPLE = {
    id: 'EU-US',
    partnerCountry: 'US',
    programme: 'C-TPAT',
    covers: ['security' as const],
    flows: ['import' as const, 'export' as const],
    validFrom: '2012-06-01',
  };

  app.post(
    '/mras',
    {
      schema: operation({
        operationId: 'createMra',
        permission: 'registry.write',
        tags: ['operators'],
        summary: 'Register a mutual recognition agreement: its partner, programme, flows and what it covers',
        body: jsonBody(mraInputSchema, MRA_INPUT_EXAMPLE),
        responses: {
          201: jsonResponse('The agreement, version 1', mraSchema, MRA_EXAMPLE, {
            headers: { Location: { type: 'string', description: '/v1/mras/{id}/partners' } },
          }),
        },
        errors: ['VIGIL_MRA_INVALID', 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => {
      const created = await registry.createMra(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/mras/${created.id}/partners`).send(created);
    },
  );

  app.put<{ Params: { id: string } }>(
    '/mras/:id',
    {
      schema: operation({
        operationId: 'updateMra',
        permission: 'registry.write',
        tags: ['operators'],
        summary: 'Change an agreement (a new version; its id does not change)',
        params: mraParams,
        body: jsonBody(mraInputSchema, { ...MRA_INPUT_EXAMPLE, validUntil: '2030-12-31' }),
        responses: {
          200: jsonResponse('The new version', mraSchema, {
            ...MRA_EXAMPLE,
            validUntil: '2030-12-31',
            version: 2,
          }),
        },
        errors: ['VIGIL_MRA_NOT_FOUND', 'VIGIL_MRA_INVALID'],
      }),
    },
    async (request) => registry.updateMra(actorOf(request), request.params.id, request.body),
  );

  app.get<{ Params: { id: string } }>(
    '/mras/:id/partners',
    {
      schema: operation({
        operationId: 'listMraPartners',
        permission: 'registry.read',
        tags: ['operators'],
        summary: 'The partner programme’s operators recognised under an agreement, by identifier',
        params: mraParams,
        query: listPartnersQuerySchema,
        responses: {
          200: jsonResponse('A page of partner operators', partnerPageSchema, {
            items: [PARTNER_EXAMPLE],
            next: null,
          }),
        },
        errors: ['VIGIL_MRA_NOT_FOUND'],
      }),
    },
    async (request) => registry.listPartners(actorOf(request), request.params.id, request.query),
  );

  app.put<{ Params: { id: string; partnerId: string } }>(
    '/mras/:id/partners/:partnerId',
    {
      schema: operation({
        operationId: 'putMraPartner',
        permission: 'registry.write',
        tags: ['operators'],
        summary: 'Register or change a partner programme’s operator (its identifier mapped to its status)',
        params: partnerParams,
        body: jsonBody(partnerInputSchema, {
          partnerId: 'US7722145930',
          name: 'Great Lakes Machinery Inc',
          validFrom: '2020-01-15',
        }),
        responses: {
          200: jsonResponse('The partner operator, changed', partnerSchema, {
            ...PARTNER_EXAMPLE,
            version: 2,
          }),
          201: jsonResponse('The partner operator, registered', partnerSchema, PARTNER_EXAMPLE),
        },
        errors: ['VIGIL_MRA_NOT_FOUND', 'VIGIL_MRA_INVALID'],
      }),
    },
    async (request, reply) => {
      const r = await registry.putPartner(
        actorOf(request),
        request.params.id,
        request.params.partnerId,
        request.body,
      );
      return reply.status(r.created ? 201 : 200).send(r.partner);
    },
  );
  done();
};
