-- Comments on rules (issue 16, the workbench's Rules screen): analysts, officers and coordinators
-- discuss a rule beside its statistics (why it hits, what controls found, what to change). A comment
-- names the version that was the latest when it was made; comments are added, never changed or
-- deleted (each is audited with a digest of its text). Row-level security and the service's access
-- come from vigil_secure_schema (migrate.ts runs it).
CREATE TABLE rule_comment (
  id          text PRIMARY KEY,
  authority   text NOT NULL,
  rule_id     text NOT NULL,
  version     int NOT NULL,
  body        text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
  author      text NOT NULL,
  created_at  timestamptz NOT NULL,
  FOREIGN KEY (authority, rule_id, version) REFERENCES rule (authority, id, version)
);
CREATE INDEX rule_comment_by_rule ON rule_comment (authority, rule_id, created_at);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON rule_comment FROM vigil_app;
    GRANT SELECT, INSERT ON rule_comment TO vigil_app;
  END IF;
END
$$;
