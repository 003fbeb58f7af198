/**
 * HTTP adapter of the register of IPR applications for action, mounted under /v1: list and search,
 * create, change, import, history, and the screen of a description (which protected brands it names).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import { RECORD_CONTENT_TYPES, importQuerySchema } from '../operators/index.ts';
import { importFormat } from '../operators/operator-registry.routes.ts';
import { historySchema } from '../operators/operator-registry.contract.ts';
import {
  IPR_APPLICATION_EXAMPLE,
  IPR_IMPORT_EXAMPLE,
  iprApplicationPageSchema,
  iprApplicationSchema,
  iprImportSummarySchema,
  iprScreenSchema,
} from './ipr.contract.ts';
import { applicationInputSchema, listApplicationsQuerySchema, screenQuerySchema } from './ipr.schema.ts';
import type { IprService } from './ipr.service.ts';

export interface IprRoutesOptions {
  readonly ipr: IprService;
}

const numberParams = z.object({
  number: z.string().min(1).max(40).describe('the application’s number'),
});
const NOT_FOUND = ['VIGIL_IPR_APPLICATION_NOT_FOUND'] as const;

const INPUT_EXAMPLE = {
  number: 'EU-AFA-2027-000123',
  kind: 'union' as const,
  rightHolder: 'Zentrova Sportswear S.p.A. (fictitious)',
  rightHolderAddress: 'Via Esempio 1, 20100 Milano, IT',
  rightHolderContact: 'brand-protection@zentrova.example',
  brands: [{ name: 'ZENTROVA', registration: 'EUTM 018999001', aliases: ['Зентрова'] }],
  goods: ['61', '62', '64'],
  authorised: [
    { role: 'distributor' as const, eori: 'DE123456789012345', name: 'Elektro Handel GmbH', country: 'DE' },
  ],
  validFrom: '2027-01-01',
  validUntil: '2027-12-31',
};

export const iprRoutes: FastifyPluginCallback<IprRoutesOptions> = (app, { ipr }, done) => {
  app.addContentTypeParser(['text/csv', 'application/x-ndjson'], { parseAs: 'string' }, (_req, body, next) =>
    next(null, body),
  );

  app.get(
    '/ipr-applications',
    {
      schema: operation({
        operationId: 'listIprApplications',
        permission: 'registry.read',
        tags: ['ipr'],
        summary: 'IPR applications for action: by number, brand, right holder, goods code, status',
        query: listApplicationsQuerySchema,
        responses: {
          200: jsonResponse('A page of applications', iprApplicationPageSchema, {
            items: [IPR_APPLICATION_EXAMPLE],
            next: null,
          }),
        },
      }),
    },
    async (request) => ipr.list(actorOf(request), request.query),
  );

  app.post(
    '/ipr-applications',
    {
      schema: operation({
        operationId: 'createIprApplication',
        permission: 'registry.write',
        tags: ['ipr'],
        summary: 'Register a right holder’s application for action',
        description:
          'Goods items whose description names one of its brands (also misspelt or in another script), under its goods codes, while it is granted and valid, are a hit of their assessment (SIG-IPR-BRAND, a physical check) unless the consignor, seller or manufacturer is one of its authorised operators.',
        body: jsonBody(applicationInputSchema, INPUT_EXAMPLE),
        responses: {
          201: jsonResponse('The application, version 1', iprApplicationSchema, IPR_APPLICATION_EXAMPLE, {
            headers: { Location: { type: 'string', description: '/v1/ipr-applications/{number}' } },
          }),
        },
        errors: ['VIGIL_IPR_APPLICATION_INVALID', 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => {
      const created = await ipr.create(actorOf(request), request.body);
      return reply
        .status(201)
        .header('location', `/v1/ipr-applications/${encodeURIComponent(created.number)}`)
        .send(created);
    },
  );

  app.post(
    '/ipr-applications/import',
    {
      schema: operation({
        operationId: 'importIprApplications',
        permission: 'registry.write',
        tags: ['ipr'],
        summary:
          'Import applications for action, their brands and authorised operators (CSV, NDJSON or JSON)',
        description:
          'Each record has a `record` field: application (the default; the fields of the create route), brand (`application`, `name`, `registration`, `aliases`) or authorised (`application`, `role`, `eori`, `name`, `country`); brand and authorised records join the application of the file or of the register they name. In CSV a list is written with `|`. An application registered under the same number is changed. Every bad record is reported with `$[i]`, its line and a code; nothing is loaded when one is bad unless `?skipBad=true`.',
        consumes: Object.keys(RECORD_CONTENT_TYPES),
        query: importQuerySchema,
        body: jsonBody(
          z.array(z.record(z.string(), z.unknown())).describe('an array of records'),
          [INPUT_EXAMPLE],
          {
            'text/csv': {
              schema: {
                type: 'string',
                description: 'a header row naming the fields, then one record a line',
              },
              example:
                'record,number,application,rightHolder,goods,validFrom,validUntil,name,registration,aliases,role,eori\napplication,NL-AFA-2027-0042,,Kalimbo Toys B.V. (fictitious),9503,2027-01-01,2027-12-31,,,,,\nbrand,,NL-AFA-2027-0042,,,,,KALIMBO,BX 1099001,Калимбо,,\nauthorised,,NL-AFA-2027-0042,,,,,Kalimbo Distribution BV,,,distributor,NL123456789\n',
            },
            'application/x-ndjson': {
              schema: { type: 'string', description: 'one JSON object a line' },
              example:
                '{"record":"brand","application":"EU-AFA-2027-000123","name":"ZENTROVA RUN","registration":"EUTM 018999002"}\n',
            },
          },
        ),
        responses: {
          200: jsonResponse(
            'What was loaded, and the bad records',
            iprImportSummarySchema,
            IPR_IMPORT_EXAMPLE,
          ),
        },
        errors: ['VIGIL_REGISTRY_IMPORT_INVALID'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      return ipr.import(actor, request.body, importFormat(request, actor), request.query);
    },
  );

  app.get(
    '/ipr-applications/screen',
    {
      schema: operation({
        operationId: 'screenIprBrands',
        permission: 'registry.read',
        tags: ['ipr'],
        summary: 'Which protected brands a goods description names, as the assessment finds them',
        description:
          'The brands of applications in force on the day (today unless given), covering the goods code when one is given, found in the description: fuzzy (misspellings), transliterated (Cyrillic, Greek …). Authorised operators are not considered here: the assessment leaves out hits on goods their consignor, seller or manufacturer is authorised for.',
        query: screenQuerySchema,
        responses: {
          200: jsonResponse('The brands found, best first', iprScreenSchema, {
            matches: [
              {
                application: 'EU-AFA-2027-000123',
                rightHolder: 'Zentrova Sportswear S.p.A. (fictitious)',
                brand: 'ZENTROVA',
                words: 'зентрова',
                how: 'transliterated',
                score: 1,
              },
            ],
          }),
        },
      }),
    },
    async (request) => ipr.screen(actorOf(request), request.query),
  );

  app.get<{ Params: { number: string } }>(
    '/ipr-applications/:number',
    {
      schema: operation({
        operationId: 'getIprApplication',
        permission: 'registry.read',
        tags: ['ipr'],
        summary: 'An application for action',
        params: numberParams,
        responses: { 200: jsonResponse('The application', iprApplicationSchema, IPR_APPLICATION_EXAMPLE) },
        errors: NOT_FOUND,
      }),
    },
    async (request) => ipr.get(actorOf(request), request.params.number),
  );

  app.put<{ Params: { number: string } }>(
    '/ipr-applications/:number',
    {
      schema: operation({
        operationId: 'updateIprApplication',
        permission: 'registry.write',
        tags: ['ipr'],
        summary: 'Change an application: its brands, goods, authorised operators, validity or status',
        description: 'Its number does not change. Suspend it (`status: suspended`) and it finds nothing.',
        params: numberParams,
        body: jsonBody(applicationInputSchema, { ...INPUT_EXAMPLE, status: 'suspended' as const }),
        responses: {
          200: jsonResponse('The new version', iprApplicationSchema, {
            ...IPR_APPLICATION_EXAMPLE,
            status: 'suspended',
            version: 2,
          }),
        },
        errors: [...NOT_FOUND, 'VIGIL_IPR_APPLICATION_INVALID'],
      }),
    },
    async (request) => ipr.update(actorOf(request), request.params.number, request.body),
  );

  app.get<{ Params: { number: string } }>(
    '/ipr-applications/:number/history',
    {
      schema: operation({
        operationId: 'getIprApplicationHistory',
        permission: 'registry.read',
        tags: ['ipr'],
        summary: 'Every version of the application, oldest first',
        params: numberParams,
        responses: {
          200: jsonResponse('The versions', historySchema, {
            items: [
              {
                registry: 'ipr-application',
                recordId: IPR_APPLICATION_EXAMPLE.number,
                subject: IPR_APPLICATION_EXAMPLE.number,
                version: 1,
                action: 'created',
                data: {
                  number: IPR_APPLICATION_EXAMPLE.number,
                  rightHolder: IPR_APPLICATION_EXAMPLE.rightHolder,
                  brands: IPR_APPLICATION_EXAMPLE.brands,
                },
                actor: 'coordinator:carla',
                at: '2027-01-02T09:00:00.000Z',
                importId: null,
              },
            ],
          }),
        },
        errors: NOT_FOUND,
      }),
    },
    async (request) => ipr.history(actorOf(request), request.params.number),
  );
  done();
};
