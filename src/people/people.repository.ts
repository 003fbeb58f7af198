/**
 * SQL of people's accounts and sessions (tables user_account, user_password and user_session,
 * migration 0031; user_identity, the links to an OpenID Connect provider, migration 0043). Sign-in and cookie checks run on the service's connection: the authority is not
 * known until the account is found.
 */
import type { Queryable } from '../store/database.ts';

export interface UserAccountRow {
  readonly username: string;
  readonly authority: string;
  readonly display_name: string;
  readonly role: string;
  readonly office: string | null;
  readonly disabled: boolean;
  readonly failed_attempts: number;
  readonly locked_until: Date | null;
  readonly created_at: Date;
  readonly created_by: string;
}

/** A live session with its account, as a cookie request needs it. */
export interface SessionRow {
  readonly account: UserAccountRow;
  readonly csrf_token: string;
  readonly created_at: Date;
  readonly last_seen_at: Date;
  readonly expires_at: Date;
  readonly ended_at: Date | null;
}

const ACCOUNT_COLUMNS = `a.username, a.authority, a.display_name, a.role, a.office, a.disabled, a.failed_attempts,
  a.locked_until, a.created_at, a.created_by`;

export class PeopleRepository {
  async insertAccount(
    db: Queryable,
    a: Omit<UserAccountRow, 'failed_attempts' | 'locked_until' | 'disabled'>,
    hash: string,
  ): Promise<boolean> {
    const r = await db.query(
      `INSERT INTO user_account (username, authority, display_name, role, office, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING`,
      [a.username, a.authority, a.display_name, a.role, a.office, a.created_at, a.created_by],
    );
    if ((r.rowCount ?? 0) === 0) {
      return false;
    }
    await db.query(`INSERT INTO user_password (username, hash, changed_at) VALUES ($1, $2, $3)`, [
      a.username,
      hash,
      a.created_at,
    ]);
    return true;
  }

  /** An account made by signing in through an identity provider: no password, linked to its subject. */
  async insertLinkedAccount(
    db: Queryable,
    a: Omit<UserAccountRow, 'failed_attempts' | 'locked_until' | 'disabled'>,
    link: { issuer: string; subject: string },
  ): Promise<boolean> {
    const r = await db.query(
      `INSERT INTO user_account (username, authority, display_name, role, office, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING`,
      [a.username, a.authority, a.display_name, a.role, a.office, a.created_at, a.created_by],
    );
    if ((r.rowCount ?? 0) === 0) {
      return false;
    }
    await db.query(
      `INSERT INTO user_identity (issuer, subject, username, linked_at, last_signed_in_at)
       VALUES ($1, $2, $3, $4, $4)`,
      [link.issuer, link.subject, a.username, a.created_at],
    );
    return true;
  }

