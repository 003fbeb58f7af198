/**
 * SQL of the performance indicators: recording refused filings, finding the days whose facts changed
 * since a watermark, recomputing one authority's day of rollups from the raw tables, and reading
 * rollups summed by period and key. The rollup statements read other features' tables (filings,
 * assessments, controls, imports, RIFs, shared records) but never write them: these are published
 * read models, one statement per fact family, each producing (metric, dim, key, value) rows.
 */
import type { Queryable } from '../store/database.ts';

/** The grains rollups are kept at: days (indicator_daily), months (0022) and years (0030). */
export type Grain = 'day' | 'month' | 'year';

/** A part of a range read at one grain: [from, to) in days (YYYY-MM-DD), whole units of the grain. */
export interface RangePiece {
  readonly grain: Grain;
  readonly from: string;
  readonly to: string;
}

const MONTHS_IN: Readonly<Record<Exclude<Grain, 'day'>, number>> = { month: 1, year: 12 };

/** The whole calendar units of `grain` in [from, to), as [first, the one after the last), if any. */
function wholeUnits(
  from: string,
  to: string,
  grain: Exclude<Grain, 'day'>,
): { from: string; to: string } | undefined {
  const n = MONTHS_IN[grain];
  const f = new Date(`${from}T00:00:00Z`);
  const unitOf = (d: Date): number => Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / n) * n, 1);
  let start = unitOf(f);
  if (start < f.getTime()) {
    const s = new Date(start);
    start = Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + n, 1);
  }
  const end = unitOf(new Date(`${to}T00:00:00Z`));
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  return start < end ? { from: day(start), to: day(end) } : undefined;
}

/**
 * [from, to) cut into pieces each read at the coarsest grain it allows (`grains`, coarsest first):
 * the whole years in it, then the whole months around them, then the days at the edges. A calendar
 * year thus reads one row per key instead of 365 (or 12).
 */
export function rangePieces(from: string, to: string, grains: readonly Grain[]): RangePiece[] {
  if (from >= to) {
    return [];
  }
  const [grain, ...finer] = grains;
  if (grain === undefined || grain === 'day') {
    return [{ grain: 'day', from, to }];
  }
  const whole = wholeUnits(from, to, grain);
  if (whole === undefined) {
    return rangePieces(from, to, finer);
  }
  return [...rangePieces(from, whole.from, finer), { grain, ...whole }, ...rangePieces(whole.to, to, finer)];
}

/** The grains a series per `period` may read: none coarser than its period (a year spans quarters). */
function grainsFor(period: Period | undefined): readonly Grain[] {
  switch (period) {
    case undefined:
    case 'year':
      return ['year', 'month', 'day'];
    case 'quarter':
    case 'month':
      return ['month', 'day'];
    case 'week':
    case 'day':
      return ['day'];
  }
}

/** The UTC day of a timestamp column. */
const dayOf = (col: string): string => `((${col}) AT TIME ZONE 'UTC')::date`;

/**
 * A latency's bucket: ceil(10·log10(ms)), so a bucket spans a factor of 10^0.1 (about 26%), and
 * merged histograms give percentiles to within that.
 */
const bucketOf = (later: string, earlier: string): string =>
  `ceil(10 * log(greatest(1::numeric, (extract(epoch FROM (${later}) - (${earlier})) * 1000)::numeric)))::int::text`;

/** The selection method of a control task (the `method` dimension). */
const METHOD = `CASE
    WHEN t.source <> 'risk' THEN t.source
    WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(t.rule_refs) rr WHERE starts_with(rr->>'id', 'rif-')) THEN 'rif'
    WHEN jsonb_array_length(t.rule_refs) > 0 THEN 'rule'
    ELSE 'model' END`;

/**
 * The operator segment (the `segment` dimension) of the assessment `a`: recorded with it (0030);
 * an assessment made before then, or a control whose assessment is gone, is 'unrecorded'.
 */
