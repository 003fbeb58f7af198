/**
 * SQL of joint operations (migration 0044): operations, participations and messages, plus the
 * read-only figures a participant's own records give for an operation (assessments, control tasks
 * and results, run in the participant's own scope so row-level security admits only its rows).
 * Row-level security decides what a transaction sees: the coordinator its operations, the
 * participations and the messages of them; a participant the operations naming it and its own
 * participation and messages.
 */
import type { Queryable } from '../store/database.ts';
import type {
  Criterion,
  Operation,
  OperationKind,
  OperationMessage,
  OperationScope,
  Participant,
} from './operation.schema.ts';

interface OperationRow {
  id: string;
  authority: string;
  kind: OperationKind;
  title: string;
  body: {
    objective: string;
    scope: OperationScope;
    criteria: Criterion[];
  };
  participants: string[];
  starts_at: Date;
  ends_at: Date;
  review_at: Date;
  created_by: string;
  created_at: Date;
}

interface ParticipantRow {
  operation_id: string;
  authority: string;
  state: 'invited' | 'accepted';
  liaison: Participant['liaisonOfficers'];
  rule_ids: string[];
  accepted_at: Date | null;
}

/** An operation as stored, before its phase (clock) and participations are added. */
export type StoredOperation = Omit<Operation, 'phase' | 'participants'> & {
  readonly participantCodes: readonly string[];
};

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

