-- IPR applications for action (issue 13, point 5; COPIS-like), per authority: a right holder's
-- application asking customs to act on goods suspected of infringing its trademarks, with the brands
-- it protects (names, registration numbers, other spellings and scripts), the goods codes concerned,
-- the manufacturers and distributors it authorises, its validity and status. Every version is kept in
-- registry_version (registry 'ipr-application'). Row-level security and the service's access come from
-- vigil_secure_schema (migrate.ts runs it).
CREATE TABLE ipr_application (
  authority             text NOT NULL,
  number                text NOT NULL,
  kind                  text NOT NULL CHECK (kind IN ('national', 'union')),
  right_holder_name     text NOT NULL,
  right_holder_address  text,
  right_holder_contact  text,
  brands                jsonb NOT NULL,
  -- The brand names and aliases, lower case, for the search by brand.
  brand_text            text NOT NULL,
  goods_prefixes        text[] NOT NULL,
  authorised            jsonb NOT NULL,
  valid_from            date NOT NULL,
  valid_until           date,
  status                text NOT NULL CHECK (status IN ('granted', 'suspended', 'expired')),
  version               int NOT NULL,
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  PRIMARY KEY (number, authority)
);
CREATE INDEX ipr_application_by_holder ON ipr_application (authority, lower(right_holder_name) text_pattern_ops);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON ipr_application FROM vigil_app;
    GRANT SELECT, INSERT, UPDATE ON ipr_application TO vigil_app;
  END IF;
END
$$;
