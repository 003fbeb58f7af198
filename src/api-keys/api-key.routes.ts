/**
 * HTTP adapter of API keys, mounted under /v1 (an authority's admin): create (the secret is in this
 * one answer), list and show (never a secret or a hash), rotate with an overlap, revoke.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import type { ApiKeyService } from './api-key.service.ts';
import { createKeySchema, listKeysQuerySchema, revokeKeySchema, rotateKeySchema } from './api-key.schema.ts';
import {
  API_KEY_EXAMPLE,
  ISSUED_KEY_EXAMPLE,
  REVOKED_KEY_EXAMPLE,
  ROTATED_KEY_EXAMPLE,
  apiKeyListSchema,
  apiKeySchema,
  issuedApiKeySchema,
  rotatedApiKeySchema,
} from './api-key.contract.ts';

export interface ApiKeyRoutesOptions {
  readonly apiKeys: ApiKeyService;
}

const idParams = z.object({ id: z.string().min(1).describe('the API key (key_…)') });

export const apiKeyRoutes: FastifyPluginCallback<ApiKeyRoutesOptions> = (app, { apiKeys }, done) => {
  app.post(
    '/api-keys',
    {
      schema: operation({
        operationId: 'createApiKey',
        permission: 'apikey.manage',
        tags: ['api-keys'],
        summary: "Create an API key for a filer's system (the secret is shown in this answer only)",
        description:
          'The key acts as the filer (its subject, role and EORIs). Send it as `Authorization: Bearer vgk_…`. Expiry is required, at most 365 days ahead.',
        body: jsonBody(createKeySchema, {
          name: 'Acme Shipping ENS gateway',
          filer: 'acme',
          eoris: ['NL123456789'],
          expiresAt: '2028-02-01T00:00:00Z',
          rateLimitPerMinute: 600,
        }),
        responses: {
          201: jsonResponse('The key and its secret', issuedApiKeySchema, ISSUED_KEY_EXAMPLE, {
            headers: { Location: { type: 'string', description: '/v1/api-keys/{id} of the new key' } },
          }),
        },
        errors: ['VIGIL_API_KEY_INVALID', 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => {
      const issued = await apiKeys.create(actorOf(request), request.body);
      return reply.status(201).header('location', `/v1/api-keys/${issued.key.id}`).send(issued);
    },
  );

  app.get(
    '/api-keys',
    {
      schema: operation({
        operationId: 'listApiKeys',
        permission: 'apikey.manage',
        tags: ['api-keys'],
        summary: "The authority's API keys, newest first (never their secrets)",
        query: listKeysQuerySchema,
        responses: {
          200: jsonResponse("The authority's keys", apiKeyListSchema, { items: [API_KEY_EXAMPLE] }),
        },
      }),
    },
    async (request) => ({ items: await apiKeys.list(actorOf(request), request.query) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api-keys/:id',
    {
      schema: operation({
        operationId: 'getApiKey',
        permission: 'apikey.manage',
        tags: ['api-keys'],
        summary: 'One API key (never its secret)',
        params: idParams,
        responses: { 200: jsonResponse('The key', apiKeySchema, API_KEY_EXAMPLE) },
        errors: ['VIGIL_NOT_FOUND'],
      }),
    },
    async (request) => apiKeys.get(actorOf(request), request.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/api-keys/:id/rotate',
    {
      schema: operation({
        operationId: 'rotateApiKey',
        permission: 'apikey.manage',
        tags: ['api-keys'],
        summary: 'Rotate an API key: a new secret; the old one keeps working until the overlap ends',
        description: 'The body is optional: without one, the old secret works for 24 hours more.',
        params: idParams,
        body: jsonBody(rotateKeySchema, { overlapSeconds: 86400 }),
        responses: {
          200: jsonResponse('The key and its new secret', rotatedApiKeySchema, ROTATED_KEY_EXAMPLE),
        },
        errors: ['VIGIL_NOT_FOUND', 'VIGIL_CONFLICT'],
      }),
    },
    async (request) => apiKeys.rotate(actorOf(request), request.params.id, request.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/api-keys/:id',
    {
      schema: operation({
        operationId: 'revokeApiKey',
        permission: 'apikey.manage',
        tags: ['api-keys'],
        summary: 'Revoke an API key: refused from the next request on',
        description:
          'The body is optional: send a reason, or no body at all. Revoking twice changes nothing.',
        params: idParams,
        body: jsonBody(revokeKeySchema, { reason: 'the system was decommissioned' }),
        responses: { 200: jsonResponse('The revoked key', apiKeySchema, REVOKED_KEY_EXAMPLE) },
        errors: ['VIGIL_NOT_FOUND'],
      }),
    },
    async (request) => apiKeys.revoke(actorOf(request), request.params.id, request.body),
  );
  done();
};
