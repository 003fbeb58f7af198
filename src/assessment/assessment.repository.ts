/**
 * SQL of assessments: the stored assessment of each consignment version, analysts' hit reviews, RFI
 * responses, the unit-value statistics signals compare against, and the authority's recorded random
 * seed. Every query is scoped by authority.
 */
import type { Queryable } from '../store/database.ts';
import type { OperatorSegment, RandomSeed } from '../domain/index.ts';
import type { UnitValueStats } from './signals.ts';

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
  /** The reference rates declared values were converted to EUR with (absent when none was needed). */
  readonly conversion?: Conversion | undefined;
  /**
   * The AEO segment the assessment credited the consignment with (the consignee's status, the
   * consignor's for security), as the register had it on the filing's date; absent on assessments
   * made before it was recorded.
   */
  readonly operatorSegment?: OperatorSegment | undefined;
}

/** An analyst's review of one hit, as stored. */
export interface HitReviewRow {
  version: number;
  seq: number;
  hit_id: string;
  decision: string;
  reason: string | null;
  reviewer: string;
  reviewed_at: Date;
}

/** Which dated set of reference rates an assessment used, and the rates of the currencies it met. */
export interface Conversion {
  readonly ratesFrom: string;
  readonly perEur: Readonly<Record<string, number>>;
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
  conversion?: Conversion | null;
  operator_segment?: OperatorSegment | null;
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
  ...(r.conversion !== null && r.conversion !== undefined ? { conversion: r.conversion } : {}),
  ...(r.operator_segment !== null && r.operator_segment !== undefined
    ? { operatorSegment: r.operator_segment }
    : {}),
  assessedAt: new Date(r.assessed_at),
});

