/**
 * The SQL of retention. A named exception to "a table has one owner" (docs/architecture.md): the
 * purge rewrites or deletes expired rows of several features' tables, always by authority, in
 * batches, on the system connection (vigil_service), and touches nothing but the retention columns
 * of migration 0017, the documents it pseudonymises and the rows it deletes.
 */
import type { Queryable } from '../store/database.ts';

/** A stored document due for retention: its key and body (all versions for a filing). */
export interface DueDocument {
  readonly key: string;
  readonly body: unknown;
}

export interface DueVersion {
  readonly mrn: string;
  readonly version: number;
  readonly body: unknown;
}

/** The documents that carry parties: filings (with their versions) and import declarations. */
export type DocumentTable = 'filing' | 'import_declaration';

const KEY: Readonly<Record<DocumentTable, string>> = { filing: 'mrn', import_declaration: 'id' };

/**
 * Which rows are due. `reduce`: the body's period has passed and it is not reduced yet. Otherwise the
 * parties' period has passed, they are not pseudonymised yet, and the body is not due for reduction
 * (that reduction pseudonymises too, and is counted as such).
 */
function dueWhere(reduce: boolean): string {
  return reduce
    ? `authority = $1 AND lodged_at < $2 AND body_reduced_at IS NULL`
    : `authority = $1 AND lodged_at < $2 AND parties_pseudonymised_at IS NULL
       AND ($3::timestamptz IS NULL OR lodged_at >= $3 OR body_reduced_at IS NOT NULL)`;
}

export async function countDueDocuments(
  tx: Queryable,
  table: DocumentTable,
  authority: string,
  cutoff: Date,
  reduce: boolean,
  bodyCutoff: Date | null,
): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE ${dueWhere(reduce)}`,
    reduce ? [authority, cutoff] : [authority, cutoff, bodyCutoff],
  );
  return r.rows[0]!.n;
}

/** A batch of due documents, locked so that a concurrent purge skips them. */
export async function dueDocuments(
  tx: Queryable,
  table: DocumentTable,
  authority: string,
  cutoff: Date,
  reduce: boolean,
  bodyCutoff: Date | null,
  limit: number,
): Promise<DueDocument[]> {
  const params = reduce ? [authority, cutoff, limit] : [authority, cutoff, bodyCutoff, limit];
  const r = await tx.query<{ key: string; body: unknown }>(
    `SELECT ${KEY[table]} AS key, body FROM ${table} WHERE ${dueWhere(reduce)}
     ORDER BY lodged_at LIMIT $${params.length} FOR UPDATE SKIP LOCKED`,
    params,
  );
  return r.rows;
}

export async function writeDocuments(
  tx: Queryable,
  table: DocumentTable,
  authority: string,
  docs: readonly DueDocument[],
  reduced: boolean,
  at: Date,
): Promise<void> {
  if (docs.length === 0) {
    return;
  }
  await tx.query(
    `UPDATE ${table} t SET body = u.body::jsonb,
            parties_pseudonymised_at = coalesce(t.parties_pseudonymised_at, $4),
            body_reduced_at = CASE WHEN $5 THEN $4 ELSE t.body_reduced_at END
     FROM unnest($2::text[], $3::text[]) AS u(key, body)
     WHERE t.authority = $1 AND t.${KEY[table]} = u.key`,
    [authority, docs.map((d) => d.key), docs.map((d) => JSON.stringify(d.body)), at, reduced],
  );
}

export async function filingVersions(
  tx: Queryable,
  authority: string,
  mrns: readonly string[],
): Promise<DueVersion[]> {
  const r = await tx.query<DueVersion>(
    `SELECT mrn, version, body FROM filing_version WHERE authority = $1 AND mrn = ANY($2::text[])`,
    [authority, mrns],
  );
  return r.rows;
}

export async function writeFilingVersions(
  tx: Queryable,
  authority: string,
  versions: readonly DueVersion[],
): Promise<void> {
  if (versions.length === 0) {
    return;
  }
  await tx.query(
    `UPDATE filing_version v SET body = u.body::jsonb
     FROM unnest($2::text[], $3::int[], $4::text[]) AS u(mrn, version, body)
     WHERE v.authority = $1 AND v.mrn = u.mrn AND v.version = u.version`,
    [
      authority,
      versions.map((v) => v.mrn),
      versions.map((v) => v.version),
      versions.map((v) => JSON.stringify(v.body)),
    ],
  );
}

export interface DueTask {
  readonly id: string;
  readonly parties: unknown;
}

export async function countDueTasks(tx: Queryable, authority: string, cutoff: Date): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM control_task
     WHERE authority = $1 AND created_at < $2 AND parties_pseudonymised_at IS NULL`,
    [authority, cutoff],
  );
  return r.rows[0]!.n;
}

