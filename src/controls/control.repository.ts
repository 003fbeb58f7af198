/**
 * SQL of the controls feature: control tasks and the officers' queue, results with their supersession
 * chain, the operators' compliance counters recomputed from current results, the outbox event that
 * tells others about a result, and the per-version statistics of a rule. Every query is scoped by
 * authority; the caller passes the transaction to run in.
 */
import type { Queryable } from '../store/database.ts';
import type {
  PendingResult,
  ControlResult,
  ControlTask,
  ControlTaskType,
  DetectionMethod,
  ResultKind,
  RuleRef,
  TaskParty,
  TaskSource,
  TaskStatus,
} from './control.schema.ts';

interface TaskRow {
  id: string;
  authority: string;
  mrn: string;
  version: number;
  seq: number;
  office: string;
  control_type: ControlTaskType;
  source: TaskSource;
  reason: string;
  rule_refs: RuleRef[];
  status: TaskStatus;
  assignee: string | null;
  due_at: Date;
  created_at: Date;
  updated_at: Date;
  parties: TaskParty[];
}

/** A task as stored, with the parties whose history its result feeds. */
export interface StoredTask extends ControlTask {
  readonly parties: readonly TaskParty[];
}

const iso = (d: Date | string): string => new Date(d).toISOString();

const toTask = (r: TaskRow): StoredTask => ({
  id: r.id,
  authority: r.authority,
  mrn: r.mrn,
  version: r.version,
  seq: r.seq,
  office: r.office,
  controlType: r.control_type,
  source: r.source,
  reason: r.reason,
  ruleRefs: r.rule_refs,
  status: r.status,
  assignee: r.assignee,
  dueAt: iso(r.due_at),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  parties: r.parties,
});

interface ResultRow {
  id: string;
  task_id: string;
  mrn: string;
  seq: number;
  result: ResultKind;
  details: Record<string, unknown>;
  method: DetectionMethod;
  remarks: string | null;
  recorded_by: string;
  recorded_at: Date;
  supersedes: string | null;
  superseded_by: string | null;
  reason: string | null;
  approved_by: string | null;
}

interface PendingRow {
  id: string;
  task_id: string;
  supersedes: string;
  result: ResultKind;
  details: Record<string, unknown>;
  method: DetectionMethod;
  remarks: string | null;
  reason: string;
  proposed_by: string;
  proposed_at: Date;
  status: 'pending' | 'approved' | 'rejected';
  decided_by: string | null;
  decided_at: Date | null;
}

const toPending = (r: PendingRow): PendingResult => ({
  id: r.id,
  taskId: r.task_id,
  supersedes: r.supersedes,
  result: r.result,
  details: r.details,
  method: r.method,
  remarks: r.remarks,
  reason: r.reason,
  proposedBy: r.proposed_by,
  proposedAt: iso(r.proposed_at),
  status: r.status,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at !== null ? iso(r.decided_at) : null,
});

const toResult = (r: ResultRow): ControlResult => ({
  id: r.id,
  taskId: r.task_id,
  mrn: r.mrn,
  seq: r.seq,
  result: r.result,
  details: r.details,
  method: r.method,
  remarks: r.remarks,
  recordedBy: r.recorded_by,
  recordedAt: iso(r.recorded_at),
  supersedes: r.supersedes,
  supersededBy: r.superseded_by,
  current: r.superseded_by === null,
  reason: r.reason ?? null,
  approvedBy: r.approved_by ?? null,
});

/**
 * Results in the order they were made: each original, then the corrections that followed it (the
 * chain of `supersedes`), whatever the clock said; recording time only orders separate chains.
 */
function inChainOrder(results: readonly ControlResult[]): ControlResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const out: ControlResult[] = [];
  for (const start of results.filter((r) => r.supersedes === null || !byId.has(r.supersedes))) {
    for (
      let r: ControlResult | undefined = start;
      r !== undefined;
      r = r.supersededBy !== null ? byId.get(r.supersededBy) : undefined
    ) {
      out.push(r);
    }
  }
  return out;
}

export interface NewTask {
  readonly id: string;
  readonly authority: string;
  readonly mrn: string;
  readonly version: number;
  readonly seq: number;
  readonly office: string;
  readonly controlType: ControlTaskType;
  readonly source: TaskSource;
  readonly reason: string;
  readonly ruleRefs: readonly RuleRef[];
  readonly parties: readonly TaskParty[];
  readonly dueAt: Date;
  readonly at: Date;
  /**
   * The probability that the consignment was selected for this control (1 for risk and analysts'
   * choices, the random rate for a random one): training weighs the result by its inverse.
   */
  readonly selectionProbability?: number | undefined;
}

