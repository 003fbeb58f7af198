/**
 * Bearer authentication for a scope of routes: every request must carry a token this instance issued;
 * the verified caller is set on `request.actor` (declared in auth/request-actor.ts), which feature
 * routes read with `actorOf`, and the permission the route names (`x-vigil-permission`) is required.
 */
import type { FastifyInstance } from 'fastify';
import { requirePermission } from '../auth/index.ts';
import type { TokenService } from '../auth/index.ts';
import { VigilError } from '../errors/index.ts';

/** Decorates every request with `actor` (null until authenticated). Call once on the root instance. */
export function decorateActor(app: FastifyInstance): void {
  app.decorateRequest('actor', null);
}

/** Requires a valid bearer token on every request of this scope. */
export function requireBearer(scope: FastifyInstance, tokens: TokenService): void {
  scope.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const match = header !== undefined ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (match === null) {
      throw new VigilError('VIGIL_UNAUTHENTICATED', 'send Authorization: Bearer <token>');
    }
    request.actor = await tokens.verify(match[1]!);
  });
  // Who may call a route is answered before what is wrong with its body; services check again
  // (the same table) for callers that do not come through HTTP.
  scope.addHook('preValidation', (request, _reply, done) => {
    const permission = request.routeOptions.schema?.['x-vigil-permission'];
    try {
      if (permission !== undefined && request.actor !== null) {
        requirePermission(request.actor, permission);
      }
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
}
