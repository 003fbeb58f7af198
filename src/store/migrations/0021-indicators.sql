-- Performance indicators (issue 10): refused filings are recorded (who, which codes, when; never the
-- body), and daily rollups of the raw facts are kept per authority so that an indicator over a year
-- reads a few hundred rows, not the raw tables.
--
-- indicator_daily holds one number per (authority, day, metric, dimension, key): a count or a sum of
-- the facts attributed to that UTC day (a filing to its lodging day, an assessment to its assessment
-- day, a control and its result to the day the control was decided, a RIF to the day it was issued),
-- with `dim` = '' and `key` = '' for the total. The refresher recomputes whole days: the days whose
-- facts changed since its last watermark (indicator_refresh), so late results land in their day.

CREATE TABLE filing_rejection (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  authority  text NOT NULL,
  filer      text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('filing', 'amendment')),
  lrn        text,
  codes      text[] NOT NULL,
  at         timestamptz NOT NULL
);
CREATE INDEX filing_rejection_by_time ON filing_rejection (authority, at);

CREATE TABLE indicator_daily (
  authority  text NOT NULL,
  metric     text NOT NULL,
  dim        text NOT NULL,
  key        text NOT NULL,
  day        date NOT NULL,
  value      double precision NOT NULL,
  PRIMARY KEY (authority, metric, dim, key, day)
);
CREATE INDEX indicator_daily_by_day ON indicator_daily (authority, day);

CREATE TABLE indicator_refresh (
  authority     text PRIMARY KEY,
  watermark     timestamptz NOT NULL,
  refreshed_at  timestamptz NOT NULL
);

-- Days a change left stale without moving any column the watermark reads: an assessment's outcome
-- revised by a review, an import declaration's lane raised by an amendment (both belong to the day
-- of the assessment), a RIF decided again (noted, then adopted: the decision moves to another day),
-- records shared again or taken back (a watchlist's entries change). Triggers note the day the row
-- counted in before; the refresher recomputes those days and takes the marks away. The triggers run
-- as whoever changes the fact, and a change by one authority may leave another's day stale (BE takes
-- back what it shared with NL): a request's role may add any mark, and read none.
CREATE TABLE indicator_stale (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  authority  text NOT NULL,
  day        date NOT NULL
);
CREATE INDEX indicator_stale_by_authority ON indicator_stale (authority);

CREATE FUNCTION indicator_stale_assessed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.assessed_at IS NOT NULL THEN
    INSERT INTO indicator_stale (authority, day) VALUES (OLD.authority, (OLD.assessed_at AT TIME ZONE 'UTC')::date);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER assessment_indicator_stale AFTER UPDATE OF outcome_kind ON assessment
  FOR EACH ROW WHEN (OLD.outcome_kind IS DISTINCT FROM NEW.outcome_kind) EXECUTE FUNCTION indicator_stale_assessed();
CREATE TRIGGER import_declaration_indicator_stale AFTER UPDATE OF lane, lane_random, type, assessed_at ON import_declaration
  FOR EACH ROW WHEN ((OLD.lane, OLD.lane_random, OLD.type, OLD.assessed_at) IS DISTINCT FROM (NEW.lane, NEW.lane_random, NEW.type, NEW.assessed_at))
  EXECUTE FUNCTION indicator_stale_assessed();

CREATE FUNCTION indicator_stale_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_stale (authority, day)
  SELECT OLD.authority, d FROM (VALUES ((OLD.decided_at AT TIME ZONE 'UTC')::date), ((OLD.delivered_at AT TIME ZONE 'UTC')::date)) v (d)
  WHERE d IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER rif_delivery_indicator_stale AFTER UPDATE OF state, decided_at, delivered_at, kind, issuer ON rif_delivery
  FOR EACH ROW WHEN ((OLD.state, OLD.decided_at, OLD.delivered_at, OLD.kind, OLD.issuer) IS DISTINCT FROM (NEW.state, NEW.decided_at, NEW.delivered_at, NEW.kind, NEW.issuer))
  EXECUTE FUNCTION indicator_stale_delivery();
CREATE TRIGGER rif_delivery_indicator_stale_on_delete AFTER DELETE ON rif_delivery
  FOR EACH ROW EXECUTE FUNCTION indicator_stale_delivery();

-- Shared records change in bulk (a watchlist of thousands of entries is shared again at once): one
-- mark per day and authority per statement, from the statement's old rows.
CREATE FUNCTION indicator_stale_shared() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_stale (authority, day)
  SELECT DISTINCT v.a, (o.at AT TIME ZONE 'UTC')::date FROM old_rows o CROSS JOIN LATERAL (VALUES (o.authority), (o.recipient)) v (a);
  RETURN NULL;
END $$;
CREATE TRIGGER shared_record_indicator_stale_on_update AFTER UPDATE ON shared_record
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_stale_shared();
CREATE TRIGGER shared_record_indicator_stale_on_delete AFTER DELETE ON shared_record
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_stale_shared();

-- Indexes the refresher's "what changed since" and "facts of one day" reads use.
CREATE INDEX IF NOT EXISTS filing_by_updated ON filing (authority, updated_at);
CREATE INDEX IF NOT EXISTS assessment_by_time ON assessment (authority, assessed_at);
CREATE INDEX IF NOT EXISTS control_task_by_created ON control_task (authority, created_at);
CREATE INDEX IF NOT EXISTS control_task_by_updated ON control_task (authority, updated_at);
CREATE INDEX IF NOT EXISTS control_result_by_time ON control_result (authority, recorded_at);
CREATE INDEX IF NOT EXISTS hit_review_by_time ON hit_review (authority, reviewed_at);
CREATE INDEX IF NOT EXISTS import_declaration_by_assessed ON import_declaration (authority, assessed_at);
CREATE INDEX IF NOT EXISTS rif_feedback_by_time ON rif_feedback (authority, at);
CREATE INDEX IF NOT EXISTS shared_record_by_time ON shared_record (authority, at);
CREATE INDEX IF NOT EXISTS shared_record_received_by_time ON shared_record (recipient, at);

ALTER TABLE filing_rejection ENABLE ROW LEVEL SECURITY;
ALTER TABLE indicator_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE indicator_refresh ENABLE ROW LEVEL SECURITY;
ALTER TABLE indicator_stale ENABLE ROW LEVEL SECURITY;
CREATE POLICY indicator_stale_marked ON indicator_stale FOR INSERT WITH CHECK (true);

-- A receiver may read the rules of other authorities' sharing policies that name it (or all), so
-- that it can see what it is granted; and it reads the indicators of an authority whose policy
-- grants it `indicators` (a coordinator's Union-wide view).
CREATE POLICY sharing_policy_receiver_reads ON sharing_policy FOR SELECT
  USING (receiver = (SELECT vigil_current_authority()) OR receiver = '*');
CREATE POLICY indicators_shared ON indicator_daily FOR SELECT
  USING (EXISTS (
    SELECT 1 FROM sharing_policy p
    WHERE p.authority = indicator_daily.authority AND p.category = 'indicators' AND p.level <> 'none'
      AND p.receiver = (SELECT vigil_current_authority())));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    GRANT SELECT, INSERT ON filing_rejection TO vigil_app;
    GRANT SELECT ON indicator_daily, indicator_refresh TO vigil_app;
    -- The triggers run as whoever changes the fact: a request's role adds marks.
    GRANT INSERT ON indicator_stale TO vigil_app;
  END IF;
END
$$;
