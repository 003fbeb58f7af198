/**
 * People's session cookies as credentials: the workbench signs a person in (the people feature) and
 * sends the session's cookie with every request; the API's auth plugin only needs this port to turn
 * the cookie into the person's actor and the CSRF token that changes made with it must carry.
 */
import type { Actor } from './actor.ts';

/** The name of the session cookie. */
export const SESSION_COOKIE = 'vigil_session';
/** The header a change made with the cookie carries the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Turns a session cookie into the actor it was opened for, or throws VIGIL_SESSION_EXPIRED. A request
 * counts as the person's activity (refreshing the idle time); `touch: false` only checks, for a
 * stream that asks again while it stays open: an open tab is not a person at the keyboard.
 */
export interface SessionAuthenticator {
  authenticate(
    sessionId: string,
    options?: { readonly touch?: boolean },
  ): Promise<{ readonly actor: Actor; readonly csrfToken: string }>;
}