export async function dueTasks(
  tx: Queryable,
  authority: string,
  cutoff: Date,
  limit: number,
): Promise<DueTask[]> {
  const r = await tx.query<DueTask>(
    `SELECT id, parties FROM control_task
     WHERE authority = $1 AND created_at < $2 AND parties_pseudonymised_at IS NULL
     ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [authority, cutoff, limit],
  );
  return r.rows;
}

export async function writeTasks(
  tx: Queryable,
  authority: string,
  tasks: readonly DueTask[],
  at: Date,
): Promise<void> {
  if (tasks.length === 0) {
    return;
  }
  await tx.query(
    `UPDATE control_task t SET parties = u.parties::jsonb, parties_pseudonymised_at = $4,
            operator_keys = ARRAY(SELECT DISTINCT p->>'key' FROM jsonb_array_elements(u.parties::jsonb) p
                                  WHERE p->>'key' IS NOT NULL)
     FROM unnest($2::text[], $3::text[]) AS u(id, parties)
     WHERE t.authority = $1 AND t.id = u.id`,
    [authority, tasks.map((t) => t.id), tasks.map((t) => JSON.stringify(t.parties)), at],
  );
}

/** Operators not seen since the cutoff, whose names are still stored. */
export async function countDueOperators(tx: Queryable, authority: string, cutoff: Date): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM operator
     WHERE authority = $1 AND last_seen < $2 AND name_pseudonymised_at IS NULL`,
    [authority, cutoff],
  );
  return r.rows[0]!.n;
}

export async function dueOperators(
  tx: Queryable,
  authority: string,
  cutoff: Date,
  limit: number,
): Promise<string[]> {
  const r = await tx.query<{ key: string }>(
    `SELECT key FROM operator
     WHERE authority = $1 AND last_seen < $2 AND name_pseudonymised_at IS NULL
     ORDER BY last_seen LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [authority, cutoff, limit],
  );
  return r.rows.map((row) => row.key);
}

/** Sets each operator's pseudonymous name and, for a key made from a name, its new key. */
export async function writeOperatorNames(
  tx: Queryable,
  authority: string,
  names: readonly { key: string; newKey: string; name: string }[],
  at: Date,
): Promise<void> {
  if (names.length === 0) {
    return;
  }
  await tx.query(
    `UPDATE operator o SET key = u.new_key, name = u.name, name_pseudonymised_at = $5
     FROM unnest($2::text[], $3::text[], $4::text[]) AS u(key, new_key, name)
     WHERE o.authority = $1 AND o.key = u.key`,
    [authority, names.map((n) => n.key), names.map((n) => n.newKey), names.map((n) => n.name), at],
  );
}

export async function countDueAssessments(tx: Queryable, authority: string, cutoff: Date): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM assessment WHERE authority = $1 AND assessed_at < $2`,
    [authority, cutoff],
  );
  return r.rows[0]!.n;
}

/**
 * Deletes a batch of assessments made before the cutoff with their hit reviews, and answers to
 * requests for information and queue events from before it. Returns how many assessments went.
 */
