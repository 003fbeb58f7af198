/**
 * SQL for the audit log (the audit trail's storage adapter): serialising appends per authority,
 * reading a chain's head, inserting rows and reading chains in seq order, a page at a time.
 */
import type { Queryable } from '../store/database.ts';

export interface AuditRow {
  readonly authority: string;
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: unknown;
  readonly prev_hash: string;
  readonly hash: string;
}

export interface NewAuditRow {
  readonly authority: string;
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  /** Canonical JSON text of the details (exactly what was hashed). */
  readonly detailsJson: string;
  readonly prevHash: string;
  readonly hash: string;
}

// First key of the two-key advisory lock form, so audit locks cannot collide with the single-key
// (bigint) locks other modules take, such as the migration lock.
const AUDIT_LOCK_CLASS = 0x41554454; // 'AUDT'

const COLUMNS = 'authority, seq, at, actor, action, subject, details, prev_hash, hash';

/**
 * Waits for, and holds until the transaction ends, the right to append to one authority's chain.
 * Must run in its own statement before `head`, so that head's snapshot (READ COMMITTED) sees the
 * row the previous holder committed.
 */
export async function lockChain(tx: Queryable, authority: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))', [AUDIT_LOCK_CLASS, authority]);
}

export async function head(
  tx: Queryable,
  authority: string,
): Promise<{ readonly seq: number; readonly hash: string } | undefined> {
  const r = await tx.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_log WHERE authority = $1 ORDER BY seq DESC LIMIT 1',
    [authority],
  );
  return r.rows[0];
}

export async function insertRows(tx: Queryable, rows: readonly NewAuditRow[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  await tx.query(
    `INSERT INTO audit_log (${COLUMNS})
     SELECT a, s, t, ac, act, sub, d::jsonb, p, h
     FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                 $7::text[], $8::text[], $9::text[]) AS u(a, s, t, ac, act, sub, d, p, h)`,
    [
      rows.map((r) => r.authority),
      rows.map((r) => r.seq),
      rows.map((r) => r.at.toISOString()),
      rows.map((r) => r.actor),
      rows.map((r) => r.action),
      rows.map((r) => r.subject),
      rows.map((r) => r.detailsJson),
      rows.map((r) => r.prevHash),
      rows.map((r) => r.hash),
    ],
  );
}

export async function chainAuthorities(db: Queryable): Promise<string[]> {
  const r = await db.query<{ authority: string }>(
    'SELECT DISTINCT authority FROM audit_log ORDER BY authority',
  );
  return r.rows.map((row) => row.authority);
}

export interface PageOptions {
  readonly authority: string;
  /** First seq to return (inclusive). */
  readonly fromSeq: number;
  readonly limit: number;
  readonly subject?: string | undefined;
}

export async function page(db: Queryable, o: PageOptions): Promise<AuditRow[]> {
  const r =
    o.subject === undefined
      ? await db.query<AuditRow>(
          `SELECT ${COLUMNS} FROM audit_log WHERE authority = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
          [o.authority, o.fromSeq, o.limit],
        )
      : await db.query<AuditRow>(
          `SELECT ${COLUMNS} FROM audit_log WHERE authority = $1 AND subject = $4 AND seq >= $2
           ORDER BY seq LIMIT $3`,
          [o.authority, o.fromSeq, o.limit, o.subject],
        );
  return r.rows;
}

// ---- staged entries (audit_pending), chained in the background ----------------------------------

export interface PendingRow {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: Record<string, unknown>;
}

export async function stagePending(
  tx: Queryable,
  rows: readonly {
    readonly authority: string;
    readonly at: Date;
    readonly actor: string;
    readonly action: string;
    readonly subject: string;
    readonly detailsJson: string;
  }[],
): Promise<void> {
  await tx.query(
    `INSERT INTO audit_pending (authority, at, actor, action, subject, details)
     SELECT a, t, ac, act, s, d::jsonb FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[])
       AS u(a, t, ac, act, s, d)`,
    [
      rows.map((e) => e.authority),
      rows.map((e) => e.at),
      rows.map((e) => e.actor),
      rows.map((e) => e.action),
      rows.map((e) => e.subject),
      rows.map((e) => e.detailsJson),
    ],
  );
}

export async function pendingAuthorities(db: Queryable): Promise<string[]> {
  // One index probe per authority (a loose index scan on audit_pending_by_authority), not a scan of
  // the table, which holds every chained entry's dead row until it is vacuumed.
  const r = await db.query<{ authority: string }>(
    `WITH RECURSIVE a AS (
       (SELECT authority FROM audit_pending ORDER BY authority LIMIT 1)
       UNION ALL
       SELECT (SELECT p.authority FROM audit_pending p WHERE p.authority > a.authority ORDER BY p.authority LIMIT 1)
       FROM a WHERE a.authority IS NOT NULL
     )
     SELECT authority FROM a WHERE authority IS NOT NULL`,
  );
  return r.rows.map((x) => x.authority);
}

/** The oldest staged entries of an authority, in the order they were staged. */
export async function pendingPage(tx: Queryable, authority: string, limit: number): Promise<PendingRow[]> {
  const r = await tx.query<PendingRow>(
    `SELECT id, at, actor, action, subject, details FROM audit_pending WHERE authority = $1 ORDER BY id LIMIT $2`,
    [authority, limit],
  );
  return r.rows;
}

export async function deletePending(tx: Queryable, ids: readonly number[]): Promise<void> {
  await tx.query(`DELETE FROM audit_pending WHERE id = ANY($1::bigint[])`, [ids]);
}

export async function pendingCounts(db: Queryable): Promise<Map<string, number>> {
  const r = await db.query<{ authority: string; n: number }>(
    `SELECT authority, count(*)::int AS n FROM audit_pending GROUP BY authority`,
  );
  return new Map(r.rows.map((x) => [x.authority, x.n]));
}

// ---- heads of every chain (checkpoints) -----------------------------------------------------------

/**
 * The last entry of every chain. The authorities are found by a loose index scan over the primary
 * key (one index probe per authority), not by reading the whole log.
 */
export async function chainHeads(
  db: Queryable,
): Promise<{ readonly authority: string; readonly seq: number; readonly hash: string }[]> {
  const r = await db.query<{ authority: string; seq: number; hash: string }>(
    `WITH RECURSIVE a(authority) AS (
       (SELECT authority FROM audit_log ORDER BY authority LIMIT 1)
       UNION ALL
       SELECT (SELECT l.authority FROM audit_log l WHERE l.authority > a.authority ORDER BY l.authority LIMIT 1)
       FROM a WHERE a.authority IS NOT NULL
     )
     SELECT h.authority, h.seq, h.hash FROM a
     CROSS JOIN LATERAL (
       SELECT authority, seq, hash FROM audit_log l WHERE l.authority = a.authority ORDER BY seq DESC LIMIT 1
     ) h
     WHERE a.authority IS NOT NULL
     ORDER BY h.authority`,
  );
  return r.rows.map((x) => ({ authority: x.authority, seq: Number(x.seq), hash: x.hash }));
}

/** One entry of a chain, or undefined. */
export async function entryAt(db: Queryable, authority: string, seq: number): Promise<AuditRow | undefined> {
  const r = await db.query<AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE authority = $1 AND seq = $2`, [
    authority,
    seq,
  ]);
  return r.rows[0];
}

