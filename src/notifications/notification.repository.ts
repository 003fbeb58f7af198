/** SQL of the filer's notification feed (table notification): outcomes as they are decided. */
import type { Queryable } from '../store/database.ts';

export class NotificationRepository {
  async notifyMany(
    tx: Queryable,
    list: readonly {
      authority: string;
      filer: string;
      mrn: string;
      kind: string;
      payload: unknown;
      at: Date;
    }[],
  ): Promise<void> {
    if (list.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO notification (authority, filer, mrn, kind, payload, created_at)
       SELECT a, f, m, k, p::jsonb, t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS u(a, f, m, k, p, t)`,
      [
        list.map((n) => n.authority),
        list.map((n) => n.filer),
        list.map((n) => n.mrn),
        list.map((n) => n.kind),
        list.map((n) => JSON.stringify(n.payload)),
        list.map((n) => n.at),
      ],
    );
  }

  async notifications(
    tx: Queryable,
    authority: string,
    filer: string | undefined,
    since: number,
    limit: number,
  ): Promise<{ id: number; mrn: string; kind: string; payload: unknown; created_at: Date }[]> {
    // Two statements, not `($2 IS NULL OR filer = $2)`: a generic plan cannot use the filer's index
    // for that, and would read every other filer's newer notifications to find this one's.
    const r = await tx.query<{ id: number; mrn: string; kind: string; payload: unknown; created_at: Date }>(
      filer === undefined
        ? `SELECT id, mrn, kind, payload, created_at FROM notification
           WHERE authority = $1 AND id > $2 ORDER BY id LIMIT $3`
        : `SELECT id, mrn, kind, payload, created_at FROM notification
           WHERE authority = $1 AND filer = $4 AND id > $2 ORDER BY id LIMIT $3`,
      filer === undefined ? [authority, since, limit] : [authority, since, limit, filer],
    );
    return r.rows;
  }
}
