/**
 * API keys as bearer credentials: a key is sent in the same `Authorization: Bearer` header as a token
 * and told apart by its prefix (`vgk_`), so every client that takes a token takes a key. The keys
 * themselves (storage, rotation, revocation) are the api-keys feature's; the bearer check only needs
 * this port to turn a presented key into the filer's actor.
 */
import type { Actor } from './actor.ts';

/** Every API key starts with this, which is how a leaked one is recognised (and told from a JWT). */
export const API_KEY_PREFIX = 'vgk_';

/** Is this bearer credential an API key (rather than a token)? */
export function isApiKey(bearer: string): boolean {
  return bearer.startsWith(API_KEY_PREFIX);
}

/** What a request made with a key carries besides its actor: which key, and the key's own limit. */
export interface KeyCredential {
  readonly keyId: string;
  /** Requests per minute for this key; undefined: the instance's default limit. */
  readonly rateLimitPerMinute: number | undefined;
}

/** Turns a presented key into the actor of the filer it was made for, or throws a VIGIL_API_KEY_* error. */
export interface ApiKeyAuthenticator {
  authenticate(presented: string): Promise<{ readonly actor: Actor; readonly key: KeyCredential }>;
}
