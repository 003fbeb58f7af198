-- Import declarations (H1 standard, H7 low-value e-commerce) with their lanes, each office's daily
-- control capacity, and the fraud-ranking models versioned per authority (one active at a time).

CREATE TABLE import_declaration (
  authority     text NOT NULL,
  id            text NOT NULL,
  type          text NOT NULL CHECK (type IN ('H1', 'H7')),
  office        text NOT NULL,
  -- 'api' (lodged through the API) or 'kcs' (history imported from the Korea Customs Service data).
  source        text NOT NULL,
  lodged_by     text NOT NULL,
  lodged_at     timestamptz NOT NULL,
  -- The declaration's own date (the KCS rows carry dates from the past).
  declared_on   date NOT NULL,
  body          jsonb NOT NULL,
  -- 0–100: the active model's fraud probability × 100; null when no model scored it.
  score         double precision,
  -- Null for imported history: those declarations were controlled outside Vigil's lanes.
  lane          text CHECK (lane IN ('green', 'yellow', 'red', 'blue')),
  lane_reason   text,
  lane_random   boolean NOT NULL DEFAULT false,
  model_version int,
  random        jsonb,
  assessed_at   timestamptz,
  PRIMARY KEY (authority, id)
);
-- Capacity counts today's red and yellow lanes of an office.
CREATE INDEX import_declaration_lanes ON import_declaration (authority, office, assessed_at, lane);
-- Listing pages newest first.
CREATE INDEX import_declaration_recent ON import_declaration (authority, lodged_at DESC, id DESC);

CREATE TABLE office_capacity (
  authority      text NOT NULL,
  office         text NOT NULL,
  red_per_day    int NOT NULL CHECK (red_per_day >= 0),
  yellow_per_day int NOT NULL CHECK (yellow_per_day >= 0),
  updated_by     text NOT NULL,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (authority, office)
);

CREATE TABLE model (
  authority       text NOT NULL,
  version         int NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('kcs-gbdt')),
  -- SHA-256 of the model file as imported: importing the same file again returns its version.
  sha256          text NOT NULL,
  features        jsonb NOT NULL,
  training_window jsonb NOT NULL,
  evaluation      jsonb,
  body            jsonb NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  active          boolean NOT NULL DEFAULT false,
  activated_at    timestamptz,
  PRIMARY KEY (authority, version),
  UNIQUE (authority, sha256)
);
-- At most one active model per authority.
CREATE UNIQUE INDEX model_one_active ON model (authority) WHERE active;
