/**
 * SQL for the bus's side of the outbox (the store's rule: SQL lives in repositories). Rows are claimed
 * with a short lease taken by one UPDATE whose sub-select uses `FOR UPDATE SKIP LOCKED`, so several
 * dispatchers or relays in several processes share the table without waiting on each other or taking
 * the same row, and no transaction stays open while a handler or a publish runs (on PGlite an open
 * transaction would block every other query of the process). A process that dies lets its lease
 * expire and another takes the rows over.
 *
 * `processed_at` means "the outbox is done with this row": handled in process by the dispatcher, or
 * handed to JetStream by the relay (which also sets `published_at`). Both modes therefore read the
 * same pending set, and switching a deployment from one mode to the other neither loses nor replays
 * rows.
 */
import type { Database, Queryable } from '../store/database.ts';
import type { OutboxEvent } from './event.ts';

/** An event to append to the outbox in the caller's transaction (it commits or rolls back with it). */
export interface NewOutboxEvent {
  readonly authority: string;
  readonly topic: string;
  readonly key: string;
  readonly payload: unknown;
}

/**
 * Appends events to the outbox inside the caller's transaction: the one way features emit events.
 * (Registration's one-statement insert writes its event in the same statement: FilingRepository.)
 */
export async function appendOutbox(tx: Queryable, events: readonly NewOutboxEvent[]): Promise<void> {
  if (events.length === 0) {
    return;
  }
  await tx.query(
    `INSERT INTO outbox (authority, topic, key, payload)
     SELECT a, t, k, p::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(a, t, k, p)`,
    [
      events.map((e) => e.authority),
      events.map((e) => e.topic),
      events.map((e) => e.key),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  );
}

export interface ClaimedEvent {
  readonly event: OutboxEvent;
  /** Attempts including this one (the dispatcher counts a claim as an attempt). */
  readonly attempts: number;
}

interface OutboxRow {
  id: number;
  authority: string;
  topic: string;
  key: string;
  payload: unknown;
  created_at: Date | string;
  attempts: number;
}

const PENDING = 'processed_at IS NULL AND parked_at IS NULL';
const FREE = '(locked_until IS NULL OR locked_until <= now())';

/**
 * Set before a claim, in its own short transaction: the claim walks the pending index in id order
 * and stops at its limit. A bitmap scan (what a table without statistics, or with a large history,
 * is planned with) reads every dead entry that processed events left in the index until a vacuum,
 * and never marks them dead as an index scan does; measured at 1,000,000 consignments of history,
 * 260 index entries read per consignment.
 */
const ORDERED_SCAN = `SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)`;

function toClaimed(r: OutboxRow): ClaimedEvent {
  return {
    event: {
      id: Number(r.id),
      authority: r.authority,
      topic: r.topic,
      key: r.key,
      payload: r.payload,
      createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
    },
    attempts: r.attempts,
  };
}

export class OutboxRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** A claim statement, planned as an ordered index scan (ORDERED_SCAN). */
  async #claim(sql: string, params: readonly unknown[]): Promise<OutboxRow[]> {
    const db = this.#db as Queryable & Partial<Pick<Database, 'transaction'>>;
    if (db.transaction === undefined) {
      return (await db.query<OutboxRow>(sql, params)).rows;
    }
    return db.transaction(async (tx) => {
      await tx.query(ORDERED_SCAN);
      return (await tx.query<OutboxRow>(sql, params)).rows;
    });
  }

  /**
   * Dispatcher claim: due, unleased pending rows in id order, leased for `leaseMs`, attempt counted.
   * Rows already at `maxAttempts` are not claimed (see `parkExhausted`).
   */
  async claimForDispatch(limit: number, leaseMs: number, maxAttempts: number): Promise<ClaimedEvent[]> {
    const rows = await this.#claim(
      `WITH due AS (
         SELECT id FROM outbox
         WHERE ${PENDING} AND ${FREE} AND attempts < $3
           AND (next_attempt_at IS NULL OR next_attempt_at <= now())
         ORDER BY id LIMIT $1
         FOR UPDATE SKIP LOCKED)
       UPDATE outbox o
          SET locked_until = now() + $2 * interval '1 millisecond', attempts = o.attempts + 1
         FROM due WHERE o.id = due.id
       RETURNING o.id, o.authority, o.topic, o.key, o.payload, o.created_at, o.attempts`,
      [limit, leaseMs, maxAttempts],
    );
    return rows.map(toClaimed).sort((a, b) => a.event.id - b.event.id);
  }

  /** Parks rows whose last allowed attempt never reported back (the process died mid-handler). */
  async parkExhausted(maxAttempts: number): Promise<number> {
    const r = await this.#db.query(
      `UPDATE outbox
          SET parked_at = now(), locked_until = NULL,
              last_error = coalesce(last_error || ' / ', '') || 'lease expired on the last attempt'
        WHERE ${PENDING} AND ${FREE} AND attempts >= $1`,
      [maxAttempts],
    );
    return r.rowCount;
  }

  /** Relay claim: unleased pending rows in id order, leased for `leaseMs` (attempts untouched). */
  async claimForRelay(limit: number, leaseMs: number): Promise<ClaimedEvent[]> {
    const rows = await this.#claim(
      `WITH due AS (
         SELECT id FROM outbox
         WHERE ${PENDING} AND ${FREE}
         ORDER BY id LIMIT $1
         FOR UPDATE SKIP LOCKED)
       UPDATE outbox o SET locked_until = now() + $2 * interval '1 millisecond'
         FROM due WHERE o.id = due.id
       RETURNING o.id, o.authority, o.topic, o.key, o.payload, o.created_at, o.attempts`,
      [limit, leaseMs],
    );
    return rows.map(toClaimed).sort((a, b) => a.event.id - b.event.id);
  }

  /** Keeps the lease of rows still being worked on. */
  async extendLease(ids: readonly number[], leaseMs: number): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.#db.query(
      `UPDATE outbox SET locked_until = now() + $2 * interval '1 millisecond'
        WHERE id = ANY($1::bigint[]) AND processed_at IS NULL`,
      [ids, leaseMs],
    );
  }

  async markProcessed(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.#db.query(
      `UPDATE outbox SET processed_at = now(), locked_until = NULL
        WHERE id = ANY($1::bigint[]) AND processed_at IS NULL`,
      [ids],
    );
  }

  async markPublished(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.#db.query(
      `UPDATE outbox SET published_at = now(), processed_at = now(), locked_until = NULL
        WHERE id = ANY($1::bigint[]) AND processed_at IS NULL`,
      [ids],
    );
  }

  /**
   * Records a failed attempt: parked when it was the last allowed one, otherwise due again after
   * `retryInMs`. Returns whether the row is now parked.
   */
  async markFailed(id: number, error: string, maxAttempts: number, retryInMs: number): Promise<boolean> {
    const r = await this.#db.query<{ parked: boolean }>(
      `UPDATE outbox
          SET locked_until = NULL, last_error = $2,
              parked_at = CASE WHEN attempts >= $3 THEN now() END,
              next_attempt_at = CASE WHEN attempts >= $3 THEN NULL ELSE now() + $4 * interval '1 millisecond' END
        WHERE id = $1 AND processed_at IS NULL
       RETURNING parked_at IS NOT NULL AS parked`,
      [id, error, maxAttempts, retryInMs],
    );
    return r.rows[0]?.parked ?? false;
  }

  /** Gives back leases that were taken but not worked on (graceful stop); the claim is not counted. */
  async release(ids: readonly number[], uncountAttempt: boolean): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.#db.query(
      `UPDATE outbox SET locked_until = NULL, attempts = attempts - $2
        WHERE id = ANY($1::bigint[]) AND processed_at IS NULL`,
      [ids, uncountAttempt ? 1 : 0],
    );
  }

  /** Rows not yet done and not parked (including rows waiting for a retry or leased elsewhere). */
  /** Rows not yet processed nor parked, and the age of the oldest (for /metrics). */
  async backlog(): Promise<{ pending: number; oldestSeconds: number }> {
    const r = await this.#db.query<{ n: number; oldest: number | null }>(
      `SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS oldest
       FROM outbox WHERE processed_at IS NULL AND parked_at IS NULL`,
    );
    return { pending: r.rows[0]!.n, oldestSeconds: r.rows[0]!.oldest ?? 0 };
  }

  async countPending(): Promise<number> {
    const r = await this.#db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE ${PENDING}`);
    return r.rows[0]?.n ?? 0;
  }

  /** Puts parked rows back in the queue with a fresh attempt count (an operator's retry). */
  async unpark(ids: readonly number[]): Promise<number> {
    const r = await this.#db.query(
      `UPDATE outbox SET parked_at = NULL, attempts = 0, next_attempt_at = NULL
        WHERE id = ANY($1::bigint[]) AND parked_at IS NOT NULL AND processed_at IS NULL`,
      [ids],
    );
    return r.rowCount;
  }
}
