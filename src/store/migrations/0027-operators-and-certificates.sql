-- Registries (issue 13, points 3 and 4), per authority:
-- * the register of economic operators by EORI and their AEO authorisations (EOS-like), mutual
--   recognition agreements (MRAs) with the flows and areas each covers, and the partner programmes'
--   operator identifiers with their status (a US C-TPAT or a Japanese AEO id);
-- * the registry of certificates and licences of other authorities (CERTEX-like), the write-offs that
--   goods items make against them, and the measures that require a certificate for goods and origin;
-- * every version of every record of these registries (their history; the audit trail records who).
-- Row-level security and the service's access come from vigil_secure_schema (migrate.ts runs it).

-- Nothing wrote it: AEO status now comes from aeo_authorisation, at the filing's date.
ALTER TABLE operator DROP COLUMN aeo_type;

CREATE TABLE registered_operator (
  authority    text NOT NULL,
  eori         text NOT NULL,
  name         text NOT NULL,
  street       text,
  city         text,
  postcode     text,
  country      text NOT NULL,
  valid_from   date NOT NULL,
  valid_until  date,
  version      int NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (eori, authority)
);
CREATE INDEX registered_operator_by_name ON registered_operator (authority, lower(name) text_pattern_ops);

CREATE TABLE aeo_authorisation (
  authority    text NOT NULL,
  number       text NOT NULL,
  eori         text NOT NULL,
  type         text NOT NULL CHECK (type IN ('AEOC', 'AEOS', 'AEOF')),
  status       text NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked')),
  status_from  date NOT NULL,
  valid_from   date NOT NULL,
  valid_until  date,
  version      int NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (number, authority)
);
-- The assessment's probe: the authorisations of the EORIs a batch of filings names.
CREATE INDEX aeo_authorisation_by_eori ON aeo_authorisation (eori, authority);

CREATE TABLE mra (
  authority        text NOT NULL,
  id               text NOT NULL,
  partner_country  text NOT NULL,
  programme        text NOT NULL,
  covers           text[] NOT NULL,
  flows            text[] NOT NULL,
  valid_from       date NOT NULL,
  valid_until      date,
  version          int NOT NULL,
  updated_at       timestamptz NOT NULL,
  PRIMARY KEY (id, authority)
);

-- A partner programme's operator, by the identifier its filings carry in the party's identification
-- number (the field an EORI goes in): one identifier is one operator of one programme.
CREATE TABLE mra_partner_operator (
  authority    text NOT NULL,
  partner_id   text NOT NULL,
  mra_id       text NOT NULL,
  name         text NOT NULL,
  status       text NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked')),
  status_from  date NOT NULL,
  valid_from   date NOT NULL,
  valid_until  date,
  version      int NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (partner_id, authority)
);
CREATE INDEX mra_partner_operator_by_mra ON mra_partner_operator (mra_id, authority, partner_id);

CREATE TABLE certificate (
  authority       text NOT NULL,
  id              text NOT NULL,
  type            text NOT NULL,
  document_code   text NOT NULL,
  number          text NOT NULL,
  issuer          text NOT NULL,
  holder_eori     text,
  goods_prefixes  text[] NOT NULL,
  origin          text,
  quantity        numeric(24, 6),
  -- What is left to write off: never below zero, whatever the code does (a refused write-off is one
  -- that would have made it so).
  remaining       numeric(24, 6) CHECK (remaining >= 0),
  unit            text,
  valid_from      date NOT NULL,
  valid_until     date,
  status          text NOT NULL CHECK (status IN ('valid', 'cancelled')),
  version         int NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (id, authority),
  CHECK ((quantity IS NULL) = (remaining IS NULL)),
  UNIQUE (authority, document_code, number)
);
CREATE INDEX certificate_by_holder ON certificate (authority, holder_eori);

-- Each certificate a goods item cites, per filing version: written off (its quantity taken from the
-- certificate in the registration's transaction), released (given back when the filing was amended or
-- invalidated), or refused (why, as a stable code; nothing was taken).
CREATE TABLE certificate_use (
  authority       text NOT NULL,
  mrn             text NOT NULL,
  version         int NOT NULL,
  consignment     int NOT NULL,
  item            int NOT NULL,
  document        int NOT NULL,
  document_code   text NOT NULL,
  number          text NOT NULL,
  certificate_id  text,
  quantity        numeric(24, 6),
  unit            text,
  status          text NOT NULL CHECK (status IN ('written-off', 'released', 'refused')),
  code            text,
  message         text NOT NULL,
  used_at         timestamptz NOT NULL,
  released_at     timestamptz,
  PRIMARY KEY (mrn, version, consignment, item, document, authority)
);
CREATE INDEX certificate_use_by_certificate ON certificate_use (certificate_id, authority, used_at);

-- Measures that require a certificate: goods under a code prefix from an origin (a country, a
-- country group, or '*' for any) need a certificate of a type.
CREATE TABLE certificate_requirement (
  authority         text NOT NULL,
  id                text NOT NULL,
  goods_prefix      text NOT NULL,
  origin            text NOT NULL,
  certificate_type  text NOT NULL,
  description       text NOT NULL,
  valid_from        date NOT NULL,
  valid_until       date,
  version           int NOT NULL,
  updated_at        timestamptz NOT NULL,
  PRIMARY KEY (id, authority)
);

-- Every version of every record of the registries above: the history routes read it. `subject` is
-- what a record belongs to (an operator's EORI for its AEO authorisations, a certificate's id).
CREATE TABLE registry_version (
  -- The order changes were made in (several records change at one instant in an import).
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  authority  text NOT NULL,
  registry   text NOT NULL,
  record_id  text NOT NULL,
  subject    text NOT NULL,
  version    int NOT NULL,
  action     text NOT NULL,
  data       jsonb NOT NULL,
  actor      text NOT NULL,
  at         timestamptz NOT NULL,
  import_id  text,
  PRIMARY KEY (registry, record_id, version, authority)
);
CREATE INDEX registry_version_by_subject ON registry_version (subject, authority, seq);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON registered_operator, aeo_authorisation, mra, mra_partner_operator, certificate,
      certificate_use, certificate_requirement, registry_version FROM vigil_app;
    GRANT SELECT, INSERT, UPDATE ON registered_operator, aeo_authorisation, mra, mra_partner_operator,
      certificate, certificate_use, certificate_requirement TO vigil_app;
    -- History is appended, never changed.
    GRANT SELECT, INSERT ON registry_version TO vigil_app;
  END IF;
END
$$;
