/**
 * HTTP adapter of import declarations, mounted under /v1: lodging an H1/H7 declaration (the answer
 * is its lane), reading one, listing them by lane and office for officials, and setting an office's
 * daily control capacity. Validation, roles and the filer/official split live in ImportService.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { capacityInputSchema, importDeclarationSchema, listQuerySchema } from './import.schema.ts';
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import {
  IMPORT_EXAMPLE,
  IMPORT_VIEW_EXAMPLE,
  capacitySchema,
  importAnswerSchema,
  importPageSchema,
  lodgeFilerResultSchema,
  lodgeResultSchema,
} from './import.contract.ts';
import type { ImportService } from './import.service.ts';
import { LANE_MEANING, isOfficial } from './import.service.ts';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';

export interface ImportRoutesOptions {
  readonly imports: ImportService;
}

const idParams = z.object({ id: z.string().min(1).describe('the import declaration') });
const officeParams = z.object({ office: z.string().min(1).describe('customs office reference (an8)') });
const declarationBody = jsonBody(importDeclarationSchema, IMPORT_EXAMPLE);
const CAPACITY_EXAMPLE = {
  office: 'IT261101',
  redPerDay: 40,
  yellowPerDay: 120,
  today: { red: 12, yellow: 37 },
};

const invalidationSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

export const importRoutes: FastifyPluginCallback<ImportRoutesOptions> = (app, opts, done) => {
  const { imports } = opts;

  app.post(
    '/import-declarations',
    {
      schema: operation({
        operationId: 'lodgeImportDeclaration',
        permission: 'import.lodge',
        tags: ['imports'],
        summary: 'Lodge an H1 or H7 import declaration; the answer is its lane',
        description:
          'The declarant is answered its lane and what it means; an official also the reason, score and draw. ' +
          'Idempotent on the filer and the LRN: a declaration with an LRN this filer already lodged answers 200 with the first answer.',
        body: declarationBody,
        responses: {
          200: jsonResponse(
            'This filer already lodged this LRN: the first answer',
            z.union([lodgeResultSchema, lodgeFilerResultSchema]),
            {
              id: 'imp_27IT0001',
              lane: 'green',
              meaning: 'released without control',
            },
          ),
          201: jsonResponse('Lodged: the lane', z.union([lodgeResultSchema, lodgeFilerResultSchema]), {
            id: 'imp_27IT0001',
            lane: 'green',
            meaning: 'released without control',
          }),
        },
        errors: ['VIGIL_IMPORT_INVALID', 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const r = await imports.lodge(actor, request.body);
      // The declarant learns the lane and what it means, not the risk reasoning behind it.
      // 201 for a new declaration; 200 with the first answer for a retried LRN.
      return reply
        .status(r.created ? 201 : 200)
        .send(isOfficial(actor) ? r : { id: r.id, lane: r.lane, meaning: LANE_MEANING[r.lane] });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/import-declarations/:id/amendments',
    {
      schema: operation({
        operationId: 'amendImportDeclaration',
        permission: 'import.lodge',
        tags: ['imports'],
        summary:
          'Amend a declaration you lodged (the whole body; type, LRN, office and declarant unchanged): scored again, its lane raised if need be, never lowered',
        params: idParams,
        body: declarationBody,
        responses: {
          200: jsonResponse('The declaration after the amendment', importAnswerSchema, {
            ...IMPORT_VIEW_EXAMPLE,
            version: 2,
            status: 'amended',
          }),
        },
        errors: ['VIGIL_IMPORT_NOT_FOUND', 'VIGIL_IMPORT_INVALID', 'VIGIL_CONFLICT'],
      }),
    },
    async (request) => imports.amend(actorOf(request), request.params.id, request.body),
  );
  app.post<{ Params: { id: string } }>(
    '/import-declarations/:id/invalidation',
    {
      schema: operation({
        operationId: 'invalidateImportDeclaration',
        permission: 'import.lodge',
        tags: ['imports'],
        summary: 'Withdraw a declaration you lodged; its open control tasks are cancelled',
        params: idParams,
        body: jsonBody(invalidationSchema, { reason: 'order cancelled by the buyer' }),
        responses: {
          200: jsonResponse('The withdrawn declaration', importAnswerSchema, {
            ...IMPORT_VIEW_EXAMPLE,
            status: 'invalidated',
            invalidation: { at: '2027-03-01T12:00:00.000Z', reason: 'order cancelled by the buyer' },
          }),
        },
        errors: ['VIGIL_IMPORT_NOT_FOUND', 'VIGIL_CONFLICT'],
      }),
    },
    async (request) => {
      const b = parseInput(invalidationSchema, request.body ?? {});
      return imports.invalidate(actorOf(request), request.params.id, b.reason);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/import-declarations/:id',
    {
      schema: operation({
        operationId: 'getImportDeclaration',
        permission: 'import.view',
        tags: ['imports'],
        summary: 'An import declaration with its lane (officials also see the reason and score)',
        params: idParams,
        responses: { 200: jsonResponse('The declaration', importAnswerSchema, IMPORT_VIEW_EXAMPLE) },
        errors: ['VIGIL_IMPORT_NOT_FOUND'],
      }),
    },
    async (request) => imports.get(actorOf(request), request.params.id),
  );

  app.get(
    '/import-declarations',
    {
      schema: operation({
        operationId: 'listImportDeclarations',
        permission: 'import.read',
        tags: ['imports'],
        summary: 'Import declarations, newest first, by lane and office',
        query: listQuerySchema,
        responses: {
          200: jsonResponse('A page of declarations', importPageSchema, {
            items: [IMPORT_VIEW_EXAMPLE],
            next: null,
          }),
        },
      }),
    },
    async (request) => imports.list(actorOf(request), request.query),
  );

  app.get<{ Params: { office: string } }>(
    '/offices/:office/capacity',
    {
      schema: operation({
        operationId: 'getOfficeCapacity',
        permission: 'capacity.read',
        tags: ['imports'],
        summary: "An office's daily control capacity and what today's lanes used of it",
        params: officeParams,
        responses: { 200: jsonResponse('The capacity and today’s use', capacitySchema, CAPACITY_EXAMPLE) },
      }),
    },
    async (request) => imports.capacity(actorOf(request), request.params.office),
  );

  app.put<{ Params: { office: string } }>(
    '/offices/:office/capacity',
    {
      schema: operation({
        operationId: 'setOfficeCapacity',
        permission: 'capacity.write',
        tags: ['imports'],
        summary: "Set an office's daily capacity for red (physical) and yellow (documentary) lanes",
        params: officeParams,
        body: jsonBody(capacityInputSchema, { redPerDay: 40, yellowPerDay: 120 }),
        responses: { 200: jsonResponse('The capacity set', capacitySchema, CAPACITY_EXAMPLE) },
      }),
    },
    async (request) => imports.setCapacity(actorOf(request), request.params.office, request.body),
  );

  done();
};