export class AssessmentRepository {
  /**
   * Stores many assessments (of several filings); returns `mrn/version/seq` of those inserted (an
   * assessment stored before is left as it was).
   */
  async insertAssessmentsMany(tx: Queryable, list: readonly AssessmentRecord[]): Promise<Set<string>> {
    if (list.length === 0) {
      return new Set();
    }
    const r = await tx.query<{ mrn: string; version: number; seq: number }>(
      `INSERT INTO assessment (authority, mrn, version, seq, score, outcome_kind, outcome, hits, errors, random, model, assessed_at, conversion, operator_segment)
       SELECT u.a, u.m, u.v, u.s, u.sc, u.k, u.o::jsonb, u.h::jsonb, u.e::jsonb, u.r::jsonb, u.md::jsonb, u.at, u.cv::jsonb, u.sg
       FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::text[]) AS u(a, m, v, s, sc, k, o, h, e, r, md, at, cv, sg)
       ON CONFLICT (mrn, version, seq) DO NOTHING
       RETURNING mrn, version, seq`,
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
        list.map((a) => (a.conversion === undefined ? null : JSON.stringify(a.conversion))),
        list.map((a) => a.operatorSegment ?? null),
      ],
    );
    return new Set(r.rows.map((x) => `${x.mrn}/${x.version}/${x.seq}`));
  }

  /** Which of these filing versions have been assessed already (`mrn/version`). */
  async assessedMany(
    tx: Queryable,
    authority: string,
    versions: readonly { mrn: string; version: number }[],
  ): Promise<Set<string>> {
    if (versions.length === 0) {
      return new Set();
    }
    const r = await tx.query<{ mrn: string; version: number }>(
      // One primary-key probe per version asked (LATERAL … LIMIT 1): the plan cannot turn into a
      // scan of the authority's assessments, whatever the statistics say.
      `SELECT u.mrn, u.version
       FROM unnest($2::text[], $3::int[]) AS u(mrn, version)
       CROSS JOIN LATERAL (SELECT 1 FROM assessment a
                           WHERE a.mrn = u.mrn AND a.version = u.version AND a.seq = 0 AND a.authority = $1
                           LIMIT 1) x`,
      [authority, versions.map((v) => v.mrn), versions.map((v) => v.version)],
    );
    return new Set(r.rows.map((x) => `${x.mrn}/${x.version}`));
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

  async reviewsOf(tx: Queryable, authority: string, mrn: string): Promise<HitReviewRow[]> {
    const r = await tx.query<HitReviewRow>(
      `SELECT version, seq, hit_id, decision, reason, reviewer, reviewed_at FROM hit_review WHERE authority = $1 AND mrn = $2 ORDER BY reviewed_at`,
      [authority, mrn],
    );
    return r.rows;
  }

  // ---- notifications and RFI ----------------------------------------------------------------

  async insertRfiResponse(
    tx: Queryable,
    r: { authority: string; mrn: string; seq: number; responder: string; response: unknown; at: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO rfi_response (authority, mrn, seq, responder, response, responded_at) VALUES ($1,$2,$3,$4,$5,$6)`,
      [r.authority, r.mrn, r.seq, r.responder, JSON.stringify(r.response), r.at],
    );
  }

  /**
   * The probabilities a model version gave consignments assessed in [from, to) (a published query:
   * the models feature watches score drift with it), at most `limit` of them, the latest first.
   */
  async modelScores(
    q: Queryable,
    authority: string,
    model: { readonly kind: string; readonly version: number },
    from: Date,
    to: Date,
    limit = 200_000,
  ): Promise<number[]> {
    const r = await q.query<{ p: number }>(
      `SELECT (model->>'probability')::float8 AS p FROM assessment
       WHERE authority = $1 AND assessed_at >= $2 AND assessed_at < $3
         AND model->>'kind' = $4 AND (model->>'version')::int = $5
       ORDER BY assessed_at DESC LIMIT $6`,
      [authority, from, to, model.kind, model.version, limit],
    );
    return r.rows.map((x) => x.p);
  }

  // ---- operators, statistics, random seed ---------------------------------------------------

  /** A stamp that changes whenever the authority's unit-value statistics are refreshed. */
  async statsStamp(tx: Queryable, authority: string): Promise<string> {
    const r = await tx.query<{ stamp: string }>(
      `SELECT concat((SELECT max(refreshed_at) FROM unit_value_stats WHERE authority = $1)) AS stamp`,
      [authority],
    );
    return r.rows[0]!.stamp;
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

  /**
   * The authority's seed, recorded on first use. Through vigil_random_seed (migration 0014): the
   * application role has no rights on the table itself, and gets its own authority's seed only.
   */
  async randomSeed(tx: Queryable, authority: string, fresh: RandomSeed, at: Date): Promise<RandomSeed> {
    const r = await tx.query<{ seed_id: string; secret: string }>(
      `SELECT seed_id, secret FROM vigil_random_seed($1, $2, $3, $4)`,
      [authority, fresh.seedId, fresh.secret, at],
    );
    return { seedId: r.rows[0]!.seed_id, secret: r.rows[0]!.secret };
  }
}

/** What the analysts' queue may be narrowed to (GET /v1/queue). */
export interface QueueFilter {
  readonly review: 'open' | 'reviewed' | 'all';
  readonly mode?: string | undefined;
  readonly office?: string | undefined;
  readonly riskArea?: string | undefined;
  readonly rule?: string | undefined;
  readonly sort: 'score' | 'arrival';
  readonly limit: number;
  readonly offset: number;
}

/** One consignment of the queue, as stored. */
export interface QueueRow {
  readonly mrn: string;
  readonly version: number;
  readonly seq: number;
  readonly score: number;
  readonly outcome_kind: string;
  readonly hits: unknown;
  readonly reviewed: number;
  readonly mode: string;
  readonly office: string;
  readonly arrival: string | null;
  readonly consignor: string | null;
  readonly consignee: string | null;
  readonly assessed_at: Date;
  readonly total: number;
}

/**
 * The analysts' queue: current assessments (of the filing's current version, registered filings)
 * with at least one hit, and how many of their hits were reviewed. A published query of the
 * assessment feature that reads the filing's facts (mode, office, arrival, parties) as the
 * indicators' rollups do.
 */
export async function queueRows(tx: Queryable, authority: string, f: QueueFilter): Promise<QueueRow[]> {
  const params: unknown[] = [authority];
  const where: string[] = [];
  const add = (sql: (p: string) => string, value: unknown): void => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (f.mode !== undefined) {
    add((p) => `f.mode = ${p}`, f.mode);
  }
  if (f.office !== undefined) {
    add((p) => `f.office_of_first_entry = ${p}`, f.office);
  }
  if (f.riskArea !== undefined) {
    add((p) => `a.hits @> ${p}::jsonb`, JSON.stringify([{ riskArea: f.riskArea }]));
  }
  if (f.rule !== undefined) {
    add((p) => `a.hits @> ${p}::jsonb`, JSON.stringify([{ id: f.rule }]));
  }
  const reviewed = `(SELECT count(*)::int FROM hit_review r
     WHERE r.authority = a.authority AND r.mrn = a.mrn AND r.version = a.version AND r.seq = a.seq)`;
  const review =
    f.review === 'open'
      ? `AND ${reviewed} < jsonb_array_length(a.hits)`
      : f.review === 'reviewed'
        ? `AND ${reviewed} >= jsonb_array_length(a.hits)`
        : '';
  const arrival = `f.body->'transport'->>'estimatedArrival'`;
  const order =
    f.sort === 'arrival'
      ? `${arrival} ASC NULLS LAST, a.score DESC, a.mrn, a.seq`
      : `a.score DESC, ${arrival} ASC NULLS LAST, a.mrn, a.seq`;
  params.push(f.limit, f.offset);
  const r = await tx.query<QueueRow>(
    `SELECT a.mrn, a.version, a.seq, a.score, a.outcome_kind, a.hits, ${reviewed} AS reviewed, f.mode,
            f.office_of_first_entry AS office, ${arrival} AS arrival,
            f.body->'consignments'->a.seq->'consignor'->>'name' AS consignor,
            f.body->'consignments'->a.seq->'consignee'->>'name' AS consignee,
            a.assessed_at, count(*) OVER ()::int AS total
     FROM assessment a JOIN filing f ON f.mrn = a.mrn AND f.version = a.version
     WHERE a.authority = $1 AND f.authority = $1 AND f.status = 'registered' AND jsonb_array_length(a.hits) > 0
       ${where.map((w) => `AND ${w}`).join(' ')} ${review}
     ORDER BY ${order}
     LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return r.rows;
}
