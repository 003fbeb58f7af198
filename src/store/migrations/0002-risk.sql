-- Risk: versioned rules, watchlists, assessments with their explanation and outcome, analysts'
-- reviews of hits, the filer's notifications, operator profiles, unit-value statistics and the
-- recorded random source.

CREATE TABLE rule (
  authority           text NOT NULL,
  id                  text NOT NULL,
  version             int NOT NULL,
  status              text NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
  title               text NOT NULL,
  risk_area           text NOT NULL,
  weight              double precision NOT NULL,
  severity            text NOT NULL,
  recommended_action  text NOT NULL,
  valid_from          timestamptz,
  valid_until         timestamptz,
  scope               jsonb NOT NULL,
  reason              text NOT NULL,
  condition           text NOT NULL,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL,
  PRIMARY KEY (authority, id, version)
);

CREATE TABLE watchlist (
  authority    text NOT NULL,
  name         text NOT NULL,
  subject      text NOT NULL,
  threshold    double precision,
  description  text NOT NULL DEFAULT '',
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (authority, name)
);

CREATE TABLE watchlist_entry (
  authority  text NOT NULL,
  list       text NOT NULL,
  value      text NOT NULL,
  note       text,
  PRIMARY KEY (authority, list, value)
);

CREATE TABLE assessment (
  authority      text NOT NULL,
  mrn            text NOT NULL,
  version        int NOT NULL,
  seq            int NOT NULL,
  score          double precision NOT NULL,
  outcome_kind   text NOT NULL,
  outcome        jsonb NOT NULL,
  hits           jsonb NOT NULL,
  errors         jsonb NOT NULL DEFAULT '[]',
  random         jsonb NOT NULL,
  model          jsonb,
  assessed_at    timestamptz NOT NULL,
  PRIMARY KEY (mrn, version, seq)
);
CREATE INDEX assessment_by_authority ON assessment (authority, assessed_at);
CREATE INDEX assessment_by_outcome ON assessment (authority, outcome_kind, assessed_at);

CREATE TABLE hit_review (
  authority   text NOT NULL,
  mrn         text NOT NULL,
  version     int NOT NULL,
  seq         int NOT NULL,
  hit_id      text NOT NULL,
  decision    text NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),
  reason      text,
  reviewer    text NOT NULL,
  reviewed_at timestamptz NOT NULL,
  PRIMARY KEY (mrn, version, seq, hit_id)
);

CREATE TABLE notification (
  id          bigserial PRIMARY KEY,
  authority   text NOT NULL,
  filer       text NOT NULL,
  mrn         text NOT NULL,
  kind        text NOT NULL,
  payload     jsonb NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX notification_by_filer ON notification (authority, filer, id);

CREATE TABLE rfi_response (
  authority     text NOT NULL,
  mrn           text NOT NULL,
  seq           int NOT NULL,
  responder     text NOT NULL,
  response      jsonb NOT NULL,
  responded_at  timestamptz NOT NULL,
  PRIMARY KEY (mrn, seq, responded_at)
);

CREATE TABLE operator (
  authority       text NOT NULL,
  key             text NOT NULL,
  eori            text,
  name            text NOT NULL,
  aeo_type        text,
  first_seen      timestamptz NOT NULL,
  last_seen       timestamptz NOT NULL,
  filings         int NOT NULL DEFAULT 0,
  controls        int NOT NULL DEFAULT 0,
  irregularities  int NOT NULL DEFAULT 0,
  seizures        int NOT NULL DEFAULT 0,
  PRIMARY KEY (authority, key)
);

CREATE TABLE unit_value_stats (
  authority     text NOT NULL,
  hs6           text NOT NULL,
  origin        text NOT NULL,
  n             int NOT NULL,
  median        double precision NOT NULL,
  mad           double precision NOT NULL,
  refreshed_at  timestamptz NOT NULL,
  PRIMARY KEY (authority, hs6, origin)
);

CREATE TABLE random_seed (
  authority   text PRIMARY KEY,
  seed_id     text NOT NULL,
  secret      text NOT NULL,
  created_at  timestamptz NOT NULL
);
