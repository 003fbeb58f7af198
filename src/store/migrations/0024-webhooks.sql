-- Pushed notifications (issue 14, part 3): filers register webhook endpoints; every notification of
-- the filer becomes a delivery to each of its endpoints that takes the event's type, in the same
-- transaction as the notification (a trigger), so nothing acknowledged is lost when Vigil restarts.
-- The dispatcher (src/notifications/webhook.dispatcher.ts) works the deliveries of one endpoint in
-- id order under a lease on the endpoint, so several processes may share the table.

-- The event type of a notification (Standard Webhooks `type`): an outcome is `outcome.decided`, or
-- `outcome.request-for-information` when customs ask for information; other kinds are their type.
CREATE FUNCTION vigil_event_type(kind text, payload jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN kind = 'outcome' AND payload -> 'outcome' ->> 'kind' = 'request-for-information'
      THEN 'outcome.request-for-information'
    WHEN kind = 'outcome' THEN 'outcome.decided'
    ELSE kind
  END
$$;

CREATE TABLE webhook_endpoint (
  id            text PRIMARY KEY,
  authority     text NOT NULL,
  -- Who registered it (the token's subject and role) and whose events it takes: the filer itself,
  -- or NULL for an endpoint an admin registered for every filer of the authority.
  owner         text NOT NULL,
  owner_role    text NOT NULL,
  filer         text,
  url           text NOT NULL,
  events        text[] NOT NULL,
  description   text,
  created_at    timestamptz NOT NULL,
  deleted_at    timestamptz,
  -- The dispatcher's lease: one process works an endpoint's queue at a time; endpoints are taken
  -- least recently served first, so a slow receiver cannot keep the others waiting.
  locked_until  timestamptz,
  locked_by     text,
  served_at     timestamptz
);
CREATE INDEX webhook_endpoint_live ON webhook_endpoint (authority, filer) WHERE deleted_at IS NULL;

-- Signing secrets apart from the endpoints: no authority column, so the reporting role reads none,
-- and requests may only add one (the dispatcher, as the service, reads them).
CREATE TABLE webhook_secret (
  endpoint_id  text PRIMARY KEY REFERENCES webhook_endpoint (id),
  secret       text NOT NULL
);

CREATE TABLE webhook_delivery (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  authority        text NOT NULL,
  endpoint_id      text NOT NULL REFERENCES webhook_endpoint (id),
  event_id         bigint NOT NULL,
  event_type       text NOT NULL,
  replay           boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL,
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  last_attempt_at  timestamptz,
  last_status      int,
  last_error       text,
  delivered_at     timestamptz,
  dead_at          timestamptz
);
CREATE INDEX webhook_delivery_pending ON webhook_delivery (endpoint_id, id)
  WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX webhook_delivery_by_endpoint ON webhook_delivery (endpoint_id, id);

-- Every notification becomes a delivery to each live endpoint of its filer (or of every filer) that
-- takes its type, in the notification's own transaction. Runs as whoever notifies (a request's role
-- sees only its authority's endpoints, which are the only ones that could take the event).
CREATE FUNCTION webhook_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_delivery (authority, endpoint_id, event_id, event_type, created_at, next_attempt_at)
  SELECT n.authority, e.id, n.id, vigil_event_type(n.kind, n.payload), n.created_at, n.created_at
  FROM new_notifications n
  JOIN webhook_endpoint e
    ON e.authority = n.authority AND e.deleted_at IS NULL AND (e.filer IS NULL OR e.filer = n.filer)
   AND vigil_event_type(n.kind, n.payload) = ANY (e.events)
  ORDER BY n.id, e.id;
  RETURN NULL;
END $$;
CREATE TRIGGER notification_webhook_fan_out AFTER INSERT ON notification
  REFERENCING NEW TABLE AS new_notifications
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_fan_out();

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON webhook_endpoint, webhook_secret, webhook_delivery FROM vigil_app;
    GRANT SELECT, INSERT, UPDATE ON webhook_endpoint TO vigil_app;
    GRANT INSERT ON webhook_secret TO vigil_app;
    GRANT SELECT, INSERT ON webhook_delivery TO vigil_app;
  END IF;
END
$$;
