/**
 * SQL of the model store: model files versioned per authority in the `model` table, one of them
 * active. Versions are numbered 1, 2, 3 … per authority under an advisory lock, so two imports at
 * once cannot take the same number.
 */
import type { Queryable } from '../store/database.ts';

export interface ModelRow {
  readonly authority: string;
  readonly version: number;
  readonly kind: 'kcs-gbdt';
  readonly sha256: string;
  readonly features: readonly string[];
  readonly trainingWindow: unknown;
  readonly evaluation: unknown;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly active: boolean;
  readonly activatedAt: string | null;
}

interface DbRow {
  authority: string;
  version: number;
  kind: 'kcs-gbdt';
  sha256: string;
  features: string[];
  training_window: unknown;
  evaluation: unknown;
  created_by: string;
  created_at: Date;
  active: boolean;
  activated_at: Date | null;
}

const COLUMNS = `authority, version, kind, sha256, features, training_window, evaluation, created_by, created_at, active, activated_at`;

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
});

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
      `INSERT INTO model (authority, version, kind, sha256, features, training_window, evaluation, body, created_by, created_at)
       SELECT $1, coalesce(max(version), 0) + 1, 'kcs-gbdt', $2, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8
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
      ],
    );
    return toRow(r.rows[0]!);
  }

  /** Makes `version` the active model; returns it, or undefined when there is no such version. */
  async activate(tx: Queryable, authority: string, version: number, at: Date): Promise<ModelRow | undefined> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`model/${authority}`]);
    const exists = await tx.query(`SELECT 1 FROM model WHERE authority = $1 AND version = $2`, [
      authority,
      version,
    ]);
    if (exists.rows.length === 0) {
      return undefined;
    }
    await tx.query(`UPDATE model SET active = false WHERE authority = $1 AND active AND version <> $2`, [
      authority,
      version,
    ]);
    const r = await tx.query<DbRow>(
      `UPDATE model SET active = true, activated_at = CASE WHEN active THEN activated_at ELSE $3 END
       WHERE authority = $1 AND version = $2 RETURNING ${COLUMNS}`,
      [authority, version, at],
    );
    return toRow(r.rows[0]!);
  }

  async activeVersion(q: Queryable, authority: string): Promise<number | undefined> {
    const r = await q.query<{ version: number }>(
      `SELECT version FROM model WHERE authority = $1 AND active`,
      [authority],
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
