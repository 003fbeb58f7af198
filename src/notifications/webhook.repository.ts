/**
 * SQL of webhook endpoints, their secrets and their deliveries (tables webhook_endpoint,
 * webhook_secret, webhook_delivery). Deliveries of new events are queued by the trigger on
 * notification (migration 0024); a replay queues them again from here, reading the notification
 * table it shares this feature with.
 */
import type { Queryable } from '../store/database.ts';

export interface EndpointRow {
  readonly id: string;
  readonly authority: string;
  readonly owner: string;
  readonly owner_role: string;
  readonly filer: string | null;
  readonly url: string;
  readonly events: string[];
  readonly description: string | null;
  readonly created_at: Date;
}

export interface NewEndpoint {
  readonly id: string;
  readonly authority: string;
  readonly owner: string;
  readonly ownerRole: string;
  readonly filer: string | null;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  readonly at: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface DeliveryRow {
  readonly id: number;
  readonly endpoint_id: string;
  readonly event_id: number;
  readonly event_type: string;
  readonly replay: boolean;
  readonly created_at: Date;
  readonly attempts: number;
  readonly next_attempt_at: Date;
  readonly last_attempt_at: Date | null;
  readonly last_status: number | null;
  readonly last_error: string | null;
  readonly delivered_at: Date | null;
  readonly dead_at: Date | null;
}

/** An endpoint the dispatcher holds the lease of, with its signing secret. */
export interface ClaimedEndpoint {
  readonly id: string;
  readonly authority: string;
  readonly url: string;
  readonly secret: string;
}

const ENDPOINT_COLUMNS = 'id, authority, owner, owner_role, filer, url, events, description, created_at';
const DELIVERY_COLUMNS = `id, endpoint_id, event_id, event_type, replay, created_at, attempts, next_attempt_at,
  last_attempt_at, last_status, last_error, delivered_at, dead_at`;
const PENDING = 'delivered_at IS NULL AND dead_at IS NULL';

export class WebhookRepository {
  async insertEndpoint(tx: Queryable, e: NewEndpoint, secret: string): Promise<void> {
    await tx.query(
      `INSERT INTO webhook_endpoint (id, authority, owner, owner_role, filer, url, events, description, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9)`,
      [e.id, e.authority, e.owner, e.ownerRole, e.filer, e.url, e.events, e.description, e.at],
    );
    await tx.query('INSERT INTO webhook_secret (endpoint_id, secret) VALUES ($1, $2)', [e.id, secret]);
  }

  /** Live endpoints of one owner (to cap how many one may have). */
  async countLive(tx: Queryable, authority: string, owner: string): Promise<number> {
    const r = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM webhook_endpoint
       WHERE authority = $1 AND owner = $2 AND deleted_at IS NULL`,
      [authority, owner],
    );
    return r.rows[0]!.n;
  }

  /** Live endpoints, oldest first: one owner's, or the authority's (no owner). */
  async listEndpoints(tx: Queryable, authority: string, owner: string | undefined): Promise<EndpointRow[]> {
    const r = await tx.query<EndpointRow>(
      owner === undefined
        ? `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint
           WHERE authority = $1 AND deleted_at IS NULL ORDER BY created_at, id`
        : `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint
           WHERE authority = $1 AND owner = $2 AND deleted_at IS NULL ORDER BY created_at, id`,
      owner === undefined ? [authority] : [authority, owner],
    );
    return r.rows;
  }

  async findEndpoint(tx: Queryable, authority: string, id: string): Promise<EndpointRow | undefined> {
    const r = await tx.query<EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint
       WHERE authority = $1 AND id = $2 AND deleted_at IS NULL`,
      [authority, id],
    );
    return r.rows[0];
  }

  /** Deleted endpoints keep their delivery history; their pending deliveries are not sent. */
  async deleteEndpoint(tx: Queryable, id: string, at: Date): Promise<void> {
    await tx.query('UPDATE webhook_endpoint SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL', [
      id,
      at,
    ]);
  }

