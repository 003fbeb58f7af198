-- Retention (docs/operations.md, "Retention"): when the purge job pseudonymised a record's parties
-- or reduced its body to the facts indicators need, so that each record is done once and a run's
-- counts say what it changed. Partial indexes find what is still due without reading the rest.
ALTER TABLE filing ADD COLUMN parties_pseudonymised_at timestamptz;
ALTER TABLE filing ADD COLUMN body_reduced_at timestamptz;
ALTER TABLE import_declaration ADD COLUMN parties_pseudonymised_at timestamptz;
ALTER TABLE import_declaration ADD COLUMN body_reduced_at timestamptz;
ALTER TABLE control_task ADD COLUMN parties_pseudonymised_at timestamptz;
ALTER TABLE operator ADD COLUMN name_pseudonymised_at timestamptz;

CREATE INDEX filing_parties_due ON filing (lodged_at) WHERE parties_pseudonymised_at IS NULL;
CREATE INDEX filing_body_due ON filing (lodged_at) WHERE body_reduced_at IS NULL;
CREATE INDEX import_declaration_parties_due ON import_declaration (lodged_at) WHERE parties_pseudonymised_at IS NULL;
CREATE INDEX import_declaration_body_due ON import_declaration (lodged_at) WHERE body_reduced_at IS NULL;
CREATE INDEX control_task_parties_due ON control_task (created_at) WHERE parties_pseudonymised_at IS NULL;
CREATE INDEX watchlist_entry_added ON watchlist_entry (authority, added_at);
