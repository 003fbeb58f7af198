-- Event bus bookkeeping on the outbox (docs/adr/0003-event-bus.md): attempts with a retry time and the
-- last error for the embedded dispatcher, a parked (dead-letter) state after the last allowed
-- attempt, a lease so several processes can share the table, and published_at for the JetStream relay.
ALTER TABLE outbox ADD COLUMN attempts int NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE outbox ADD COLUMN locked_until timestamptz;
ALTER TABLE outbox ADD COLUMN last_error text;
ALTER TABLE outbox ADD COLUMN parked_at timestamptz;
ALTER TABLE outbox ADD COLUMN published_at timestamptz;
-- Pending now also excludes parked rows, so a dead letter never slows the claim.
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (id) WHERE processed_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_parked ON outbox (id) WHERE parked_at IS NOT NULL;