const SEGMENT = (a: string): string => `coalesce(${a}.operator_segment, 'unrecorded')`;

/**
 * One statement per fact family: `$1` the authority, `$2` and `$3` the day's bounds. Each yields
 * (metric, dim, key, v) rows, summed per (metric, dim, key); a NULL metric or key is dropped.
 */
const FAMILIES: readonly string[] = [
  // Filings, attributed to their lodging day.
  `SELECT x.metric, x.dim, x.key, x.v FROM filing f CROSS JOIN LATERAL (VALUES
     ('filings.lodged', '', '', 1), ('filings.lodged', 'filing-type', f.filing_type, 1),
     ('filings.lodged', 'mode', f.mode, 1), ('filings.lodged', 'office', f.office_of_first_entry, 1),
     ('filings.lodged', 'filer', f.filer, 1),
     (CASE WHEN f.version > 1 THEN 'filings.amended' END, '', '', 1),
     (CASE WHEN f.version > 1 THEN 'filings.amended' END, 'filer', f.filer, 1),
     (CASE WHEN f.status = 'invalidated' THEN 'filings.invalidated' END, '', '', 1),
     (CASE WHEN jsonb_array_length(f.warnings) > 0 THEN 'filings.warned' END, '', '', 1),
     (CASE WHEN jsonb_array_length(f.warnings) > 0 THEN 'filings.warned' END, 'filer', f.filer, 1)
   ) AS x (metric, dim, key, v)
   WHERE f.authority = $1 AND f.lodged_at >= $2 AND f.lodged_at < $3`,
  `SELECT 'warnings', 'code', w->>'code', 1 FROM filing f CROSS JOIN LATERAL jsonb_array_elements(f.warnings) w
   WHERE f.authority = $1 AND f.lodged_at >= $2 AND f.lodged_at < $3`,
  // Parties of each consignment (consignor, consignee): EORI present, address complete.
  `SELECT x.metric, x.dim, x.key, x.v
   FROM filing f
   CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(f.body->'consignments') = 'array' THEN f.body->'consignments' ELSE '[]'::jsonb END) c
   CROSS JOIN LATERAL (VALUES (c->'consignor'), (c->'consignee')) AS p (party)
   CROSS JOIN LATERAL (SELECT
       (p.party ? 'eori')::int AS eori,
       (p.party->'address' ? 'city' AND p.party->'address' ? 'country' AND p.party->'address' ? 'postcode'
         AND (p.party->'address' ? 'street' OR p.party->'address' ? 'poBox'))::int AS address) q
   CROSS JOIN LATERAL (VALUES
     ('parties', '', '', 1), ('parties', 'filer', f.filer, 1),
     ('parties.with-eori', '', '', q.eori), ('parties.with-eori', 'filer', f.filer, q.eori),
     ('parties.address-complete', '', '', q.address), ('parties.address-complete', 'filer', f.filer, q.address)
   ) AS x (metric, dim, key, v)
   WHERE f.authority = $1 AND f.lodged_at >= $2 AND f.lodged_at < $3
     AND jsonb_typeof(p.party) = 'object'`,
  // Refused filings and amendments, and their codes (each code once per refusal).
  `SELECT x.metric, x.dim, x.key, 1 FROM filing_rejection r CROSS JOIN LATERAL (VALUES
     ('filings.rejected', '', ''), ('filings.rejected', 'filer', r.filer), ('filings.rejected', 'kind', r.kind)
   ) AS x (metric, dim, key)
   WHERE r.authority = $1 AND r.at >= $2 AND r.at < $3`,
  `SELECT 'rejections.code', 'code', c.code, 1
   FROM filing_rejection r CROSS JOIN LATERAL (SELECT DISTINCT unnest(r.codes) AS code) c
   WHERE r.authority = $1 AND r.at >= $2 AND r.at < $3`,
  // Assessments (one per consignment and version), attributed to their day.
  `SELECT x.metric, x.dim, x.key, x.v
   FROM assessment a JOIN filing f ON f.mrn = a.mrn
   CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM jsonb_array_elements(a.hits) h WHERE h->>'source' = 'rule') AS hit) h
   CROSS JOIN LATERAL (VALUES
     ('consignments.assessed', '', '', 1), ('consignments.assessed', 'mode', f.mode, 1),
     ('consignments.assessed', 'office', f.office_of_first_entry, 1), ('consignments.assessed', 'filing-type', f.filing_type, 1),
     ('consignments.assessed', 'segment', ${SEGMENT('a')}, 1),
     (CASE WHEN h.hit THEN 'consignments.hit' END, '', '', 1), (CASE WHEN h.hit THEN 'consignments.hit' END, 'mode', f.mode, 1),
     ('outcomes', 'outcome', a.outcome_kind, 1),
     (CASE WHEN a.version = 1 THEN 'time.lodge-to-outcome' END, 'bucket', ${bucketOf('a.assessed_at', 'f.lodged_at')}, 1)
   ) AS x (metric, dim, key, v)
   WHERE a.authority = $1 AND a.assessed_at >= $2 AND a.assessed_at < $3`,
  `SELECT x.metric, x.dim, x.key, 1
   FROM assessment a CROSS JOIN LATERAL jsonb_array_elements(a.hits) h
   CROSS JOIN LATERAL (VALUES ('hits', '', ''), ('hits', 'rule', h->>'id'), ('hits', 'risk-area', h->>'riskArea')) AS x (metric, dim, key)
   WHERE a.authority = $1 AND a.assessed_at >= $2 AND a.assessed_at < $3 AND h->>'source' = 'rule'`,
  // Analysts' reviews of hits, attributed to the review's day.
  `SELECT x.metric, x.dim, x.key, 1 FROM hit_review r CROSS JOIN LATERAL (VALUES
     (CASE r.decision WHEN 'confirmed' THEN 'hits.confirmed' WHEN 'dismissed' THEN 'hits.dismissed' END, '', ''),
     (CASE r.decision WHEN 'confirmed' THEN 'hits.confirmed' WHEN 'dismissed' THEN 'hits.dismissed' END, 'rule', r.hit_id)
   ) AS x (metric, dim, key)
   WHERE r.authority = $1 AND r.reviewed_at >= $2 AND r.reviewed_at < $3`,
  // Controls, attributed to the day they were decided, with their current result (if any). A
  // result is its task's authority's (row-level security lets no other record it): with the
  // authority, its first result is one probe of control_result_by_task, not a walk of that index.
  `SELECT x.metric, x.dim, x.key, x.v
   FROM control_task t
   CROSS JOIN LATERAL (SELECT ${METHOD} AS method) m
   LEFT JOIN assessment a ON a.mrn = t.mrn AND a.version = t.version AND a.seq = t.seq
   LEFT JOIN LATERAL (
     SELECT r.result, r.details FROM control_result r WHERE r.task_id = t.id AND r.superseded_by IS NULL
     ORDER BY r.recorded_at DESC LIMIT 1) cur ON true
   LEFT JOIN LATERAL (SELECT min(r.recorded_at) AS first_at FROM control_result r
     WHERE r.authority = t.authority AND r.task_id = t.id) fr ON true
   CROSS JOIN LATERAL (SELECT cur.result IS NOT NULL AS done, cur.result IN ('irregularity', 'seizure') AS positive,
       cur.result = 'seizure' AS seizure) s
   CROSS JOIN LATERAL (VALUES
     ('controls', '', '', 1::float8), ('controls', 'control-type', t.control_type, 1), ('controls', 'method', m.method, 1),
     ('controls', 'office', t.office, 1), ('controls', 'segment', ${SEGMENT('a')}, 1),
     (CASE WHEN t.status = 'cancelled' THEN 'controls.cancelled' END, '', '', 1),
     (CASE WHEN s.done THEN 'controls.done' END, '', '', 1), (CASE WHEN s.done THEN 'controls.done' END, 'control-type', t.control_type, 1),
     (CASE WHEN s.done THEN 'controls.done' END, 'method', m.method, 1), (CASE WHEN s.done THEN 'controls.done' END, 'office', t.office, 1),
     (CASE WHEN s.done THEN 'controls.done' END, 'segment', ${SEGMENT('a')}, 1),
     (CASE WHEN s.positive THEN 'controls.positive' END, '', '', 1),
     (CASE WHEN s.positive THEN 'controls.positive' END, 'control-type', t.control_type, 1),
     (CASE WHEN s.positive THEN 'controls.positive' END, 'method', m.method, 1),
     (CASE WHEN s.positive THEN 'controls.positive' END, 'office', t.office, 1),
     (CASE WHEN s.positive THEN 'controls.positive' END, 'segment', ${SEGMENT('a')}, 1),
     (CASE WHEN s.seizure THEN 'controls.seizure' END, '', '', 1),
     (CASE WHEN s.seizure THEN 'seizures' END, 'category', cur.details->>'category', 1),
     (CASE WHEN s.seizure THEN 'seizures.quantity' END, 'category-unit',
        (cur.details->>'category') || ' ' || (cur.details->>'unit'), (cur.details->>'quantity')::float8),
     (CASE WHEN s.done THEN 'duty-at-stake' END, '', '', coalesce((cur.details->>'dutyAtStake')::float8, 0)),
     (CASE WHEN s.done THEN 'tax-at-stake' END, '', '', coalesce((cur.details->>'taxAtStake')::float8, 0)),
     (CASE WHEN s.done THEN 'duty-at-stake' END, 'method', m.method, coalesce((cur.details->>'dutyAtStake')::float8, 0)),
     (CASE WHEN s.done THEN 'tax-at-stake' END, 'method', m.method, coalesce((cur.details->>'taxAtStake')::float8, 0)),
     (CASE WHEN fr.first_at IS NOT NULL THEN 'time.control-to-result' END, 'bucket', ${bucketOf('fr.first_at', 't.created_at')}, 1)
   ) AS x (metric, dim, key, v)
   WHERE t.authority = $1 AND t.created_at >= $2 AND t.created_at < $3`,
  // Per rule that selected a control: its controls and what they found.
  `SELECT x.metric, 'rule', rr->>'id', 1
   FROM control_task t CROSS JOIN LATERAL jsonb_array_elements(t.rule_refs) rr
   LEFT JOIN LATERAL (
     SELECT r.result FROM control_result r WHERE r.task_id = t.id AND r.superseded_by IS NULL
     ORDER BY r.recorded_at DESC LIMIT 1) cur ON true
   CROSS JOIN LATERAL (VALUES ('controls'),
     (CASE WHEN cur.result IS NOT NULL THEN 'controls.done' END),
     (CASE WHEN cur.result IN ('irregularity', 'seizure') THEN 'controls.positive' END),
     (CASE WHEN cur.result = 'no-irregularity' THEN 'controls.negative' END)) AS x (metric)
   WHERE t.authority = $1 AND t.created_at >= $2 AND t.created_at < $3`,
  // Import declarations (H1/H7), attributed to their assessment day.
  `SELECT x.metric, x.dim, x.key, 1 FROM import_declaration d CROSS JOIN LATERAL (VALUES
     ('imports.assessed', '', ''), ('imports.assessed', 'lane', d.lane), ('imports.assessed', 'type', d.type),
     (CASE WHEN d.lane_random THEN 'imports.random' END, '', '')
   ) AS x (metric, dim, key)
   WHERE d.authority = $1 AND d.assessed_at >= $2 AND d.assessed_at < $3 AND d.lane IS NOT NULL`,
  // Cooperation: RIFs issued, received and decided; feedback given; records shared and received.
  `SELECT x.metric, x.dim, x.key, 1 FROM rif r CROSS JOIN LATERAL (VALUES
     ('rifs.issued', '', ''), ('rifs.issued', 'risk-area', r.body->>'riskArea'), ('rifs.issued', 'tlp', r.tlp)
   ) AS x (metric, dim, key)
   WHERE r.authority = $1 AND r.issued_at >= $2 AND r.issued_at < $3`,
  `SELECT x.metric, x.dim, x.key, 1 FROM rif_delivery d CROSS JOIN LATERAL (VALUES
     ('rifs.received', '', ''), ('rifs.received', 'issuer', d.issuer)
   ) AS x (metric, dim, key)
   WHERE d.authority = $1 AND d.kind = 'customs' AND d.delivered_at >= $2 AND d.delivered_at < $3`,
  `SELECT 'rifs.decided', 'state', d.state, 1 FROM rif_delivery d
   WHERE d.authority = $1 AND d.decided_at >= $2 AND d.decided_at < $3 AND d.state IN ('adopted', 'noted', 'declined')`,
  `SELECT x.metric, x.dim, x.key, 1 FROM rif_feedback fb JOIN rif r ON r.id = fb.rif_id CROSS JOIN LATERAL (VALUES
     ('rifs.feedback-given', '', ''), ('rifs.feedback-given', 'kind', fb.kind),
     ('rifs.feedback-given', 'timeliness',
       CASE WHEN r.feedback_due IS NULL THEN 'no-due-time' WHEN fb.at <= r.feedback_due THEN 'on-time' ELSE 'late' END)
   ) AS x (metric, dim, key)
   WHERE fb.authority = $1 AND fb.at >= $2 AND fb.at < $3`,
  `SELECT x.metric, x.dim, x.key, 1 FROM shared_record s CROSS JOIN LATERAL (VALUES
     ('shared.sent', '', ''), ('shared.sent', 'category', s.category)
   ) AS x (metric, dim, key)
   WHERE s.authority = $1 AND s.at >= $2 AND s.at < $3`,
  `SELECT x.metric, x.dim, x.key, 1 FROM shared_record s CROSS JOIN LATERAL (VALUES
     ('shared.received', '', ''), ('shared.received', 'category', s.category), ('shared.received', 'source', s.authority)
   ) AS x (metric, dim, key)
   WHERE s.recipient = $1 AND s.at >= $2 AND s.at < $3`,
];

