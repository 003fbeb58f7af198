/**
 * Bearer tokens for people and systems: HS256 JWTs signed with the instance's own secret, which is
 * kept in the database so `vigil token` and the server agree whenever they share a database.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ROLES } from '../intake/filing.service.ts';
import type { Actor, Role } from '../intake/filing.service.ts';
import { VigilError } from '../errors/index.ts';
import type { Queryable } from '../store/database.ts';

const ISSUER = 'vigil';

export interface TokenRequest {
  readonly subject: string;
  readonly authority: string;
  readonly role: Role;
  readonly ttlSeconds: number;
}

/** Where the instance's signing secret lives. */
export interface SecretStore {
  /** Returns the secret, creating it on first use; every caller of one instance gets the same. */
  get(): Promise<Uint8Array>;
}

/**
 * The secret in the database (PostgreSQL): every process pointed at the database shares it.
 */
export function databaseSecretStore(db: Queryable): SecretStore {
  return {
    async get() {
      await db.query(
        `INSERT INTO instance_secret (id, jwt_secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
        [randomBytes(32).toString('hex')],
      );
      const r = await db.query<{ jwt_secret: string }>(`SELECT jwt_secret FROM instance_secret WHERE id = 1`);
      return Buffer.from(r.rows[0]!.jwt_secret, 'hex');
    },
  };
}

/**
 * The secret in a file of the data folder (embedded PGlite): `vigil token` can mint a token while the
 * server holds the embedded database open, which a second process must never open too.
 */
export function fileSecretStore(dataDir: string): SecretStore {
  const path = join(dataDir, 'instance.key');
  return {
    get() {
      mkdirSync(dataDir, { recursive: true });
      try {
        writeFileSync(path, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw err;
        }
      }
      return Promise.resolve(Buffer.from(readFileSync(path, 'utf8').trim(), 'hex'));
    },
  };
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
    if (!/^[A-Z]{2,4}$/.test(req.authority)) {
      throw new VigilError(
        'VIGIL_BAD_REQUEST',
        `authority '${req.authority}' must be 2–4 capital letters (NL, BE, EU)`,
      );
    }
    return new SignJWT({ authority: req.authority, role: req.role })
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
      });
      const role = payload['role'];
      const authority = payload['authority'];
      if (typeof payload.sub !== 'string' || typeof authority !== 'string' || !ROLES.includes(role as Role)) {
        throw new VigilError('VIGIL_UNAUTHENTICATED', 'the token lacks subject, authority or a known role');
      }
      return { subject: payload.sub, authority, role: role as Role };
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
