-- Common risk criteria from the centre (issue 11 point 3): a coordinating authority publishes
-- criteria (crc, frc) that every member runs as its own rule, amends them (a new version) and
-- withdraws them (the last version). Both tables are append-only.
--
-- Row-level security stays the rule (vigil_secure_schema adds tenant_isolation on `authority`), with
-- narrow doors for what crosses authorities:
-- * a criterion version (owned by its coordinator) is readable by the members it names;
-- * a member's record of the rule that applies a version (owned by the member, written in its own
--   scope) is readable by the criterion's coordinator, for its figures and the members' state.
CREATE TABLE common_criterion (
  id            text NOT NULL,
  version       integer NOT NULL CHECK (version >= 1),
  authority     text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('crc', 'frc')),
  status        text NOT NULL CHECK (status IN ('published', 'withdrawn')),
  members       text[] NOT NULL,
  body          jsonb NOT NULL,
  published_by  text NOT NULL,
  published_at  timestamptz NOT NULL,
  PRIMARY KEY (id, version)
);
CREATE INDEX common_criterion_by_authority ON common_criterion (authority, published_at DESC, id);
CREATE INDEX common_criterion_by_member ON common_criterion USING gin (members);

CREATE TABLE common_criterion_rule (
  authority     text NOT NULL,
  criterion_id  text NOT NULL,
  version       integer NOT NULL,
  coordinator   text NOT NULL,
  rule_id       text NOT NULL,
  rule_version  integer NOT NULL,
  applied_at    timestamptz NOT NULL,
  PRIMARY KEY (authority, criterion_id, version)
);
CREATE INDEX common_criterion_rule_by_criterion ON common_criterion_rule (criterion_id, version);

ALTER TABLE common_criterion ENABLE ROW LEVEL SECURITY;
ALTER TABLE common_criterion_rule ENABLE ROW LEVEL SECURITY;

CREATE POLICY common_criterion_member_reads ON common_criterion FOR SELECT
  USING ((SELECT vigil_current_authority()) = ANY (members));
CREATE POLICY common_criterion_rule_coordinator_reads ON common_criterion_rule FOR SELECT
  USING (coordinator = (SELECT vigil_current_authority()));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON common_criterion, common_criterion_rule FROM vigil_app;
    GRANT SELECT, INSERT ON common_criterion, common_criterion_rule TO vigil_app;
  END IF;
END
$$;