/** The days (UTC) of an authority whose facts changed after `since`. */
const CHANGED_DAYS = `
  SELECT DISTINCT d FROM (
    SELECT ${dayOf('lodged_at')} AS d FROM filing WHERE authority = $1 AND updated_at > $2
    UNION SELECT ${dayOf('at')} FROM filing_rejection WHERE authority = $1 AND at > $2
    UNION SELECT ${dayOf('assessed_at')} FROM assessment WHERE authority = $1 AND assessed_at > $2
    UNION SELECT ${dayOf('reviewed_at')} FROM hit_review WHERE authority = $1 AND reviewed_at > $2
    UNION SELECT ${dayOf('created_at')} FROM control_task WHERE authority = $1 AND updated_at > $2
    UNION SELECT ${dayOf('t.created_at')} FROM control_result r JOIN control_task t ON t.id = r.task_id
      WHERE r.authority = $1 AND r.recorded_at > $2
    UNION SELECT ${dayOf('assessed_at')} FROM import_declaration WHERE authority = $1 AND assessed_at > $2
    UNION SELECT ${dayOf('issued_at')} FROM rif WHERE authority = $1 AND updated_at > $2 AND issued_at IS NOT NULL
    UNION SELECT ${dayOf('delivered_at')} FROM rif_delivery WHERE authority = $1 AND delivered_at > $2
    UNION SELECT ${dayOf('decided_at')} FROM rif_delivery WHERE authority = $1 AND decided_at > $2
    UNION SELECT ${dayOf('at')} FROM rif_feedback WHERE authority = $1 AND at > $2
    UNION SELECT ${dayOf('at')} FROM shared_record WHERE authority = $1 AND at > $2
    UNION SELECT ${dayOf('at')} FROM shared_record WHERE recipient = $1 AND at > $2
  ) x WHERE d IS NOT NULL ORDER BY d`;

