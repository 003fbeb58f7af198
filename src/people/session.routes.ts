/**
 * HTTP adapter of people's sessions, mounted under /v1: sign in (public: it is how a person gets a
 * credential) with a password or through the OpenID Connect provider, who is signed in, and sign
 * out. The session travels in an HttpOnly, SameSite=Strict cookie; the CSRF token a change must
 * carry is in the answer's body, never in a cookie.
 */
import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/index.ts';
import { VigilError } from '../errors/index.ts';
import { jsonBody, jsonResponse, noBody, noContent, operation } from '../contract/index.ts';
import type { PeopleService } from './people.service.ts';
import type { IdentityProvider, PendingSignIn } from './oidc-client.ts';
import { identityOf } from './oidc-identity.ts';
import type { OidcConfig } from '../config/index.ts';
import { SESSION_EXAMPLE, sessionViewSchema, signInSchema } from './people.schema.ts';

export interface SessionRoutesOptions {
  readonly people: PeopleService;
  /** Send the cookie only over https (behind TLS). */
  readonly secureCookie: boolean;
  /** Sign-in with a password is on. */
  readonly localPasswords?: boolean;
  /** The OpenID Connect provider and its settings, when one is configured. */
  readonly oidc?: { readonly config: OidcConfig; readonly provider: IdentityProvider } | undefined;
}

/** The cookie that carries state, nonce and PKCE verifier from the start of a sign-in to its callback. */
export const OIDC_COOKIE = 'vigil_oidc';
const OIDC_PATH = '/v1/session/oidc';
/** How long a person may take at the provider before the sign-in must be started again. */
const OIDC_PENDING_SECONDS = 600;

const signInMethodsSchema = z
  .object({
    passwords: z.boolean().describe('a username and password may be sent to POST /v1/session'),
    oidc: z
      .object({
        name: z.string().describe('the provider’s name for the button: “Sign in with <name>”'),
        start: z.string().describe('where the browser goes to sign in there (a navigation, not a fetch)'),
      })
      .nullable()
      .describe('sign-in through the OpenID Connect provider; null when none is configured'),
  })
  .meta({ id: 'SignInMethods' });

const pendingSchema = z.object({ state: z.string(), nonce: z.string(), verifier: z.string() });

