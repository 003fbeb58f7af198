-- Sign-in through an OpenID Connect provider (issue 16, point 2). A person who signs in at the
-- customs administration's identity provider is one Vigil account: the provider's issuer and the
-- person's subject there (the `sub` claim, stable for the life of the identity, unlike an email
-- address or a username) name the account it was linked to on first sign-in.
--
-- Like user_password, the table has no authority column, so no role but the service reads it (not
-- vigil_reader's reporting tools, not vigil_app's requests): sign-in finds the account by the link
-- before the authority is known. An account made through the provider has no user_password row and
-- so cannot sign in with a password.

CREATE TABLE user_identity (
  issuer             text NOT NULL CHECK (issuer ~ '^https?://'),
  subject            text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
  username           text NOT NULL UNIQUE REFERENCES user_account (username),
  linked_at          timestamptz NOT NULL,
  last_signed_in_at  timestamptz NOT NULL,
  PRIMARY KEY (issuer, subject)
);
