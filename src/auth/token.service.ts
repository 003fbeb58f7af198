/**
 * Bearer tokens for people and systems: HS256 JWTs signed with the instance's own secret, which is
 * kept where `vigil token` and the server both find it (see secret-store.ts).
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ROLES, officeOfAuthority } from './actor.ts';
import type { Actor, Role } from './actor.ts';
import type { SecretStore } from './secret-store.ts';
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
}

export class TokenService {
  readonly #store: SecretStore;
  #key: Uint8Array | undefined;

  constructor(store: SecretStore) {
    this.#store = store;
  }

  async #secret(): Promise<Uint8Array> {
    this.#key ??= await this.#store.get();
    return this.#key;
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
    return new SignJWT({
      authority: req.authority,
      role: req.role,
      ...(req.office !== undefined ? { office: req.office } : {}),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(req.subject)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${req.ttlSeconds}s`)
      .sign(await this.#secret());
  }

  async verify(token: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(token, await this.#secret(), {
        issuer: ISSUER,
        algorithms: ['HS256'],
        // A token without an expiry would never expire.
        requiredClaims: ['exp'],
      });
      const role = payload['role'];
      const authority = payload['authority'];
      if (typeof payload.sub !== 'string' || typeof authority !== 'string' || !ROLES.includes(role as Role)) {
        throw new VigilError('VIGIL_UNAUTHENTICATED', 'the token lacks subject, authority or a known role');
      }
      const office = payload['office'];
      return {
        subject: payload.sub,
        authority,
        role: role as Role,
        ...(typeof office === 'string' ? { office } : {}),
      };
    } catch (err) {
      if (err instanceof VigilError) {
        throw err;
      }
      const why =
        err instanceof joseErrors.JWTExpired
          ? 'the token has expired'
          : 'the token is not valid for this instance';
      throw new VigilError('VIGIL_UNAUTHENTICATED', why);
    }
  }
}