function pendingOf(cookie: string | undefined): PendingSignIn | undefined {
  if (cookie === undefined) {
    return undefined;
  }
  try {
    const parsed = pendingSchema.safeParse(JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the browser lands after the provider: the workbench, or its sign-in screen with the code of
 * what went wrong (the screen says it in the person's language; the code is in the audit trail).
 */
function landing(reply: FastifyReply, to: string): FastifyReply {
  return reply.code(303).header('location', to).header('cache-control', 'no-store').send();
}

const cookieOptions = (secure: boolean) =>
  ({ path: '/', httpOnly: true, sameSite: 'strict', secure }) as const;

/** POST /v1/session: outside the bearer scope (a person signing in has no credential yet). */
export const signInRoutes: FastifyPluginCallback<SessionRoutesOptions> = (app, opts, done) => {
  app.post(
    '/session',
    {
      schema: operation({
        operationId: 'signIn',
        public: true,
        permission: 'session.self',
        tags: ['sessions'],
        summary: 'A person signs in to the workbench: sets the session cookie',
        description:
          'Answers who is signed in and the CSRF token that every POST, PUT, PATCH and DELETE made with the cookie must send in `X-CSRF-Token`. ' +
          'Wrong passwords in a row lock the account for a while (VIGIL_ACCOUNT_LOCKED). Systems use bearer tokens or API keys instead.',
        body: jsonBody(signInSchema, { username: 'analyst.nl', password: 'vigil-demo-password' }),
        responses: { 200: jsonResponse('Signed in', sessionViewSchema, SESSION_EXAMPLE) },
        errors: [
          'VIGIL_SIGN_IN_FAILED',
          'VIGIL_ACCOUNT_LOCKED',
          'VIGIL_LOCAL_SIGN_IN_DISABLED',
          'VIGIL_RATE_LIMITED',
        ],
      }),
    },
    async (request, reply) => {
      const { sessionId, view } = await opts.people.signIn(request.body ?? {});
      void reply.setCookie(SESSION_COOKIE, sessionId, cookieOptions(opts.secureCookie));
      return view;
    },
  );

  app.get(
    '/session/methods',
    {
      schema: operation({
        operationId: 'getSignInMethods',
        public: true,
        permission: 'session.self',
        tags: ['sessions'],
        summary: 'How people sign in to this instance: password, identity provider, or both',
        errors: ['VIGIL_RATE_LIMITED'],
        responses: {
          200: jsonResponse('The sign-in methods', signInMethodsSchema, {
            passwords: true,
            oidc: { name: 'Douane Identity', start: OIDC_PATH },
          }),
        },
      }),
    },
    () => ({
      passwords: opts.localPasswords !== false,
      oidc: opts.oidc !== undefined ? { name: opts.oidc.config.providerName, start: OIDC_PATH } : null,
    }),
  );

  // The two steps of the code flow are browser navigations between Vigil and the provider, not API
  // operations (they answer with redirects, never JSON): kept out of the OpenAPI document and
  // described in docs/security.md.
  app.get(OIDC_PATH.slice('/v1'.length), { schema: { hide: true } }, async (request, reply) => {
    if (opts.oidc === undefined) {
      throw new VigilError('VIGIL_OIDC_NOT_CONFIGURED', 'this instance has no VIGIL_OIDC_ISSUER');
    }
    let started: Awaited<ReturnType<IdentityProvider['begin']>>;
    try {
      started = await opts.oidc.provider.begin();
    } catch (err) {
      if (!(err instanceof VigilError)) {
        throw err;
      }
      request.log.warn(
        { code: err.code, detail: err.message },
        'sign-in through the identity provider not started',
      );
      return landing(reply, `/sign-in?error=${encodeURIComponent(err.code)}`);
    }
    const { url, pending } = started;
    void reply.setCookie(OIDC_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
      path: OIDC_PATH,
      httpOnly: true,
      // Lax, not Strict: the provider sends the browser back with a cross-site navigation.
      sameSite: 'lax',
      secure: opts.secureCookie,
      maxAge: OIDC_PENDING_SECONDS,
    });
    return landing(reply, url);
  });

  app.get(`${OIDC_PATH.slice('/v1'.length)}/callback`, { schema: { hide: true } }, async (request, reply) => {
    if (opts.oidc === undefined) {
      throw new VigilError('VIGIL_OIDC_NOT_CONFIGURED', 'this instance has no VIGIL_OIDC_ISSUER');
    }
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const pending = pendingOf(request.cookies[OIDC_COOKIE]);
    void reply.clearCookie(OIDC_COOKIE, {
      path: OIDC_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secureCookie,
    });
    try {
      if (pending === undefined || query.get('state') !== pending.state) {
        throw new VigilError(
          'VIGIL_OIDC_STATE_MISMATCH',
          pending === undefined
            ? 'this browser has no sign-in under way (it took longer than 10 minutes, or began elsewhere): start again'
            : 'the answer’s state is not the one this browser’s sign-in sent: start again',
        );
      }
      const error = query.get('error');
      if (error !== null) {
        throw new VigilError(
          'VIGIL_OIDC_FAILED',
          `the identity provider answered ${error}${query.has('error_description') ? `: ${query.get('error_description')}` : ''}`,
        );
      }
      const claims = await opts.oidc.provider.finish(query, pending);
      const { sessionId } = await opts.people.signInWithIdentity(identityOf(claims, opts.oidc.config));
      void reply.setCookie(SESSION_COOKIE, sessionId, cookieOptions(opts.secureCookie));
      return landing(reply, '/');
    } catch (err) {
      if (!(err instanceof VigilError)) {
        throw err;
      }
      request.log.warn(
        { code: err.code, detail: err.message },
        'sign-in through the identity provider refused',
      );
      return landing(reply, `/sign-in?error=${encodeURIComponent(err.code)}`);
    }
  });
  done();
};

function clearCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}

/** GET and DELETE /v1/session: in the authenticated scope (the cookie is the credential). */
export const sessionRoutes: FastifyPluginCallback<SessionRoutesOptions> = (app, opts, done) => {
  app.get(
    '/session',
    {
      schema: operation({
        operationId: 'getSession',
        permission: 'session.self',
        tags: ['sessions'],
        summary: 'Who is signed in with this cookie, and the session’s CSRF token',
        description: 'A request made with a bearer token has no session: 404.',
        responses: { 200: jsonResponse('The session', sessionViewSchema, SESSION_EXAMPLE) },
        errors: ['VIGIL_NOT_FOUND'],
      }),
    },
    async (request) => {
      const id = request.cookies[SESSION_COOKIE];
      if (id === undefined || request.headers.authorization !== undefined) {
        throw new VigilError('VIGIL_NOT_FOUND', 'this request was not made with a session cookie');
      }
      return (await opts.people.session(id)).view;
    },
  );
  app.delete(
    '/session',
    {
      schema: operation({
        operationId: 'signOut',
        permission: 'session.self',
        tags: ['sessions'],
        summary: 'Sign out: ends the session and clears its cookie',
        body: noBody,
        responses: { 204: noContent('Signed out') },
      }),
    },
    async (request, reply) => {
      const id = request.cookies[SESSION_COOKIE];
      if (id !== undefined && request.headers.authorization === undefined) {
        await opts.people.signOut(id);
      }
      clearCookie(reply, opts.secureCookie);
      return reply.status(204).send();
    },
  );
  done();
};
