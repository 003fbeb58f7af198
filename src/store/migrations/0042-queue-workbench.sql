-- The analysts' queue in the workbench (issue 16): saved filters and the queue's change feed.
--
-- saved_filter: a person's named filter sets of the queue, private to them (owner is the actor's
-- subject within the authority); a name is unique per owner.
--
-- queue_event: what changed in the queue, written in the transaction that changed it: a consignment
-- assessed with hits ('assessed') and a hit reviewed ('reviewed': dismissed or confirmed, i.e.
-- referred to control). The staff's stream (GET /v1/queue/stream) reads it after the last id a
-- browser saw. Row-level security and the service's access come from vigil_secure_schema
-- (migrate.ts runs it).

CREATE TABLE saved_filter (
  id          bigserial PRIMARY KEY,
  authority   text NOT NULL,
  owner       text NOT NULL,
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
  filters     jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  UNIQUE (authority, owner, name)
);

CREATE TABLE queue_event (
  id          bigserial PRIMARY KEY,
  authority   text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('assessed', 'reviewed')),
  mrn         text NOT NULL,
  version     int NOT NULL,
  seq         int NOT NULL,
  detail      jsonb NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX queue_event_by_authority ON queue_event (authority, id);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON saved_filter, queue_event FROM vigil_app;
    GRANT SELECT, INSERT, DELETE ON saved_filter TO vigil_app;
    GRANT SELECT, INSERT ON queue_event TO vigil_app;
    GRANT USAGE, SELECT ON SEQUENCE saved_filter_id_seq, queue_event_id_seq TO vigil_app;
  END IF;
END
$$;
