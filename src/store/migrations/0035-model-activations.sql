-- Every change of the active model, per authority and kind, with the one it replaced: a promotion
-- after training (or a challenger kept out), an activation by hand, a rollback. `vigil models
-- rollback` reads it to go back to the previous champion in one step. Row-level security and the
-- service's access come from vigil_secure_schema (migrate.ts runs it).

CREATE TABLE model_activation (
  id          bigserial PRIMARY KEY,
  authority   text NOT NULL,
  kind        text NOT NULL,
  -- The version made active; null when a rollback left no model active.
  version     int,
  -- The version that was active before; null when none was.
  previous    int,
  action      text NOT NULL CHECK (action IN ('promoted', 'kept', 'activated', 'rolled-back')),
  reason      text NOT NULL,
  actor       text NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX model_activation_by_kind ON model_activation (authority, kind, id DESC);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON model_activation FROM vigil_app;
    GRANT SELECT, INSERT ON model_activation TO vigil_app;
    GRANT USAGE, SELECT ON SEQUENCE model_activation_id_seq TO vigil_app;
  END IF;
END
$$;
