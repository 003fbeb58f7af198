-- Control integrity and filer linkage (issue 15, findings 6, 7 and 9).
--
-- A correction of a control result says why (`reason`); a result that took effect after a second
-- official approved it names them (`approved_by`). A downgrade of a seizure waits in
-- control_pending_result until another official of the authority approves or rejects it: it is not a
-- control_result until then, so the operators' history and rule statistics (which read only current
-- control results) follow the effective result alone.
ALTER TABLE control_result ADD COLUMN reason text;
ALTER TABLE control_result ADD COLUMN approved_by text;

CREATE TABLE control_pending_result (
  id           text PRIMARY KEY,
  authority    text NOT NULL,
  task_id      text NOT NULL REFERENCES control_task (id),
  supersedes   text NOT NULL REFERENCES control_result (id),
  result       text NOT NULL CHECK (result IN ('no-irregularity', 'irregularity', 'seizure')),
  details      jsonb NOT NULL,
  method       text NOT NULL,
  remarks      text,
  reason       text NOT NULL,
  proposed_by  text NOT NULL,
  proposed_at  timestamptz NOT NULL,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by   text,
  decided_at   timestamptz
);
-- At most one downgrade of a result awaits a decision at a time.
CREATE UNIQUE INDEX control_pending_result_open ON control_pending_result (supersedes) WHERE status = 'pending';
CREATE INDEX control_pending_result_by_task ON control_pending_result (authority, task_id);

-- A master filer's consent that another filer's house consignments link to its master consignments.
-- Linkage across filers happens only with it; the house filer never learns the master's MRN.
CREATE TABLE filing_link_consent (
  authority   text NOT NULL,
  master_mrn  text NOT NULL,
  house_filer text NOT NULL,
  granted_by  text NOT NULL,
  granted_at  timestamptz NOT NULL,
  PRIMARY KEY (master_mrn, house_filer)
);
CREATE INDEX filing_link_consent_by_authority ON filing_link_consent (authority, master_mrn);

-- Row-level security as for every table with authority data (0008).
ALTER TABLE control_pending_result ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON control_pending_result
  USING (authority = current_setting('vigil.authority', true))
  WITH CHECK (authority = current_setting('vigil.authority', true));
ALTER TABLE filing_link_consent ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON filing_link_consent
  USING (authority = current_setting('vigil.authority', true))
  WITH CHECK (authority = current_setting('vigil.authority', true));

-- The application role: a pending result is inserted and then decided (updated), never deleted;
-- a consent is inserted and read.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigil_app') THEN
    REVOKE ALL ON control_pending_result, filing_link_consent FROM vigil_app;
    GRANT SELECT, INSERT, UPDATE ON control_pending_result TO vigil_app;
    GRANT SELECT, INSERT ON filing_link_consent TO vigil_app;
  END IF;
END
$$;
