-- Controls, part two: the parties of a controlled consignment on its task (so an operator's compliance
-- history is recomputed from current results without re-parsing filings), indexes for the queue,
-- workload and rule statistics, and results made immutable in the database too: a result row may only
-- be marked superseded (once); every other change and every delete is rejected.

-- [{ role, key, name, eori }] of the consignee and consignor; operator_keys are their distinct keys.
ALTER TABLE control_task ADD COLUMN parties jsonb NOT NULL DEFAULT '[]';
ALTER TABLE control_task ADD COLUMN operator_keys text[] NOT NULL DEFAULT '{}';

-- The queue pages by (due_at, id) within an authority, with or without an office.
CREATE INDEX control_task_due ON control_task (authority, due_at, id);
-- Workload: open assigned tasks per officer.
CREATE INDEX control_task_by_assignee ON control_task (authority, assignee, status) WHERE assignee IS NOT NULL;
-- Operator history: tasks naming an operator.
CREATE INDEX control_task_by_operator ON control_task USING gin (operator_keys);
-- Rule statistics: tasks a rule asked for (rule_refs @> '[{"id": …}]').
CREATE INDEX control_task_by_rule ON control_task USING gin (rule_refs jsonb_path_ops);

-- One current result per task, and a result is corrected at most once.
CREATE UNIQUE INDEX control_result_current ON control_result (task_id) WHERE superseded_by IS NULL;
CREATE UNIQUE INDEX control_result_supersedes ON control_result (supersedes) WHERE supersedes IS NOT NULL;

-- The function body stays on one line because migrations are split on semicolons at line ends.
CREATE FUNCTION control_result_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP <> 'UPDATE' THEN RAISE EXCEPTION 'control results are immutable: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege'; END IF; IF OLD.superseded_by IS NOT NULL OR NEW.superseded_by IS NULL OR (NEW.id, NEW.authority, NEW.task_id, NEW.mrn, NEW.seq, NEW.result, NEW.details, NEW.method, NEW.remarks, NEW.recorded_by, NEW.recorded_at, NEW.supersedes) IS DISTINCT FROM (OLD.id, OLD.authority, OLD.task_id, OLD.mrn, OLD.seq, OLD.result, OLD.details, OLD.method, OLD.remarks, OLD.recorded_by, OLD.recorded_at, OLD.supersedes) THEN RAISE EXCEPTION 'control results are immutable: only superseded_by may be set, once' USING ERRCODE = 'insufficient_privilege'; END IF; RETURN NEW; END $$;

CREATE TRIGGER control_result_immutable BEFORE UPDATE OR DELETE ON control_result
  FOR EACH ROW EXECUTE FUNCTION control_result_guard();

CREATE TRIGGER control_result_no_truncate BEFORE TRUNCATE ON control_result
  FOR EACH STATEMENT EXECUTE FUNCTION control_result_guard();
