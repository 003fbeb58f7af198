/**
 * SQL of the signals learned from control results: the marks results leave (result_mark) and each
 * authority's settings of the signals (result_signal_setting). Every query is scoped by authority.
 */
import type { Queryable } from '../store/database.ts';
import type { ResultMark, ResultSignalId, ResultSignalSetting } from './result-signals.ts';

interface MarkRow {
  key: string;
  task_id: string;
  mrn: string;
  role: 'consignee' | 'consignor' | null;
  result: 'irregularity' | 'seizure';
  category: string | null;
  quantity: string | number | null;
  unit: string | null;
  irregularity: string | null;
  recorded_at: Date | string;
}

export interface StoredSetting extends ResultSignalSetting {
  readonly signal: ResultSignalId;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

export class ResultSignalRepository {
  /** Replaces the marks of a control task's result (a corrected result marks anew, or not at all). */
  async replaceMarks(
    tx: Queryable,
    authority: string,
    taskId: string,
    marks: readonly ResultMark[],
  ): Promise<void> {
    await tx.query(`DELETE FROM result_mark WHERE task_id = $1 AND authority = $2`, [taskId, authority]);
    if (marks.length === 0) {
      return;
    }
    const col = <T>(f: (m: ResultMark) => T): T[] => marks.map(f);
    await tx.query(
      `INSERT INTO result_mark (authority, key, task_id, mrn, role, result, category, quantity, unit, irregularity, recorded_at)
       SELECT $1, k, $2, m, r, res, cat, q, u, irr, at
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::text[], $10::text[], $11::timestamptz[])
         AS x(k, m, r, res, cat, q, u, irr, at)
       ON CONFLICT (key, authority, task_id) DO NOTHING`,
      [
        authority,
        taskId,
        col((m) => m.key),
        col((m) => m.mrn),
        col((m) => m.role ?? null),
        col((m) => m.result),
        col((m) => m.category ?? null),
        col((m) => m.quantity ?? null),
        col((m) => m.unit ?? null),
        col((m) => m.irregularityType ?? null),
        col((m) => m.recordedAt),
      ],
    );
  }

  /** The marks on these keys recorded since `since`, by key: one primary-key range probe per key. */
  async marks(
    tx: Queryable,
    authority: string,
    keys: readonly string[],
    since: Date,
  ): Promise<Map<string, ResultMark[]>> {
    const out = new Map<string, ResultMark[]>();
    if (keys.length === 0) {
      return out;
    }
    const r = await tx.query<MarkRow>(
      `SELECT m.* FROM unnest($2::text[]) AS u(key)
       CROSS JOIN LATERAL (SELECT key, task_id, mrn, role, result, category, quantity, unit, irregularity, recorded_at
                           FROM result_mark WHERE key = u.key AND authority = $1 AND recorded_at >= $3
                           ORDER BY recorded_at DESC LIMIT 50) m`,
      [authority, [...new Set(keys)], since],
    );
    for (const row of r.rows) {
      const mark: ResultMark = {
        key: row.key,
        taskId: row.task_id,
        mrn: row.mrn,
        ...(row.role !== null ? { role: row.role } : {}),
        result: row.result,
        ...(row.category !== null ? { category: row.category } : {}),
        ...(row.quantity !== null ? { quantity: Number(row.quantity) } : {}),
        ...(row.unit !== null ? { unit: row.unit } : {}),
        ...(row.irregularity !== null ? { irregularityType: row.irregularity } : {}),
        recordedAt: new Date(row.recorded_at),
      };
      const list = out.get(row.key);
      if (list === undefined) {
        out.set(row.key, [mark]);
      } else {
        list.push(mark);
      }
    }
    return out;
  }

  /** Whether the authority has any mark at all (an authority without results pays no lookup). */
  async anyMark(tx: Queryable, authority: string): Promise<boolean> {
    const r = await tx.query<{ one: number }>(
      `SELECT 1 AS one FROM result_mark WHERE authority = $1 LIMIT 1`,
      [authority],
    );
    return r.rows.length > 0;
  }

  async settings(tx: Queryable, authority: string): Promise<StoredSetting[]> {
    const r = await tx.query<{
      signal: ResultSignalId;
      enabled: boolean;
      weight: number;
      days: number;
      updated_by: string;
      updated_at: Date | string;
    }>(
      `SELECT signal, enabled, weight, days, updated_by, updated_at FROM result_signal_setting WHERE authority = $1`,
      [authority],
    );
    return r.rows.map((s) => ({
      signal: s.signal,
      enabled: s.enabled,
      weight: s.weight,
      days: s.days,
      updatedBy: s.updated_by,
      updatedAt: new Date(s.updated_at),
    }));
  }

  async putSetting(
    tx: Queryable,
    authority: string,
    signal: ResultSignalId,
    s: ResultSignalSetting,
    by: string,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO result_signal_setting (authority, signal, enabled, weight, days, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (signal, authority) DO UPDATE SET enabled = EXCLUDED.enabled, weight = EXCLUDED.weight,
         days = EXCLUDED.days, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [authority, signal, s.enabled, s.weight, s.days, by, at],
    );
  }
}
