/** SQL for API keys and their secrets (tables api_key and api_key_secret, migration 0023). */
import type { Queryable } from '../store/database.ts';

export interface ApiKeyRow {
  readonly id: string;
  readonly authority: string;
  readonly filer: string;
  readonly role: string;
  readonly eoris: string[];
  readonly name: string;
  readonly description: string;
  readonly rate_limit_per_minute: number | null;
  readonly created_by: string;
  readonly created_at: Date;
  readonly expires_at: Date;
  readonly last_used_at: Date | null;
  readonly rotated_at: Date | null;
  readonly revoked_at: Date | null;
  readonly revoked_by: string | null;
  readonly revoked_reason: string | null;
}

export interface ApiKeySecretRow {
  readonly prefix: string;
  readonly key_id: string;
  readonly hash: string;
  readonly created_at: Date;
  readonly retires_at: Date | null;
}

/** A secret found by its prefix, with its key: what authenticating a request needs. */
export interface KeyBySecret {
  readonly key: ApiKeyRow;
  readonly secret: ApiKeySecretRow;
}

const KEY_COLUMNS = `k.id, k.authority, k.filer, k.role, k.eoris, k.name, k.description, k.rate_limit_per_minute,
  k.created_by, k.created_at, k.expires_at, k.last_used_at, k.rotated_at, k.revoked_at, k.revoked_by, k.revoked_reason`;

export class ApiKeyRepository {
  async insertKey(tx: Queryable, k: ApiKeyRow): Promise<void> {
    await tx.query(
      `INSERT INTO api_key (id, authority, filer, role, eoris, name, description, rate_limit_per_minute,
         created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        k.id,
        k.authority,
        k.filer,
        k.role,
        JSON.stringify(k.eoris),
        k.name,
        k.description,
        k.rate_limit_per_minute,
        k.created_by,
        k.created_at,
        k.expires_at,
      ],
    );
  }

  /** Adds a secret; false when its prefix is taken already (the caller draws another). */
  async insertSecret(
    tx: Queryable,
    authority: string,
    s: Omit<ApiKeySecretRow, 'retires_at'>,
  ): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO api_key_secret (prefix, key_id, authority, hash, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (prefix) DO NOTHING`,
      [s.prefix, s.key_id, authority, s.hash, s.created_at],
    );
    return r.rowCount === 1;
  }

  /** Does any key use this prefix? (Across authorities: the service's connection.) */
  async prefixTaken(db: Queryable, prefix: string): Promise<boolean> {
    const r = await db.query(`SELECT 1 FROM api_key_secret WHERE prefix = $1`, [prefix]);
    return r.rows.length > 0;
  }

  async get(tx: Queryable, authority: string, id: string, forUpdate = false): Promise<ApiKeyRow | undefined> {
    const r = await tx.query<ApiKeyRow>(
      `SELECT ${KEY_COLUMNS} FROM api_key k WHERE k.authority = $1 AND k.id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [authority, id],
    );
    return r.rows[0];
  }

  async list(
    tx: Queryable,
    authority: string,
    q: { readonly filer?: string | undefined; readonly limit: number },
  ): Promise<ApiKeyRow[]> {
    const r = await tx.query<ApiKeyRow>(
      `SELECT ${KEY_COLUMNS} FROM api_key k
       WHERE k.authority = $1 AND ($2::text IS NULL OR k.filer = $2)
       ORDER BY k.created_at DESC, k.id LIMIT $3`,
      [authority, q.filer ?? null, q.limit],
    );
    return r.rows;
  }

  /** The secrets of these keys that still work at `at`, oldest first. */
  async liveSecrets(tx: Queryable, keyIds: readonly string[], at: Date): Promise<ApiKeySecretRow[]> {
    if (keyIds.length === 0) {
      return [];
    }
    const r = await tx.query<ApiKeySecretRow>(
      `SELECT prefix, key_id, hash, created_at, retires_at FROM api_key_secret
       WHERE key_id = ANY($1::text[]) AND (retires_at IS NULL OR retires_at > $2)
       ORDER BY created_at, prefix`,
      [keyIds, at],
    );
    return r.rows;
  }

  /**
   * Rotation: every secret of the key still working stops at `until` at the latest (the one being
   * replaced, and one left from an earlier rotation that had not ended yet).
   */
  async retireSecrets(tx: Queryable, keyId: string, at: Date, until: Date): Promise<void> {
    await tx.query(
      `UPDATE api_key_secret SET retires_at = LEAST(COALESCE(retires_at, $3), $3)
       WHERE key_id = $1 AND (retires_at IS NULL OR retires_at > $2)`,
      [keyId, at, until],
    );
  }

  async markRotated(tx: Queryable, keyId: string, at: Date): Promise<void> {
    await tx.query(`UPDATE api_key SET rotated_at = $2 WHERE id = $1`, [keyId, at]);
  }

  async markRevoked(
    tx: Queryable,
    keyId: string,
    at: Date,
    by: string,
    reason: string | null,
  ): Promise<void> {
    await tx.query(
      `UPDATE api_key SET revoked_at = $2, revoked_by = $3, revoked_reason = $4 WHERE id = $1 AND revoked_at IS NULL`,
      [keyId, at, by, reason],
    );
  }

  /** The secret with this prefix and its key, whatever the authority (one lookup by primary key). */
  async bySecretPrefix(db: Queryable, prefix: string): Promise<KeyBySecret | undefined> {
    const r = await db.query<
      ApiKeyRow & { s_prefix: string; s_hash: string; s_created_at: Date; s_retires_at: Date | null }
    >(
      `SELECT ${KEY_COLUMNS}, s.prefix AS s_prefix, s.hash AS s_hash, s.created_at AS s_created_at,
         s.retires_at AS s_retires_at
       FROM api_key_secret s JOIN api_key k ON k.id = s.key_id WHERE s.prefix = $1`,
      [prefix],
    );
    const row = r.rows[0];
    if (row === undefined) {
      return undefined;
    }
    const { s_prefix, s_hash, s_created_at, s_retires_at, ...key } = row;
    return {
      key,
      secret: {
        prefix: s_prefix,
        key_id: key.id,
        hash: s_hash,
        created_at: s_created_at,
        retires_at: s_retires_at,
      },
    };
  }

  /**
   * Records that the key was used at `at`, unless it was recorded within the minute before: a key
   * used a thousand times a second still writes its row once a minute.
   */
  async touch(db: Queryable, keyId: string, at: Date): Promise<void> {
    await db.query(
      `UPDATE api_key SET last_used_at = $2
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - interval '1 minute')`,
      [keyId, at],
    );
  }
}
