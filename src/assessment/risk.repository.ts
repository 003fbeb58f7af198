/**
 * SQL of the risk side: versioned rules, watchlists, assessments, hit reviews, notifications, RFI
 * responses, operator profiles, unit-value statistics and the recorded random seed. Every query is
 * scoped by authority.
 */
import type { Queryable } from '../store/database.ts';
import type {
  RiskRule,
  RuleStatus,
  WatchlistDefinition,
  WatchlistEntry,
  WatchlistSubject,
} from '../risk/index.ts';
import type { OperatorHistory, UnitValueStats } from './signals.ts';
import type { RandomSeed } from './random-source.ts';

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

export interface AssessmentRecord {
  readonly authority: string;
  readonly mrn: string;
  readonly version: number;
  readonly seq: number;
  readonly score: number;
  readonly outcomeKind: string;
  readonly outcome: unknown;
  readonly hits: unknown;
  readonly errors: unknown;
  readonly random: unknown;
  readonly model: unknown;
  readonly assessedAt: Date;
}

interface AssessmentRow {
  authority: string;
  mrn: string;
  version: number;
  seq: number;
  score: number;
  outcome_kind: string;
  outcome: unknown;
  hits: unknown;
  errors: unknown;
  random: unknown;
  model: unknown;
  assessed_at: Date;
}

const toAssessment = (r: AssessmentRow): AssessmentRecord => ({
  authority: r.authority,
  mrn: r.mrn,
  version: r.version,
  seq: r.seq,
  score: r.score,
  outcomeKind: r.outcome_kind,
  outcome: r.outcome,
  hits: r.hits,
  errors: r.errors,
  random: r.random,
  model: r.model,
  assessedAt: new Date(r.assessed_at),
});

export interface OperatorRow {
  key: string;
  aeo_type: string | null;
  first_seen: Date;
  last_seen: Date;
  filings: number;
  controls: number;
  irregularities: number;
  seizures: number;
}

export class RiskRepository {
  // ---- rules -------------------------------------------------------------------------------

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

  /** A stamp that changes whenever rules or watchlists of the authority change (cache invalidation). */
  async riskStamp(tx: Queryable, authority: string): Promise<string> {
    const r = await tx.query<{ stamp: string }>(
      `SELECT concat((SELECT count(*) FROM rule WHERE authority = $1), '/',
                     (SELECT max(created_at) FROM rule WHERE authority = $1), '/',
                     (SELECT max(updated_at) FROM watchlist WHERE authority = $1), '/',
                     (SELECT max(refreshed_at) FROM unit_value_stats WHERE authority = $1)) AS stamp`,
      [authority],
    );
    return r.rows[0]!.stamp;
  }

