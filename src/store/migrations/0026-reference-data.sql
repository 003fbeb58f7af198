-- Reference data by date, shared by every authority (issue 13): the goods nomenclature (HS, CN,
-- TARIC) and the codelists filings are checked against. No authority column, so no row-level
-- security: every request may read it, admins import it (each import audited in the importer's chain).
CREATE TABLE reference_import (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  -- `bundled:<name>` for the data Vigil ships, else the file name given on import.
  source text NOT NULL,
  sha256 text NOT NULL,
  rows_read integer NOT NULL,
  rows_loaded integer NOT NULL,
  rows_skipped integer NOT NULL,
  imported_by text NOT NULL,
  importer_authority text,
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reference_import_kind ON reference_import (kind, id);

-- One version of a code: valid from valid_from ('-infinity': since always) to valid_until (inclusive;
-- null: still valid). An import replaces the version with the same kind, code and valid_from.
CREATE TABLE reference_entry (
  kind text NOT NULL,
  code text NOT NULL,
  valid_from date NOT NULL DEFAULT '-infinity',
  valid_until date,
  description text NOT NULL,
  parent text,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  source text NOT NULL,
  import_id bigint NOT NULL REFERENCES reference_import (id),
  PRIMARY KEY (kind, code, valid_from),
  CHECK (valid_until IS NULL OR valid_until >= valid_from)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON reference_entry, reference_import FROM vigil_app;
    GRANT SELECT, INSERT, UPDATE ON reference_entry TO vigil_app;
    GRANT SELECT, INSERT ON reference_import TO vigil_app;
  END IF;
END
$$;
