/**
 * HTTP adapter of the model registry: import a model file (and activate it) and list the versions,
 * so the embedded default (one process holds the database) takes models while it serves.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePermission } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import type { Database } from '../store/database.ts';
import type { ModelStore } from './model.store.ts';

export interface ModelRoutesOptions {
  readonly db: Database;
  readonly models: ModelStore;
}

const importQuery = z.strictObject({ activate: z.enum(['true', 'false']).default('false') });

export const modelRoutes: FastifyPluginCallback<ModelRoutesOptions> = (app, opts, done) => {
  app.post(
    '/models',
    {
      // A trained model file is larger than any filing.
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        'x-vigil-permission': 'model.write',
        tags: ['models'],
        summary: 'Store a model file as the next version (?activate=true makes it the active one)',
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      requirePermission(actor, 'model.write');
      const q = parseInput(importQuery, request.query, 'VIGIL_QUERY_INVALID');
      const saved = await opts.db
        .forAuthority(actor.authority)
        .transaction((tx) =>
          opts.models.save(tx, actor.authority, request.body, `${actor.role}:${actor.subject}`),
        );
      const row =
        q.activate === 'true'
          ? await opts.models.activate(actor.authority, saved.model.version)
          : saved.model;
      return reply.status(saved.created ? 201 : 200).send({
        version: row.version,
        created: saved.created,
        active: row.active,
        sha256: row.sha256,
        features: row.features.length,
      });
    },
  );
  app.get(
    '/models',
    {
      schema: { 'x-vigil-permission': 'model.read', tags: ['models'], summary: 'The stored model versions' },
    },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'model.read');
      return { items: await opts.models.list(actor.authority) };
    },
  );
  done();
};
