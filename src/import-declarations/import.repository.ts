/**
 * SQL of the imports feature: import declarations with their lanes, offices' daily control capacity
 * and the lanes used against it, and the control tasks and results that imported history carries
 * (written to the controls tables directly, since a KCS label is a control that already happened).
 * Batches go in as one JSON parameter expanded by `jsonb_to_recordset`, which both engines run
 * unchanged and which keeps a 1,000-row insert one round trip.
 */
import type { Queryable } from '../store/database.ts';
import type { DeclarationType } from './import.schema.ts';
import type { Lane } from './lanes.ts';

export interface NewImport {
  readonly authority: string;
  readonly id: string;
  readonly type: DeclarationType;
  readonly office: string;
  readonly source: 'api' | 'kcs';
  readonly lodgedBy: string;
  readonly lodgedAt: Date;
  /** YYYY-MM-DD. */
  readonly declaredOn: string;
  readonly body: unknown;
  readonly score: number | null;
  /** The rules', watchlists' and signals' hits combined (null: decided without them, or imported history). */
  readonly riskScore?: number | null | undefined;
  /** The hits, explained (none for imported history). */
  readonly hits?: readonly unknown[] | undefined;
  readonly lane: Lane | null;
  readonly laneReason: string | null;
  readonly laneRandom: boolean;
  readonly modelVersion: number | null;
  readonly random: { readonly seedId: string; readonly draw: number } | null;
  readonly assessedAt: Date | null;
}

export interface ImportRow extends Omit<NewImport, 'lodgedAt' | 'assessedAt'> {
  readonly lodgedAt: string;
  readonly assessedAt: string | null;
  /** 1 as lodged; each amendment adds one. */
  readonly version: number;
  readonly amendedAt: string | null;
  readonly invalidatedAt: string | null;
  readonly invalidationReason: string | null;
}

/** What an amendment changes. */
export interface ImportAmendment {
  readonly body: unknown;
  readonly score: number | null;
  readonly riskScore: number | null;
  readonly hits: readonly unknown[];
  readonly lane: Lane;
  readonly laneReason: string;
  readonly modelVersion: number | null;
  readonly version: number;
  readonly at: Date;
}

interface DbRow {
  authority: string;
  id: string;
  type: DeclarationType;
  office: string;
  source: 'api' | 'kcs';
  lodged_by: string;
  lodged_at: Date | string;
  declared_on: string;
  body: unknown;
  score: number | null;
  risk_score: number | null;
  hits: unknown[];
  lane: Lane | null;
  lane_reason: string | null;
  lane_random: boolean;
  model_version: number | null;
  random: { seedId: string; draw: number } | null;
  assessed_at: Date | string | null;
  version: number;
  amended_at: Date | string | null;
  invalidated_at: Date | string | null;
  invalidation_reason: string | null;
}

const COLUMNS = `authority, id, type, office, source, lodged_by, lodged_at, declared_on, body, score, lane,
  lane_reason, lane_random, model_version, random, assessed_at, lrn, risk_score, hits`;

// `date` read as text: the drivers would otherwise build Dates at different midnights.
const SELECT_COLUMNS = `${COLUMNS.replace('declared_on', 'declared_on::text AS declared_on')},
  version, amended_at, invalidated_at, invalidation_reason`;

const iso = (d: Date | string): string => new Date(d).toISOString();

const toRow = (r: DbRow): ImportRow => ({
  authority: r.authority,
  id: r.id,
  type: r.type,
  office: r.office,
  source: r.source,
  lodgedBy: r.lodged_by,
  lodgedAt: iso(r.lodged_at),
  declaredOn: r.declared_on,
  body: r.body,
  score: r.score,
  riskScore: r.risk_score,
  hits: r.hits,
  lane: r.lane,
  laneReason: r.lane_reason,
  laneRandom: r.lane_random,
  modelVersion: r.model_version,
  random: r.random,
  assessedAt: r.assessed_at === null ? null : iso(r.assessed_at),
  version: r.version,
  amendedAt: r.amended_at === null ? null : iso(r.amended_at),
  invalidatedAt: r.invalidated_at === null ? null : iso(r.invalidated_at),
  invalidationReason: r.invalidation_reason,
});

