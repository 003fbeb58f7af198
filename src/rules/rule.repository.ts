/**
 * SQL of analysts' rules and watchlists: versioned rules (table rule) and the comments on them
 * (rule_comment), watchlists and their entities (table watchlist_entry, keyed by list and entity
 * id). Every query is scoped by authority.
 */
import { periodEnd } from '../domain/index.ts';
import type { Queryable } from '../store/database.ts';
import type {
  RiskRule,
  RuleStatus,
  WatchlistDefinition,
  WatchlistEntityType,
  WatchlistEntry,
  WatchlistIdentifier,
  WatchlistSubject,
} from '../risk/index.ts';
import type { StoredEntity } from './list-formats/index.ts';
import type { RuleComment } from './rule.service.ts';

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

/** Where a page of a list's entities starts: after this value and id (by value, then id). */
export interface EntryCursor {
  readonly value: string;
  /** Absent: after every entity bearing `value` (the cursors given before entities had ids). */
  readonly id?: string | undefined;
}

/** One entity of a watchlist as stored, with when it was added and when it expires. */
export interface WatchlistEntityRecord {
  readonly id: string;
  readonly value: string;
  readonly aliases: readonly string[];
  readonly type: WatchlistEntityType | null;
  readonly identifiers: readonly WatchlistIdentifier[];
  readonly note: string | null;
  readonly source: string | null;
  readonly addedAt: string;
  readonly expiresAt: string | null;
}

interface EntityRow {
  id: string;
  value: string;
  aliases: string[] | null;
  type: WatchlistEntityType | null;
  identifiers: WatchlistIdentifier[] | null;
  note: string | null;
  source: string | null;
  added_at: Date;
  expires_at: Date | null;
}

const ENTITY_COLUMNS = 'id, value, aliases, type, identifiers, note, source, added_at, expires_at';

function toRecord(e: EntityRow): WatchlistEntityRecord {
  return {
    id: e.id,
    value: e.value,
    aliases: e.aliases ?? [],
    type: e.type,
    identifiers: e.identifiers ?? [],
    note: e.note,
    source: e.source,
    addedAt: new Date(e.added_at).toISOString(),
    expiresAt: e.expires_at === null ? null : new Date(e.expires_at).toISOString(),
  };
}

/** An entity as the risk engine's Watchlist takes it. */
function toEntry(e: EntityRow): WatchlistEntry {
  const aliases = e.aliases ?? [];
  const identifiers = e.identifiers ?? [];
  return {
    id: e.id,
    value: e.value,
    ...(aliases.length > 0 ? { aliases } : {}),
    ...(e.type !== null ? { type: e.type } : {}),
    ...(identifiers.length > 0 ? { identifiers } : {}),
    ...(e.note !== null ? { note: e.note } : {}),
    ...(e.source !== null ? { source: e.source } : {}),
  };
}

/** One state of a watchlist entity in its history. */
export interface WatchlistEntityChange {
  readonly at: string;
  /** Who changed it (`role:subject`); null for the system (the retention purge). */
  readonly actor: string | null;
  /** `expiry`: only its expiry changed. */
  readonly change: 'added' | 'changed' | 'expiry' | 'removed';
  /** The entity after the change; null once removed. */
  readonly entity: Record<string, unknown> | null;
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
  /** The authorities that have rules (the noisy-rule schedule judges them). */
  async authoritiesWithRules(q: Queryable): Promise<string[]> {
    const r = await q.query<{ authority: string }>(`SELECT DISTINCT authority FROM rule ORDER BY authority`);
    return r.rows.map((x) => x.authority);
  }

  async currentRules(tx: Queryable, authority: string, id?: string): Promise<StoredRule[]> {
    const r = await tx.query<RuleRow>(
      `SELECT DISTINCT ON (id) * FROM rule WHERE authority = $1 ${id !== undefined ? 'AND id = $2' : ''}
       ORDER BY id, version DESC`,
      id !== undefined ? [authority, id] : [authority],
    );
    return r.rows.map(toRule);
  }

  /** The comments on a rule, oldest first (table rule_comment). */
  async comments(tx: Queryable, authority: string, rule: string): Promise<RuleComment[]> {
    const r = await tx.query<{
      id: string;
      rule_id: string;
      version: number;
      body: string;
      author: string;
      created_at: Date;
    }>(
      `SELECT id, rule_id, version, body, author, created_at FROM rule_comment
       WHERE authority = $1 AND rule_id = $2 ORDER BY created_at, id LIMIT 1000`,
      [authority, rule],
    );
    return r.rows.map((c) => ({
      id: c.id,
      rule: c.rule_id,
      version: c.version,
      text: c.body,
      author: c.author,
      createdAt: new Date(c.created_at).toISOString(),
    }));
  }