function toStored(r: OperationRow): StoredOperation {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    objective: r.body.objective,
    coordinator: r.authority,
    scope: r.body.scope,
    start: new Date(r.starts_at).toISOString(),
    end: new Date(r.ends_at).toISOString(),
    interimReview: new Date(r.review_at).toISOString(),
    criteria: r.body.criteria,
    participantCodes: r.participants,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

function toParticipant(r: ParticipantRow): Participant {
  return {
    authority: r.authority,
    state: r.state,
    liaisonOfficers: r.liaison,
    ruleIds: r.rule_ids,
    acceptedAt: iso(r.accepted_at),
  };
}

/** One consignment's latest assessment inside an operation's window, with what scope needs. */
export interface ScreenedRow {
  readonly mrn: string;
  readonly seq: number;
  readonly mode: string;
  readonly office: string;
  readonly hits: readonly { readonly id: string }[];
  readonly consignment: {
    readonly goods?: readonly { readonly hsCode?: string }[];
    readonly routing?: string[];
  } | null;
  readonly transportRouting: readonly string[] | null;
}

export interface ControlRow {
  readonly id: string;
  readonly controlType: string;
  readonly ruleIds: readonly string[];
}

export interface ResultRow {
  readonly taskId: string;
  readonly result: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export class OperationRepository {
  async insert(
    q: Queryable,
    op: StoredOperation,
    liaison: ReadonlyMap<string, Participant['liaisonOfficers']>,
  ): Promise<void> {
    await q.query(
      `INSERT INTO operation (id, authority, kind, title, body, participants, starts_at, ends_at, review_at,
         created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        op.id,
        op.coordinator,
        op.kind,
        op.title,
        JSON.stringify({ objective: op.objective, scope: op.scope, criteria: op.criteria }),
        op.participantCodes,
        op.start,
        op.end,
        op.interimReview,
        op.createdBy,
        op.createdAt,
      ],
    );
    for (const code of op.participantCodes) {
      await q.query(
        `INSERT INTO operation_participant (operation_id, authority, coordinator, state, liaison)
         VALUES ($1, $2, $3, 'invited', $4)`,
        [op.id, code, op.coordinator, JSON.stringify(liaison.get(code) ?? [])],
      );
    }
  }

  /** The operation if the transaction's authority coordinates it or is named as a participant. */
  async get(q: Queryable, id: string): Promise<StoredOperation | undefined> {
    const r = await q.query<OperationRow>('SELECT * FROM operation WHERE id = $1', [id]);
    return r.rows[0] === undefined ? undefined : toStored(r.rows[0]);
  }

  /** Operations the transaction's authority coordinates or takes part in, newest start first. */
  async list(q: Queryable, limit: number): Promise<StoredOperation[]> {
    const r = await q.query<OperationRow>('SELECT * FROM operation ORDER BY starts_at DESC, id LIMIT $1', [
      limit,
    ]);
    return r.rows.map(toStored);
  }

  /** Every participation of the operation: seen as its coordinator. */
  async participants(q: Queryable, id: string): Promise<Participant[]> {
    const r = await q.query<ParticipantRow>(
      'SELECT * FROM operation_participant WHERE operation_id = $1 ORDER BY authority',
      [id],
    );
    return r.rows.map(toParticipant);
  }

  /** The participation of the transaction's authority, locked for its acceptance. */
  async ownParticipation(q: Queryable, id: string, authority: string): Promise<Participant | undefined> {
    const r = await q.query<ParticipantRow>(
      'SELECT * FROM operation_participant WHERE operation_id = $1 AND authority = $2 FOR UPDATE',
      [id, authority],
    );
    return r.rows[0] === undefined ? undefined : toParticipant(r.rows[0]);
  }

  async accept(
    q: Queryable,
    id: string,
    authority: string,
    ruleIds: readonly string[],
    by: string,
    at: Date,
  ): Promise<void> {
    await q.query(
      `UPDATE operation_participant SET state = 'accepted', rule_ids = $3, accepted_by = $4, accepted_at = $5
       WHERE operation_id = $1 AND authority = $2`,
      [id, authority, ruleIds, by, at],
    );
  }

  /** Accepted participations of every authority (the service's view: which figures to send where). */
  async acceptedParticipations(
    q: Queryable,
  ): Promise<{ operation: string; authority: string; coordinator: string }[]> {
    const r = await q.query<{ operation_id: string; authority: string; coordinator: string }>(
      `SELECT p.operation_id, p.authority, p.coordinator FROM operation_participant p
       JOIN operation o ON o.id = p.operation_id
       WHERE p.state = 'accepted' ORDER BY p.operation_id, p.authority`,
    );
    return r.rows.map((x) => ({
      operation: x.operation_id,
      authority: x.authority,
      coordinator: x.coordinator,
    }));
  }

  /** Figures a participant's node sent for it (federation), kept by the coordinator's node. */
  async setRemoteFigures(
    q: Queryable,
    id: string,
    authority: string,
    figures: unknown,
    at: Date,
  ): Promise<number> {
    const r = await q.query(
      `UPDATE operation_participant SET remote_figures = $3, remote_figures_at = $4
       WHERE operation_id = $1 AND authority = $2 AND (remote_figures_at IS NULL OR remote_figures_at <= $4)`,
      [id, authority, JSON.stringify(figures), at],
    );
    return r.rowCount ?? 0;
  }

  async remoteFigures(q: Queryable, id: string): Promise<Map<string, unknown>> {
    const r = await q.query<{ authority: string; remote_figures: unknown }>(
      `SELECT authority, remote_figures FROM operation_participant
       WHERE operation_id = $1 AND remote_figures IS NOT NULL`,
      [id],
    );
    return new Map(r.rows.map((x) => [x.authority, x.remote_figures]));
  }

  async insertMessage(q: Queryable, m: OperationMessage, coordinator: string): Promise<void> {
    await q.query(
      `INSERT INTO operation_message (id, operation_id, authority, coordinator, kind, body, author, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [
        m.id,
        m.operation,
        m.from,
        coordinator,
        m.kind,
        JSON.stringify({ text: m.text, mrn: m.mrn, to: m.to }),
        m.author,
        m.at,
      ],
    );
  }

  /** The operation's messages: seen as its coordinator (every participant's). */
  async messages(q: Queryable, id: string, limit: number): Promise<OperationMessage[]> {
    const r = await q.query<{
      id: string;
      operation_id: string;
      authority: string;
      kind: OperationMessage['kind'];
      body: { text: string; mrn: string | null; to: string | null };
      author: string;
      at: Date;
    }>('SELECT * FROM operation_message WHERE operation_id = $1 ORDER BY at, id LIMIT $2', [id, limit]);
    return r.rows.map((m) => ({
      id: m.id,
      operation: m.operation_id,
      from: m.authority,
      author: m.author,
      kind: m.kind,
      text: m.body.text,
      mrn: m.body.mrn,
      to: m.body.to,
      at: new Date(m.at).toISOString(),
    }));
  }

  // ——— A participant's own figures (run in the participant's scope) ———

  /**
   * Each consignment the authority assessed in [from, to), at its latest assessment in the window,
   * with its filing's mode and office and the parts of its data the operation's scope looks at.
   */
  async screened(q: Queryable, authority: string, from: Date, to: Date): Promise<ScreenedRow[]> {
    const r = await q.query<{
      mrn: string;
      seq: number;
      mode: string;
      office: string;
      hits: { id: string }[];
      consignment: ScreenedRow['consignment'];
      transport_routing: string[] | null;
    }>(
      `SELECT a.mrn, a.seq, f.mode, f.office_of_first_entry AS office, a.hits,
              f.body->'consignments'->a.seq AS consignment, f.body->'transport'->'routing' AS transport_routing
         FROM (SELECT DISTINCT ON (mrn, seq) mrn, seq, hits FROM assessment
                WHERE authority = $1 AND assessed_at >= $2 AND assessed_at < $3
                ORDER BY mrn, seq, version DESC) a
         JOIN filing f ON f.mrn = a.mrn
        ORDER BY a.mrn, a.seq`,
      [authority, from, to],
    );
    return r.rows.map((x) => ({
      mrn: x.mrn,
      seq: x.seq,
      mode: x.mode,
      office: x.office,
      hits: x.hits,
      consignment: x.consignment,
      transportRouting: x.transport_routing,
    }));
  }

  /** The authority's control tasks that any of the rules selected (named in the task's rule refs). */
  async controlsOf(q: Queryable, authority: string, ruleIds: readonly string[]): Promise<ControlRow[]> {
    if (ruleIds.length === 0) {
      return [];
    }
    const r = await q.query<{ id: string; control_type: string; rule_refs: { id: string }[] }>(
      `SELECT id, control_type, rule_refs FROM control_task t
        WHERE authority = $1 AND status <> 'cancelled'
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(t.rule_refs) x WHERE x->>'id' = ANY ($2::text[]))
        ORDER BY id`,
      [authority, ruleIds],
    );
    return r.rows.map((t) => ({
      id: t.id,
      controlType: t.control_type,
      ruleIds: t.rule_refs.map((x) => x.id),
    }));
  }

  /** The current (not superseded) result of each of the tasks that has one. */
  async currentResults(q: Queryable, authority: string, taskIds: readonly string[]): Promise<ResultRow[]> {
    if (taskIds.length === 0) {
      return [];
    }
    const r = await q.query<{ task_id: string; result: string; details: Record<string, unknown> }>(
      `SELECT task_id, result, details FROM control_result
        WHERE authority = $1 AND task_id = ANY ($2::text[]) AND superseded_by IS NULL
        ORDER BY task_id, recorded_at`,
      [authority, taskIds],
    );
    return r.rows.map((x) => ({ taskId: x.task_id, result: x.result, details: x.details }));
  }
}
