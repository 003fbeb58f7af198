-- Performance indicators (issue 10): the operator segment of each assessment (TT-01, TT-02), and
-- yearly sums of the daily rollups for reads over long periods.
--
-- Trusted traders: each assessment records the operator segment it credited the consignment with —
-- the AEO type that the statuses in force on the filing's date add up to (the consignee's own
-- authorisation or its programme's recognition under an MRA; the consignor's for security and
-- safety only), or 'none' — so the rollups compare AEO with other traffic from a column, not from a
-- lookup in the register per consignment, and as the register stood then, not as it stands when the
-- day is recomputed. Assessments made before this column existed have none (NULL): the indicators
-- count them as 'unrecorded'.
ALTER TABLE assessment ADD COLUMN operator_segment text
  CHECK (operator_segment IN ('aeo-c', 'aeo-s', 'aeo-f', 'none'));

-- Long periods: a year summed from indicator_monthly (0022) still reads twelve rows per key: for a
-- breakdown by filer of a large authority, 7 metrics × thousands of filers × 12 months, some
-- 200,000 rows and most of a second (bench:indicators). indicator_span holds the same sums per
-- calendar year, kept equal to the daily rollups as indicator_monthly is (statement triggers on
-- indicator_daily: rows removed subtracted, rows written added, in numeric, so a key gone from every
-- day of the year has exactly 0 over 0 days). A read takes whole years, then whole months, then the
-- edge days, as the period of its series allows (a series per month or quarter reads no year), and
-- skips keys with no day left (days = 0). Only years: each span kept costs every recomputed day one
-- more upsert per key (quarters and years together took some 30% of a large authority's day at a
-- million consignments), and quarters would only help rolling windows (seven rows per key, not 12).
--
-- Unlike a month's row, a year's is rewritten by every day recomputed in it (365 times in a first
-- build, then every minute for the current year). So no index covers `value` or `days` and the
-- pages keep room: each rewrite is a heap-only (HOT) update, and the old versions are pruned from
-- the page as it fills, without waiting for a vacuum; otherwise every rewrite would add an index
-- entry, and the upsert's conflict check would walk them all (the build would slow down as it goes).

CREATE TABLE indicator_span (
  authority  text NOT NULL,
  dim        text NOT NULL,
  span       text NOT NULL CHECK (span IN ('year')),
  metric     text NOT NULL,
  start      date NOT NULL,
  key        text NOT NULL,
  value      numeric NOT NULL,
  days       int NOT NULL,
  PRIMARY KEY (authority, dim, span, metric, start, key)
) WITH (fillfactor = 50);

INSERT INTO indicator_span (authority, dim, span, metric, start, key, value, days)
SELECT d.authority, d.dim, s.span, d.metric, date_trunc(s.span, d.day::timestamp)::date, d.key,
  sum(d.value::numeric), count(*)
FROM indicator_daily d CROSS JOIN (VALUES ('year')) AS s (span)
GROUP BY 1, 2, 3, 4, 5, 6;

CREATE FUNCTION indicator_span_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO indicator_span AS m (authority, dim, span, metric, start, key, value, days)
    SELECT o.authority, o.dim, s.span, o.metric, date_trunc(s.span, o.day::timestamp)::date, o.key,
      -sum(o.value::numeric), -count(*)
    FROM old_rows o CROSS JOIN (VALUES ('year')) AS s (span) GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (authority, dim, span, metric, start, key)
      DO UPDATE SET value = m.value + EXCLUDED.value, days = m.days + EXCLUDED.days;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO indicator_span AS m (authority, dim, span, metric, start, key, value, days)
    SELECT n.authority, n.dim, s.span, n.metric, date_trunc(s.span, n.day::timestamp)::date, n.key,
      sum(n.value::numeric), count(*)
    FROM new_rows n CROSS JOIN (VALUES ('year')) AS s (span) GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (authority, dim, span, metric, start, key)
      DO UPDATE SET value = m.value + EXCLUDED.value, days = m.days + EXCLUDED.days;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER indicator_daily_to_spans_insert AFTER INSERT ON indicator_daily
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_span_follow();
CREATE TRIGGER indicator_daily_to_spans_delete AFTER DELETE ON indicator_daily
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_span_follow();
CREATE TRIGGER indicator_daily_to_spans_update AFTER UPDATE ON indicator_daily
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_span_follow();

CREATE FUNCTION indicator_span_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM indicator_span;
  RETURN NULL;
END $$;
CREATE TRIGGER indicator_daily_to_spans_truncate AFTER TRUNCATE ON indicator_daily
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_span_truncate();

ALTER TABLE indicator_span ENABLE ROW LEVEL SECURITY;
CREATE POLICY indicators_shared ON indicator_span FOR SELECT
  USING (EXISTS (
    SELECT 1 FROM sharing_policy p
    WHERE p.authority = indicator_span.authority AND p.category = 'indicators' AND p.level <> 'none'
      AND p.receiver = (SELECT vigil_current_authority())));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    GRANT SELECT ON indicator_span TO vigil_app;
  END IF;
END
$$;
