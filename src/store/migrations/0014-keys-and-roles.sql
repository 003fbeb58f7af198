-- Least privilege in the database (docs/adr/0008-keys-and-database-roles.md):
-- * the token-signing key leaves the database (it lives in the keyring file; src/auth/keyring.ts);
-- * roles: vigil_app (requests, per authority), vigil_service (what serve and worker run as: system
--   work across authorities, never the owner), vigil_reader (people and reporting tools, read-only);
-- * the authority a transaction sees comes from vigil_current_authority(): a login bound to an
--   authority (login_authority) always gets that one; only members of vigil_service may take it from
--   the transaction setting vigil.authority;
-- * per-table grants for vigil_app: the audit trail insert-only (audit_log is read to chain), no
--   rights on random_seed (its secret is reached only through vigil_random_seed for the caller's
--   own authority) nor on the deny list of tokens.
-- Roles are cluster-wide: each is created in its own sub-block that tolerates a concurrent creator.

DROP TABLE IF EXISTS instance_secret;

DO $$
BEGIN
  BEGIN
    CREATE ROLE vigil_service NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE vigil_reader NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    -- The service switches to vigil_app for each request's transaction.
    GRANT vigil_app TO vigil_service;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    BEGIN
      -- The owner (who migrates) may start serve on its own connection and drop to vigil_service.
      EXECUTE format('GRANT vigil_service TO %I', current_user);
    EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege OR invalid_grant_operation THEN
      RAISE NOTICE 'could not grant vigil_service to %: grant it, or connect serve as a member of vigil_service', current_user;
    END;
  END IF;
END
$$;

-- Logins of people and reporting tools, each bound to one authority. Only the owner reads or
-- writes it (vigil_current_authority reads it as its definer).
CREATE TABLE login_authority (
  login            name PRIMARY KEY,
  bound_authority  text NOT NULL CHECK (bound_authority ~ '^[A-Z]{2,4}$')
);

-- Revoked tokens (by their jti), kept until they would have expired anyway. Not tenant data: the
-- service reads and writes it, requests and people cannot.
CREATE TABLE revoked_token (
  jti         text PRIMARY KEY,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz NOT NULL DEFAULT now(),
  revoked_by  text NOT NULL,
  reason      text NOT NULL DEFAULT ''
);

DO $$
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION vigil_current_authority() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %1$I, pg_catalog AS $body$
      SELECT CASE
        WHEN b.bound IS NOT NULL THEN b.bound
        WHEN pg_has_role(session_user, 'vigil_service', 'MEMBER') THEN NULLIF(current_setting('vigil.authority', true), '')
      END
      FROM (SELECT (SELECT l.bound_authority FROM %1$I.login_authority l WHERE l.login = session_user) AS bound) b
    $body$ $f$, current_schema());
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION vigil_random_seed(for_authority text, fresh_seed_id text, fresh_secret text, fresh_at timestamptz)
    RETURNS TABLE (seed_id text, secret text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = %1$I, pg_catalog AS $body$
    DECLARE
      mine text := vigil_current_authority();
    BEGIN
      -- A transaction sees its own authority's seed; the service's own work (no authority set) any.
      IF (mine IS NULL AND NOT pg_has_role(session_user, 'vigil_service', 'MEMBER'))
         OR (mine IS NOT NULL AND for_authority IS DISTINCT FROM mine) THEN
        RAISE EXCEPTION 'the random seed of %% is not this transaction''s', for_authority USING ERRCODE = '42501';
      END IF;
      INSERT INTO %1$I.random_seed (authority, seed_id, secret, created_at)
        VALUES (for_authority, fresh_seed_id, fresh_secret, fresh_at) ON CONFLICT (authority) DO NOTHING;
      RETURN QUERY SELECT r.seed_id, r.secret FROM %1$I.random_seed r WHERE r.authority = for_authority;
    END
    $body$ $f$, current_schema());
  REVOKE EXECUTE ON FUNCTION vigil_random_seed(text, text, text, timestamptz) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION vigil_random_seed(text, text, text, timestamptz) TO vigil_app, vigil_service;
END
$$;

