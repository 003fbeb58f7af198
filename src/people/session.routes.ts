/**
 * HTTP adapter of people's sessions, mounted under /v1: sign in (public: it is how a person gets a
 * credential), who is signed in, and sign out. The session travels in an HttpOnly, SameSite=Strict
 * cookie; the CSRF token a change must carry is in the answer's body, never in a cookie.
 */
import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { SESSION_COOKIE } from '../auth/index.ts';
import { VigilError } from '../errors/index.ts';
import { jsonBody, jsonResponse, noBody, noContent, operation } from '../contract/index.ts';
import type { PeopleService } from './people.service.ts';
import { SESSION_EXAMPLE, sessionViewSchema, signInSchema } from './people.schema.ts';

export interface SessionRoutesOptions {
  readonly people: PeopleService;
  /** Send the cookie only over https (behind TLS). */
  readonly secureCookie: boolean;
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
        errors: ['VIGIL_SIGN_IN_FAILED', 'VIGIL_ACCOUNT_LOCKED', 'VIGIL_RATE_LIMITED'],
      }),
    },
    async (request, reply) => {
      const { sessionId, view } = await opts.people.signIn(request.body ?? {});
      void reply.setCookie(SESSION_COOKIE, sessionId, cookieOptions(opts.secureCookie));
      return view;
    },
  );
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
