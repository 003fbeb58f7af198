-- Cooperation between authorities on one deployment (issue 9): the directory of authorities, risk
-- information forms (RIFs) with their versions, deliveries to recipients, feedback, sharing policies
-- and the records shared under them.
--
-- Row-level security stays the rule, with one extra, narrow door per table for what crosses
-- authorities. Every table's `authority` column is the authority that owns the row (the issuer of a
-- RIF, the recipient of a delivery, the giver of feedback, the source of a shared record), so the
-- tenant_isolation policy (0008, 0014) still admits the owner; the policies below add, for reading
-- only unless said otherwise:
-- * a RIF and its versions, to an authority holding a delivery of it (never a draft);
-- * a delivery, to the RIF's issuer (who also writes it: issuing and amending create and update the
--   deliveries; the recipient updates its own when it adopts, notes or declines);
-- * feedback, to the RIF's issuer;
-- * a shared record, to its recipient.

ALTER TABLE authority ADD COLUMN kind text NOT NULL DEFAULT 'customs' CHECK (kind IN ('customs', 'partner'));
ALTER TABLE authority ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE rif (
  id                 text PRIMARY KEY,
  authority          text NOT NULL,
  version            int NOT NULL,
  status             text NOT NULL CHECK (status IN ('draft', 'issued', 'withdrawn', 'expired')),
  tlp                text NOT NULL,
  body               jsonb NOT NULL,
  author             text NOT NULL,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  issued_at          timestamptz,
  valid_until        timestamptz NOT NULL,
  feedback_due       timestamptz,
  withdrawn_at       timestamptz,
  withdrawal_reason  text
);
CREATE INDEX rif_by_authority ON rif (authority, updated_at DESC, id);
-- Active RIFs of every authority, for duplicate detection and the expiry sweep.
CREATE INDEX rif_issued ON rif (valid_until) WHERE status = 'issued';

CREATE TABLE rif_version (
  authority   text NOT NULL,
  rif_id      text NOT NULL REFERENCES rif (id),
  version     int NOT NULL,
  body        jsonb NOT NULL,
  author      text NOT NULL,
  at          timestamptz NOT NULL,
  PRIMARY KEY (rif_id, version)
);

CREATE TABLE rif_delivery (
  rif_id      text NOT NULL REFERENCES rif (id),
  authority   text NOT NULL,
  issuer      text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('customs', 'partner')),
  state       text NOT NULL CHECK (state IN ('unread', 'read', 'adopted', 'noted', 'declined')),
  version     int NOT NULL,
  reason      text,
  rule_id     text,
  decided_by  text,
  decided_at  timestamptz,
  delivered_at timestamptz NOT NULL,
  PRIMARY KEY (rif_id, authority)
);
CREATE INDEX rif_delivery_inbox ON rif_delivery (authority, delivered_at DESC, rif_id);
CREATE INDEX rif_delivery_by_rule ON rif_delivery (authority, rule_id) WHERE rule_id IS NOT NULL;

CREATE TABLE rif_feedback (
  id           text PRIMARY KEY,
  rif_id       text NOT NULL REFERENCES rif (id),
  rif_version  int NOT NULL,
  authority    text NOT NULL,
  issuer       text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('control', 'manual')),
  body         jsonb NOT NULL,
  -- The control result a feedback was written from: one feedback per result.
  result_id    text UNIQUE,
  at           timestamptz NOT NULL
);
CREATE INDEX rif_feedback_by_rif ON rif_feedback (rif_id, at, id);

CREATE TABLE sharing_policy (
  authority   text NOT NULL,
  category    text NOT NULL,
  -- A named authority, or '*' for every authority of the directory.
  receiver    text NOT NULL,
  level       text NOT NULL CHECK (level IN ('none', 'summary', 'full')),
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (authority, category, receiver)
);

CREATE TABLE shared_record (
  id          text PRIMARY KEY,
  authority   text NOT NULL,
  recipient   text NOT NULL,
  category    text NOT NULL,
  level       text NOT NULL CHECK (level IN ('summary', 'full')),
  ref         text NOT NULL,
  body        jsonb NOT NULL,
  at          timestamptz NOT NULL,
  UNIQUE (authority, recipient, category, ref)
);
CREATE INDEX shared_record_for_recipient ON shared_record (recipient, at DESC, id);

ALTER TABLE rif ENABLE ROW LEVEL SECURITY;
ALTER TABLE rif_version ENABLE ROW LEVEL SECURITY;
ALTER TABLE rif_delivery ENABLE ROW LEVEL SECURITY;
ALTER TABLE rif_feedback ENABLE ROW LEVEL SECURITY;
ALTER TABLE sharing_policy ENABLE ROW LEVEL SECURITY;
ALTER TABLE shared_record ENABLE ROW LEVEL SECURITY;

CREATE POLICY rif_recipient_reads ON rif FOR SELECT
  USING (status <> 'draft' AND EXISTS (
    SELECT 1 FROM rif_delivery d WHERE d.rif_id = rif.id AND d.authority = (SELECT vigil_current_authority())));
CREATE POLICY rif_recipient_reads ON rif_version FOR SELECT
  USING (EXISTS (
    SELECT 1 FROM rif_delivery d WHERE d.rif_id = rif_version.rif_id AND d.authority = (SELECT vigil_current_authority())));
CREATE POLICY rif_issuer_delivers ON rif_delivery
  USING (issuer = (SELECT vigil_current_authority()))
  WITH CHECK (issuer = (SELECT vigil_current_authority()));
CREATE POLICY rif_issuer_reads ON rif_feedback FOR SELECT
  USING (issuer = (SELECT vigil_current_authority()));
CREATE POLICY shared_with_recipient ON shared_record FOR SELECT
  USING (recipient = (SELECT vigil_current_authority()));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    GRANT SELECT, INSERT, UPDATE ON authority TO vigil_app;
    GRANT SELECT, INSERT, UPDATE ON rif, rif_delivery TO vigil_app;
    GRANT SELECT, INSERT ON rif_version, rif_feedback, shared_record TO vigil_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON sharing_policy TO vigil_app;
  END IF;
END
$$;

-- A source takes back what it shared (a watchlist entry deleted, a list replaced).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    GRANT DELETE ON shared_record TO vigil_app;
  END IF;
END
$$;
CREATE INDEX shared_record_by_source ON shared_record (authority, category, ref);
