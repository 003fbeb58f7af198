/**
 * SQL of common risk criteria (migration 0047): the published versions (table common_criterion,
 * owned by the coordinator, readable by the members they name) and each member's record of the rule
 * version that applies a criterion version (common_criterion_rule, owned by the member, readable by
 * the coordinator). Row-level security decides what a transaction sees.
 */
import type { Queryable } from '../store/database.ts';
import type { MemberRule, PublishedCriterion } from './common-criterion.schema.ts';

export class CommonCriterionRepository {
  /** Stores a version; false when (id, version) was there already (whoever published it). */
  async insert(q: Queryable, c: PublishedCriterion): Promise<boolean> {
    const r = await q.query(
      `INSERT INTO common_criterion (id, version, authority, kind, status, members, body, published_by, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id, version) DO NOTHING`,
      [
        c.id,
        c.version,
        c.coordinator,
        c.kind,
        c.status,
        c.members,
        JSON.stringify(c),
        c.publishedBy,
        c.publishedAt,
      ],
    );
    return r.rowCount > 0;
  }

  /** Serialises the versions of one criterion id. */
  async lock(q: Queryable, id: string): Promise<void> {
    await q.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`common-criterion/${id}`]);
  }

  /** Every version of a criterion the transaction may see, oldest first. */
  async versions(q: Queryable, id: string): Promise<PublishedCriterion[]> {
    const r = await q.query<{ body: PublishedCriterion }>(
      `SELECT body FROM common_criterion WHERE id = $1 ORDER BY version`,
      [id],
    );
    return r.rows.map((x) => x.body);
  }

  /** The latest version of each criterion the transaction may see, newest first. */
  async latest(q: Queryable, limit: number): Promise<PublishedCriterion[]> {
    const r = await q.query<{ body: PublishedCriterion }>(
      `SELECT body FROM (SELECT DISTINCT ON (id) body, published_at, id FROM common_criterion
         ORDER BY id, version DESC) x ORDER BY published_at DESC, id LIMIT $1`,
      [limit],
    );
    return r.rows.map((x) => x.body);
  }

  async recordRule(
    q: Queryable,
    member: string,
    c: Pick<PublishedCriterion, 'id' | 'version' | 'coordinator'>,
    rule: { id: string; version: number },
    at: Date,
  ): Promise<void> {
    await q.query(
      `INSERT INTO common_criterion_rule (authority, criterion_id, version, coordinator, rule_id, rule_version, applied_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [member, c.id, c.version, c.coordinator, rule.id, rule.version, at],
    );
  }

  /** Whether the member applied this version already. */
  async applied(q: Queryable, member: string, id: string, version: number): Promise<boolean> {
    const r = await q.query(
      `SELECT 1 FROM common_criterion_rule WHERE authority = $1 AND criterion_id = $2 AND version = $3`,
      [member, id, version],
    );
    return r.rows.length > 0;
  }

  /** Every version each member applied, oldest first (the coordinator's or a member's own). */
  async memberRules(q: Queryable, id: string): Promise<MemberRule[]> {
    const r = await q.query<{
      authority: string;
      version: number;
      rule_id: string;
      rule_version: number;
      applied_at: Date;
    }>(
      `SELECT authority, version, rule_id, rule_version, applied_at FROM common_criterion_rule
       WHERE criterion_id = $1 ORDER BY authority, version`,
      [id],
    );
    return r.rows.map((x) => ({
      authority: x.authority,
      version: x.version,
      ruleId: x.rule_id,
      ruleVersion: x.rule_version,
      appliedAt: new Date(x.applied_at).toISOString(),
    }));
  }
}