export interface RollupRow {
  readonly metric: string;
  readonly dim: string;
  readonly key: string;
  /** The period's first day (YYYY-MM-DD), or '' when summed over the whole range. */
  readonly period: string;
  readonly value: number;
}

export type Period = 'day' | 'week' | 'month' | 'quarter' | 'year';

export class IndicatorRepository {
  async recordRejection(
    q: Queryable,
    r: {
      authority: string;
      filer: string;
      kind: 'filing' | 'amendment';
      lrn: string | null;
      codes: readonly string[];
      at: Date;
    },
  ): Promise<void> {
    await q.query(
      'INSERT INTO filing_rejection (authority, filer, kind, lrn, codes, at) VALUES ($1, $2, $3, $4, $5, $6)',
      [r.authority, r.filer, r.kind, r.lrn, [...new Set(r.codes)], r.at],
    );
  }

  async watermark(q: Queryable, authority: string): Promise<Date | undefined> {
    const r = await q.query<{ watermark: Date }>(
      'SELECT watermark FROM indicator_refresh WHERE authority = $1',
      [authority],
    );
    return r.rows[0] === undefined ? undefined : new Date(r.rows[0].watermark);
  }

  async setWatermark(q: Queryable, authority: string, watermark: Date, at: Date): Promise<void> {
    await q.query(
      `INSERT INTO indicator_refresh (authority, watermark, refreshed_at) VALUES ($1, $2, $3)
       ON CONFLICT (authority) DO UPDATE SET watermark = EXCLUDED.watermark, refreshed_at = EXCLUDED.refreshed_at`,
      [authority, watermark, at],
    );
  }

