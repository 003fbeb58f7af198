/**
 * The shape of an API key: `vgk_` + an 8-character public prefix + `_` + the secret (32 random bytes,
 * base64url). The prefix is stored in clear, so a leaked key is recognised by its `vgk_` and looked up
 * by its prefix; the secret is stored only as its SHA-256.
 *
 * A plain SHA-256 is the right hash here, not a slow password hash (bcrypt, scrypt, Argon2): those
 * protect low-entropy secrets people choose against guessing. A 256-bit random secret cannot be
 * guessed from its hash, and a fast hash keeps the per-request check cheap.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX } from '../auth/index.ts';

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SHAPE = /^vgk_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

/** Where the random bytes come from (a port, so tests could pin it). */
export type RandomSource = (size: number) => Uint8Array;

export interface NewSecret {
  /** The whole key, as the filer's system sends it: shown once, never stored. */
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A fresh key with its public prefix and the hash to store. */
export function newSecret(random: RandomSource = randomBytes): NewSecret {
  // The prefix is public and unique by the primary key (a collision is retried), so the slight bias
  // of `byte % 36` does not matter.
  const prefix = [...random(8)].map((b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]!).join('');
  const secret = Buffer.from(random(32)).toString('base64url');
  return { key: `${API_KEY_PREFIX}${prefix}_${secret}`, prefix, hash: hashSecret(secret) };
}

/** The prefix and secret of a presented key, or undefined when it does not have a key's shape. */
export function parseKey(
  presented: string,
): { readonly prefix: string; readonly secret: string } | undefined {
  const m = SHAPE.exec(presented);
  return m === null ? undefined : { prefix: m[1]!, secret: m[2]! };
}

/** Does `secret` hash to `storedHash`? In the same time whatever was sent. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
