-- The noisy-rule cap (issue 12, point 5): a rule version whose control selections take more than its
-- share of an office's capacity, or whose controls find too little, is capped: while a cap stands,
-- its hits are marked noisy and alone no longer select. A cap keeps the figures it was decided on;
-- an analyst lifts it with a reason (the row is kept, never deleted). The rule's author is told by a
-- staff notice. Row-level security and the service's access come from vigil_secure_schema.
CREATE TABLE rule_cap (
  id           text PRIMARY KEY,
  authority    text NOT NULL,
  rule_id      text NOT NULL,
  version      int NOT NULL,
  reason       text NOT NULL CHECK (reason IN ('capacity', 'low-yield')),
  figures      jsonb NOT NULL,
  since        timestamptz NOT NULL,
  lifted_at    timestamptz,
  lifted_by    text,
  lift_reason  text CHECK (lift_reason IS NULL OR char_length(lift_reason) BETWEEN 1 AND 2000),
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL)),
  FOREIGN KEY (authority, rule_id, version) REFERENCES rule (authority, id, version)
);
-- At most one standing cap per rule version.
CREATE UNIQUE INDEX rule_cap_standing ON rule_cap (authority, rule_id, version) WHERE lifted_at IS NULL;
CREATE INDEX rule_cap_by_rule ON rule_cap (authority, rule_id, since);

-- Notices to the authority's staff (a rule's author told that it was capped), read by the addressee.
CREATE TABLE staff_notice (
  id          text PRIMARY KEY,
  authority   text NOT NULL,
  recipient   text NOT NULL,
  kind        text NOT NULL,
  subject     text NOT NULL,
  body        text NOT NULL,
  ref         text,
  created_at  timestamptz NOT NULL
);
CREATE INDEX staff_notice_by_recipient ON staff_notice (authority, recipient, created_at DESC);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON rule_cap, staff_notice FROM vigil_app;
    GRANT SELECT, INSERT, UPDATE ON rule_cap TO vigil_app;
    GRANT SELECT, INSERT ON staff_notice TO vigil_app;
  END IF;
END
$$;
