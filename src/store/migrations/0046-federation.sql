-- Federation between national nodes (issue 11, docs/adr/0014-federation-over-jetstream.md). A node
-- speaks for one authority and exchanges RIFs, their deliveries and feedback, and shared records with
-- its peers, each a Vigil deployment with its own database and NATS server.
--
-- * federation_peer: the peers (an authority code, where its NATS server is, its Ed25519 public key),
--   the next sequence number of a message to it and the last one applied from it. Instance-wide, as
--   the directory is: no authority column, read by requests, written by the service (the CLI).
-- * federation_outbox: messages to peers, written in the transaction of the act they report (so
--   nothing acknowledged is lost while a peer is cut off), owned by the local authority that sent
--   them; sequenced, signed and published by the relay, in order, one peer at a time.
-- * federation_inbox: every message received, applied or rejected, by its id: a message is applied
--   once, and a rejected one is kept with its error code for the audit.

CREATE TABLE federation_peer (
  code          text PRIMARY KEY,
  name          text NOT NULL,
  nats_url      text NOT NULL,
  public_key    text NOT NULL,
  key_id        text NOT NULL,
  added_by      text NOT NULL,
  added_at      timestamptz NOT NULL,
  -- Messages to this peer: the epoch (milliseconds when the peer was added here) and the next number.
  out_epoch     bigint NOT NULL,
  next_out_seq  bigint NOT NULL DEFAULT 1,
  -- Messages from this peer: the epoch and number of the last one applied.
  in_epoch      bigint NOT NULL DEFAULT 0,
  last_in_seq   bigint NOT NULL DEFAULT 0,
  -- The relay that holds this peer's queue, until then (one relay per peer at a time keeps the order).
  lease_until   timestamptz,
  removed_at    timestamptz
);

CREATE TABLE federation_outbox (
  id          bigserial PRIMARY KEY,
  authority   text NOT NULL,
  peer        text NOT NULL REFERENCES federation_peer (code),
  kind        text NOT NULL,
  body        jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  seq         bigint,
  envelope    text,
  sent_at     timestamptz,
  attempts    int NOT NULL DEFAULT 0,
  last_error  text,
  UNIQUE (peer, seq)
);
CREATE INDEX federation_outbox_unsent ON federation_outbox (peer, id) WHERE sent_at IS NULL;

CREATE TABLE federation_inbox (
  id           uuid PRIMARY KEY,
  authority    text NOT NULL,
  peer         text NOT NULL,
  epoch        bigint NOT NULL,
  seq          bigint NOT NULL,
  kind         text NOT NULL,
  status       text NOT NULL CHECK (status IN ('applied', 'rejected')),
  code         text,
  message      text,
  received_at  timestamptz NOT NULL
);
CREATE INDEX federation_inbox_by_peer ON federation_inbox (peer, received_at DESC);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON federation_peer, federation_outbox, federation_inbox FROM vigil_app;
    GRANT SELECT ON federation_peer, federation_inbox TO vigil_app;
    GRANT SELECT, INSERT ON federation_outbox TO vigil_app;
    GRANT USAGE, SELECT ON SEQUENCE federation_outbox_id_seq TO vigil_app;
  END IF;
END
$$;

-- A joint operation whose participants run other nodes: the coordinator's node keeps the figures each
-- remote participant's node sends (its own figures, computed where its data is), as of when.
ALTER TABLE operation_participant ADD COLUMN remote_figures jsonb;
ALTER TABLE operation_participant ADD COLUMN remote_figures_at timestamptz;
