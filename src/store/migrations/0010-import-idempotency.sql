-- Import declarations are idempotent on (authority, filer, LRN): a client's retry of the same LRN
-- gets the declaration lodged the first time. Declarations stored twice before this migration keep
-- the LRN on the earliest only, so the unique index can be built over existing data.
ALTER TABLE import_declaration ADD COLUMN lrn text;

UPDATE import_declaration d SET lrn = d.body->>'lrn'
WHERE d.body ? 'lrn'
  AND NOT EXISTS (
    SELECT 1 FROM import_declaration e
    WHERE e.authority = d.authority AND e.lodged_by = d.lodged_by AND e.body->>'lrn' = d.body->>'lrn'
      AND (e.lodged_at, e.id) < (d.lodged_at, d.id)
  );

CREATE UNIQUE INDEX import_declaration_lrn ON import_declaration (authority, lodged_by, lrn)
  WHERE lrn IS NOT NULL;