  // ---- watchlists ---------------------------------------------------------------------------

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
  ): Promise<void> {
    await tx.query(`DELETE FROM watchlist_entry WHERE authority = $1 AND list = $2`, [authority, name]);
    await this.addEntries(tx, authority, name, entries);
  }

  async addEntries(
    tx: Queryable,
    authority: string,
    name: string,
    entries: readonly WatchlistEntry[],
  ): Promise<number> {
    let added = 0;
    // Chunks keep each statement's parameter arrays moderate on both engines.
    for (let i = 0; i < entries.length; i += 5000) {
      const chunk = entries.slice(i, i + 5000);
      const r = await tx.query(
        `INSERT INTO watchlist_entry (authority, list, value, note)
         SELECT $1, $2, v, n FROM unnest($3::text[], $4::text[]) AS u(v, n)
         ON CONFLICT (authority, list, value) DO UPDATE SET note = EXCLUDED.note`,
        [authority, name, chunk.map((e) => e.value), chunk.map((e) => e.note ?? null)],
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
    return r.rows.map((w) => ({ ...w, updatedAt: new Date(w.updated_at).toISOString() }));
  }

  async watchlistDefinitions(tx: Queryable, authority: string): Promise<WatchlistDefinition[]> {
    const lists = await tx.query<{ name: string; subject: WatchlistSubject; threshold: number | null }>(
      `SELECT name, subject, threshold FROM watchlist WHERE authority = $1 ORDER BY name`,
      [authority],
    );
    const entries = await tx.query<{ list: string; value: string; note: string | null }>(
      `SELECT list, value, note FROM watchlist_entry WHERE authority = $1 ORDER BY list, value`,
      [authority],
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

  /** Stores a filing's consignment assessments in one statement; returns the consignments stored now. */
  async insertAssessments(tx: Queryable, list: readonly AssessmentRecord[]): Promise<Set<number>> {
    if (list.length === 0) {
      return new Set();
    }
    const r = await tx.query<{ seq: number }>(
      `INSERT INTO assessment (authority, mrn, version, seq, score, outcome_kind, outcome, hits, errors, random, model, assessed_at)
       SELECT u.a, u.m, u.v, u.s, u.sc, u.k, u.o::jsonb, u.h::jsonb, u.e::jsonb, u.r::jsonb, u.md::jsonb, u.at
       FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::timestamptz[]) AS u(a, m, v, s, sc, k, o, h, e, r, md, at)
       ON CONFLICT (mrn, version, seq) DO NOTHING
       RETURNING seq`,
      [
        list.map((a) => a.authority),
        list.map((a) => a.mrn),
        list.map((a) => a.version),
        list.map((a) => a.seq),
        list.map((a) => a.score),
        list.map((a) => a.outcomeKind),
        list.map((a) => JSON.stringify(a.outcome)),
        list.map((a) => JSON.stringify(a.hits)),
        list.map((a) => JSON.stringify(a.errors)),
        list.map((a) => JSON.stringify(a.random)),
        list.map((a) => (a.model === undefined ? null : JSON.stringify(a.model))),
        list.map((a) => a.assessedAt),
      ],
    );
    return new Set(r.rows.map((x) => x.seq));
  }

  async notifyMany(
    tx: Queryable,
    list: readonly {
      authority: string;
      filer: string;
      mrn: string;
      kind: string;
      payload: unknown;
      at: Date;
    }[],
  ): Promise<void> {
    if (list.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO notification (authority, filer, mrn, kind, payload, created_at)
       SELECT a, f, m, k, p::jsonb, t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS u(a, f, m, k, p, t)`,
      [
        list.map((n) => n.authority),
        list.map((n) => n.filer),
        list.map((n) => n.mrn),
        list.map((n) => n.kind),
        list.map((n) => JSON.stringify(n.payload)),
        list.map((n) => n.at),
      ],
    );
  }

  /** Has this version of the filing been assessed already? */
  async assessed(tx: Queryable, authority: string, mrn: string, version: number): Promise<boolean> {
    const r = await tx.query(
      `SELECT 1 FROM assessment WHERE mrn = $1 AND version = $2 AND authority = $3 LIMIT 1`,
      [mrn, version, authority],
    );
    return r.rows.length > 0;
  }

  /** The current assessment of each consignment: the latest version assessed. */
  async currentAssessments(tx: Queryable, authority: string, mrn: string): Promise<AssessmentRecord[]> {
    const r = await tx.query<AssessmentRow>(
      `SELECT * FROM assessment WHERE authority = $1 AND mrn = $2
         AND version = (SELECT max(version) FROM assessment WHERE authority = $1 AND mrn = $2)
       ORDER BY seq`,
      [authority, mrn],
    );
    return r.rows.map(toAssessment);
  }

  async assessmentsOf(tx: Queryable, authority: string, mrn: string): Promise<AssessmentRecord[]> {
    const r = await tx.query<AssessmentRow>(
      `SELECT * FROM assessment WHERE authority = $1 AND mrn = $2 ORDER BY version, seq`,
      [authority, mrn],
    );
    return r.rows.map(toAssessment);
  }

  async updateOutcome(
    tx: Queryable,
    mrn: string,
    version: number,
    seq: number,
    outcomeKind: string,
    outcome: unknown,
  ): Promise<void> {
    await tx.query(
      `UPDATE assessment SET outcome_kind = $4, outcome = $5 WHERE mrn = $1 AND version = $2 AND seq = $3`,
      [mrn, version, seq, outcomeKind, JSON.stringify(outcome)],
    );
  }

  async insertReview(
    tx: Queryable,
    r: {
      authority: string;
      mrn: string;
      version: number;
      seq: number;
      hitId: string;
      decision: 'confirmed' | 'dismissed';
      reason: string | undefined;
      reviewer: string;
      at: Date;
    },
  ): Promise<boolean> {
    const res = await tx.query(
      `INSERT INTO hit_review (authority, mrn, version, seq, hit_id, decision, reason, reviewer, reviewed_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`,
      [r.authority, r.mrn, r.version, r.seq, r.hitId, r.decision, r.reason ?? null, r.reviewer, r.at],
    );
    return res.rowCount > 0;
  }

  async reviewsOf(
    tx: Queryable,
    authority: string,
    mrn: string,
  ): Promise<
    {
      version: number;
      seq: number;
      hit_id: string;
      decision: string;
      reason: string | null;
      reviewer: string;
      reviewed_at: Date;
    }[]
  > {
    const r = await tx.query<{
      version: number;
      seq: number;
      hit_id: string;
      decision: string;
      reason: string | null;
      reviewer: string;
      reviewed_at: Date;
    }>(
      `SELECT version, seq, hit_id, decision, reason, reviewer, reviewed_at FROM hit_review WHERE authority = $1 AND mrn = $2 ORDER BY reviewed_at`,
      [authority, mrn],
    );
    return r.rows;
  }

  // ---- notifications and RFI ----------------------------------------------------------------

  async notifications(
    tx: Queryable,
    authority: string,
    filer: string | undefined,
    since: number,
    limit: number,
  ): Promise<{ id: number; mrn: string; kind: string; payload: unknown; created_at: Date }[]> {
    const r = await tx.query<{ id: number; mrn: string; kind: string; payload: unknown; created_at: Date }>(
      `SELECT id, mrn, kind, payload, created_at FROM notification
       WHERE authority = $1 AND ($2::text IS NULL OR filer = $2) AND id > $3 ORDER BY id LIMIT $4`,
      [authority, filer ?? null, since, limit],
    );
    return r.rows;
  }

  async insertRfiResponse(
    tx: Queryable,
    r: { authority: string; mrn: string; seq: number; responder: string; response: unknown; at: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO rfi_response (authority, mrn, seq, responder, response, responded_at) VALUES ($1,$2,$3,$4,$5,$6)`,
      [r.authority, r.mrn, r.seq, r.responder, JSON.stringify(r.response), r.at],
    );
  }

  // ---- operators, statistics, random seed ---------------------------------------------------

  async operators(
    tx: Queryable,
    authority: string,
    keys: readonly string[],
  ): Promise<Map<string, OperatorRow>> {
    const r = await tx.query<OperatorRow>(
      `SELECT key, aeo_type, first_seen, last_seen, filings, controls, irregularities, seizures
       FROM operator WHERE authority = $1 AND key = ANY($2::text[])`,
      [authority, keys],
    );
    return new Map(r.rows.map((o) => [o.key, o]));
  }

  /** Records that these operators were seen (once per assessed filing version 1). */
  async touchOperators(
    tx: Queryable,
    authority: string,
    ops: readonly { key: string; eori: string | undefined; name: string }[],
    at: Date,
  ): Promise<void> {
    if (ops.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO operator (authority, key, eori, name, first_seen, last_seen, filings)
       SELECT $1, k, e, n, $5, $5, 1 FROM unnest($2::text[], $3::text[], $4::text[]) AS u(k, e, n)
       -- One order for every transaction: concurrent assessments touching the same operators would
       -- otherwise lock their rows in different orders and deadlock.
       ORDER BY k
       ON CONFLICT (authority, key) DO UPDATE SET last_seen = GREATEST(operator.last_seen, EXCLUDED.last_seen),
         filings = operator.filings + 1`,
      [authority, ops.map((o) => o.key), ops.map((o) => o.eori ?? null), ops.map((o) => o.name), at],
    );
  }

  async unitValueStats(tx: Queryable, authority: string): Promise<Map<string, UnitValueStats>> {
    const r = await tx.query<{ hs6: string; origin: string; n: number; median: number; mad: number }>(
      `SELECT hs6, origin, n, median, mad FROM unit_value_stats WHERE authority = $1`,
      [authority],
    );
    return new Map(r.rows.map((s) => [`${s.hs6}/${s.origin}`, { n: s.n, median: s.median, mad: s.mad }]));
  }

  async replaceUnitValueStats(
    tx: Queryable,
    authority: string,
    rows: readonly { hs6: string; origin: string; n: number; median: number; mad: number }[],
    at: Date,
  ): Promise<void> {
    await tx.query(`DELETE FROM unit_value_stats WHERE authority = $1`, [authority]);
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO unit_value_stats (authority, hs6, origin, n, median, mad, refreshed_at)
       SELECT $1, h, o, n, m, d, $7 FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[]) AS u(h, o, n, m, d)`,
      [
        authority,
        rows.map((r) => r.hs6),
        rows.map((r) => r.origin),
        rows.map((r) => r.n),
        rows.map((r) => r.median),
        rows.map((r) => r.mad),
        at,
      ],
    );
  }

  /** Learned statistics replace the cells they cover; cells with too little history keep what they had. */
  async upsertUnitValueStats(
    tx: Queryable,
    authority: string,
    rows: readonly { hs6: string; origin: string; n: number; median: number; mad: number }[],
    at: Date,
  ): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO unit_value_stats (authority, hs6, origin, n, median, mad, refreshed_at)
       SELECT $1, h, o, n, m, d, $7 FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[]) AS u(h, o, n, m, d)
       ON CONFLICT (authority, hs6, origin) DO UPDATE SET n = EXCLUDED.n, median = EXCLUDED.median, mad = EXCLUDED.mad,
         refreshed_at = EXCLUDED.refreshed_at`,
      [
        authority,
        rows.map((r) => r.hs6),
        rows.map((r) => r.origin),
        rows.map((r) => r.n),
        rows.map((r) => r.median),
        rows.map((r) => r.mad),
        at,
      ],
    );
  }

  /** Authorities that have lodged filings (for jobs that run per authority). */
  async authoritiesWithFilings(tx: Queryable): Promise<string[]> {
    const r = await tx.query<{ authority: string }>(
      `SELECT DISTINCT authority FROM filing ORDER BY authority`,
    );
    return r.rows.map((x) => x.authority);
  }

  /** Goods lines of registered filings lodged in a period: the history statistics are learned from. */
  async goodsHistory(
    tx: Queryable,
    authority: string,
    from: Date,
    to: Date,
  ): Promise<{ hs6: string; origin: string; amount: number; currency: string; mass: number }[]> {
    const r = await tx.query<{ hs6: string; origin: string; amount: number; currency: string; mass: number }>(
      `SELECT substr(g->>'hsCode', 1, 6) AS hs6, g->>'origin' AS origin, (g->'value'->>'amount')::float8 AS amount,
              g->'value'->>'currency' AS currency, (g->>'grossMassKg')::float8 AS mass
       FROM filing f, jsonb_array_elements(f.body->'consignments') c, jsonb_array_elements(c->'goods') g
       WHERE f.authority = $1 AND f.lodged_at >= $2 AND f.lodged_at < $3 AND f.status <> 'invalidated'
         AND g ? 'value' AND g ? 'origin'`,
      [authority, from, to],
    );
    return r.rows;
  }

  async randomSeed(tx: Queryable, authority: string, fresh: RandomSeed, at: Date): Promise<RandomSeed> {
    await tx.query(
      `INSERT INTO random_seed (authority, seed_id, secret, created_at) VALUES ($1,$2,$3,$4) ON CONFLICT (authority) DO NOTHING`,
      [authority, fresh.seedId, fresh.secret, at],
    );
    const r = await tx.query<{ seed_id: string; secret: string }>(
      `SELECT seed_id, secret FROM random_seed WHERE authority = $1`,
      [authority],
    );
    return { seedId: r.rows[0]!.seed_id, secret: r.rows[0]!.secret };
  }
}

export type { OperatorHistory };