/**
 * A controlled consignment with its current result, as training reads it (a published query): the
 * consignment (the filing version the task is for), the filing's header facts, how it was selected
 * and what was found.
 */
export interface LabelledConsignmentRow {
  readonly task_id: string;
  readonly mrn: string;
  readonly seq: number;
  readonly source: string;
  readonly selection_probability: number | null;
  readonly result: ResultKind;
  readonly category: string | null;
  readonly irregularity: string | null;
  readonly recorded_at: Date;
  readonly lodged_at: Date;
  readonly filing_type: string;
  readonly office: string;
  readonly declarant: string;
  readonly transport: unknown;
  readonly master: unknown;
  readonly consignment: unknown;
}

export interface NewResult {
  readonly id: string;
  readonly authority: string;
  readonly taskId: string;
  readonly mrn: string;
  readonly seq: number;
  readonly result: ResultKind;
  readonly details: Readonly<Record<string, unknown>>;
  readonly method: DetectionMethod;
  readonly remarks: string | undefined;
  readonly recordedBy: string;
  readonly at: Date;
  readonly supersedes: string | undefined;
  readonly reason?: string | undefined;
  readonly approvedBy?: string | undefined;
}

export interface NewPendingResult {
  readonly id: string;
  readonly authority: string;
  readonly taskId: string;
  readonly supersedes: string;
  readonly result: ResultKind;
  readonly details: Readonly<Record<string, unknown>>;
  readonly method: DetectionMethod;
  readonly remarks: string | undefined;
  readonly reason: string;
  readonly proposedBy: string;
  readonly at: Date;
}

export interface QueueFilter {
  readonly office?: string | undefined;
  readonly statuses: readonly TaskStatus[];
  readonly assignee?: string | undefined;
  /** Keyset cursor: tasks strictly after (dueAt, id). */
  readonly after?: { readonly dueAt: string; readonly id: string } | undefined;
  readonly limit: number;
}

/** Counts of one rule version over a period (see `ControlRepository.ruleStats`). */
export interface RuleVersionCounts {
  readonly version: number;
  readonly status: string;
  readonly createdAt: string;
  readonly assessed: number;
  readonly hits: number;
  readonly finalHits: number;
  readonly dismissed: number;
  readonly tasks: number;
  readonly controls: number;
  readonly irregularities: number;
  readonly seizures: number;
  readonly noIrregularity: number;
  readonly dutyAtStake: number;
  readonly taxAtStake: number;
}

const TASK_COLUMNS = `id, authority, mrn, version, seq, office, control_type, source, reason, rule_refs, status,
  assignee, due_at, created_at, updated_at, parties`;

/** A control that an imported label records: one task and its result. */
export interface ImportedControl {
  readonly authority: string;
  /** The declaration's id (the task's `mrn`). */
  readonly id: string;
  readonly office: string;
  /** When the control happened (the declaration's date). */
  readonly at: Date;
  readonly reason: string;
  readonly parties: readonly { role: 'consignee' | 'consignor'; key: string; name: string }[];
  readonly result: 'no-irregularity' | 'irregularity' | 'seizure';
  readonly details: Readonly<Record<string, unknown>>;
  readonly recordedBy: string;
}

export class ControlRepository {
  // ---- tasks ----------------------------------------------------------------------------------

