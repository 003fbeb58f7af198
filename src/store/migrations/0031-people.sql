-- People's accounts and sessions for the workbench (issue 16). A person signs in with a username
-- (unique in the instance) and a password; the session cookie names a server-side session row.
--
-- user_account is the authority's data (row-level security through vigil_secure_schema, like every
-- table with an authority column): who the person is, their role and office, whether the account is
-- disabled or locked. The secrets are kept apart, as webhook_secret is (migration 0024), in tables
-- with no authority column so that no role but the service reads them (not vigil_reader's reporting
-- tools, not vigil_app's requests): the argon2id hash of the password, and the sessions, stored by
-- the SHA-256 of their id (a leaked row does not sign anyone in). Sign-in and every cookie request
-- look these up on the service's connection: the authority is not known until the account is found.

CREATE TABLE user_account (
  username         text PRIMARY KEY CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  authority        text NOT NULL,
  display_name     text NOT NULL,
  role             text NOT NULL,
  office           text,
  disabled         boolean NOT NULL DEFAULT false,
  failed_attempts  int NOT NULL DEFAULT 0,
  locked_until     timestamptz,
  created_at       timestamptz NOT NULL,
  created_by       text NOT NULL
);
CREATE INDEX user_account_by_authority ON user_account (authority, username);

CREATE TABLE user_password (
  username    text PRIMARY KEY REFERENCES user_account (username),
  hash        text NOT NULL CHECK (hash LIKE '$argon2id$%'),
  changed_at  timestamptz NOT NULL
);

CREATE TABLE user_session (
  id_hash       text PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  username      text NOT NULL REFERENCES user_account (username),
  -- Sent back by the workbench in a header on every change (CSRF), never in a cookie.
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  ended_at      timestamptz
);
CREATE INDEX user_session_by_user ON user_session (username, created_at);
