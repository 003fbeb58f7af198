/**
 * HTTP adapter of API keys, mounted under /v1 (an authority's admin): create (the secret is in this
 * one answer), list and show (never a secret or a hash), rotate with an overlap, revoke.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import type { ApiKeyService } from './api-key.service.ts';
import { createKeySchema, listKeysQuerySchema, revokeKeySchema, rotateKeySchema } from './api-key.schema.ts';

export interface ApiKeyRoutesOptions {
  readonly apiKeys: ApiKeyService;
}

/** The JSON Schema of a request body, from the zod schema its handler validates with. */
function bodyDoc(schema: z.ZodType, example: unknown): Record<string, unknown> {
  const doc = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  delete (doc as { $schema?: string }).$schema;
  return { ...doc, example };
}

const exampleKey = {
  id: 'key_3f9a0c1d2e4b5a6c7d8e',
  name: 'Acme Shipping ENS gateway',
  description: 'production system',
  authority: 'NL',
  filer: 'acme',
  role: 'filer',
  eoris: ['NL123456789'],
  prefix: 'k3v9x2qa',
  secrets: [{ prefix: 'k3v9x2qa', createdAt: '2027-02-20T08:00:00.000Z', retiresAt: null }],
  status: 'active',
  rateLimitPerMinute: 600,
  createdBy: 'admin:alice',
  createdAt: '2027-02-20T08:00:00.000Z',
  expiresAt: '2028-02-01T00:00:00.000Z',
  lastUsedAt: null,
  rotatedAt: null,
  revokedAt: null,
  revokedBy: null,
  revokedReason: null,
};
const exampleSecret = 'vgk_k3v9x2qa_Jx0mY3bQd2rVt8ZkLwP5nH1sF6cA4eG7uI9oR0yT2xW';

const iso = { type: 'string', format: 'date-time' } as const;
const isoOrNull = { type: ['string', 'null'], format: 'date-time' } as const;
const keySchema = {
  type: 'object',
  description: 'An API key as shown to its admin: never its secret or its hash.',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    authority: { type: 'string' },
    filer: { type: 'string', description: 'the subject the key acts as' },
    role: { type: 'string' },
    eoris: { type: 'array', items: { type: 'string' } },
    prefix: { type: 'string', description: 'public prefix of the current secret: vgk_<prefix>_…' },
    secrets: {
      type: 'array',
      description: 'the secrets that still work (two during a rotation overlap)',
      items: {
        type: 'object',
        properties: { prefix: { type: 'string' }, createdAt: iso, retiresAt: isoOrNull },
        required: ['prefix', 'createdAt', 'retiresAt'],
      },
    },
    status: { type: 'string', enum: ['active', 'expired', 'revoked'] },
    rateLimitPerMinute: { type: ['integer', 'null'] },
    createdBy: { type: 'string' },
    createdAt: iso,
    expiresAt: iso,
    lastUsedAt: { ...isoOrNull, description: 'recorded at most once a minute' },
    rotatedAt: isoOrNull,
    revokedAt: isoOrNull,
    revokedBy: { type: ['string', 'null'] },
    revokedReason: { type: ['string', 'null'] },
  },
  required: [
    'id',
    'name',
    'authority',
    'filer',
    'role',
    'eoris',
    'prefix',
    'status',
    'createdAt',
    'expiresAt',
  ],
} as const;
const issuedSchema = (description: string, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  description,
  properties: {
    key: keySchema,
    secret: { type: 'string', description: 'the whole key, shown this once: vgk_<prefix>_<secret>' },
    ...extra,
  },
  required: ['key', 'secret', ...Object.keys(extra)],
});
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;

