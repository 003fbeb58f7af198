-- Intake: authorities, the instance's signing key, filings with their consignments and versions,
-- and the transactional outbox that carries "ready for assessment" events to the risk engine.

CREATE TABLE instance_secret (
  id          int PRIMARY KEY CHECK (id = 1),
  jwt_secret  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE authority (
  code        text PRIMARY KEY CHECK (code ~ '^[A-Z]{2,4}$'),
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE filing (
  mrn                    text PRIMARY KEY,
  authority              text NOT NULL,
  filer                  text NOT NULL,
  lrn                    text NOT NULL,
  filing_type            text NOT NULL,
  part                   text NOT NULL CHECK (part IN ('complete', 'master', 'house')),
  mode                   text NOT NULL,
  declarant_eori         text NOT NULL,
  carrier_eori           text,
  office_of_first_entry  text NOT NULL,
  status                 text NOT NULL CHECK (status IN ('registered', 'incomplete', 'invalidated')),
  version                int NOT NULL DEFAULT 1,
  body                   jsonb NOT NULL,
  warnings               jsonb NOT NULL DEFAULT '[]',
  lodged_at              timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  invalidated_at         timestamptz,
  invalidation_reason    text,
  UNIQUE (authority, filer, lrn)
);
CREATE INDEX filing_by_authority ON filing (authority, lodged_at DESC, mrn DESC);
CREATE INDEX filing_by_filer ON filing (authority, filer, lodged_at DESC, mrn DESC);

-- Superseded versions of a filing's data (the current one is in filing.body).
CREATE TABLE filing_version (
  mrn          text NOT NULL REFERENCES filing (mrn),
  version      int NOT NULL,
  authority    text NOT NULL,
  body         jsonb NOT NULL,
  recorded_at  timestamptz NOT NULL,
  PRIMARY KEY (mrn, version)
);

-- One row per consignment; house rows link to their master consignment (multiple filing).
CREATE TABLE consignment (
  mrn              text NOT NULL REFERENCES filing (mrn),
  seq              int NOT NULL,
  authority        text NOT NULL,
  carrier_eori     text,
  doc_type         text NOT NULL,
  doc_ref          text NOT NULL,
  master_doc_ref   text,
  master_mrn       text,
  master_seq       int,
  complete         boolean NOT NULL,
  PRIMARY KEY (mrn, seq)
);
CREATE INDEX consignment_by_master_doc ON consignment (authority, carrier_eori, master_doc_ref)
  WHERE master_doc_ref IS NOT NULL;
CREATE INDEX consignment_by_doc ON consignment (authority, carrier_eori, doc_ref);

CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  authority     text NOT NULL,
  topic         text NOT NULL,
  key           text NOT NULL,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE processed_at IS NULL;
