-- Joint operations between authorities (issue 11): priority control areas and joint customs
-- operations, run by a coordinating authority with participating ones, with common criteria that each
-- participant that accepts runs as its own rules for exactly the operational window, and a message
-- channel scoped to the operation.
--
-- Row-level security stays the rule (vigil_secure_schema adds tenant_isolation on `authority`), with
-- narrow doors for what crosses authorities:
-- * an operation (owned by its coordinator) is readable by the authorities it names as participants;
-- * a participation row (owned by the participant, which accepts on it) is created and read by the
--   operation's coordinator;
-- * a message (owned by its sender) is read by the operation's coordinator, through whom the service
--   shows the channel to every participant after checking that the reader is one.
CREATE TABLE operation (
  id            text PRIMARY KEY,
  authority     text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('pca', 'jco')),
  title         text NOT NULL,
  body          jsonb NOT NULL,
  participants  text[] NOT NULL,
  starts_at     timestamptz NOT NULL,
  ends_at       timestamptz NOT NULL,
  review_at     timestamptz NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX operation_by_authority ON operation (authority, starts_at DESC, id);
CREATE INDEX operation_by_participant ON operation USING gin (participants);

CREATE TABLE operation_participant (
  operation_id  text NOT NULL REFERENCES operation (id),
  authority     text NOT NULL,
  coordinator   text NOT NULL,
  state         text NOT NULL CHECK (state IN ('invited', 'accepted')),
  liaison       jsonb NOT NULL DEFAULT '[]',
  -- The participant's rules made from the operation's criteria when it accepted.
  rule_ids      text[] NOT NULL DEFAULT '{}',
  accepted_by   text,
  accepted_at   timestamptz,
  PRIMARY KEY (operation_id, authority)
);

CREATE TABLE operation_message (
  id            text PRIMARY KEY,
  operation_id  text NOT NULL REFERENCES operation (id),
  authority     text NOT NULL,
  coordinator   text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('note', 'alert', 'request')),
  body          jsonb NOT NULL,
  author        text NOT NULL,
  at            timestamptz NOT NULL
);
CREATE INDEX operation_message_by_operation ON operation_message (operation_id, at, id);

ALTER TABLE operation ENABLE ROW LEVEL SECURITY;
ALTER TABLE operation_participant ENABLE ROW LEVEL SECURITY;
ALTER TABLE operation_message ENABLE ROW LEVEL SECURITY;

CREATE POLICY operation_participant_reads ON operation FOR SELECT
  USING ((SELECT vigil_current_authority()) = ANY (participants));
CREATE POLICY operation_coordinator_manages ON operation_participant
  USING (coordinator = (SELECT vigil_current_authority()))
  WITH CHECK (coordinator = (SELECT vigil_current_authority()));
CREATE POLICY operation_coordinator_reads ON operation_message FOR SELECT
  USING (coordinator = (SELECT vigil_current_authority()));

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON operation, operation_participant, operation_message FROM vigil_app;
    GRANT SELECT, INSERT ON operation, operation_message TO vigil_app;
    GRANT SELECT, INSERT, UPDATE ON operation_participant TO vigil_app;
  END IF;
END
$$;
