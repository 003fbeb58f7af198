-- Signed audit checkpoints and a robust embedded inbox (docs/adr/0009-signed-audit-checkpoints.md).
-- Each line taken in from the embedded instance's audit inbox is claimed here, by its id, in the
-- transaction that stages it: a line re-read after a crash is not staged twice, and a line copied
-- into the inbox again (a replay) is refused. Only the chainer writes it; `authority` is the one the
-- line was for, so row-level security applies as to every tenant table (vigil_secure_schema, 0014).
CREATE TABLE audit_inbox_line (
  id        text PRIMARY KEY,
  authority text NOT NULL,
  source    text NOT NULL,
  taken_at  timestamptz NOT NULL DEFAULT now()
);

-- Requests never touch it (only the chainer of serve does, as vigil_service or the owner).
REVOKE ALL ON audit_inbox_line FROM vigil_app;

-- Auditors read the trail by action and by actor (GET /v1/audit); by subject has its index (0005).
CREATE INDEX audit_log_by_action ON audit_log (authority, action, seq);
CREATE INDEX audit_log_by_actor ON audit_log (authority, actor, seq);
