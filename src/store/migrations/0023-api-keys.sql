-- API keys for filers' systems (issue 14): created by an authority's admin for one filer (its
-- subject, its EORIs, a role), with an expiry, an optional rate limit, rotation with an overlap and
-- revocation. A key has one secret, or two while a rotation overlaps: api_key_secret holds each
-- secret's public prefix (what a key is looked up by on every request) and the SHA-256 of the secret,
-- never the secret itself.
--
-- Both tables are per authority and get the tenant_isolation and system_access policies of 0014
-- (vigil_secure_schema). A request presenting a key is looked up by prefix on the service's
-- connection (the authority is not known until the key is found), as revoked_token is; everything an
-- admin does with keys runs through db.forAuthority as vigil_app.

CREATE TABLE api_key (
  id                     text PRIMARY KEY,
  authority              text NOT NULL,
  filer                  text NOT NULL,
  role                   text NOT NULL,
  eoris                  jsonb NOT NULL DEFAULT '[]',
  name                   text NOT NULL,
  description            text NOT NULL DEFAULT '',
  rate_limit_per_minute  int CHECK (rate_limit_per_minute IS NULL OR rate_limit_per_minute > 0),
  created_by             text NOT NULL,
  created_at             timestamptz NOT NULL,
  expires_at             timestamptz NOT NULL,
  -- Written at most once a minute per key, so a busy key is not a hot row.
  last_used_at           timestamptz,
  rotated_at             timestamptz,
  revoked_at             timestamptz,
  revoked_by             text,
  revoked_reason         text
);
CREATE INDEX api_key_by_authority ON api_key (authority, created_at DESC, id);

CREATE TABLE api_key_secret (
  prefix      text PRIMARY KEY CHECK (prefix ~ '^[a-z0-9]{8}$'),
  key_id      text NOT NULL REFERENCES api_key (id),
  authority   text NOT NULL,
  -- Hex SHA-256 of the secret part of the key.
  hash        text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  created_at  timestamptz NOT NULL,
  -- Null while the secret is the key's current one; set by a rotation to the end of the overlap.
  retires_at  timestamptz
);
CREATE INDEX api_key_secret_by_key ON api_key_secret (key_id, created_at);

ALTER TABLE api_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_key_secret ENABLE ROW LEVEL SECURITY;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    GRANT SELECT, INSERT, UPDATE ON api_key, api_key_secret TO vigil_app;
  END IF;
END
$$;
