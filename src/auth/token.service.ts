/**
 * Bearer tokens for people and systems: HS256 JWTs signed with the newest key of the instance's
 * keyring (keyring.ts), naming it (`kid`), addressed to this instance (`aud: vigil:<instance>`),
 * expiring within a week, each with its own id (`jti`) so that it can be revoked (revocation.ts).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, jwtVerify, errors as joseErrors } from 'jose';
import type { JWTPayload } from 'jose';
import { ROLES, officeOfAuthority } from './actor.ts';
import type { Actor, Role } from './actor.ts';
import type { KeyringSource } from './keyring.ts';
import type { RevocationList } from './revocation.ts';
import { VigilError } from '../errors/index.ts';

const ISSUER = 'vigil';

/** The longest a token may live: a stolen token is useful for a week at most. */
export const MAX_TTL_SECONDS = 7 * 86_400;

export interface TokenRequest {
  readonly subject: string;
  readonly authority: string;
  readonly role: Role;
  readonly ttlSeconds: number;
  /** Binds the token to a customs office (an officer's): the office's queue is theirs by default. */
  readonly office?: string | undefined;
  /**
   * Binds a filer's token to the EORIs it files for: it lodges, amends and invalidates only filings
   * whose declarant is one of them. A filer token without it (the demo, trying Vigil) is unbound.
   */
  readonly eoris?: readonly string[] | undefined;
}

const EORI = /^[A-Z]{2}[A-Za-z0-9]{1,15}$/;

/** The audience of an instance's tokens. */
export function audienceOf(instance: string): string {
  return `vigil:${instance}`;
}

export interface TokenServiceOptions {
  /** The deny list; without one, no token is ever revoked (tools that only issue). */
  readonly revocations?: RevocationList | undefined;
}

export class TokenService {
  readonly #keys: KeyringSource;
  readonly #revocations: RevocationList | undefined;

  constructor(keys: KeyringSource, options: TokenServiceOptions = {}) {
    this.#keys = keys;
    this.#revocations = options.revocations;
  }

