-- The history of a watchlist's entities (issue 16, the workbench's Watchlists screen): every state an
-- entity had, who set it and when, kept by a trigger on watchlist_entry so that every way of writing
-- the list (one entity, an upload, a whole definition, an expiry, a deletion, the retention purge)
-- records it. The writer names itself for the transaction with set_config('vigil.actor') and
-- set_config('vigil.at') (the service's clock); a write without them (the purge) is recorded as the
-- system's at the database's time. A replacement that leaves an entity as it was records nothing.
-- Row-level security and the service's access come from vigil_secure_schema (migrate.ts runs it).
CREATE TABLE watchlist_entry_history (
  seq        bigserial PRIMARY KEY,
  authority  text NOT NULL,
  list       text NOT NULL,
  id         text NOT NULL,
  at         timestamptz NOT NULL,
  actor      text,
  change     text NOT NULL CHECK (change IN ('added', 'changed', 'expiry', 'removed')),
  -- The entity after the change (its names, type, identifiers, note, source, expiry); null once removed.
  entity     jsonb
);
CREATE INDEX watchlist_entry_history_by_entity ON watchlist_entry_history (authority, list, id, seq);
CREATE INDEX watchlist_entry_history_by_time ON watchlist_entry_history (authority, at);

CREATE FUNCTION watchlist_entry_history_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  who  text := nullif(current_setting('vigil.actor', true), '');
  stamp timestamptz := coalesce(nullif(current_setting('vigil.at', true), '')::timestamptz, now());
  kind text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO watchlist_entry_history (authority, list, id, at, actor, change, entity)
    VALUES (OLD.authority, OLD.list, OLD.id, stamp, who, 'removed', NULL);
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF (NEW.value, NEW.aliases, NEW.type, NEW.identifiers, NEW.note, NEW.source, NEW.expires_at)
       IS NOT DISTINCT FROM (OLD.value, OLD.aliases, OLD.type, OLD.identifiers, OLD.note, OLD.source, OLD.expires_at) THEN
      RETURN NEW;
    END IF;
    kind := CASE
      WHEN (NEW.value, NEW.aliases, NEW.type, NEW.identifiers, NEW.note, NEW.source)
           IS NOT DISTINCT FROM (OLD.value, OLD.aliases, OLD.type, OLD.identifiers, OLD.note, OLD.source)
      THEN 'expiry' ELSE 'changed' END;
  ELSE
    kind := 'added';
  END IF;
  INSERT INTO watchlist_entry_history (authority, list, id, at, actor, change, entity)
  VALUES (NEW.authority, NEW.list, NEW.id, stamp, who, kind,
          jsonb_build_object('value', NEW.value, 'aliases', NEW.aliases, 'type', NEW.type,
                             'identifiers', NEW.identifiers, 'note', NEW.note, 'source', NEW.source,
                             'expiresAt', NEW.expires_at));
  RETURN NEW;
END
$$;

CREATE TRIGGER watchlist_entry_history AFTER INSERT OR UPDATE OR DELETE ON watchlist_entry
  FOR EACH ROW EXECUTE FUNCTION watchlist_entry_history_record();

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON watchlist_entry_history FROM vigil_app;
    GRANT SELECT, INSERT ON watchlist_entry_history TO vigil_app;
    GRANT USAGE, SELECT ON SEQUENCE watchlist_entry_history_seq_seq TO vigil_app;
  END IF;
END
$$;
