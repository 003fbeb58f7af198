/**
 * SQL of analysts' rules and watchlists: versioned rules (table rule), watchlists and their entries.
 * Every query is scoped by authority.
 */
import { periodEnd } from '../domain/index.ts';
import type { Queryable } from '../store/database.ts';
import type {
  RiskRule,
  RuleStatus,
  WatchlistDefinition,
  WatchlistEntry,
  WatchlistSubject,
} from '../risk/index.ts';

interface RuleRow {
  authority: string;
  id: string;
  version: number;
  status: RuleStatus;
  title: string;
  risk_area: RiskRule['riskArea'];
  weight: number;
  severity: RiskRule['severity'];
  recommended_action: RiskRule['recommendedAction'];
  valid_from: Date | null;
  valid_until: Date | null;
  scope: RiskRule['scope'];
  reason: string;
  condition: string;
  created_by: string;
  created_at: Date;
}

export interface StoredRule extends RiskRule {
  readonly createdBy: string;
  readonly createdAt: string;
}

function toRule(r: RuleRow): StoredRule {
  return {
    id: r.id,
    version: r.version,
    status: r.status,
    title: r.title,
    riskArea: r.risk_area,
    weight: r.weight,
    severity: r.severity,
    recommendedAction: r.recommended_action,
    ...(r.valid_from !== null ? { validFrom: new Date(r.valid_from).toISOString() } : {}),
    ...(r.valid_until !== null ? { validUntil: new Date(r.valid_until).toISOString() } : {}),
    scope: r.scope,
    reason: r.reason,
    condition: r.condition,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export class RuleRepository {
  async insertRule(tx: Queryable, authority: string, rule: RiskRule, by: string, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO rule (authority, id, version, status, title, risk_area, weight, severity, recommended_action,
         valid_from, valid_until, scope, reason, condition, created_by, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
      [
        authority,
        rule.id,
        rule.version,
        rule.status,
        rule.title,
        rule.riskArea,
        rule.weight,
        rule.severity,
        rule.recommendedAction,
        rule.validFrom ?? null,
        rule.validUntil ?? null,
        JSON.stringify(rule.scope),
        rule.reason,
        rule.condition,
        by,
        at,
      ],
    );
  }

  async lockRule(tx: Queryable, authority: string, id: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`rule/${authority}/${id}`]);
  }

  /** The latest version of every rule (or of one). */
  async currentRules(tx: Queryable, authority: string, id?: string): Promise<StoredRule[]> {
    const r = await tx.query<RuleRow>(
      `SELECT DISTINCT ON (id) * FROM rule WHERE authority = $1 ${id !== undefined ? 'AND id = $2' : ''}
       ORDER BY id, version DESC`,
      id !== undefined ? [authority, id] : [authority],
    );
    return r.rows.map(toRule);
  }

  async ruleVersions(tx: Queryable, authority: string, id: string): Promise<StoredRule[]> {
    const r = await tx.query<RuleRow>(
      `SELECT * FROM rule WHERE authority = $1 AND id = $2 ORDER BY version`,
      [authority, id],
    );
    return r.rows.map(toRule);
  }

  /**
   * A stamp that changes whenever rules or watchlists of the authority change, or an entry expires
   * (cache invalidation).
   */
  async stamp(tx: Queryable, authority: string, at: Date = new Date()): Promise<string> {
    const r = await tx.query<{ stamp: string }>(
      `SELECT concat((SELECT count(*) FROM rule WHERE authority = $1), '/',
                     (SELECT max(created_at) FROM rule WHERE authority = $1), '/',
                     (SELECT max(updated_at) FROM watchlist WHERE authority = $1), '/',
                     (SELECT count(*) FROM watchlist_entry WHERE authority = $1 AND expires_at <= $2)) AS stamp`,
      [authority, at],
    );
    return r.rows[0]!.stamp;
  }

  async upsertWatchlist(
    tx: Queryable,
    authority: string,
    list: {
      name: string;
      subject: WatchlistSubject;
      threshold?: number | undefined;
      description?: string | undefined;
    },
    at: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO watchlist (authority, name, subject, threshold, description, updated_at) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (authority, name) DO UPDATE SET subject = EXCLUDED.subject, threshold = EXCLUDED.threshold,
         description = EXCLUDED.description, updated_at = EXCLUDED.updated_at`,
      [authority, list.name, list.subject, list.threshold ?? null, list.description ?? '', at],
    );
  }

  async touchWatchlist(tx: Queryable, authority: string, name: string, at: Date): Promise<void> {
    await tx.query(`UPDATE watchlist SET updated_at = $3 WHERE authority = $1 AND name = $2`, [
      authority,
      name,
      at,
    ]);
  }

  async replaceEntries(
    tx: Queryable,
    authority: string,
    name: string,
    entries: readonly WatchlistEntry[],
    at: Date = new Date(),
  ): Promise<{ removed: number; stored: number }> {
    // How many entries the list held before: the audit entry of a replacement records it.
    const gone = await tx.query(`DELETE FROM watchlist_entry WHERE authority = $1 AND list = $2`, [
      authority,
      name,
    ]);
    const stored = await this.addEntries(tx, authority, name, entries, at);
    return { removed: gone.rowCount, stored };
  }

  async addEntries(
    tx: Queryable,
    authority: string,
    name: string,
    entries: readonly WatchlistEntry[],
    at: Date = new Date(),
  ): Promise<number> {
    let added = 0;
    // Chunks keep each statement's parameter arrays moderate on both engines.
    for (let i = 0; i < entries.length; i += 5000) {
      const chunk = entries.slice(i, i + 5000);
      const r = await tx.query(
        `INSERT INTO watchlist_entry (authority, list, value, note, source, expires_at, added_at)
         SELECT $1, $2, v, n, s, x, $7 FROM unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS u(v, n, s, x)
         ON CONFLICT (authority, list, value) DO UPDATE SET note = EXCLUDED.note, source = EXCLUDED.source,
           expires_at = EXCLUDED.expires_at, added_at = EXCLUDED.added_at`,
        [
          authority,
          name,
          chunk.map((e) => e.value),
          chunk.map((e) => e.note ?? null),
          chunk.map((e) => e.source ?? null),
          chunk.map((e) => (e.expires !== undefined ? periodEnd(e.expires) : null)),
          at,
        ],
      );
      added += r.rowCount;
    }
    return added;
  }

  async watchlists(
    tx: Queryable,
    authority: string,
  ): Promise<
    {
      name: string;
      subject: WatchlistSubject;
      threshold: number | null;
      description: string;
      size: number;
      updatedAt: string;
    }[]
  > {
    const r = await tx.query<{
      name: string;
      subject: WatchlistSubject;
      threshold: number | null;
      description: string;
      size: number;
      updated_at: Date;
    }>(
      `SELECT w.name, w.subject, w.threshold, w.description, w.updated_at,
         (SELECT count(*)::int FROM watchlist_entry e WHERE e.authority = w.authority AND e.list = w.name) AS size
       FROM watchlist w WHERE w.authority = $1 ORDER BY w.name`,
      [authority],
    );
    return r.rows.map(({ updated_at, ...w }) => ({ ...w, updatedAt: new Date(updated_at).toISOString() }));
  }

  /** The authority's watchlists with the entries in force at `at`. */
  async watchlistDefinitions(
    tx: Queryable,
    authority: string,
    at: Date = new Date(),
  ): Promise<WatchlistDefinition[]> {
    const lists = await tx.query<{ name: string; subject: WatchlistSubject; threshold: number | null }>(
      `SELECT name, subject, threshold FROM watchlist WHERE authority = $1 ORDER BY name`,
      [authority],
    );
    // Expired entries stay listed for the analyst but no longer match.
    const entries = await tx.query<{ list: string; value: string; note: string | null }>(
      `SELECT list, value, note FROM watchlist_entry
       WHERE authority = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY list, value`,
      [authority, at],
    );
    const byList = new Map<string, WatchlistEntry[]>();
    for (const e of entries.rows) {
      let l = byList.get(e.list);
      if (l === undefined) {
        l = [];
        byList.set(e.list, l);
      }
      l.push(e.note !== null ? { value: e.value, note: e.note } : { value: e.value });
    }
    return lists.rows.map((l) => ({
      name: l.name,
      subject: l.subject,
      ...(l.threshold !== null ? { threshold: l.threshold } : {}),
      entries: byList.get(l.name) ?? [],
    }));
  }

  // ---- assessments ----------------------------------------------------------------------------

  /** A page of a list's entries, expired ones included, by value. */
  async entries(
    q: Queryable,
    authority: string,
    name: string,
    page: { readonly after?: string | undefined; readonly limit: number },
  ): Promise<
    {
      value: string;
      note: string | null;
      source: string | null;
      addedAt: string;
      expiresAt: string | null;
    }[]
  > {
    const r = await q.query<{
      value: string;
      note: string | null;
      source: string | null;
      added_at: Date;
      expires_at: Date | null;
    }>(
      `SELECT value, note, source, added_at, expires_at FROM watchlist_entry
       WHERE authority = $1 AND list = $2 AND ($3::text IS NULL OR value > $3) ORDER BY value LIMIT $4`,
      [authority, name, page.after ?? null, page.limit],
    );
    return r.rows.map((e) => ({
      value: e.value,
      note: e.note,
      source: e.source,
      addedAt: new Date(e.added_at).toISOString(),
      expiresAt: e.expires_at === null ? null : new Date(e.expires_at).toISOString(),
    }));
  }

  /** Removes one entry; false when the list has no such value. */
  async deleteEntry(tx: Queryable, authority: string, name: string, value: string): Promise<boolean> {
    const r = await tx.query(
      `DELETE FROM watchlist_entry WHERE authority = $1 AND list = $2 AND value = $3`,
      [authority, name, value],
    );
    return r.rowCount > 0;
  }
}
