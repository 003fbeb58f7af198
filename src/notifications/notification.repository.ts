/**
 * SQL of the filer's notification feed (table notification): outcomes as they are decided, results
 * of amendments and invalidations. Each insert also queues its webhook deliveries (the trigger of
 * migration 0024), in the same transaction.
 */
import type { Queryable } from '../store/database.ts';
import type { StoredEvent } from './webhook-events.ts';

interface EventRow {
  id: number;
  authority: string;
  filer: string;
  type: string;
  mrn: string;
  lrn: string | null;
  payload: unknown;
  created_at: Date;
}

const EVENT_COLUMNS = `n.id, n.authority, n.filer, vigil_event_type(n.kind, n.payload) AS type, n.mrn,
  COALESCE(n.payload ->> 'lrn', f.lrn) AS lrn, n.payload, n.created_at`;

function toEvent(r: EventRow): StoredEvent {
  return {
    id: r.id,
    authority: r.authority,
    filer: r.filer,
    type: r.type,
    mrn: r.mrn,
    lrn: r.lrn,
    payload: r.payload,
    createdAt: new Date(r.created_at),
  };
}

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
  ): Promise<{ id: number; mrn: string; kind: string; type: string; payload: unknown; created_at: Date }[]> {
    // Two statements, not `($2 IS NULL OR filer = $2)`: a generic plan cannot use the filer's index
    // for that, and would read every other filer's newer notifications to find this one's.
    const r = await tx.query<{
      id: number;
      mrn: string;
      kind: string;
      type: string;
      payload: unknown;
      created_at: Date;
    }>(
      filer === undefined
        ? `SELECT id, mrn, kind, vigil_event_type(kind, payload) AS type, payload, created_at FROM notification
           WHERE authority = $1 AND id > $2 ORDER BY id LIMIT $3`
        : `SELECT id, mrn, kind, vigil_event_type(kind, payload) AS type, payload, created_at FROM notification
           WHERE authority = $1 AND filer = $4 AND id > $2 ORDER BY id LIMIT $3`,
      filer === undefined ? [authority, since, limit] : [authority, since, limit, filer],
    );
    return r.rows;
  }

  /** Events after the id `after`, oldest first: the filer's own, or the authority's (no filer). */
  async eventsAfter(
    tx: Queryable,
    authority: string,
    filer: string | undefined,
    after: number,
    limit: number,
  ): Promise<StoredEvent[]> {
    const r = await tx.query<EventRow>(
      filer === undefined
        ? `SELECT ${EVENT_COLUMNS} FROM notification n LEFT JOIN filing f ON f.mrn = n.mrn
           WHERE n.authority = $1 AND n.id > $2 ORDER BY n.id LIMIT $3`
        : `SELECT ${EVENT_COLUMNS} FROM notification n LEFT JOIN filing f ON f.mrn = n.mrn
           WHERE n.authority = $1 AND n.filer = $4 AND n.id > $2 ORDER BY n.id LIMIT $3`,
      filer === undefined ? [authority, after, limit] : [authority, after, limit, filer],
    );
    return r.rows.map(toEvent);
  }

  /** The events with these ids (the dispatcher's deliveries name them). */
  async eventsByIds(tx: Queryable, ids: readonly number[]): Promise<Map<number, StoredEvent>> {
    if (ids.length === 0) {
      return new Map();
    }
    const r = await tx.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM notification n LEFT JOIN filing f ON f.mrn = n.mrn
       WHERE n.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(r.rows.map((row) => [row.id, toEvent(row)]));
  }
}