  /** The account an identity provider's subject is linked to, locked for the sign-in's update. */
  async linkedAccount(db: Queryable, issuer: string, subject: string): Promise<UserAccountRow | undefined> {
    const r = await db.query<UserAccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM user_identity i JOIN user_account a USING (username)
       WHERE i.issuer = $1 AND i.subject = $2 FOR UPDATE OF a`,
      [issuer, subject],
    );
    return r.rows[0];
  }

  async account(db: Queryable, username: string): Promise<UserAccountRow | undefined> {
    const r = await db.query<UserAccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM user_account a WHERE username = $1`,
      [username],
    );
    return r.rows[0];
  }

  /** The provider's word on a linked account's role, office and name, at each sign-in. */
  async updateLinkedAccount(
    db: Queryable,
    link: { issuer: string; subject: string },
    a: Pick<UserAccountRow, 'username' | 'role' | 'office' | 'display_name'>,
    at: Date,
  ): Promise<void> {
    await db.query(`UPDATE user_account SET role = $2, office = $3, display_name = $4 WHERE username = $1`, [
      a.username,
      a.role,
      a.office,
      a.display_name,
    ]);
    await db.query(`UPDATE user_identity SET last_signed_in_at = $3 WHERE issuer = $1 AND subject = $2`, [
      link.issuer,
      link.subject,
      at,
    ]);
  }

  /** The account and its password hash, locked for the sign-in attempt's update. */
  async forSignIn(
    db: Queryable,
    username: string,
  ): Promise<{ account: UserAccountRow; hash: string } | undefined> {
    const r = await db.query<UserAccountRow & { hash: string }>(
      `SELECT ${ACCOUNT_COLUMNS}, p.hash FROM user_account a JOIN user_password p USING (username)
       WHERE a.username = $1 FOR UPDATE OF a`,
      [username],
    );
    const row = r.rows[0];
    if (row === undefined) {
      return undefined;
    }
    const { hash, ...account } = row;
    return { account, hash };
  }

  async recordFailure(db: Queryable, username: string, lockedUntil: Date | null): Promise<void> {
    await db.query(
      `UPDATE user_account SET failed_attempts = failed_attempts + 1, locked_until = COALESCE($2, locked_until)
       WHERE username = $1`,
      [username, lockedUntil],
    );
  }

  async clearFailures(db: Queryable, username: string): Promise<void> {
    await db.query(`UPDATE user_account SET failed_attempts = 0, locked_until = NULL WHERE username = $1`, [
      username,
    ]);
  }

  async insertSession(
    db: Queryable,
    s: { idHash: string; username: string; csrf: string; at: Date; expiresAt: Date },
  ): Promise<void> {
    await db.query(
      `INSERT INTO user_session (id_hash, username, csrf_token, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $4, $4, $5)`,
      [s.idHash, s.username, s.csrf, s.at, s.expiresAt],
    );
  }

  async session(db: Queryable, idHash: string): Promise<SessionRow | undefined> {
    const r = await db.query<
      UserAccountRow &
        Pick<SessionRow, 'csrf_token' | 'last_seen_at' | 'expires_at' | 'ended_at'> & {
          session_created_at: Date;
        }
    >(
      `SELECT ${ACCOUNT_COLUMNS}, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, s.expires_at,
              s.ended_at
       FROM user_session s JOIN user_account a USING (username) WHERE s.id_hash = $1`,
      [idHash],
    );
    const row = r.rows[0];
    if (row === undefined) {
      return undefined;
    }
    const { csrf_token, session_created_at, last_seen_at, expires_at, ended_at, ...account } = row;
    return {
      account,
      csrf_token,
      created_at: new Date(session_created_at),
      last_seen_at: new Date(last_seen_at),
      expires_at: new Date(expires_at),
      ended_at: ended_at === null ? null : new Date(ended_at),
    };
  }

  async touchSession(db: Queryable, idHash: string, at: Date): Promise<void> {
    await db.query(`UPDATE user_session SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2`, [
      idHash,
      at,
    ]);
  }

  async endSession(db: Queryable, idHash: string, at: Date): Promise<void> {
    await db.query(`UPDATE user_session SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL`, [
      idHash,
      at,
    ]);
  }

  /** Ends every session of an account (it was disabled). */
  async endSessionsOf(db: Queryable, username: string, at: Date): Promise<void> {
    await db.query(`UPDATE user_session SET ended_at = $2 WHERE username = $1 AND ended_at IS NULL`, [
      username,
      at,
    ]);
  }

  async setDisabled(db: Queryable, username: string): Promise<UserAccountRow | undefined> {
    const r = await db.query<UserAccountRow>(
      `UPDATE user_account a SET disabled = true WHERE username = $1 RETURNING ${ACCOUNT_COLUMNS}`,
      [username],
    );
    return r.rows[0];
  }

  async list(db: Queryable, authority: string | undefined): Promise<UserAccountRow[]> {
    const r = await db.query<UserAccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM user_account a WHERE $1::text IS NULL OR a.authority = $1
       ORDER BY a.authority, a.username`,
      [authority ?? null],
    );
    return r.rows;
  }

  async count(db: Queryable): Promise<number> {
    const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM user_account`);
    return r.rows[0]!.n;
  }
}
