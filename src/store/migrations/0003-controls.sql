-- Controls: tasks for offices, created from confirmed hits, control recommendations and random
-- selections; results recorded by officers, immutable, corrected by superseding records.

CREATE TABLE control_task (
  id           text PRIMARY KEY,
  authority    text NOT NULL,
  mrn          text NOT NULL,
  version      int NOT NULL,
  seq          int NOT NULL,
  office       text NOT NULL,
  control_type text NOT NULL,
  source       text NOT NULL CHECK (source IN ('risk', 'random', 'exploration', 'manual')),
  reason       text NOT NULL,
  rule_refs    jsonb NOT NULL DEFAULT '[]',
  status       text NOT NULL CHECK (status IN ('open', 'assigned', 'done', 'cancelled')),
  assignee     text,
  due_at       timestamptz NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  UNIQUE (mrn, version, seq)
);
CREATE INDEX control_task_queue ON control_task (authority, office, status, due_at);

CREATE TABLE control_result (
  id              text PRIMARY KEY,
  authority       text NOT NULL,
  task_id         text NOT NULL REFERENCES control_task (id),
  mrn             text NOT NULL,
  seq             int NOT NULL,
  result          text NOT NULL CHECK (result IN ('no-irregularity', 'irregularity', 'seizure')),
  details         jsonb NOT NULL,
  method          text NOT NULL,
  remarks         text,
  recorded_by     text NOT NULL,
  recorded_at     timestamptz NOT NULL,
  supersedes      text REFERENCES control_result (id),
  superseded_by   text
);
CREATE INDEX control_result_by_task ON control_result (authority, task_id);
CREATE INDEX control_result_by_mrn ON control_result (authority, mrn, seq);
