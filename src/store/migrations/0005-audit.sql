-- Audit trail: one hash-chained, append-only log per authority (docs/adr/0004-audit-chain.md).
-- Each row's hash covers its content and the previous row's hash, so changing, deleting or
-- reordering a row breaks the chain at that row and `vigil audit verify` reports it.

CREATE TABLE audit_log (
  authority  text NOT NULL,
  seq        bigint NOT NULL CHECK (seq >= 1),
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  subject    text NOT NULL,
  details    jsonb NOT NULL,
  prev_hash  text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash       text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (authority, seq)
);

-- Auditors look up what happened to one filing, rule or token.
CREATE INDEX audit_log_by_subject ON audit_log (authority, subject, seq);

-- Append-only in the database too: UPDATE, DELETE and TRUNCATE are rejected for every role.
-- A superuser or the table owner can still disable the trigger; the hash chain is what detects that.
-- The function body stays on one line because migrations are split on semicolons at line ends.
CREATE FUNCTION audit_log_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject_change();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_change();
