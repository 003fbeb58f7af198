/**
 * SQL of the model store: model files versioned per authority in the `model` table, one of each kind
 * active (the KCS model of import declarations, the entry-summary model), each with its model card;
 * and the history of activations (`model_activation`) that a rollback reads. Versions are numbered
 * 1, 2, 3 … per authority under an advisory lock, so two imports at once cannot take the same number.
 */
import type { Queryable } from '../store/database.ts';

export type ModelKind = 'kcs-gbdt' | 'ens-gbdt';

export interface ModelRow {
  readonly authority: string;
  readonly version: number;
  readonly kind: ModelKind;
  readonly sha256: string;
  readonly features: readonly string[];
  readonly trainingWindow: unknown;
  readonly evaluation: unknown;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly active: boolean;
  readonly activatedAt: string | null;
  /** The model card (entry-summary models): data window, labels, metrics, features, decision. */
  readonly card: unknown;
}

interface DbRow {
  authority: string;
  version: number;
  kind: ModelKind;
  sha256: string;
  features: string[];
  training_window: unknown;
  evaluation: unknown;
  created_by: string;
  created_at: Date;
  active: boolean;
  activated_at: Date | null;
  card: unknown;
}

const COLUMNS = `authority, version, kind, sha256, features, training_window, evaluation, created_by, created_at, active, activated_at, card`;

const toRow = (r: DbRow): ModelRow => ({
  authority: r.authority,
  version: r.version,
  kind: r.kind,
  sha256: r.sha256,
  features: r.features,
  trainingWindow: r.training_window,
  evaluation: r.evaluation,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
  active: r.active,
  activatedAt: r.activated_at === null ? null : new Date(r.activated_at).toISOString(),
  card: r.card ?? null,
});

/** One change of the active model. */
export interface ModelActivation {
  readonly authority: string;
  readonly kind: ModelKind;
  readonly version: number | null;
  readonly previous: number | null;
  readonly action: 'promoted' | 'kept' | 'activated' | 'rolled-back';
  readonly reason: string;
  readonly actor: string;
  readonly at: Date;
}

export interface NewModel {
  readonly authority: string;
  readonly sha256: string;
  readonly features: readonly string[];
  readonly trainingWindow: unknown;
  readonly evaluation: unknown;
  /** The model file as JSON text. */
  readonly body: string;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly kind?: ModelKind | undefined;
  readonly card?: unknown;
}

export class ModelRepository {
  async findBySha(tx: Queryable, authority: string, sha256: string): Promise<ModelRow | undefined> {
    const r = await tx.query<DbRow>(`SELECT ${COLUMNS} FROM model WHERE authority = $1 AND sha256 = $2`, [
      authority,
      sha256,
    ]);
    return r.rows[0] === undefined ? undefined : toRow(r.rows[0]);
  }

  async insert(tx: Queryable, m: NewModel): Promise<ModelRow> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`model/${m.authority}`]);
    const r = await tx.query<DbRow>(
      `INSERT INTO model (authority, version, kind, sha256, features, training_window, evaluation, body, created_by, created_at, card)
       SELECT $1, coalesce(max(version), 0) + 1, $9, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, $10::jsonb
       FROM model WHERE authority = $1
       RETURNING ${COLUMNS}`,
      [
        m.authority,
        m.sha256,
        JSON.stringify(m.features),
        JSON.stringify(m.trainingWindow),
        JSON.stringify(m.evaluation),
        m.body,
        m.createdBy,
        m.createdAt,
        m.kind ?? 'kcs-gbdt',
        m.card === undefined ? null : JSON.stringify(m.card),
      ],
    );
    return toRow(r.rows[0]!);
  }

  /**
   * Makes `version` the active model of its kind; returns it, or undefined when there is no such
   * version.
   */
  async activate(tx: Queryable, authority: string, version: number, at: Date): Promise<ModelRow | undefined> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`model/${authority}`]);
    const exists = await tx.query<{ kind: ModelKind }>(
      `SELECT kind FROM model WHERE authority = $1 AND version = $2`,
      [authority, version],
    );
    const kind = exists.rows[0]?.kind;
    if (kind === undefined) {
      return undefined;
    }
    await tx.query(
      `UPDATE model SET active = false WHERE authority = $1 AND kind = $3 AND active AND version <> $2`,
      [authority, version, kind],
    );
    const r = await tx.query<DbRow>(
      `UPDATE model SET active = true, activated_at = CASE WHEN active THEN activated_at ELSE $3 END
       WHERE authority = $1 AND version = $2 RETURNING ${COLUMNS}`,
      [authority, version, at],
    );
    return toRow(r.rows[0]!);
  }

  /** Leaves no model of `kind` active. */
  async deactivate(tx: Queryable, authority: string, kind: ModelKind): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`model/${authority}`]);
    await tx.query(`UPDATE model SET active = false WHERE authority = $1 AND kind = $2 AND active`, [
      authority,
      kind,
    ]);
  }

  async recordActivation(tx: Queryable, a: ModelActivation): Promise<void> {
    await tx.query(
      `INSERT INTO model_activation (authority, kind, version, previous, action, reason, actor, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [a.authority, a.kind, a.version, a.previous, a.action, a.reason, a.actor, a.at],
    );
  }

  /** The changes of the active model of `kind` that made one active, newest first. */
  async activations(
    q: Queryable,
    authority: string,
    kind: ModelKind,
    limit = 50,
  ): Promise<ModelActivation[]> {
    const r = await q.query<{
      version: number | null;
      previous: number | null;
      action: ModelActivation['action'];
      reason: string;
      actor: string;
      at: Date;
    }>(
      `SELECT version, previous, action, reason, actor, at FROM model_activation
       WHERE authority = $1 AND kind = $2 ORDER BY id DESC LIMIT $3`,
      [authority, kind, limit],
    );
    return r.rows.map((x) => ({ authority, kind, ...x, at: new Date(x.at) }));
  }

  /** One stored version with its card. */
  async row(q: Queryable, authority: string, version: number): Promise<ModelRow | undefined> {
    const r = await q.query<DbRow>(`SELECT ${COLUMNS} FROM model WHERE authority = $1 AND version = $2`, [
      authority,
      version,
    ]);
    return r.rows[0] === undefined ? undefined : toRow(r.rows[0]);
  }

  async activeVersion(
    q: Queryable,
    authority: string,
    kind: ModelKind = 'kcs-gbdt',
  ): Promise<number | undefined> {
    const r = await q.query<{ version: number }>(
      `SELECT version FROM model WHERE authority = $1 AND kind = $2 AND active`,
      [authority, kind],
    );
    return r.rows[0]?.version;
  }

  /** The model file of a version, as stored. */
  async body(q: Queryable, authority: string, version: number): Promise<unknown> {
    const r = await q.query<{ body: unknown }>(
      `SELECT body FROM model WHERE authority = $1 AND version = $2`,
      [authority, version],
    );
    return r.rows[0]?.body;
  }

  async list(q: Queryable, authority: string): Promise<ModelRow[]> {
    const r = await q.query<DbRow>(`SELECT ${COLUMNS} FROM model WHERE authority = $1 ORDER BY version`, [
      authority,
    ]);
    return r.rows.map(toRow);
  }
}