  async issue(req: TokenRequest): Promise<string> {
    if (!ROLES.includes(req.role)) {
      throw new VigilError(
        'VIGIL_BAD_REQUEST',
        `unknown role '${String(req.role)}'; roles: ${ROLES.join(', ')}`,
      );
    }
    if (!Number.isInteger(req.ttlSeconds) || req.ttlSeconds < 60 || req.ttlSeconds > MAX_TTL_SECONDS) {
      throw new VigilError(
        'VIGIL_BAD_REQUEST',
        `a token lives from 60 seconds to ${MAX_TTL_SECONDS / 86_400} days, not ${String(req.ttlSeconds)} seconds`,
      );
    }
    if (!/^[A-Z]{2,4}$/.test(req.authority)) {
      throw new VigilError(
        'VIGIL_BAD_REQUEST',
        `authority '${req.authority}' must be 2–4 capital letters (NL, BE, EU)`,
      );
    }
    if (req.office !== undefined) {
      if (!/^[A-Z]{2}[A-Z0-9]{6}$/.test(req.office)) {
        throw new VigilError(
          'VIGIL_OFFICE_INVALID',
          `office '${req.office}' is not a customs office reference (an8)`,
        );
      }
      if (!officeOfAuthority(req.office, req.authority)) {
        throw new VigilError(
          'VIGIL_OFFICE_INVALID',
          `office ${req.office} is not an office of ${req.authority}`,
        );
      }
    }
    if (req.eoris !== undefined) {
      if (req.role !== 'filer') {
        throw new VigilError('VIGIL_BAD_REQUEST', 'only filer tokens are bound to EORIs');
      }
      const bad = req.eoris.find((e) => !EORI.test(e));
      if (bad !== undefined || req.eoris.length === 0) {
        throw new VigilError(
          'VIGIL_BAD_REQUEST',
          `'${bad ?? ''}' is not an EORI (country code and up to 15 letters or digits)`,
        );
      }
    }
    const ring = this.#keys.current();
    const signing = ring.keys[ring.keys.length - 1]!;
    return new SignJWT({
      authority: req.authority,
      role: req.role,
      ...(req.office !== undefined ? { office: req.office } : {}),
      ...(req.eoris !== undefined ? { eoris: [...req.eoris] } : {}),
    })
      .setProtectedHeader({ alg: 'HS256', kid: signing.kid })
      .setSubject(req.subject)
      .setIssuer(ISSUER)
      .setAudience(audienceOf(ring.instance))
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${req.ttlSeconds}s`)
      .sign(signing.secret);
  }

  /** The claims of a token this instance signed (signature, audience and expiry checked). */
  async #verified(token: string): Promise<JWTPayload> {
    const ring = this.#keys.current();
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          if (header.kid === undefined) {
            throw new VigilError('VIGIL_UNAUTHENTICATED', 'the token names no signing key (kid)');
          }
          const key = ring.keys.find((k) => k.kid === header.kid);
          if (key === undefined) {
            throw new VigilError(
              'VIGIL_UNAUTHENTICATED',
              `the token was signed with key ${header.kid}, which this instance does not hold (removed after a rotation?)`,
            );
          }
          return key.secret;
        },
        {
          issuer: ISSUER,
          audience: audienceOf(ring.instance),
          algorithms: ['HS256'],
          // A token without an expiry would never expire; one without an id could not be revoked.
          requiredClaims: ['exp', 'jti', 'aud'],
          maxTokenAge: MAX_TTL_SECONDS,
        },
      );
      return payload;
    } catch (err) {
      if (err instanceof VigilError) {
        throw err;
      }
      const why =
        err instanceof joseErrors.JWTExpired
          ? 'the token has expired'
          : err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud'
            ? `the token is not addressed to this instance (aud must be ${audienceOf(ring.instance)})`
            : err instanceof joseErrors.JWTClaimValidationFailed
              ? `the token's ${err.claim} claim is missing or invalid`
              : 'the token is not valid for this instance';
      throw new VigilError('VIGIL_UNAUTHENTICATED', why);
    }
  }

  /**
   * Revokes a token of this instance: refused from now on (in every process within the deny list's
   * refresh). Returns its id and when it would have expired.
   */
  async revoke(
    token: string,
    by: string,
    reason: string,
  ): Promise<{ jti: string; expiresAt: Date; authority: string }> {
    if (this.#revocations === undefined) {
      throw new Error('this token service has no deny list');
    }
    let payload: JWTPayload;
    try {
      payload = await this.#verified(token);
    } catch (err) {
      // An expired token needs no revoking, but saying so is clearer than refusing.
      if (err instanceof VigilError && /expired/.test(err.message)) {
        const claims = decodeJwt(token);
        return {
          jti: String(claims.jti),
          expiresAt: new Date((claims.exp ?? 0) * 1000),
          authority: String(claims['authority']),
        };
      }
      throw err;
    }
    const entry = { jti: payload.jti!, expiresAt: new Date(payload.exp! * 1000) };
    await this.#revocations.revoke({ ...entry, revokedBy: by, reason });
    return { ...entry, authority: String(payload['authority']) };
  }

  /** Revokes by token id alone (the token itself is lost): kept for the longest a token can live. */
  async revokeId(jti: string, by: string, reason: string, now = new Date()): Promise<void> {
    if (this.#revocations === undefined) {
      throw new Error('this token service has no deny list');
    }
    await this.#revocations.revoke({
      jti,
      expiresAt: new Date(now.getTime() + MAX_TTL_SECONDS * 1000),
      revokedBy: by,
      reason,
    });
  }

  async verify(token: string): Promise<Actor> {
    const payload = await this.#verified(token);
    if (this.#revocations !== undefined && (await this.#revocations.isRevoked(payload.jti!))) {
      throw new VigilError('VIGIL_TOKEN_REVOKED', `token ${payload.jti!} was revoked; ask for a new one`);
    }
    const role = payload['role'];
    const authority = payload['authority'];
    if (typeof payload.sub !== 'string' || typeof authority !== 'string' || !ROLES.includes(role as Role)) {
      throw new VigilError('VIGIL_UNAUTHENTICATED', 'the token lacks subject, authority or a known role');
    }
    const office = payload['office'];
    const eoris = payload['eoris'];
    const bound = Array.isArray(eoris) && eoris.every((e) => typeof e === 'string') ? eoris : undefined;
    return {
      subject: payload.sub,
      authority,
      role: role as Role,
      ...(typeof office === 'string' ? { office } : {}),
      ...(role === 'filer' && bound !== undefined ? { eoris: bound } : {}),
    };
  }
}

/** The id (`jti`) of a token, read without verifying it (for audit entries of tokens just issued). */
export function tokenId(token: string): string | undefined {
  try {
    const jti = decodeJwt(token).jti;
    return typeof jti === 'string' ? jti : undefined;
  } catch {
    return undefined;
  }
}