  /** An endpoint's deliveries, newest first, before the delivery id `before` when given. */
  async deliveries(
    tx: Queryable,
    endpointId: string,
    status: DeliveryStatus | undefined,
    before: number | undefined,
    limit: number,
  ): Promise<DeliveryRow[]> {
    const where =
      status === 'pending'
        ? `AND ${PENDING}`
        : status === 'delivered'
          ? 'AND delivered_at IS NOT NULL'
          : status === 'dead'
            ? 'AND dead_at IS NOT NULL'
            : '';
    const r = await tx.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery
       WHERE endpoint_id = $1 AND id < $2 ${where} ORDER BY id DESC LIMIT $3`,
      [endpointId, before ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return r.rows;
  }

  /**
   * Queues again every event of the endpoint's filer (every filer's, for an authority-wide endpoint)
   * lodged at or after `since` that the endpoint takes, oldest first, after whatever it has pending.
   */
  async replay(tx: Queryable, endpoint: EndpointRow, since: Date, now: Date): Promise<number> {
    const r = await tx.query<{ n: number }>(
      `WITH queued AS (
         INSERT INTO webhook_delivery (authority, endpoint_id, event_id, event_type, replay, created_at, next_attempt_at)
         SELECT n.authority, $2, n.id, vigil_event_type(n.kind, n.payload), true, $5, $5
         FROM notification n
         WHERE n.authority = $1 AND ($3::text IS NULL OR n.filer = $3) AND n.created_at >= $4
           AND vigil_event_type(n.kind, n.payload) = ANY ($6::text[])
         ORDER BY n.id
         RETURNING 1)
       SELECT count(*)::int AS n FROM queued`,
      [endpoint.authority, endpoint.id, endpoint.filer, since, now, endpoint.events],
    );
    return r.rows[0]!.n;
  }

  // The dispatcher's side, on the service's connection (across authorities).

  /**
   * Takes the lease of up to `limit` endpoints whose oldest pending delivery is due and that no
   * other process holds, least recently served first; SKIP LOCKED keeps two processes from claiming
   * one endpoint at once.
   */
  async claimDue(
    db: Queryable,
    now: Date,
    until: Date,
    holder: string,
    limit: number,
  ): Promise<ClaimedEndpoint[]> {
    const r = await db.query<ClaimedEndpoint>(
      `WITH due AS (
         SELECT e.id FROM webhook_endpoint e
         WHERE e.deleted_at IS NULL AND (e.locked_until IS NULL OR e.locked_until <= $1)
           AND (SELECT d.next_attempt_at FROM webhook_delivery d
                WHERE d.endpoint_id = e.id AND d.delivered_at IS NULL AND d.dead_at IS NULL
                ORDER BY d.id LIMIT 1) <= $1
         ORDER BY e.served_at NULLS FIRST, e.id
         LIMIT $4
         FOR UPDATE OF e SKIP LOCKED)
       UPDATE webhook_endpoint w SET locked_until = $2, locked_by = $3
       FROM due, webhook_secret s
       WHERE w.id = due.id AND s.endpoint_id = w.id
       RETURNING w.id, w.authority, w.url, s.secret`,
      [now, until, holder, limit],
    );
    return r.rows;
  }

  /** The endpoint's oldest pending delivery, if its lease is still this holder's. */
  async head(db: Queryable, endpointId: string, holder: string): Promise<DeliveryRow | undefined> {
    const r = await db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery d
       WHERE d.endpoint_id = $1 AND d.delivered_at IS NULL AND d.dead_at IS NULL
         AND EXISTS (SELECT 1 FROM webhook_endpoint e
                     WHERE e.id = $1 AND e.locked_by = $2 AND e.deleted_at IS NULL)
       ORDER BY d.id LIMIT 1`,
      [endpointId, holder],
    );
    return r.rows[0];
  }

  async renewLease(db: Queryable, endpointId: string, holder: string, until: Date): Promise<void> {
    await db.query('UPDATE webhook_endpoint SET locked_until = $3 WHERE id = $1 AND locked_by = $2', [
      endpointId,
      holder,
      until,
    ]);
  }

  async release(db: Queryable, endpointId: string, holder: string, at: Date): Promise<void> {
    await db.query(
      `UPDATE webhook_endpoint SET locked_until = NULL, locked_by = NULL, served_at = $3
       WHERE id = $1 AND locked_by = $2`,
      [endpointId, holder, at],
    );
  }

  /** Records an attempt: delivered, failed with a retry time, or failed for good (dead-lettered). */
  async recordAttempt(
    db: Queryable,
    deliveryId: number,
    attempt: {
      readonly at: Date;
      readonly status: number | null;
      readonly error: string | null;
      readonly outcome: 'delivered' | 'retry' | 'dead';
      readonly nextAt: Date;
    },
  ): Promise<void> {
    await db.query(
      `UPDATE webhook_delivery SET attempts = attempts + 1, last_attempt_at = $2, last_status = $3,
         last_error = $4, next_attempt_at = $5,
         delivered_at = CASE WHEN $6 = 'delivered' THEN $2::timestamptz END,
         dead_at = CASE WHEN $6 = 'dead' THEN $2::timestamptz END
       WHERE id = $1`,
      [deliveryId, attempt.at, attempt.status, attempt.error, attempt.nextAt, attempt.outcome],
    );
  }
}
