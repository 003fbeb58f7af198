/**
 * SQL of the queue's workbench tables (migration 0042): each person's saved filters of the queue, and
 * the queue's change feed (a consignment assessed with hits, a hit reviewed) that the staff's
 * stream reads after the last event a browser saw. Every query is scoped by authority.
 */
import type { Queryable } from '../store/database.ts';

export interface SavedFilterRow {
  readonly id: string;
  readonly name: string;
  readonly filters: unknown;
  readonly created_at: Date;
}

export type QueueEventKind = 'assessed' | 'reviewed';

export interface QueueEventInput {
  readonly authority: string;
  readonly kind: QueueEventKind;
  readonly mrn: string;
  readonly version: number;
  readonly seq: number;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

export interface QueueEventRow {
  readonly id: number;
  readonly kind: QueueEventKind;
  readonly mrn: string;
  readonly version: number;
  readonly seq: number;
  readonly detail: Record<string, unknown>;
  readonly created_at: Date;
}

export class QueueRepository {
  async savedFilters(tx: Queryable, authority: string, owner: string): Promise<SavedFilterRow[]> {
    const r = await tx.query<SavedFilterRow>(
      `SELECT id::text AS id, name, filters, created_at FROM saved_filter
       WHERE authority = $1 AND owner = $2 ORDER BY lower(name), id`,
      [authority, owner],
    );
    return r.rows;
  }

  /** Undefined when the owner already has a filter of that name. */
  async insertFilter(
    tx: Queryable,
    f: { authority: string; owner: string; name: string; filters: unknown; at: Date },
  ): Promise<SavedFilterRow | undefined> {
    const r = await tx.query<SavedFilterRow>(
      `INSERT INTO saved_filter (authority, owner, name, filters, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (authority, owner, name) DO NOTHING
       RETURNING id::text AS id, name, filters, created_at`,
      [f.authority, f.owner, f.name, JSON.stringify(f.filters), f.at],
    );
    return r.rows[0];
  }

  /** Whether the owner had a filter with this id. */
  async deleteFilter(tx: Queryable, authority: string, owner: string, id: string): Promise<boolean> {
    const r = await tx.query(`DELETE FROM saved_filter WHERE authority = $1 AND owner = $2 AND id = $3`, [
      authority,
      owner,
      id,
    ]);
    return r.rowCount > 0;
  }

  async insertEvents(tx: Queryable, events: readonly QueueEventInput[]): Promise<void> {
    if (events.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO queue_event (authority, kind, mrn, version, seq, detail, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::jsonb[], $7::timestamptz[])`,
      [
        events.map((e) => e.authority),
        events.map((e) => e.kind),
        events.map((e) => e.mrn),
        events.map((e) => e.version),
        events.map((e) => e.seq),
        events.map((e) => JSON.stringify(e.detail)),
        events.map((e) => e.at),
      ],
    );
  }

  /** The authority's queue events after `after`, oldest first. */
  async eventsAfter(
    tx: Queryable,
    authority: string,
    after: number,
    limit: number,
  ): Promise<QueueEventRow[]> {
    const r = await tx.query<QueueEventRow & { id: string | number }>(
      `SELECT id, kind, mrn, version, seq, detail, created_at FROM queue_event
       WHERE authority = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [authority, after, limit],
    );
    return r.rows.map((row) => ({ ...row, id: Number(row.id) }));
  }

  /** The id of the authority's latest queue event (0 when none): where a fresh stream starts. */
  async lastEventId(tx: Queryable, authority: string): Promise<number> {
    const r = await tx.query<{ id: string | number | null }>(
      `SELECT max(id) AS id FROM queue_event WHERE authority = $1`,
      [authority],
    );
    return Number(r.rows[0]?.id ?? 0);
  }
}