const record = (r: NewImport): Record<string, unknown> => ({
  // The LRN the filer gave, the key of idempotency (with authority and filer).
  lrn: (r.body as { lrn?: string }).lrn ?? null,
  authority: r.authority,
  id: r.id,
  type: r.type,
  office: r.office,
  source: r.source,
  lodged_by: r.lodgedBy,
  lodged_at: r.lodgedAt.toISOString(),
  declared_on: r.declaredOn,
  body: r.body,
  score: r.score,
  risk_score: r.riskScore ?? null,
  hits: r.hits ?? [],
  lane: r.lane,
  lane_reason: r.laneReason,
  lane_random: r.laneRandom,
  model_version: r.modelVersion,
  random: r.random,
  assessed_at: r.assessedAt?.toISOString() ?? null,
});

export interface OfficeCapacityRow {
  readonly office: string;
  readonly redPerDay: number;
  readonly yellowPerDay: number;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

export interface ListOptions {
  readonly lane?: Lane | undefined;
  readonly office?: string | undefined;
  readonly limit: number;
  readonly after?: { readonly lodgedAt: string; readonly id: string } | undefined;
}

export class ImportRepository {
  /** Serialises lane decisions per office, so two declarations cannot take the last red slot. */
  async lockOffice(tx: Queryable, authority: string, office: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`import-lanes/${authority}/${office}`]);
  }

  async capacity(q: Queryable, authority: string, office: string): Promise<OfficeCapacityRow | undefined> {
    const r = await q.query<{
      office: string;
      red_per_day: number;
      yellow_per_day: number;
      updated_by: string;
      updated_at: Date | string;
    }>(
      `SELECT office, red_per_day, yellow_per_day, updated_by, updated_at FROM office_capacity
       WHERE authority = $1 AND office = $2`,
      [authority, office],
    );
    const row = r.rows[0];
    return row === undefined
      ? undefined
      : {
          office: row.office,
          redPerDay: row.red_per_day,
          yellowPerDay: row.yellow_per_day,
          updatedBy: row.updated_by,
          updatedAt: iso(row.updated_at),
        };
  }

  async setCapacity(
    tx: Queryable,
    authority: string,
    office: string,
    red: number,
    yellow: number,
    by: string,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO office_capacity (authority, office, red_per_day, yellow_per_day, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (authority, office) DO UPDATE SET red_per_day = EXCLUDED.red_per_day,
         yellow_per_day = EXCLUDED.yellow_per_day, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [authority, office, red, yellow, by, at],
    );
  }

  /** Every office's capacity set by the authority. */
  async capacities(q: Queryable, authority: string): Promise<OfficeCapacityRow[]> {
    const r = await q.query<{
      office: string;
      red_per_day: number;
      yellow_per_day: number;
      updated_by: string;
      updated_at: Date | string;
    }>(
      `SELECT office, red_per_day, yellow_per_day, updated_by, updated_at FROM office_capacity
       WHERE authority = $1 ORDER BY office`,
      [authority],
    );
    return r.rows.map((row) => ({
      office: row.office,
      redPerDay: row.red_per_day,
      yellowPerDay: row.yellow_per_day,
      updatedBy: row.updated_by,
      updatedAt: iso(row.updated_at),
    }));
  }

  /**
   * For each rule version, from its own `since` to `to`: declarations it hit (not as a noisy rule)
   * that were given a red or yellow lane, by office (the noisy-rule cap, rule-caps feature).
   */
  async selectionsByRule(
    q: Queryable,
    authority: string,
    versions: readonly { readonly rule: string; readonly version: number; readonly since: Date }[],
    to: Date,
  ): Promise<{ rule: string; version: number; office: string; selected: number }[]> {
    if (versions.length === 0) {
      return [];
    }
    const r = await q.query<{ rule: string; version: number; office: string; selected: number }>(
      // One pass over the declarations of the earliest window, each rule hit matched to its version.
      `SELECT w.rule, w.version, d.office, count(*)::int AS selected
       FROM import_declaration d
       CROSS JOIN LATERAL jsonb_array_elements(d.hits) AS h
       JOIN unnest($2::text[], $3::int[], $4::timestamptz[]) AS w(rule, version, since)
         ON h->>'id' = w.rule AND (h->>'version')::int = w.version AND d.assessed_at >= w.since
       WHERE d.authority = $1 AND d.lane IN ('red', 'yellow') AND d.assessed_at >= $6 AND d.assessed_at <= $5
         AND h->>'source' = 'rule' AND h->'noisy' IS DISTINCT FROM 'true'::jsonb
       GROUP BY 1, 2, 3`,
      [
        authority,
        versions.map((v) => v.rule),
        versions.map((v) => v.version),
        versions.map((v) => v.since),
        to,
        new Date(Math.min(...versions.map((v) => v.since.getTime()))),
      ],
    );
    return r.rows;
  }

  /** Red and yellow lanes the office was given in [from, to). */
  async lanesUsed(
    q: Queryable,
    authority: string,
    office: string,
    from: Date,
    to: Date,
  ): Promise<{ red: number; yellow: number }> {
    const r = await q.query<{ red: number; yellow: number }>(
      `SELECT count(*) FILTER (WHERE lane = 'red')::int AS red, count(*) FILTER (WHERE lane = 'yellow')::int AS yellow
       FROM import_declaration
       WHERE authority = $1 AND office = $2 AND assessed_at >= $3 AND assessed_at < $4 AND lane IN ('red', 'yellow')
         AND invalidated_at IS NULL`,
      [authority, office, from, to],
    );
    return r.rows[0] ?? { red: 0, yellow: 0 };
  }

  /** Inserts declarations; returns the ids stored now (an id already present is skipped). */
  async insertMany(tx: Queryable, rows: readonly NewImport[]): Promise<string[]> {
    if (rows.length === 0) {
      return [];
    }
    const r = await tx.query<{ id: string }>(
      `INSERT INTO import_declaration (${COLUMNS})
       SELECT ${COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS x(
         authority text, id text, type text, office text, source text, lodged_by text, lodged_at timestamptz,
         declared_on date, body jsonb, score float8, lane text, lane_reason text, lane_random boolean,
         model_version int, random jsonb, assessed_at timestamptz, lrn text, risk_score float8, hits jsonb)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [JSON.stringify(rows.map(record))],
    );
    return r.rows.map((x) => x.id);
  }

  /** The declaration a filer lodged under this LRN, if any. */
  async findByLrn(
    q: Queryable,
    authority: string,
    lodgedBy: string,
    lrn: string,
  ): Promise<ImportRow | undefined> {
    const r = await q.query<DbRow>(
      `SELECT ${SELECT_COLUMNS} FROM import_declaration WHERE authority = $1 AND lodged_by = $2 AND lrn = $3`,
      [authority, lodgedBy, lrn],
    );
    return r.rows[0] === undefined ? undefined : toRow(r.rows[0]);
  }

  async find(q: Queryable, authority: string, id: string): Promise<ImportRow | undefined> {
    const r = await q.query<DbRow>(
      `SELECT ${SELECT_COLUMNS} FROM import_declaration WHERE authority = $1 AND id = $2`,
      [authority, id],
    );
    return r.rows[0] === undefined ? undefined : toRow(r.rows[0]);
  }

  /** Newest first, by lodging time then id. */
  async list(q: Queryable, authority: string, o: ListOptions): Promise<ImportRow[]> {
    const params: unknown[] = [authority];
    const where = ['authority = $1'];
    if (o.lane !== undefined) {
      params.push(o.lane);
      where.push(`lane = $${params.length}`);
    }
    if (o.office !== undefined) {
      params.push(o.office);
      where.push(`office = $${params.length}`);
    }
    if (o.after !== undefined) {
      params.push(o.after.lodgedAt, o.after.id);
      where.push(`(lodged_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(o.limit);
    const r = await q.query<DbRow>(
      `SELECT ${SELECT_COLUMNS} FROM import_declaration WHERE ${where.join(' AND ')}
       ORDER BY lodged_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return r.rows.map(toRow);
  }

  async amend(tx: Queryable, authority: string, id: string, a: ImportAmendment): Promise<void> {
    await tx.query(
      `UPDATE import_declaration SET body = $3, score = $4, lane = $5, lane_reason = $6, model_version = $7,
         version = $8, amended_at = $9, risk_score = $10, hits = $11
       WHERE authority = $1 AND id = $2`,
      [
        authority,
        id,
        JSON.stringify(a.body),
        a.score,
        a.lane,
        a.laneReason,
        a.modelVersion,
        a.version,
        a.at,
        a.riskScore,
        JSON.stringify(a.hits),
      ],
    );
  }

  async invalidate(
    tx: Queryable,
    authority: string,
    id: string,
    reason: string | null,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE import_declaration SET invalidated_at = $3, invalidation_reason = $4 WHERE authority = $1 AND id = $2`,
      [authority, id, at, reason],
    );
  }

  /** The declaration, locked for a change. */
  async findForUpdate(tx: Queryable, authority: string, id: string): Promise<ImportRow | undefined> {
    const r = await tx.query<DbRow>(
      `SELECT ${SELECT_COLUMNS} FROM import_declaration WHERE authority = $1 AND id = $2 FOR UPDATE`,
      [authority, id],
    );
    return r.rows[0] === undefined ? undefined : toRow(r.rows[0]);
  }
}