-- vigil_app: per table, what request handling needs and no more.
DO $$
DECLARE
  s text := current_schema();
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO vigil_app, vigil_service, vigil_reader', s);
  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM vigil_app', s);
  GRANT SELECT ON authority TO vigil_app;
  GRANT SELECT, INSERT, UPDATE ON filing, filing_version, consignment TO vigil_app;
  GRANT INSERT ON outbox TO vigil_app;
  GRANT SELECT, INSERT, UPDATE ON rule, watchlist TO vigil_app;
  GRANT SELECT, INSERT, UPDATE, DELETE ON watchlist_entry TO vigil_app;
  GRANT SELECT, INSERT, UPDATE ON assessment, hit_review, notification, rfi_response, operator TO vigil_app;
  GRANT SELECT, INSERT, UPDATE, DELETE ON unit_value_stats TO vigil_app;
  GRANT SELECT, INSERT, UPDATE ON control_task, control_result TO vigil_app;
  GRANT SELECT, INSERT, UPDATE ON import_declaration, office_capacity, model TO vigil_app;
  -- The chain is read to append to it and by auditors; nothing in it is ever changed.
  GRANT SELECT, INSERT ON audit_log TO vigil_app;
  GRANT INSERT ON audit_pending TO vigil_app;
  -- random_seed, revoked_token, login_authority, schema_migration: nothing.
END
$$;

-- Brings every table of the schema to the rules above; migrate.ts runs it after applying
-- migrations, so tables that later migrations add are covered too:
-- * a tenant_isolation policy reading the GUC directly is replaced by one through
--   vigil_current_authority(); every table with row-level security lets vigil_service (system work
--   across authorities, never a request) through;
-- * vigil_service may read and write every table but the key/login tables, without changing or
--   deleting the audit chain or random seeds; vigil_reader reads tenant data but not the seeds
--   or the staged audit entries.
DO $$
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION vigil_secure_schema() RETURNS void
    LANGUAGE plpgsql SET search_path = %1$I, pg_catalog AS $body$
    DECLARE
      t record;
      s text := %1$L;
      via_function text := 'authority = (SELECT vigil_current_authority())';
    BEGIN
      FOR t IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = s AND c.relkind IN ('r', 'p')
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'authority' AND NOT a.attisdropped)
      LOOP
        EXECUTE format('ALTER TABLE %%I.%%I ENABLE ROW LEVEL SECURITY', s, t.relname);
        IF NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = s AND p.tablename = t.relname
                       AND p.policyname = 'tenant_isolation' AND p.qual LIKE '%%vigil_current_authority%%') THEN
          IF NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = s AND p.tablename = t.relname
                         AND p.policyname = 'tenant_isolation' AND p.qual NOT LIKE '%%vigil.authority%%') THEN
            EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %%I.%%I', s, t.relname);
            EXECUTE format('CREATE POLICY tenant_isolation ON %%I.%%I USING (%%s) WITH CHECK (%%s)',
                           s, t.relname, via_function, via_function);
          END IF;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = s AND p.tablename = t.relname
                       AND p.policyname = 'system_access') THEN
          EXECUTE format('CREATE POLICY system_access ON %%I.%%I TO vigil_service USING (true) WITH CHECK (true)',
                         s, t.relname);
        END IF;
        IF t.relname NOT IN ('random_seed', 'audit_pending') THEN
          EXECUTE format('GRANT SELECT ON %%I.%%I TO vigil_reader', s, t.relname);
        END IF;
      END LOOP;
      FOR t IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = s AND c.relkind IN ('r', 'p')
          AND c.relname NOT IN ('login_authority', 'schema_migration')
      LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %%I.%%I TO vigil_service', s, t.relname);
      END LOOP;
      EXECUTE format('REVOKE UPDATE, DELETE ON %%I.audit_log, %%I.random_seed FROM vigil_service', s, s);
      EXECUTE format('REVOKE UPDATE ON %%I.audit_pending, %%I.revoked_token FROM vigil_service', s, s);
      -- The ids of inbox lines already taken in: deleting one would let a copied line in again.
      IF to_regclass(format('%%I.audit_inbox_line', s)) IS NOT NULL THEN
        EXECUTE format('REVOKE UPDATE, DELETE ON %%I.audit_inbox_line FROM vigil_service', s);
      END IF;
      EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %%I TO vigil_service', s);
    END
    $body$ $f$, current_schema());
END
$$;