export async function deleteAssessments(
  tx: Queryable,
  authority: string,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `WITH due AS (
       SELECT mrn, version, seq FROM assessment WHERE authority = $1 AND assessed_at < $2
       ORDER BY assessed_at LIMIT $3 FOR UPDATE SKIP LOCKED
     ), gone AS (
       DELETE FROM assessment a USING due
       WHERE a.mrn = due.mrn AND a.version = due.version AND a.seq = due.seq
       RETURNING a.mrn, a.version, a.seq
     ), reviews AS (
       DELETE FROM hit_review h USING gone
       WHERE h.authority = $1 AND h.mrn = gone.mrn AND h.version = gone.version AND h.seq = gone.seq
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM gone`,
    [authority, cutoff, limit],
  );
  await tx.query(`DELETE FROM rfi_response WHERE authority = $1 AND responded_at < $2`, [authority, cutoff]);
  // The queue's change feed (migration 0042) names the same consignments; a stream needs only recent events.
  await tx.query(`DELETE FROM queue_event WHERE authority = $1 AND created_at < $2`, [authority, cutoff]);
  return r.rows[0]!.n;
}

/** Entries past their own expiry, or (with `addedBefore`) not uploaded again since that time. */
function watchlistDue(): string {
  return `authority = $1 AND ((expires_at IS NOT NULL AND expires_at <= $2)
                              OR ($3::timestamptz IS NOT NULL AND added_at < $3))`;
}

export async function countDueWatchlistEntries(
  tx: Queryable,
  authority: string,
  now: Date,
  addedBefore: Date | null,
): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM watchlist_entry WHERE ${watchlistDue()}`,
    [authority, now, addedBefore],
  );
  return r.rows[0]!.n;
}

/**
 * Deletes the due entries and moves their lists' `updated_at` on, so that every process's cached
 * watchlists reload (the rule-set cache's stamp reads it). Their history goes with them (the
 * trigger's last row, "removed" with no names, stays; the audit log keeps a digest of the value);
 * so does the history of entities taken off a list by hand once it is older than the period.
 */
export async function deleteWatchlistEntries(
  tx: Queryable,
  authority: string,
  now: Date,
  addedBefore: Date | null,
): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM watchlist_entry WHERE ${watchlistDue()} RETURNING list, id
     ), forgotten AS (
       DELETE FROM watchlist_entry_history h USING gone
       WHERE h.authority = $1 AND h.list = gone.list AND h.id = gone.id
     ), touched AS (
       UPDATE watchlist w SET updated_at = greatest(w.updated_at + interval '1 millisecond', $2),
         changes = w.changes + 1
       WHERE w.authority = $1 AND w.name IN (SELECT list FROM gone)
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM gone`,
    [authority, now, addedBefore],
  );
  // The history of entities no longer listed goes once it is older than the entries' period.
  if (addedBefore !== null) {
    await tx.query(
      `DELETE FROM watchlist_entry_history h
       WHERE h.authority = $1 AND h.at < $2
         AND NOT EXISTS (SELECT 1 FROM watchlist_entry e WHERE e.authority = h.authority AND e.list = h.list AND e.id = h.id)`,
      [authority, addedBefore],
    );
  }
  return r.rows[0]!.n;
}

export async function countAuditEntriesBefore(
  tx: Queryable,
  authority: string,
  cutoff: Date,
): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE authority = $1 AND at < $2`,
    [authority, cutoff],
  );
  return r.rows[0]!.n;
}

/** Every authority that holds data retention looks at. */
export async function retentionAuthorities(tx: Queryable): Promise<string[]> {
  const r = await tx.query<{ authority: string }>(
    `SELECT authority FROM filing UNION SELECT authority FROM import_declaration
     UNION SELECT authority FROM assessment UNION SELECT authority FROM watchlist_entry
     UNION SELECT authority FROM control_task UNION SELECT authority FROM operator
     ORDER BY 1`,
  );
  return r.rows.map((row) => row.authority);
}
