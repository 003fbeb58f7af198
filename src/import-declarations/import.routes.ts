/**
 * HTTP adapter of import declarations, mounted under /v1: lodging an H1/H7 declaration (the answer
 * is its lane), reading one, listing them by lane and office for officials, and setting an office's
 * daily control capacity. Validation, roles and the filer/official split live in ImportService.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { capacityInputSchema, importDeclarationSchema } from './import.schema.ts';
import type { ImportService } from './import.service.ts';
import { LANE_MEANING, isOfficial } from './import.service.ts';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';

export interface ImportRoutesOptions {
  readonly imports: ImportService;
}

const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const officeParams = {
  type: 'object',
  properties: { office: { type: 'string', description: 'customs office reference (an8)' } },
  required: ['office'],
} as const;
const listQueryDoc = {
  type: 'object',
  properties: {
    lane: { type: 'string', enum: ['green', 'yellow', 'red', 'blue'] },
    office: { type: 'string', description: 'customs office reference' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    next: { type: 'string', description: 'the `next` cursor of the previous page' },
  },
} as const;

const invalidationSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

export const importRoutes: FastifyPluginCallback<ImportRoutesOptions> = (app, opts, done) => {
  const { imports } = opts;

  app.post(
    '/import-declarations',
    {
      schema: {
        'x-vigil-permission': 'import.lodge',
        tags: ['imports'],
        summary: 'Lodge an H1 or H7 import declaration; the answer is its lane',
        body: z.toJSONSchema(importDeclarationSchema, { io: 'input', unrepresentable: 'any' }),
      },
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
      schema: {
        'x-vigil-permission': 'import.lodge',
        tags: ['imports'],
        summary:
          'Amend a declaration you lodged (the whole body; type, LRN, office and declarant unchanged): scored again, its lane raised if need be, never lowered',
        params: idParams,
        body: z.toJSONSchema(importDeclarationSchema, { io: 'input', unrepresentable: 'any' }),
      },
    },
    async (request) => imports.amend(actorOf(request), request.params.id, request.body),
  );
  app.post<{ Params: { id: string } }>(
    '/import-declarations/:id/invalidation',
    {
      schema: {
        'x-vigil-permission': 'import.lodge',
        tags: ['imports'],
        summary: 'Withdraw a declaration you lodged; its open control tasks are cancelled',
        params: idParams,
        body: z.toJSONSchema(invalidationSchema),
      },
    },
    async (request) => {
      const b = parseInput(invalidationSchema, request.body ?? {});
      return imports.invalidate(actorOf(request), request.params.id, b.reason);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/import-declarations/:id',
    {
      schema: {
        'x-vigil-permission': 'import.view',
        tags: ['imports'],
        summary: 'An import declaration with its lane (officials also see the reason and score)',
        params: idParams,
      },
    },
    async (request) => imports.get(actorOf(request), request.params.id),
  );

  app.get(
    '/import-declarations',
    {
      schema: {
        'x-vigil-permission': 'import.read',
        tags: ['imports'],
        summary: 'Import declarations, newest first, by lane and office',
        querystring: listQueryDoc,
      },
    },
    async (request) => imports.list(actorOf(request), request.query),
  );

  app.get<{ Params: { office: string } }>(
    '/offices/:office/capacity',
    {
      schema: {
        'x-vigil-permission': 'capacity.read',
        tags: ['imports'],
        summary: "An office's daily control capacity and what today's lanes used of it",
        params: officeParams,
      },
    },
    async (request) => imports.capacity(actorOf(request), request.params.office),
  );

  app.put<{ Params: { office: string } }>(
    '/offices/:office/capacity',
    {
      schema: {
        'x-vigil-permission': 'capacity.write',
        tags: ['imports'],
        summary: "Set an office's daily capacity for red (physical) and yellow (documentary) lanes",
        params: officeParams,
        body: z.toJSONSchema(capacityInputSchema),
      },
    },
    async (request) => imports.setCapacity(actorOf(request), request.params.office, request.body),
  );

  done();
};