  async insertComment(tx: Queryable, authority: string, c: RuleComment): Promise<void> {
    await tx.query(
      `INSERT INTO rule_comment (id, authority, rule_id, version, body, author, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.id, authority, c.rule, c.version, c.text, c.author, c.createdAt],
    );
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
   * (cache invalidation). Every change to a list counts in its `changes` (touchWatchlist), so two
   * changes within one instant, or committed out of clock order, still give two stamps.
   */
  async stamp(tx: Queryable, authority: string, at: Date = new Date()): Promise<string> {
    const r = await tx.query<{ stamp: string }>(
      `SELECT concat((SELECT count(*) FROM rule WHERE authority = $1), '/',
                     (SELECT max(created_at) FROM rule WHERE authority = $1), '/',
                     (SELECT max(updated_at) FROM watchlist WHERE authority = $1), '/',
                     (SELECT sum(changes) FROM watchlist WHERE authority = $1), '/',
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
         description = EXCLUDED.description, updated_at = EXCLUDED.updated_at, changes = watchlist.changes + 1`,
      [authority, list.name, list.subject, list.threshold ?? null, list.description ?? '', at],
    );
  }

  /**
   * Marks the list changed: its `updated_at` and its count of changes, which the rule-set cache's
   * stamp sums, so the stamp moves on with every change whatever the clocks say and whatever order
   * concurrent changes commit in.
   */
  async touchWatchlist(tx: Queryable, authority: string, name: string, at: Date): Promise<void> {
    await tx.query(
      `UPDATE watchlist SET updated_at = $3, changes = changes + 1 WHERE authority = $1 AND name = $2`,
      [authority, name, at],
    );
  }

  /** Serialises changes to one list's entities (an upload, a single entity's change). */
  async lockWatchlist(tx: Queryable, authority: string, name: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`watchlist/${authority}/${name}`]);
  }

  async replaceEntries(
    tx: Queryable,
    authority: string,
    name: string,
    entries: readonly StoredEntity[],
    at: Date = new Date(),
  ): Promise<{ removed: number; stored: number }> {
    // How many entries the list held before: the audit entry of a replacement records it. Only the
    // entities the new list lacks are deleted; the others are written over (their added_at renewed,
    // which the retention period counts from), and the history's trigger records only the entities
    // whose content changed, so that it shows what the new list really changed.
    const before = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM watchlist_entry WHERE authority = $1 AND list = $2`,
      [authority, name],
    );
    await tx.query(
      `DELETE FROM watchlist_entry WHERE authority = $1 AND list = $2 AND NOT (id = ANY($3::text[]))`,
      [authority, name, entries.map((e) => e.id)],
    );
    await this.addEntries(tx, authority, name, entries, at);
    return { removed: before.rows[0]!.n, stored: entries.length };
  }

  /**
   * Names the writer of this transaction's changes to watchlist entities, and its clock, for their
   * history (the trigger of migration 0045 reads both).
   */
  async stampWriter(tx: Queryable, actor: string, at: Date): Promise<void> {
    await tx.query(`SELECT set_config('vigil.actor', $1, true), set_config('vigil.at', $2, true)`, [
      actor,
      at.toISOString(),
    ]);
  }

  /** Every state an entity of a list had, oldest first (also after it was removed). */
  async entityHistory(
    q: Queryable,
    authority: string,
    name: string,
    id: string,
  ): Promise<WatchlistEntityChange[]> {
    const r = await q.query<{
      at: Date;
      actor: string | null;
      change: WatchlistEntityChange['change'];
      entity: Record<string, unknown> | null;
    }>(
      `SELECT at, actor, change, entity FROM watchlist_entry_history
       WHERE authority = $1 AND list = $2 AND id = $3 ORDER BY seq LIMIT 1000`,
      [authority, name, id],
    );
    return r.rows.map((x) => ({
      at: new Date(x.at).toISOString(),
      actor: x.actor,
      change: x.change,
      entity:
        x.entity === null
          ? null
          : {
              ...x.entity,
              // jsonb writes a timestamp as PostgreSQL prints it; the API speaks ISO 8601.
              expiresAt:
                typeof x.entity['expiresAt'] === 'string'
                  ? new Date(x.entity['expiresAt']).toISOString()
                  : null,
            },
    }));
  }

  /**
   * Adds entities, replacing those of the list with the same id. Ids must be unique in `entries`
   * (settleIds makes them so): one statement never meets a row twice.
   */
  async addEntries(
    tx: Queryable,
    authority: string,
    name: string,
    entries: readonly StoredEntity[],
    at: Date = new Date(),
  ): Promise<number> {
    let added = 0;
    // Chunks keep each statement's parameter arrays moderate on both engines, and each statement
    // short: PGlite runs in the process, so a statement holds its event loop while it runs.
    for (let i = 0; i < entries.length; i += 500) {
      const chunk = entries.slice(i, i + 500);
      const r = await tx.query(
        `INSERT INTO watchlist_entry (authority, list, id, value, aliases, type, identifiers, note, source, expires_at, added_at)
         SELECT $1, $2, i, v, a, t, x, n, s, e, $11
         FROM unnest($3::text[], $4::text[], $5::jsonb[], $6::text[], $7::jsonb[], $8::text[], $9::text[], $10::timestamptz[])
           AS u(i, v, a, t, x, n, s, e)
         ON CONFLICT (authority, list, id) DO UPDATE SET value = EXCLUDED.value, aliases = EXCLUDED.aliases,
           type = EXCLUDED.type, identifiers = EXCLUDED.identifiers, note = EXCLUDED.note,
           source = EXCLUDED.source, expires_at = EXCLUDED.expires_at, added_at = EXCLUDED.added_at`,
        [
          authority,
          name,
          chunk.map((e) => e.id),
          chunk.map((e) => e.value),
          chunk.map((e) => JSON.stringify(e.aliases ?? [])),
          chunk.map((e) => e.type ?? null),
          chunk.map((e) => JSON.stringify(e.identifiers ?? [])),
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

  /** Adds or replaces one entity; whether it was new. */
  async putEntity(
    tx: Queryable,
    authority: string,
    name: string,
    entity: StoredEntity,
    at: Date,
  ): Promise<{ created: boolean }> {
    const before = await tx.query(
      `SELECT 1 FROM watchlist_entry WHERE authority = $1 AND list = $2 AND id = $3 FOR UPDATE`,
      [authority, name, entity.id],
    );
    await this.addEntries(tx, authority, name, [entity], at);
    return { created: before.rows.length === 0 };
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
    // Expired entries stay listed for the analyst but no longer match. Ties between equal scores go
    // to the entity loaded first: by value, then id, so the order does not depend on the engine.
    const entries = await tx.query<EntityRow & { list: string }>(
      `SELECT list, ${ENTITY_COLUMNS} FROM watchlist_entry
       WHERE authority = $1 AND (expires_at IS NULL OR expires_at > $2) ORDER BY list, value, id`,
      [authority, at],
    );
    const byList = new Map<string, WatchlistEntry[]>();
    for (const e of entries.rows) {
      let l = byList.get(e.list);
      if (l === undefined) {
        l = [];
        byList.set(e.list, l);
      }
      l.push(toEntry(e));
    }
    return lists.rows.map((l) => ({
      name: l.name,
      subject: l.subject,
      ...(l.threshold !== null ? { threshold: l.threshold } : {}),
      entries: byList.get(l.name) ?? [],
    }));
  }

  // ---- assessments ----------------------------------------------------------------------------

  /** A page of a list's entities, expired ones included, by value then id. */
  async entries(
    q: Queryable,
    authority: string,
    name: string,
    page: { readonly after?: EntryCursor | undefined; readonly limit: number },
  ): Promise<WatchlistEntityRecord[]> {
    const after = page.after;
    const r = await q.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM watchlist_entry
       WHERE authority = $1 AND list = $2
         AND ($3::text IS NULL OR value > $3 OR (value = $3 AND $4::text IS NOT NULL AND id > $4))
       ORDER BY value, id LIMIT $5`,
      [authority, name, after?.value ?? null, after?.id ?? null, page.limit],
    );
    return r.rows.map(toRecord);
  }

  /** The entities of a list with these ids (expired ones included), by value then id. */
  async entitiesById(
    q: Queryable,
    authority: string,
    name: string,
    ids: readonly string[],
  ): Promise<WatchlistEntityRecord[]> {
    const r = await q.query<EntityRow>(
      `SELECT ${ENTITY_COLUMNS} FROM watchlist_entry
       WHERE authority = $1 AND list = $2 AND id = ANY($3::text[]) ORDER BY value, id`,
      [authority, name, ids],
    );
    return r.rows.map(toRecord);
  }

  /** Removes one entity; what it was, or undefined when the list has no such id. */
  async deleteEntity(
    tx: Queryable,
    authority: string,
    name: string,
    id: string,
  ): Promise<WatchlistEntityRecord | undefined> {
    const r = await tx.query<EntityRow>(
      `DELETE FROM watchlist_entry WHERE authority = $1 AND list = $2 AND id = $3 RETURNING ${ENTITY_COLUMNS}`,
      [authority, name, id],
    );
    return r.rows[0] === undefined ? undefined : toRecord(r.rows[0]);
  }

  /** Removes every entity whose main value is `value`; the ids removed (none: no such value). */
  async deleteEntriesByValue(
    tx: Queryable,
    authority: string,
    name: string,
    value: string,
  ): Promise<string[]> {
    const r = await tx.query<{ id: string }>(
      `DELETE FROM watchlist_entry WHERE authority = $1 AND list = $2 AND value = $3 RETURNING id`,
      [authority, name, value],
    );
    return r.rows.map((x) => x.id).sort();
  }

  /** Sets (or, with null, clears) one entity's expiry; the entity after, or undefined. */
  async setExpiry(
    tx: Queryable,
    authority: string,
    name: string,
    id: string,
    expiresAt: Date | null,
  ): Promise<WatchlistEntityRecord | undefined> {
    const r = await tx.query<EntityRow>(
      `UPDATE watchlist_entry SET expires_at = $4 WHERE authority = $1 AND list = $2 AND id = $3
       RETURNING ${ENTITY_COLUMNS}`,
      [authority, name, id, expiresAt],
    );
    return r.rows[0] === undefined ? undefined : toRecord(r.rows[0]);
  }
}
