/**
 * Revocation of tokens: a deny list in the database (revoked_token), checked on every request against
 * a copy kept in memory and refreshed every few seconds, so a revocation reaches every process of an
 * instance within `refreshMs` (at once in the process that revoked).
 */
import type { Queryable } from '../store/database.ts';
import { RevokedTokenRepository } from './revoked-token.repository.ts';
import type { RevokedToken } from './revoked-token.repository.ts';

export type { RevokedToken } from './revoked-token.repository.ts';

export interface RevocationList {
  isRevoked(jti: string): Promise<boolean>;
  revoke(token: RevokedToken): Promise<void>;
}

export interface RevocationListOptions {
  /** How old the copy in memory may be (default 5 s). */
  readonly refreshMs?: number;
  readonly now?: () => Date;
}

/**
 * The deny list in the database. `db` must be the service's connection (vigil_service reads and
 * writes revoked_token; vigil_app cannot).
 */
export function databaseRevocationList(db: Queryable, options: RevocationListOptions = {}): RevocationList {
  const repo = new RevokedTokenRepository();
  const refreshMs = options.refreshMs ?? 5_000;
  const now = options.now ?? (() => new Date());
  let copy: { readonly ids: Set<string>; readonly at: number } | undefined;
  let loading: Promise<Set<string>> | undefined;

  const load = (): Promise<Set<string>> => {
    loading ??= repo
      .unexpired(db, now())
      .then((ids) => {
        copy = { ids: new Set(ids), at: Date.now() };
        return copy.ids;
      })
      .catch((err: unknown) => {
        // A stale copy is better than refusing everyone while the database hiccups; no copy at all
        // means nothing is known, and the request fails.
        if (copy !== undefined) {
          return copy.ids;
        }
        throw err;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async isRevoked(jti) {
      const ids = copy !== undefined && Date.now() - copy.at < refreshMs ? copy.ids : await load();
      return ids.has(jti);
    },
    async revoke(token) {
      await repo.insert(db, token, now());
      copy?.ids.add(token.jti);
    },
  };
}
