/**
 * Bearer authentication for a scope of routes: every request must carry a token this instance issued
 * or one of its API keys (`vgk_…`, told apart by the prefix, in the same header); the verified caller is set on `request.actor` (declared in auth/request-actor.ts), which feature
 * routes read with `actorOf`, and the permission the route names (`x-vigil-permission`) is required.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CSRF_HEADER, SESSION_COOKIE, isApiKey, requirePermission } from '../auth/index.ts';
import type {
  Actor,
  ApiKeyAuthenticator,
  KeyCredential,
  SessionAuthenticator,
  TokenService,
} from '../auth/index.ts';
import { VigilError } from '../errors/index.ts';

/**
 * Decorates every request with `actor` (null until authenticated) and `apiKey` (the key it was made
 * with, if any). Call once on the root instance.
 */
export function decorateActor(app: FastifyInstance): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('apiKey', null);
}

/** Why a request of a bearer scope was not authenticated, until it is answered (see requireBearer). */
const refused = new WeakMap<FastifyRequest, unknown>();

/** Methods that change something: made with the session cookie, they must carry its CSRF token. */
const SAFE_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];

/**
 * A person's session cookie (the workbench), when the request has no Authorization header. A change
 * must carry the session's CSRF token in X-CSRF-Token: another site can make the browser send the
 * cookie (SameSite=Strict aside), but it cannot read the token to send it.
 */
async function authenticateSession(
  request: FastifyRequest,
  sessions: SessionAuthenticator,
  sessionId: string,
  touch: boolean,
): Promise<Actor> {
  const { actor, csrfToken } = await sessions.authenticate(sessionId, { touch });
  if (!SAFE_METHODS.includes(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameSecret(sent, csrfToken)) {
      throw new VigilError(
        'VIGIL_CSRF_REJECTED',
        `send the session's CSRF token (from POST or GET /v1/session) in the ${CSRF_HEADER} header`,
      );
    }
  }
  return actor;
}

/**
 * The caller of a request from its `Authorization: Bearer` credential: an API key (`vgk_…`) when
 * the scope takes keys, else a token; without the header, a person's session cookie when the scope
 * takes sessions. Throws the refusal (VIGIL_UNAUTHENTICATED, VIGIL_API_KEY_…, VIGIL_SESSION_…).
 */
async function authenticateBearer(
  request: FastifyRequest,
  tokens: TokenService,
  apiKeys: ApiKeyAuthenticator | undefined,
  sessions?: SessionAuthenticator,
  touch = true,
): Promise<{ readonly actor: Actor; readonly key: KeyCredential | null }> {
  const header = request.headers.authorization;
  const sessionId = (request.cookies as Record<string, string | undefined> | undefined)?.[SESSION_COOKIE];
  if (header === undefined && sessions !== undefined && sessionId !== undefined) {
    return { actor: await authenticateSession(request, sessions, sessionId, touch), key: null };
  }
  const match = header !== undefined ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (match === null) {
    throw new VigilError(
      'VIGIL_UNAUTHENTICATED',
      'send Authorization: Bearer <token or API key>, or sign in (POST /v1/session)',
    );
  }
  const bearer = match[1]!;
  return apiKeys !== undefined && isApiKey(bearer)
    ? apiKeys.authenticate(bearer)
    : { actor: await tokens.verify(bearer), key: null };
}

/**
 * Requires a valid bearer token on every request of this scope. The refusal is held until
 * preParsing, so that the rate limit (a route-level onRequest hook, keyed by IP when there is no
 * actor) counts a flood of bad tokens too; either way the body is never read.
 */
export function requireBearer(
  scope: FastifyInstance,
  tokens: TokenService,
  apiKeys?: ApiKeyAuthenticator,
  sessions?: SessionAuthenticator,
): void {
  scope.addHook('onRequest', async (request) => {
    try {
      const { actor, key } = await authenticateBearer(request, tokens, apiKeys, sessions);
      request.actor = actor;
      request.apiKey = key;
    } catch (err) {
      refused.set(request, err);
    }
  });
  scope.addHook('preParsing', (request, _reply, payload, done) => {
    if (refused.has(request)) {
      done(refused.get(request) as Error);
      return;
    }
    done(null, payload);
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

/**
 * For a response that outlives its request (the event stream): is the bearer token the request came
 * with still valid, as requireBearer would judge it now (not revoked, not expired)?
 */
export function bearerStillValid(
  tokens: TokenService,
  apiKeys?: ApiKeyAuthenticator,
  sessions?: SessionAuthenticator,
): (request: FastifyRequest) => Promise<boolean> {
  // A stream opened with an API key lasts while the key does: revoked or past its overlap, it ends;
  // one opened with a session cookie lasts while the session does, and its polls are not the person's
  // activity: a tab left open on a stream still reaches the idle timeout.
  return (request) =>
    authenticateBearer(request, tokens, apiKeys, sessions, false).then(
      () => true,
      () => false,
    );
}

/** The roles that may read /metrics with their own token (the scrape token needs no role). */
const METRICS_ROLES: readonly string[] = ['admin', 'auditor'];

function sameSecret(a: string, b: string): boolean {
  // Digests have equal length, so the comparison takes the same time whatever was sent.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * An onRequest hook for /metrics: the metrics name tables, backlogs and rates an outsider should not
 * see, and each scrape queries the database. It takes the configured scrape token, or the token of
 * an admin or auditor of this instance.
 */
export function requireMetricsAccess(
  tokens: TokenService,
  scrapeToken: string | undefined,
): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const header = request.headers.authorization;
    const match = header !== undefined ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (match === null) {
      throw new VigilError(
        'VIGIL_UNAUTHENTICATED',
        'send Authorization: Bearer <the metrics scrape token, or an admin or auditor token>',
      );
    }
    if (scrapeToken !== undefined && sameSecret(match[1]!, scrapeToken)) {
      return;
    }
    const actor = await tokens.verify(match[1]!);
    if (!METRICS_ROLES.includes(actor.role)) {
      throw new VigilError('VIGIL_FORBIDDEN', 'metrics are for the scrape token, admins and auditors');
    }
  };
}