  /** The days whose facts changed after `since` (every day with facts when `since` is the epoch). */
  async changedDays(q: Queryable, authority: string, since: Date): Promise<string[]> {
    const r = await q.query<{ d: string | Date }>(CHANGED_DAYS, [authority, since]);
    return r.rows.map((x) => (typeof x.d === 'string' ? x.d.slice(0, 10) : x.d.toISOString().slice(0, 10)));
  }

  /**
   * The days the triggers marked stale for an authority (a fact changed where no watermark column
   * shows it, or went away), with the marks' ids to take away once the days are recomputed.
   */
  async staleMarks(q: Queryable, authority: string): Promise<{ ids: number[]; days: string[] }> {
    const r = await q.query<{ id: number | string; day: string }>(
      `SELECT id, to_char(day, 'YYYY-MM-DD') AS day FROM indicator_stale WHERE authority = $1`,
      [authority],
    );
    return { ids: r.rows.map((x) => Number(x.id)), days: [...new Set(r.rows.map((x) => x.day))] };
  }

  async clearStale(q: Queryable, ids: readonly number[]): Promise<void> {
    if (ids.length > 0) {
      await q.query('DELETE FROM indicator_stale WHERE id = ANY($1::bigint[])', [ids]);
    }
  }

  /** The days an authority has rollups for (a full refresh also empties those with no facts left). */
  async rolledDays(q: Queryable, authority: string): Promise<string[]> {
    const r = await q.query<{ day: string }>(
      `SELECT DISTINCT to_char(day, 'YYYY-MM-DD') AS day FROM indicator_daily WHERE authority = $1`,
      [authority],
    );
    return r.rows.map((x) => x.day);
  }

