/** The deny list of tokens (table revoked_token, migration 0014): SQL only. */
import type { Queryable } from '../store/database.ts';

export interface RevokedToken {
  readonly jti: string;
  /** When the token would have expired anyway; the entry can go after that. */
  readonly expiresAt: Date;
  readonly revokedBy: string;
  readonly reason: string;
}

export class RevokedTokenRepository {
  /** Records a revocation; revoking a token twice keeps the first entry. */
  async insert(db: Queryable, t: RevokedToken, at: Date): Promise<void> {
    await db.query(
      `INSERT INTO revoked_token (jti, expires_at, revoked_at, revoked_by, reason) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (jti) DO NOTHING`,
      [t.jti, t.expiresAt, at, t.revokedBy, t.reason],
    );
  }

  /** The ids of revoked tokens that have not expired yet. */
  async unexpired(db: Queryable, at: Date): Promise<string[]> {
    const r = await db.query<{ jti: string }>(`SELECT jti FROM revoked_token WHERE expires_at > $1`, [at]);
    return r.rows.map((x) => x.jti);
  }
}
