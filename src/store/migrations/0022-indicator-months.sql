-- Performance indicators over long periods (issue 10): a year of a large authority summed from the
-- daily rollups reads every key of every day (each filer, rule and office, 365 times): hundreds of
-- thousands of rows, seconds per request at ten million consignments (bench:indicators).
-- indicator_monthly holds the same sums per calendar month. The database keeps it in step with
-- indicator_daily whoever writes that (the refresher's recomputed day, a test emptying the table):
-- statement triggers subtract the rows a statement removed and add the rows it wrote, per month and
-- key. The month's value is numeric, so subtracting and adding again is exact (a float would drift
-- with every recomputation); `days` counts the daily rows summed, and a month's key goes away with
-- its last day, as a sum over the days would. A query reads whole months here and only the days at
-- the edges of its range (and day or week series) from indicator_daily.

CREATE TABLE indicator_monthly (
  authority  text NOT NULL,
  dim        text NOT NULL,
  month      date NOT NULL,
  metric     text NOT NULL,
  key        text NOT NULL,
  value      numeric NOT NULL,
  days       int NOT NULL,
  -- A query names its dimensions and metrics (arrays): each pair is one range of months here, read
  -- from the index alone (INCLUDE value) once vacuumed.
  PRIMARY KEY (authority, dim, metric, month, key) INCLUDE (value)
);
-- The keys a statement emptied, found without reading the month's other keys.
CREATE INDEX indicator_monthly_emptied ON indicator_monthly (authority, month) WHERE days <= 0;

INSERT INTO indicator_monthly (authority, dim, month, metric, key, value, days)
SELECT authority, dim, date_trunc('month', day::timestamp)::date, metric, key, sum(value::numeric), count(*)
FROM indicator_daily GROUP BY 1, 2, 3, 4, 5;

CREATE FUNCTION indicator_monthly_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO indicator_monthly AS m (authority, dim, month, metric, key, value, days)
    SELECT authority, dim, date_trunc('month', day::timestamp)::date, metric, key, -sum(value::numeric), -count(*)
    FROM old_rows GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (authority, dim, metric, month, key)
      DO UPDATE SET value = m.value + EXCLUDED.value, days = m.days + EXCLUDED.days;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO indicator_monthly AS m (authority, dim, month, metric, key, value, days)
    SELECT authority, dim, date_trunc('month', day::timestamp)::date, metric, key, sum(value::numeric), count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (authority, dim, metric, month, key)
      DO UPDATE SET value = m.value + EXCLUDED.value, days = m.days + EXCLUDED.days;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM indicator_monthly m
    USING (SELECT DISTINCT authority, date_trunc('month', day::timestamp)::date AS month FROM old_rows) o
    WHERE m.authority = o.authority AND m.month = o.month AND m.days <= 0;
  END IF;
  RETURN NULL;
END $$;
-- A trigger with transition tables fires on one event only: one per event, one function.
CREATE TRIGGER indicator_daily_to_months_insert AFTER INSERT ON indicator_daily
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_monthly_follow();
CREATE TRIGGER indicator_daily_to_months_delete AFTER DELETE ON indicator_daily
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_monthly_follow();
CREATE TRIGGER indicator_daily_to_months_update AFTER UPDATE ON indicator_daily
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_monthly_follow();

CREATE FUNCTION indicator_monthly_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM indicator_monthly;
  RETURN NULL;
END $$;
CREATE TRIGGER indicator_daily_to_months_truncate AFTER TRUNCATE ON indicator_daily
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_monthly_truncate();

-- Daily reads (a series per day or week, a range's edge days) name dimensions and metrics too: the
-- same order makes each pair one range of days, read from the index alone, instead of every key's
-- whole history (metric, dim, key, day) or every filer's and office's rows of those days.
ALTER TABLE indicator_daily DROP CONSTRAINT indicator_daily_pkey;
ALTER TABLE indicator_daily ADD PRIMARY KEY (authority, dim, metric, day, key) INCLUDE (value);

ALTER TABLE indicator_monthly ENABLE ROW LEVEL SECURITY;
CREATE POLICY indicators_shared ON indicator_monthly FOR SELECT
  USING (EXISTS (
    SELECT 1 FROM sharing_policy p
    WHERE p.authority = indicator_monthly.authority AND p.category = 'indicators' AND p.level <> 'none'
      AND p.receiver = (SELECT vigil_current_authority())));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    GRANT SELECT ON indicator_monthly TO vigil_app;
  END IF;
END
$$;
