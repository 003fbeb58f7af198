-- Signals learned from control results (issue 12, point 6): the marks a result with an irregularity
-- or a seizure leaves on what the controlled consignment named (operators, the pair of them,
-- containers, the means of transport, place of loading with goods heading), and each authority's
-- settings of those signals. Row-level security and the service's access come from
-- vigil_secure_schema (migrate.ts runs it).

CREATE TABLE result_mark (
  authority     text NOT NULL,
  key           text NOT NULL,
  task_id       text NOT NULL,
  mrn           text NOT NULL,
  role          text CHECK (role IN ('consignee', 'consignor')),
  result        text NOT NULL CHECK (result IN ('irregularity', 'seizure')),
  category      text,
  quantity      numeric,
  unit          text,
  irregularity  text,
  recorded_at   timestamptz NOT NULL,
  PRIMARY KEY (key, authority, task_id)
);
-- The assessment's probe: the newest marks on a key.
CREATE INDEX result_mark_by_key ON result_mark (key, authority, recorded_at DESC);
-- A corrected result replaces its task's marks.
CREATE INDEX result_mark_by_task ON result_mark (task_id, authority);

CREATE TABLE result_signal_setting (
  authority   text NOT NULL,
  signal      text NOT NULL,
  enabled     boolean NOT NULL,
  weight      int NOT NULL CHECK (weight BETWEEN 0 AND 100),
  days        int NOT NULL CHECK (days BETWEEN 1 AND 3650),
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (signal, authority)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON result_mark, result_signal_setting FROM vigil_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON result_mark, result_signal_setting TO vigil_app;
  END IF;
END
$$;