// ---- the auditors' reading of the trail (GET /v1/audit) -------------------------------------------

export interface TrailQuery {
  readonly authority: string;
  /** Exclusive: entries after this seq (ascending) or before it (descending). */
  readonly cursor?: number | undefined;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly action?: string | undefined;
  readonly actor?: string | undefined;
  readonly subject?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

export async function trail(db: Queryable, q: TrailQuery): Promise<AuditRow[]> {
  const where = ['authority = $1'];
  const params: unknown[] = [q.authority];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.cursor !== undefined) {
    add(q.order === 'asc' ? 'seq > ?' : 'seq < ?', q.cursor);
  }
  if (q.action !== undefined) {
    add('action = ?', q.action);
  }
  if (q.actor !== undefined) {
    add('actor = ?', q.actor);
  }
  if (q.subject !== undefined) {
    add('subject = ?', q.subject);
  }
  if (q.from !== undefined) {
    add('at >= ?', q.from);
  }
  if (q.to !== undefined) {
    add('at < ?', q.to);
  }
  params.push(q.limit);
  const r = await db.query<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')}
     ORDER BY seq ${q.order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
    params,
  );
  return r.rows;
}

// ---- lines taken in from the embedded inbox --------------------------------------------------------

/**
 * Claims inbox lines by id in the staging transaction. Returns, for each id already claimed before,
 * the source it was claimed from (the same source: a re-read after a crash; another: a replay).
 */
export async function claimInboxLines(
  tx: Queryable,
  lines: readonly { readonly id: string; readonly source: string; readonly authority: string }[],
): Promise<Map<string, string>> {
  if (lines.length === 0) {
    return new Map();
  }
  const ids = lines.map((l) => l.id);
  const before = await tx.query<{ id: string; source: string }>(
    `SELECT id, source FROM audit_inbox_line WHERE id = ANY($1::text[])`,
    [ids],
  );
  await tx.query(
    `INSERT INTO audit_inbox_line (id, source, authority)
     SELECT i, s, a FROM unnest($1::text[], $2::text[], $3::text[]) AS u(i, s, a) ON CONFLICT (id) DO NOTHING`,
    [ids, lines.map((l) => l.source), lines.map((l) => l.authority)],
  );
  return new Map(before.rows.map((r) => [r.id, r.source]));
}