export const apiKeyRoutes: FastifyPluginCallback<ApiKeyRoutesOptions> = (app, { apiKeys }, done) => {
  app.post(
    '/api-keys',
    {
      schema: {
        'x-vigil-permission': 'apikey.manage',
        tags: ['api-keys'],
        summary: "Create an API key for a filer's system (the secret is shown in this answer only)",
        description:
          'The key acts as the filer (its subject, role and EORIs). Send it as `Authorization: Bearer vgk_…`. Expiry is required, at most 365 days ahead.',
        body: bodyDoc(createKeySchema, {
          name: 'Acme Shipping ENS gateway',
          filer: 'acme',
          eoris: ['NL123456789'],
          expiresAt: '2028-02-01T00:00:00Z',
          rateLimitPerMinute: 600,
        }),
        response: {
          201: {
            ...issuedSchema('The key and its secret'),
            example: { key: exampleKey, secret: exampleSecret },
          },
        },
      },
    },
    async (request, reply) => {
      const issued = await apiKeys.create(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/api-keys/${issued.key.id}`).send(issued);
    },
  );

  app.get(
    '/api-keys',
    {
      schema: {
        'x-vigil-permission': 'apikey.manage',
        tags: ['api-keys'],
        summary: "The authority's API keys, newest first (never their secrets)",
        querystring: z.toJSONSchema(listKeysQuerySchema, { io: 'input' }),
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: keySchema } },
            required: ['items'],
            example: { items: [exampleKey] },
          },
        },
      },
    },
    async (request) => ({ items: await apiKeys.list(actorOf(request), request.query) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api-keys/:id',
    {
      schema: {
        'x-vigil-permission': 'apikey.manage',
        tags: ['api-keys'],
        summary: 'One API key (never its secret)',
        params: idParams,
        response: { 200: { ...keySchema, example: exampleKey } },
      },
    },
    async (request) => apiKeys.get(actorOf(request), request.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/api-keys/:id/rotate',
    {
      schema: {
        'x-vigil-permission': 'apikey.manage',
        tags: ['api-keys'],
        summary: 'Rotate an API key: a new secret; the old one keeps working until the overlap ends',
        description: 'The body is optional: without one, the old secret works for 24 hours more.',
        params: idParams,
        body: bodyDoc(rotateKeySchema, { overlapSeconds: 86400 }),
        response: {
          200: {
            ...issuedSchema('The key and its new secret', {
              previousRetiresAt: { ...iso, description: 'when the old secret stops working' },
            }),
            example: {
              key: {
                ...exampleKey,
                prefix: 'm8d2w7rc',
                secrets: [
                  {
                    prefix: 'k3v9x2qa',
                    createdAt: '2027-02-20T08:00:00.000Z',
                    retiresAt: '2027-03-02T09:00:00.000Z',
                  },
                  { prefix: 'm8d2w7rc', createdAt: '2027-03-01T09:00:00.000Z', retiresAt: null },
                ],
                rotatedAt: '2027-03-01T09:00:00.000Z',
              },
              secret: 'vgk_m8d2w7rc_Qw3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC3vB5nM7qW9e',
              previousRetiresAt: '2027-03-02T09:00:00.000Z',
            },
          },
        },
      },
    },
    async (request) => apiKeys.rotate(actorOf(request), request.params.id, request.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/api-keys/:id',
    {
      schema: {
        'x-vigil-permission': 'apikey.manage',
        tags: ['api-keys'],
        summary: 'Revoke an API key: refused from the next request on',
        description:
          'The body is optional: send a reason, or no body at all. Revoking twice changes nothing.',
        params: idParams,
        body: bodyDoc(revokeKeySchema, { reason: 'the system was decommissioned' }),
        response: {
          200: {
            ...keySchema,
            example: {
              ...exampleKey,
              status: 'revoked',
              revokedAt: '2027-03-05T10:00:00.000Z',
              revokedBy: 'admin:alice',
              revokedReason: 'the system was decommissioned',
            },
          },
        },
      },
    },
    async (request) => apiKeys.revoke(actorOf(request), request.params.id, request.body),
  );
  done();
};
