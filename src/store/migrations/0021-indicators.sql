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
  END IF;
END
$$;