  /** Recomputes one day's rollups of an authority from the raw tables (replacing what was there). */
  async refreshDay(q: Queryable, authority: string, day: string): Promise<number> {
    const from = new Date(`${day}T00:00:00Z`);
    const to = new Date(from.getTime() + 86_400_000);
    // The planner's guess of a day's facts (millions of rows, where there are thousands) makes this
    // statement look expensive enough for JIT compilation with inlining and optimisation, which took
    // 1.8 s of its 2.5 s on a day of a large authority (bench:indicators). The refresher calls this in
    // a transaction of its own, which alone is concerned.
    await q.query('SET LOCAL jit = off');
    await q.query('DELETE FROM indicator_daily WHERE authority = $1 AND day = $2', [authority, day]);
    const r = await q.query(
      `INSERT INTO indicator_daily (authority, metric, dim, key, day, value)
       SELECT $1, u.metric, u.dim, u.key, $4::date, sum(u.v)::float8
       FROM (${FAMILIES.map((f) => `(${f})`).join('\nUNION ALL\n')}) AS u (metric, dim, key, v)
       WHERE u.metric IS NOT NULL AND u.key IS NOT NULL
       GROUP BY u.metric, u.dim, u.key`,
      [authority, from, to, day],
    );
    return r.rowCount ?? 0;
  }

