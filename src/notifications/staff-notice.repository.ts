/**
 * SQL of notices to the authority's staff (table staff_notice, migration 0041): a rule's author told
 * that the rule was capped as noisy. Added, never changed; read by the person they are addressed to.
 */
import type { Queryable } from '../store/database.ts';

export interface StaffNotice {
  readonly id: string;
  /** The person it is addressed to (the subject of their token, as a rule's `createdBy`). */
  readonly recipient: string;
  readonly kind: string;
  readonly subject: string;
  readonly body: string;
  /** What it is about, as a path of the API (`/v1/rule-caps/…`). */
  readonly ref?: string | undefined;
  readonly createdAt: string;
}

export class StaffNoticeRepository {
  async insert(tx: Queryable, authority: string, n: StaffNotice): Promise<void> {
    await tx.query(
      `INSERT INTO staff_notice (id, authority, recipient, kind, subject, body, ref, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [n.id, authority, n.recipient, n.kind, n.subject, n.body, n.ref ?? null, n.createdAt],
    );
  }

  /** The recipient's notices, newest first. */
  async forRecipient(
    q: Queryable,
    authority: string,
    recipient: string,
    limit: number,
  ): Promise<StaffNotice[]> {
    const r = await q.query<{
      id: string;
      recipient: string;
      kind: string;
      subject: string;
      body: string;
      ref: string | null;
      created_at: Date | string;
    }>(
      `SELECT id, recipient, kind, subject, body, ref, created_at FROM staff_notice
       WHERE authority = $1 AND recipient = $2 ORDER BY created_at DESC, id LIMIT $3`,
      [authority, recipient, limit],
    );
    return r.rows.map((x) => ({
      id: x.id,
      recipient: x.recipient,
      kind: x.kind,
      subject: x.subject,
      body: x.body,
      ...(x.ref !== null ? { ref: x.ref } : {}),
      createdAt: new Date(x.created_at).toISOString(),
    }));
  }
}
