/**
 * SQL of the noisy-rule cap (table rule_cap, migration 0041): caps decided, standing caps for the
 * assessments, the latest lift of each rule version, and lifting. Caps are never deleted.
 */
import type { Queryable } from '../store/database.ts';
import type { RuleCapFigures, RuleCapReason } from './rule-cap-decision.ts';

export interface RuleCap {
  readonly id: string;
  readonly rule: string;
  readonly version: number;
  readonly reason: RuleCapReason;
  readonly explanation: string;
  readonly figures: RuleCapFigures;
  readonly since: string;
  readonly liftedAt?: string | undefined;
  readonly liftedBy?: string | undefined;
  readonly liftReason?: string | undefined;
}

interface CapRow {
  id: string;
  rule_id: string;
  version: number;
  reason: RuleCapReason;
  figures: RuleCapFigures & { explanation?: string };
  since: Date | string;
  lifted_at: Date | string | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

const iso = (d: Date | string): string => new Date(d).toISOString();

function toCap(r: CapRow): RuleCap {
  const { explanation, ...figures } = r.figures;
  return {
    id: r.id,
    rule: r.rule_id,
    version: r.version,
    reason: r.reason,
    explanation: explanation ?? '',
    figures,
    since: iso(r.since),
    ...(r.lifted_at !== null ? { liftedAt: iso(r.lifted_at) } : {}),
    ...(r.lifted_by !== null ? { liftedBy: r.lifted_by } : {}),
    ...(r.lift_reason !== null ? { liftReason: r.lift_reason } : {}),
  };
}

const COLUMNS = 'id, rule_id, version, reason, figures, since, lifted_at, lifted_by, lift_reason';

export class RuleCapRepository {
  /** Stores a cap unless the rule version has a standing one; returns whether it was stored. */
  async insert(tx: Queryable, authority: string, cap: RuleCap): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO rule_cap (id, authority, rule_id, version, reason, figures, since)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (authority, rule_id, version) WHERE lifted_at IS NULL DO NOTHING`,
      [
        cap.id,
        authority,
        cap.rule,
        cap.version,
        cap.reason,
        JSON.stringify({ ...cap.figures, explanation: cap.explanation }),
        cap.since,
      ],
    );
    return r.rowCount > 0;
  }

  /** Caps standing now (not lifted). */
  async standing(q: Queryable, authority: string): Promise<RuleCap[]> {
    const r = await q.query<CapRow>(
      `SELECT ${COLUMNS} FROM rule_cap WHERE authority = $1 AND lifted_at IS NULL ORDER BY rule_id, version`,
      [authority],
    );
    return r.rows.map(toCap);
  }

  /** Caps, standing and lifted, newest first; of one rule when given. */
  async list(
    q: Queryable,
    authority: string,
    filter: {
      readonly rule?: string | undefined;
      readonly standing?: boolean | undefined;
      readonly limit: number;
    },
  ): Promise<RuleCap[]> {
    const where = ['authority = $1'];
    const args: unknown[] = [authority];
    if (filter.rule !== undefined) {
      args.push(filter.rule);
      where.push(`rule_id = $${args.length}`);
    }
    if (filter.standing === true) {
      where.push('lifted_at IS NULL');
    } else if (filter.standing === false) {
      where.push('lifted_at IS NOT NULL');
    }
    args.push(filter.limit);
    const r = await q.query<CapRow>(
      `SELECT ${COLUMNS} FROM rule_cap WHERE ${where.join(' AND ')} ORDER BY since DESC, id LIMIT $${args.length}`,
      args,
    );
    return r.rows.map(toCap);
  }

  async find(q: Queryable, authority: string, id: string): Promise<RuleCap | undefined> {
    const r = await q.query<CapRow>(`SELECT ${COLUMNS} FROM rule_cap WHERE authority = $1 AND id = $2`, [
      authority,
      id,
    ]);
    return r.rows[0] === undefined ? undefined : toCap(r.rows[0]);
  }

  /** The latest lift of each rule version ever lifted, keyed `rule@version`. */
  async lastLifts(q: Queryable, authority: string): Promise<Map<string, Date>> {
    const r = await q.query<{ rule_id: string; version: number; at: Date | string }>(
      `SELECT rule_id, version, max(lifted_at) AS at FROM rule_cap
       WHERE authority = $1 AND lifted_at IS NOT NULL GROUP BY 1, 2`,
      [authority],
    );
    return new Map(r.rows.map((x) => [`${x.rule_id}@${x.version}`, new Date(x.at)]));
  }

  /** Lifts a standing cap; returns whether it stood. */
  async lift(
    tx: Queryable,
    authority: string,
    id: string,
    by: string,
    reason: string,
    at: Date,
  ): Promise<boolean> {
    const r = await tx.query(
      `UPDATE rule_cap SET lifted_at = $3, lifted_by = $4, lift_reason = $5
       WHERE authority = $1 AND id = $2 AND lifted_at IS NULL`,
      [authority, id, at, by, reason],
    );
    return r.rowCount > 0;
  }
}