  /**
   * Rollups of `authorities` for `metrics`, in [from, to) (days), summed per period (or over the
   * whole range when `period` is undefined) and per key of the dimensions asked for ('' = total).
   * The range is read in pieces (rangePieces): whole years from their sums (0030),
   * whole months from theirs (0022), the edge days from the daily rollups, never a grain coarser
   * than the series' period (a series per day or week reads days only).
   */
  async read(
    q: Queryable,
    authorities: readonly string[],
    metrics: readonly string[],
    dims: readonly string[],
    from: string,
    to: string,
    period: Period | undefined,
  ): Promise<RollupRow[]> {
    const bucket =
      period === undefined ? `''` : `to_char(date_trunc('${period}', day::timestamp), 'YYYY-MM-DD')`;
    const which = 'authority = ANY($1::text[]) AND metric = ANY($2::text[]) AND dim = ANY($3::text[])';
    const params: unknown[] = [authorities, metrics, dims];
    const parts = rangePieces(from, to, grainsFor(period)).map((p) => {
      params.push(p.from, p.to);
      const lo = `$${params.length - 1}::date`;
      const hi = `$${params.length}::date`;
      switch (p.grain) {
        case 'day':
          return `SELECT metric, dim, key, day, value FROM indicator_daily
                  WHERE ${which} AND day >= ${lo} AND day < ${hi}`;
        case 'month':
          return `SELECT metric, dim, key, month, value::float8 FROM indicator_monthly
                  WHERE ${which} AND month >= ${lo} AND month < ${hi}`;
        case 'year':
          return `SELECT metric, dim, key, start, value::float8 FROM indicator_span
                  WHERE ${which} AND span = '${p.grain}' AND start >= ${lo} AND start < ${hi} AND days > 0`;
      }
    });
    if (parts.length === 0) {
      return [];
    }
    // PostgreSQL prices an index scan over two arrays as one descent per pair of elements, so these
    // reads look expensive enough for JIT compilation, which then takes longer (100 ms and more)
    // than the read itself (tens of ms). Only the caller's transaction is concerned.
    await q.query('SET LOCAL jit = off');
    const r = await q.query<RollupRow>(
      `SELECT metric, dim, key, ${bucket} AS period, sum(value)::float8 AS value
       FROM (${parts.join('\n UNION ALL\n')}) AS u (metric, dim, key, day, value)
       GROUP BY metric, dim, key, 4 ORDER BY 4, metric, dim, key`,
      params,
    );
    return r.rows;
  }

  /** Rules an authority has (any status), for "rules never hitting": the rules feature's table read. */
  async activeRules(q: Queryable, authority: string): Promise<{ id: string; title: string }[]> {
    const r = await q.query<{ id: string; title: string }>(
      `SELECT DISTINCT ON (id) id, title FROM rule WHERE authority = $1 ORDER BY id, version DESC`,
      [authority],
    );
    return r.rows;
  }
}
