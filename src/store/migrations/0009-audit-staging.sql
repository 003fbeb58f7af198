-- Staged audit entries: high-volume decisions (outcomes) and reads of personal data are written here
-- in the transaction that makes them, without waiting for the chain lock, and a chainer moves them
-- into audit_log in order, in batches (see docs/adr/0004-audit-chain.md). A staged entry is durable
-- from its commit; `vigil audit verify` reports how many are waiting.
CREATE TABLE audit_pending (
  id         bigserial PRIMARY KEY,
  authority  text NOT NULL,
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  subject    text NOT NULL,
  details    jsonb NOT NULL
);
CREATE INDEX audit_pending_by_authority ON audit_pending (authority, id);

ALTER TABLE audit_pending ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON audit_pending
  USING (authority = current_setting('vigil.authority', true))
  WITH CHECK (authority = current_setting('vigil.authority', true));
