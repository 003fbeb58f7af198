/**
 * The authenticated caller of an HTTP request. The API's auth plugin sets `request.actor` from the
 * bearer token; feature routes read it through `actorOf`, so no route imports the server.
 */
import type { FastifyRequest } from 'fastify';
import { VigilError } from '../errors/index.ts';
import type { Actor } from './actor.ts';
import type { KeyCredential } from './api-key-credential.ts';
import type { Permission } from './permissions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** The API key the request was made with; null for a token (or no credential). */
    apiKey: KeyCredential | null;
  }
  interface FastifySchema {
    /**
     * The permission a route needs (auth/permissions.ts): checked before the body is read, shown in
     * the OpenAPI document, and the source of the security tests' role × route matrix.
     */
    'x-vigil-permission'?: Permission;
  }
}

/** The authenticated caller; routes under /v1 always have one. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null) {
    throw new VigilError('VIGIL_UNAUTHENTICATED');
  }
  return request.actor;
}
