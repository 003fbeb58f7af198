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
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import { modelCardSchema } from './ens-model.routes.ts';

const trainingWindowSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.int(),
  frauds: z.int(),
});
const evaluationSchema = z.object({
  method: z.string(),
  metrics: z.object({
    rows: z.int(),
    frauds: z.int(),
    precisionAt: z.record(z.string(), z.number()),
    recallAt: z.record(z.string(), z.number()),
    auc: z.number(),
  }),
});

export interface ModelRoutesOptions {
  readonly db: Database;
  readonly models: ModelStore;
}

const importQuery = z.strictObject({ activate: z.enum(['true', 'false']).default('false') });

/**
 * The model file, as `vigil model train` writes it. The store checks it by hand (parseModelFile:
 * format, version, features, trees, encoding); this schema describes it for the document.
 */
const modelFileSchema = z.looseObject({
  format: z.literal('vigil-kcs-gbdt'),
  version: z.literal(1),
  createdAt: z.string(),
  features: z.array(z.string()),
  encoding: z.looseObject({ names: z.array(z.string()) }).describe('the learned feature encodings'),
  gbdt: z.record(z.string(), z.unknown()).describe('the gradient boosting configuration'),
  baseScore: z.number(),
  trees: z.array(z.unknown()),
  trainingWindow: trainingWindowSchema,
  evaluation: evaluationSchema.nullable(),
});

const savedSchema = z.object({
  version: z.int(),
  created: z.boolean().describe('false when this file was stored already (same SHA-256)'),
  active: z.boolean(),
  sha256: z.string(),
  features: z.int().describe('how many features the model reads'),
});

const modelRowSchema = z.object({
  authority: z.string(),
  version: z.int(),
  kind: z.enum(['kcs-gbdt', 'ens-gbdt']).describe('kcs-gbdt: import declarations; ens-gbdt: entry summaries'),
  sha256: z.string(),
  features: z.array(z.string()),
  trainingWindow: trainingWindowSchema,
  evaluation: evaluationSchema.nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  active: z.boolean(),
  activatedAt: z.string().nullable(),
  card: modelCardSchema.nullable().describe('the model card of an entry-summary model (null for KCS models)'),
});

const SHA = '5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592';
const WINDOW = { from: '2026-01-01', to: '2026-12-31', rows: 120_000, frauds: 1_450 };
const EVALUATION = {
  method: 'held-out last 20% of the window',
  metrics: { rows: 24_000, frauds: 290, precisionAt: { '1%': 0.41 }, recallAt: { '1%': 0.34 }, auc: 0.87 },
};
const modelFileExample: z.input<typeof modelFileSchema> = {
  format: 'vigil-kcs-gbdt',
  version: 1,
  createdAt: '2027-01-15T09:00:00.000Z',
  features: ['hs6', 'origin'],
  encoding: { names: ['hs6', 'origin'] },
  gbdt: { trees: 1, depth: 1, learningRate: 0.1 },
  baseScore: -2.1,
  trees: [
    {
      feature: [0, -1, -1],
      threshold: [0.5, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      value: [0, -0.2, 0.4],
    },
  ],
  trainingWindow: WINDOW,
  evaluation: EVALUATION,
};

export const modelRoutes: FastifyPluginCallback<ModelRoutesOptions> = (app, opts, done) => {
  app.post(
    '/models',
    {
      // A trained model file is larger than any filing.
      bodyLimit: 64 * 1024 * 1024,
      schema: operation({
        operationId: 'importModel',
        permission: 'model.write',
        tags: ['models'],
        summary: 'Store a model file as the next version (?activate=true makes it the active one)',
        description:
          'The body is a model file as `vigil model train` writes it; the example shows its shape (a real file holds the learned encodings and every tree). The file is checked by its format, version, features, trees and encoding (VIGIL_MODEL_INVALID).',
        query: importQuery,
        body: jsonBody(modelFileSchema, modelFileExample),
        responses: {
          200: jsonResponse('This file was stored already', savedSchema, {
            version: 3,
            created: false,
            active: true,
            sha256: SHA,
            features: 2,
          }),
          201: jsonResponse('Stored as a new version', savedSchema, {
            version: 3,
            created: true,
            active: true,
            sha256: SHA,
            features: 2,
          }),
        },
        errors: ['VIGIL_MODEL_INVALID'],
      }),
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
      schema: operation({
        operationId: 'listModels',
        permission: 'model.read',
        tags: ['models'],
        summary: 'The stored model versions, of both kinds, with their cards',
        responses: {
          200: jsonResponse('Every stored version', z.object({ items: z.array(modelRowSchema) }), {
            items: [
              {
                authority: 'IT',
                version: 3,
                kind: 'kcs-gbdt',
                sha256: SHA,
                features: ['hs6', 'origin'],
                trainingWindow: WINDOW,
                evaluation: EVALUATION,
                createdBy: 'admin:rossi',
                createdAt: '2027-01-15T09:05:00.000Z',
                active: true,
                activatedAt: '2027-01-15T09:05:00.000Z',
                card: null,
              },
            ],
          }),
        },
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'model.read');
      return { items: await opts.models.list(actor.authority) };
    },
  );
  done();
};
