-- The learned model in the live loop (issue 12, points 1–3).
--
-- * Entry-summary models ('ens-gbdt', trained from Vigil's own control results) are stored beside the
--   import declarations' KCS models, one active per authority and kind, each with its model card:
--   data window, label counts, metrics on the evaluation window, features, training time, and the
--   champion–challenger decision taken when it was trained.
-- * A control task records the probability that its consignment was selected (1 for a control asked
--   for by risk or by an analyst, the random rate for a random one), so that training can weight each
--   label by the inverse of it. Tasks created before this have none: training infers it from the
--   task's source (docs/model.md).

ALTER TABLE model DROP CONSTRAINT IF EXISTS model_kind_check;
ALTER TABLE model ADD CONSTRAINT model_kind_check CHECK (kind IN ('kcs-gbdt', 'ens-gbdt'));
ALTER TABLE model ADD COLUMN card jsonb;
DROP INDEX model_one_active;
-- At most one active model per authority and kind.
CREATE UNIQUE INDEX model_one_active ON model (authority, kind) WHERE active;

ALTER TABLE control_task ADD COLUMN selection_probability double precision
  CHECK (selection_probability > 0 AND selection_probability <= 1);