  /** Stores a task unless (mrn, version, seq) has one already; returns whether it was stored. */
  async insertTask(tx: Queryable, t: NewTask): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO control_task (id, authority, mrn, version, seq, office, control_type, source, reason, rule_refs,
         status, due_at, created_at, updated_at, parties, operator_keys, selection_probability)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'open',$11,$12,$12,$13,$14,$15)
       ON CONFLICT (mrn, version, seq) DO NOTHING`,
      [
        t.id,
        t.authority,
        t.mrn,
        t.version,
        t.seq,
        t.office,
        t.controlType,
        t.source,
        t.reason,
        JSON.stringify(t.ruleRefs),
        t.dueAt,
        t.at,
        JSON.stringify(t.parties),
        [...new Set(t.parties.map((p) => p.key))],
        t.selectionProbability ?? null,
      ],
    );
    return r.rowCount > 0;
  }

  /**
   * A page of the authority's controlled consignments that have a current result, lodged before
   * `until`, in task id order after `after` (keyset paging: each page is one index range scan).
   * Entry summaries only: controls of import declarations have no filing.
   */
  async labelledConsignments(
    q: Queryable,
    authority: string,
    options: { readonly until: Date; readonly after: string; readonly limit: number },
  ): Promise<LabelledConsignmentRow[]> {
    const r = await q.query<LabelledConsignmentRow>(
      `SELECT t.id AS task_id, t.mrn, t.seq, t.source, t.selection_probability, cr.result,
         cr.details->>'category' AS category, cr.details->>'type' AS irregularity, cr.recorded_at,
         f.lodged_at, f.filing_type, f.office_of_first_entry AS office, f.declarant_eori AS declarant,
         b.body->'transport' AS transport, b.body->'masterConsignment' AS master,
         b.body->'consignments'->t.seq AS consignment
       FROM control_task t
       JOIN control_result cr ON cr.task_id = t.id AND cr.superseded_by IS NULL
       JOIN filing f ON f.mrn = t.mrn AND f.authority = t.authority
       CROSS JOIN LATERAL (
         SELECT CASE WHEN f.version = t.version THEN f.body
           ELSE coalesce((SELECT fv.body FROM filing_version fv WHERE fv.mrn = t.mrn AND fv.version = t.version), f.body)
         END AS body
       ) b
       WHERE t.authority = $1 AND t.id > $2 AND f.lodged_at < $3
       ORDER BY t.id
       LIMIT $4`,
      [authority, options.after, options.until, options.limit],
    );
    return r.rows;
  }

  async task(
    tx: Queryable,
    authority: string,
    id: string,
    forUpdate = false,
  ): Promise<StoredTask | undefined> {
    const r = await tx.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM control_task WHERE authority = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [authority, id],
    );
    return r.rows[0] !== undefined ? toTask(r.rows[0]) : undefined;
  }

  async taskFor(
    tx: Queryable,
    authority: string,
    mrn: string,
    version: number,
    seq: number,
    forUpdate = false,
  ): Promise<StoredTask | undefined> {
    const r = await tx.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM control_task WHERE authority = $1 AND mrn = $2 AND version = $3 AND seq = $4
       ${forUpdate ? 'FOR UPDATE' : ''}`,
      [authority, mrn, version, seq],
    );
    return r.rows[0] !== undefined ? toTask(r.rows[0]) : undefined;
  }

  /** Cancels every open or assigned task of a filing (it was invalidated). */
  async cancelOpenOf(tx: Queryable, authority: string, mrn: string, at: Date): Promise<number> {
    const r = await tx.query(
      `UPDATE control_task SET status = 'cancelled', updated_at = $3
       WHERE authority = $1 AND mrn = $2 AND status IN ('open', 'assigned')`,
      [authority, mrn, at],
    );
    return r.rowCount;
  }

  /** Cancels the open tasks of earlier versions of a consignment (a new assessment replaces them). */
  async cancelEarlierVersions(
    tx: Queryable,
    authority: string,
    mrn: string,
    seq: number,
    version: number,
    at: Date,
  ): Promise<number> {
    const r = await tx.query(
      `UPDATE control_task SET status = 'cancelled', updated_at = $5
       WHERE authority = $1 AND mrn = $2 AND seq = $3 AND version < $4 AND status IN ('open', 'assigned')`,
      [authority, mrn, seq, version, at],
    );
    return r.rowCount;
  }

  /**
   * The open or assigned task of an earlier version of a consignment (locked): an amendment carries
   * it to the new version instead of cancelling it.
   */
  async activeEarlierTask(
    tx: Queryable,
    authority: string,
    mrn: string,
    seq: number,
    version: number,
  ): Promise<StoredTask | undefined> {
    const r = await tx.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM control_task
       WHERE authority = $1 AND mrn = $2 AND seq = $3 AND version < $4 AND status IN ('open', 'assigned')
       ORDER BY version DESC LIMIT 1 FOR UPDATE`,
      [authority, mrn, seq, version],
    );
    return r.rows[0] !== undefined ? toTask(r.rows[0]) : undefined;
  }

  /** Moves a task to a newer version of its consignment; status and assignee stay as they are. */
  async carryToVersion(
    tx: Queryable,
    id: string,
    version: number,
    t: Pick<NewTask, 'controlType' | 'reason' | 'ruleRefs' | 'dueAt' | 'at'>,
  ): Promise<void> {
    await tx.query(
      `UPDATE control_task SET version = $2, control_type = $3, reason = $4, rule_refs = $5, due_at = $6,
         updated_at = $7
       WHERE id = $1`,
      [id, version, t.controlType, t.reason, JSON.stringify(t.ruleRefs), t.dueAt, t.at],
    );
  }

  /** The open and assigned tasks of a filing (locked), before they are cancelled. */
  async activeOf(tx: Queryable, authority: string, mrn: string): Promise<StoredTask[]> {
    const r = await tx.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM control_task
       WHERE authority = $1 AND mrn = $2 AND status IN ('open', 'assigned') ORDER BY id FOR UPDATE`,
      [authority, mrn],
    );
    return r.rows.map(toTask);
  }

  /** Whether any control of the filing has a result: the goods were presented and controlled. */
  async hasResult(tx: Queryable, authority: string, mrn: string): Promise<boolean> {
    const r = await tx.query(`SELECT 1 FROM control_result WHERE authority = $1 AND mrn = $2 LIMIT 1`, [
      authority,
      mrn,
    ]);
    return r.rows.length > 0;
  }

  async setStatus(tx: Queryable, id: string, status: TaskStatus, at: Date): Promise<void> {
    await tx.query(`UPDATE control_task SET status = $2, updated_at = $3 WHERE id = $1`, [id, status, at]);
  }

  async assign(tx: Queryable, id: string, assignee: string, at: Date): Promise<void> {
    await tx.query(
      `UPDATE control_task SET status = 'assigned', assignee = $2, updated_at = $3 WHERE id = $1`,
      [id, assignee, at],
    );
  }

  async addRuleRef(tx: Queryable, id: string, ref: RuleRef, at: Date): Promise<void> {
    await tx.query(
      `UPDATE control_task SET rule_refs = rule_refs || $2::jsonb, updated_at = $3 WHERE id = $1`,
      [id, JSON.stringify([ref]), at],
    );
  }

  /** Moves an open task to another office or type of control (an analyst's referral chose them). */
  async retarget(
    tx: Queryable,
    id: string,
    t: Pick<NewTask, 'office' | 'controlType' | 'at'>,
  ): Promise<boolean> {
    const r = await tx.query(
      `UPDATE control_task SET office = $2, control_type = $3, updated_at = $4 WHERE id = $1 AND status = 'open'`,
      [id, t.office, t.controlType, t.at],
    );
    return r.rowCount > 0;
  }

  /** Opens a cancelled task again for a new reason (an analyst confirmed a hit after all). */
  async reopen(
    tx: Queryable,
    id: string,
    t: Pick<NewTask, 'office' | 'controlType' | 'source' | 'reason' | 'ruleRefs' | 'dueAt' | 'at'>,
  ): Promise<void> {
    await tx.query(
      // Reopened by an analyst's confirmation: selected with certainty.
      `UPDATE control_task SET status = 'open', assignee = NULL, office = $2, control_type = $3, source = $4,
         reason = $5, rule_refs = $6, due_at = $7, updated_at = $8, selection_probability = 1
       WHERE id = $1 AND status = 'cancelled'`,
      [id, t.office, t.controlType, t.source, t.reason, JSON.stringify(t.ruleRefs), t.dueAt, t.at],
    );
  }

  /** The queue: tasks by due time, then id; one more than `limit` tells there is a next page. */
  async queue(tx: Queryable, authority: string, f: QueueFilter): Promise<StoredTask[]> {
    // Spelled out for the active statuses, so the partial index of active tasks (0019) serves the
    // page whatever the plan, without reading the done ones.
    const active = f.statuses.every((s) => s === 'open' || s === 'assigned')
      ? ` AND status IN ('open', 'assigned')`
      : '';
    const r = await tx.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM control_task
       WHERE authority = $1 AND status = ANY($2::text[])${active}
         AND ($3::text IS NULL OR office = $3) AND ($4::text IS NULL OR assignee = $4)
         AND ($5::timestamptz IS NULL OR (due_at, id) > ($5::timestamptz, $6::text))
       ORDER BY due_at, id LIMIT $7`,
      [
        authority,
        f.statuses,
        f.office ?? null,
        f.assignee ?? null,
        f.after?.dueAt ?? null,
        f.after?.id ?? null,
        f.limit,
      ],
    );
    return r.rows.map(toTask);
  }

  /** The earliest-due open task of an office, locked so two callers never take the same one. */
  async nextOpen(tx: Queryable, authority: string, office: string): Promise<StoredTask | undefined> {
    const r = await tx.query<TaskRow>(
      `SELECT ${TASK_COLUMNS} FROM control_task WHERE authority = $1 AND office = $2 AND status = 'open'
       ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [authority, office],
    );
    return r.rows[0] !== undefined ? toTask(r.rows[0]) : undefined;
  }

  /** Open assigned tasks per officer (officers with none are listed with 0). */
  async workload(
    tx: Queryable,
    authority: string,
    officers: readonly string[],
  ): Promise<Map<string, number>> {
    const r = await tx.query<{ officer: string; n: number }>(
      `SELECT o.officer, count(t.id)::int AS n FROM unnest($2::text[]) AS o(officer)
       LEFT JOIN control_task t ON t.authority = $1 AND t.assignee = o.officer AND t.status = 'assigned'
       GROUP BY o.officer`,
      [authority, officers],
    );
    return new Map(r.rows.map((w) => [w.officer, w.n]));
  }

  /** Officers who have been assigned a task of this office or recorded one of its results. */
  async officersOf(tx: Queryable, authority: string, office: string): Promise<string[]> {
    const r = await tx.query<{ officer: string }>(
      `SELECT assignee AS officer FROM control_task WHERE authority = $1 AND office = $2 AND assignee IS NOT NULL
       UNION
       SELECT r.recorded_by FROM control_result r JOIN control_task t ON t.id = r.task_id
       WHERE t.authority = $1 AND t.office = $2
       ORDER BY 1`,
      [authority, office],
    );
    return r.rows.map((o) => o.officer);
  }

  // ---- results --------------------------------------------------------------------------------

  async results(tx: Queryable, authority: string, taskId: string): Promise<ControlResult[]> {
    const r = await tx.query<ResultRow>(
      `SELECT * FROM control_result WHERE authority = $1 AND task_id = $2 ORDER BY recorded_at, id`,
      [authority, taskId],
    );
    return inChainOrder(r.rows.map(toResult));
  }

  async result(tx: Queryable, authority: string, id: string): Promise<ControlResult | undefined> {
    const r = await tx.query<ResultRow>(`SELECT * FROM control_result WHERE authority = $1 AND id = $2`, [
      authority,
      id,
    ]);
    return r.rows[0] !== undefined ? toResult(r.rows[0]) : undefined;
  }

  /** Marks a current result as superseded; false when it was superseded already. */
  async markSuperseded(tx: Queryable, id: string, by: string): Promise<boolean> {
    const r = await tx.query(
      `UPDATE control_result SET superseded_by = $2 WHERE id = $1 AND superseded_by IS NULL`,
      [id, by],
    );
    return r.rowCount > 0;
  }

  async insertResult(tx: Queryable, r: NewResult): Promise<void> {
    await tx.query(
      `INSERT INTO control_result (id, authority, task_id, mrn, seq, result, details, method, remarks, recorded_by,
         recorded_at, supersedes, reason, approved_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
      [
        r.id,
        r.authority,
        r.taskId,
        r.mrn,
        r.seq,
        r.result,
        JSON.stringify(r.details),
        r.method,
        r.remarks ?? null,
        r.recordedBy,
        r.at,
        r.supersedes ?? null,
        r.reason ?? null,
        r.approvedBy ?? null,
      ],
    );
  }

  // ---- downgrades awaiting a second official --------------------------------------------------

  /** Stores a pending downgrade; false when one for the same result already awaits a decision. */
  async insertPending(tx: Queryable, p: NewPendingResult): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO control_pending_result (id, authority, task_id, supersedes, result, details, method, remarks,
         reason, proposed_by, proposed_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
       ON CONFLICT (supersedes) WHERE status = 'pending' DO NOTHING`,
      [
        p.id,
        p.authority,
        p.taskId,
        p.supersedes,
        p.result,
        JSON.stringify(p.details),
        p.method,
        p.remarks ?? null,
        p.reason,
        p.proposedBy,
        p.at,
      ],
    );
    return r.rowCount > 0;
  }

  async pendingOf(tx: Queryable, authority: string, taskId: string): Promise<PendingResult[]> {
    const r = await tx.query<PendingRow>(
      `SELECT * FROM control_pending_result WHERE authority = $1 AND task_id = $2 ORDER BY proposed_at, id`,
      [authority, taskId],
    );
    return r.rows.map(toPending);
  }

  async pending(
    tx: Queryable,
    authority: string,
    id: string,
    forUpdate = false,
  ): Promise<PendingResult | undefined> {
    const r = await tx.query<PendingRow>(
      `SELECT * FROM control_pending_result WHERE authority = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [authority, id],
    );
    return r.rows[0] !== undefined ? toPending(r.rows[0]) : undefined;
  }

  async decidePending(
    tx: Queryable,
    id: string,
    status: 'approved' | 'rejected',
    by: string,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE control_pending_result SET status = $2, decided_by = $3, decided_at = $4
       WHERE id = $1 AND status = 'pending'`,
      [id, status, by, at],
    );
  }

  // ---- feedback -------------------------------------------------------------------------------

  /**
   * The compliance counters of these operators from the current results of every task that names
   * them: controls, irregularities and seizures (zero for an operator never controlled).
   */
  async complianceOf(
    tx: Queryable,
    authority: string,
    keys: readonly string[],
  ): Promise<{ key: string; controls: number; irregularities: number; seizures: number }[]> {
    const r = await tx.query<{ key: string; controls: number; irregularities: number; seizures: number }>(
      `SELECT k.key, count(r.id)::int AS controls,
         count(r.id) FILTER (WHERE r.result = 'irregularity')::int AS irregularities,
         count(r.id) FILTER (WHERE r.result = 'seizure')::int AS seizures
       FROM unnest($2::text[]) AS k(key)
       LEFT JOIN control_task t ON t.authority = $1 AND t.operator_keys @> ARRAY[k.key]
       LEFT JOIN control_result r ON r.task_id = t.id AND r.superseded_by IS NULL
       GROUP BY k.key`,
      [authority, keys],
    );
    return r.rows;
  }

  /**
   * Per consignment (`mrn/seq`) of the filings lodged in [from, to): it was controlled, and what the
   * current result found (a published query: backtests of rules read it).
   */
  async outcomesOfLodged(
    q: Queryable,
    authority: string,
    from: Date,
    to: Date,
  ): Promise<Map<string, { controlled: boolean; result?: string }>> {
    const r = await q.query<{ mrn: string; seq: number; result: string | null }>(
      `SELECT t.mrn, t.seq, cr.result FROM control_task t
         JOIN filing f ON f.mrn = t.mrn AND f.authority = t.authority
         LEFT JOIN control_result cr ON cr.task_id = t.id AND cr.superseded_by IS NULL
       WHERE t.authority = $1 AND f.lodged_at >= $2 AND f.lodged_at < $3 AND t.status <> 'cancelled'`,
      [authority, from, to],
    );
    const m = new Map<string, { controlled: boolean; result?: string }>();
    for (const row of r.rows) {
      m.set(
        `${row.mrn}/${row.seq}`,
        row.result !== null ? { controlled: true, result: row.result } : { controlled: true },
      );
    }
    return m;
  }

  // ---- rule statistics ------------------------------------------------------------------------

  /**
   * Per version of a rule, over consignments assessed in [from, to): assessments in the version's
   * window (from its creation to the next version's), automated hits, analysts' confirmations and
   * dismissals, control tasks it asked for and their current results. Empty when the rule is unknown.
   */
  async ruleStats(
    tx: Queryable,
    authority: string,
    ruleId: string,
    from: Date,
    to: Date,
  ): Promise<RuleVersionCounts[]> {
    const versions = await tx.query<{ version: number; status: string; created_at: Date }>(
      `SELECT version, status, created_at FROM rule WHERE authority = $1 AND id = $2 ORDER BY version`,
      [authority, ruleId],
    );
    if (versions.rows.length === 0) {
      return [];
    }
    const vs = versions.rows;
    const los = vs.map((v) => new Date(Math.max(from.getTime(), new Date(v.created_at).getTime())));
    const his = vs.map((_v, i) =>
      i + 1 < vs.length ? new Date(Math.min(to.getTime(), new Date(vs[i + 1]!.created_at).getTime())) : to,
    );
    const assessed = await tx.query<{ version: number; n: number }>(
      `SELECT w.version, (SELECT count(*)::int FROM assessment a
         WHERE a.authority = $1 AND a.assessed_at >= w.lo AND a.assessed_at < w.hi) AS n
       FROM unnest($2::int[], $3::timestamptz[], $4::timestamptz[]) AS w(version, lo, hi)`,
      [authority, vs.map((v) => v.version), los, his],
    );
    const hits = await tx.query<{ version: number; hits: number; final_hits: number; dismissed: number }>(
      `SELECT (h->>'version')::int AS version, count(*)::int AS hits,
         count(*) FILTER (WHERE r.decision = 'confirmed')::int AS final_hits,
         count(*) FILTER (WHERE r.decision = 'dismissed')::int AS dismissed
       FROM assessment a
       CROSS JOIN LATERAL jsonb_array_elements(a.hits) AS h
       LEFT JOIN hit_review r ON r.authority = a.authority AND r.mrn = a.mrn AND r.version = a.version
         AND r.seq = a.seq AND r.hit_id = $2
       WHERE a.authority = $1 AND a.assessed_at >= $3 AND a.assessed_at < $4
         AND a.hits @> jsonb_build_array(jsonb_build_object('source', 'rule', 'id', $2::text))
         AND h->>'source' = 'rule' AND h->>'id' = $2
       GROUP BY 1`,
      [authority, ruleId, from, to],
    );
    const controls = await tx.query<{
      version: number;
      tasks: number;
      controls: number;
      irregularities: number;
      seizures: number;
      no_irregularity: number;
      duty: number;
      tax: number;
    }>(
      `SELECT (ref->>'version')::int AS version, count(*)::int AS tasks, count(res.id)::int AS controls,
         count(*) FILTER (WHERE res.result = 'irregularity')::int AS irregularities,
         count(*) FILTER (WHERE res.result = 'seizure')::int AS seizures,
         count(*) FILTER (WHERE res.result = 'no-irregularity')::int AS no_irregularity,
         coalesce(sum((res.details->>'dutyAtStake')::numeric), 0)::float8 AS duty,
         coalesce(sum((res.details->>'taxAtStake')::numeric), 0)::float8 AS tax
       FROM control_task t
       JOIN assessment a ON a.mrn = t.mrn AND a.version = t.version AND a.seq = t.seq
       CROSS JOIN LATERAL jsonb_array_elements(t.rule_refs) AS ref
       LEFT JOIN control_result res ON res.task_id = t.id AND res.superseded_by IS NULL
       WHERE t.authority = $1 AND t.status <> 'cancelled'
         AND t.rule_refs @> jsonb_build_array(jsonb_build_object('id', $2::text))
         AND ref->>'id' = $2 AND a.assessed_at >= $3 AND a.assessed_at < $4
       GROUP BY 1`,
      [authority, ruleId, from, to],
    );
    return vs.map((v) => {
      const a = assessed.rows.find((x) => x.version === v.version);
      const h = hits.rows.find((x) => x.version === v.version);
      const c = controls.rows.find((x) => x.version === v.version);
      return {
        version: v.version,
        status: v.status,
        createdAt: iso(v.created_at),
        assessed: a?.n ?? 0,
        hits: h?.hits ?? 0,
        finalHits: h?.final_hits ?? 0,
        dismissed: h?.dismissed ?? 0,
        tasks: c?.tasks ?? 0,
        controls: c?.controls ?? 0,
        irregularities: c?.irregularities ?? 0,
        seizures: c?.seizures ?? 0,
        noIrregularity: c?.no_irregularity ?? 0,
        dutyAtStake: c?.duty ?? 0,
        taxAtStake: c?.tax ?? 0,
      };
    });
  }

  /**
   * Every rule of the authority at once, over consignments assessed in [from, to): automated hits
   * by UTC day with analysts' confirmations and dismissals, and the control tasks the rules asked
   * for with their current results (the counts of `ruleStats`, summed over versions). Rules with
   * neither are absent.
   */
  async ruleStatsSummary(
    tx: Queryable,
    authority: string,
    from: Date,
    to: Date,
  ): Promise<{
    hits: { rule: string; day: string; hits: number; finalHits: number; dismissed: number }[];
    controls: {
      rule: string;
      tasks: number;
      controls: number;
      irregularities: number;
      seizures: number;
      noIrregularity: number;
    }[];
  }> {
    const hits = await tx.query<{
      rule: string;
      day: string;
      hits: number;
      final_hits: number;
      dismissed: number;
    }>(
      `SELECT h->>'id' AS rule, to_char(a.assessed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         count(*)::int AS hits,
         count(*) FILTER (WHERE r.decision = 'confirmed')::int AS final_hits,
         count(*) FILTER (WHERE r.decision = 'dismissed')::int AS dismissed
       FROM assessment a
       CROSS JOIN LATERAL jsonb_array_elements(a.hits) AS h
       LEFT JOIN hit_review r ON r.authority = a.authority AND r.mrn = a.mrn AND r.version = a.version
         AND r.seq = a.seq AND r.hit_id = h->>'id'
       WHERE a.authority = $1 AND a.assessed_at >= $2 AND a.assessed_at < $3 AND h->>'source' = 'rule'
       GROUP BY 1, 2`,
      [authority, from, to],
    );
    const controls = await tx.query<{
      rule: string;
      tasks: number;
      controls: number;
      irregularities: number;
      seizures: number;
      no_irregularity: number;
    }>(
      `SELECT ref->>'id' AS rule, count(*)::int AS tasks, count(res.id)::int AS controls,
         count(*) FILTER (WHERE res.result = 'irregularity')::int AS irregularities,
         count(*) FILTER (WHERE res.result = 'seizure')::int AS seizures,
         count(*) FILTER (WHERE res.result = 'no-irregularity')::int AS no_irregularity
       FROM control_task t
       JOIN assessment a ON a.authority = t.authority AND a.mrn = t.mrn AND a.version = t.version
         AND a.seq = t.seq
       CROSS JOIN LATERAL jsonb_array_elements(t.rule_refs) AS ref
       LEFT JOIN control_result res ON res.task_id = t.id AND res.superseded_by IS NULL
       WHERE t.authority = $1 AND t.status <> 'cancelled' AND a.assessed_at >= $2 AND a.assessed_at < $3
       GROUP BY 1`,
      [authority, from, to],
    );
    return {
      hits: hits.rows.map((h) => ({
        rule: h.rule,
        day: h.day,
        hits: h.hits,
        finalHits: h.final_hits,
        dismissed: h.dismissed,
      })),
      controls: controls.rows.map((c) => ({
        rule: c.rule,
        tasks: c.tasks,
        controls: c.controls,
        irregularities: c.irregularities,
        seizures: c.seizures,
        noIrregularity: c.no_irregularity,
      })),
    };
  }

  /**
   * For each rule version, from its own `since` to `to`: the control tasks it asked for, by office,
   * with how many were controlled (a current result) and how many found an irregularity or made a
   * seizure (the noisy-rule cap, rule-caps feature). Versions without a task are absent.
   */
  async selectionsByRule(
    q: Queryable,
    authority: string,
    versions: readonly { readonly rule: string; readonly version: number; readonly since: Date }[],
    to: Date,
  ): Promise<
    { rule: string; version: number; office: string; selected: number; controls: number; positives: number }[]
  > {
    if (versions.length === 0) {
      return [];
    }
    const r = await q.query<{
      rule: string;
      version: number;
      office: string;
      selected: number;
      controls: number;
      positives: number;
    }>(
      // One pass over the tasks of the earliest window, each rule reference matched to its version.
      `SELECT w.rule, w.version, t.office, count(*)::int AS selected, count(res.id)::int AS controls,
         count(res.id) FILTER (WHERE res.result IN ('irregularity', 'seizure'))::int AS positives
       FROM control_task t
       CROSS JOIN LATERAL jsonb_array_elements(t.rule_refs) AS ref
       JOIN unnest($2::text[], $3::int[], $4::timestamptz[]) AS w(rule, version, since)
         ON ref->>'id' = w.rule AND (ref->>'version')::int = w.version AND t.created_at >= w.since
       LEFT JOIN control_result res ON res.task_id = t.id AND res.superseded_by IS NULL
       WHERE t.authority = $1 AND t.status <> 'cancelled' AND t.created_at >= $6 AND t.created_at <= $5
       GROUP BY 1, 2, 3`,
      [
        authority,
        versions.map((v) => v.rule),
        versions.map((v) => v.version),
        versions.map((v) => v.since),
        to,
        new Date(Math.min(...versions.map((v) => v.since.getTime()))),
      ],
    );
    return r.rows;
  }

  /** Consignments assessed in [from, to). */
  async assessedCount(tx: Queryable, authority: string, from: Date, to: Date): Promise<number> {
    const r = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM assessment WHERE authority = $1 AND assessed_at >= $2 AND assessed_at < $3`,
      [authority, from, to],
    );
    return r.rows[0]!.n;
  }

  /**
   * Records controls that already happened: a done task and its result per declaration. A
   * declaration that already has a task keeps it (the (mrn, version, seq) key), so a re-run adds
   * nothing. Returns how many tasks were created.
   */
  async insertImportedControls(
    tx: Queryable,
    controls: readonly ImportedControl[],
    now: Date,
  ): Promise<number> {
    if (controls.length === 0) {
      return 0;
    }
    const json = JSON.stringify(
      controls.map((c) => ({
        task_id: `${c.id}/control`,
        result_id: `${c.id}/control/result`,
        authority: c.authority,
        mrn: c.id,
        office: c.office,
        reason: c.reason,
        at: c.at.toISOString(),
        parties: c.parties,
        operator_keys: c.parties.map((p) => p.key),
        result: c.result,
        details: c.details,
        recorded_by: c.recordedBy,
      })),
    );
    const tasks = await tx.query<{ id: string }>(
      `INSERT INTO control_task (id, authority, mrn, version, seq, office, control_type, source, reason, rule_refs,
         status, assignee, due_at, created_at, updated_at, parties, operator_keys)
       SELECT x.task_id, x.authority, x.mrn, 1, 0, x.office, 'documentary', 'manual', x.reason, '[]'::jsonb,
         'done', x.recorded_by, x.at, x.at, $2, x.parties,
         ARRAY(SELECT jsonb_array_elements_text(x.operator_keys))
       FROM jsonb_to_recordset($1::jsonb) AS x(task_id text, authority text, mrn text, office text, reason text,
         at timestamptz, parties jsonb, operator_keys jsonb, recorded_by text)
       ON CONFLICT (mrn, version, seq) DO NOTHING
       RETURNING id`,
      [json, now],
    );
    if (tasks.rows.length === 0) {
      return 0;
    }
    await tx.query(
      `INSERT INTO control_result (id, authority, task_id, mrn, seq, result, details, method, remarks, recorded_by, recorded_at)
       SELECT x.result_id, x.authority, x.task_id, x.mrn, 0, x.result, x.details, 'documentary', NULL, x.recorded_by, x.at
       FROM jsonb_to_recordset($1::jsonb) AS x(result_id text, task_id text, authority text, mrn text, result text,
         details jsonb, recorded_by text, at timestamptz)
       WHERE x.task_id = ANY($2::text[])`,
      [json, tasks.rows.map((t) => t.id)],
    );
    return tasks.rows.length;
  }
}
