-- Import declarations can be amended (a new version; the lane can only be raised, never re-drawn)
-- and invalidated by the filer who lodged them.
ALTER TABLE import_declaration ADD COLUMN version int NOT NULL DEFAULT 1;
ALTER TABLE import_declaration ADD COLUMN amended_at timestamptz;
ALTER TABLE import_declaration ADD COLUMN invalidated_at timestamptz;
ALTER TABLE import_declaration ADD COLUMN invalidation_reason text;
