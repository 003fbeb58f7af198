/** The instance's signing secret (table instance_secret): SQL only. */
import type { Queryable } from '../store/database.ts';

export class InstanceSecretRepository {
  /** The stored secret (hex), storing `fresh` first when there is none; concurrent callers agree. */
  async getOrCreate(db: Queryable, fresh: string): Promise<string> {
    await db.query(
      `INSERT INTO instance_secret (id, jwt_secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
      [fresh],
    );
    const r = await db.query<{ jwt_secret: string }>(`SELECT jwt_secret FROM instance_secret WHERE id = 1`);
    return r.rows[0]!.jwt_secret;
  }
}
