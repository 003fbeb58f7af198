/**
 * The API client: openapi-fetch typed by the types generated from Vigil's OpenAPI document
 * (schema.d.ts, `npm run gen:client`). Requests go to this origin with the session cookie; a change
 * carries the session's CSRF token. A failure becomes an ApiProblem with the problem+json's words.
 */
import createClient from 'openapi-fetch';
import type { Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Session = Schemas['Session'];
export type QueueItem = Schemas['QueueItem'];
export type QueuePage = Schemas['QueuePage'];
export type Assessment = Schemas['Assessment'];
export type ExplainedHit = Schemas['ExplainedHit'];
export type FilingDetail = Schemas['FilingDetail'];

/** A refused or failed request, with what the server said (RFC 9457 problem+json). */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  constructor(status: number, body: unknown) {
    const p = (body ?? {}) as { code?: string; title?: string; detail?: string };
    super(p.detail ?? p.title ?? `HTTP ${status}`);
    this.status = status;
    this.code = p.code ?? 'VIGIL_UNKNOWN';
    this.title = p.title ?? `HTTP ${status}`;
    this.detail = p.detail ?? '';
  }
}

let csrfToken: string | undefined;

/** The session's CSRF token, sent with every change (set on sign-in and when the session is read). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && csrfToken !== undefined) {
      request.headers.set('x-csrf-token', csrfToken);
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);

/** The data of an answer, or its problem thrown (for TanStack Query). */
export function dataOf<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || !r.response.ok) {
    throw new ApiProblem(r.response.status, r.error);
  }
  return r.data as T;
}
