/**
 * The federation's tables (migration 0046): peers, the outbound queue per peer and the inbox of
 * received messages. SQL only; the service decides.
 */
import type { Queryable } from '../store/database.ts';

export interface Peer {
  readonly code: string;
  readonly name: string;
  readonly natsUrl: string;
  readonly publicKey: string;
  readonly keyId: string;
  readonly addedBy: string;
  readonly addedAt: string;
  readonly outEpoch: number;
  readonly nextOutSeq: number;
  readonly inEpoch: number;
  readonly lastInSeq: number;
}

export interface PeerStatus extends Peer {
  /** Messages queued for the peer and not yet accepted by its NATS server. */
  readonly pending: number;
  readonly lastError: string | null;
  readonly lastSentAt: string | null;
  readonly lastReceivedAt: string | null;
}

export interface OutboundRow {
  readonly id: number;
  readonly authority: string;
  readonly kind: string;
  readonly body: unknown;
  readonly createdAt: Date;
}

export interface SequencedRow {
  readonly id: number;
  readonly seq: number;
  readonly envelope: string;
}

interface PeerRow {
  code: string;
  name: string;
  nats_url: string;
  public_key: string;
  key_id: string;
  added_by: string;
  added_at: Date;
  out_epoch: string | number;
  next_out_seq: string | number;
  in_epoch: string | number;
  last_in_seq: string | number;
}

function toPeer(r: PeerRow): Peer {
  return {
    code: r.code,
    name: r.name,
    natsUrl: r.nats_url,
    publicKey: r.public_key,
    keyId: r.key_id,
    addedBy: r.added_by,
    addedAt: new Date(r.added_at).toISOString(),
    outEpoch: Number(r.out_epoch),
    nextOutSeq: Number(r.next_out_seq),
    inEpoch: Number(r.in_epoch),
    lastInSeq: Number(r.last_in_seq),
  };
}

export class FederationRepository {
  async peerStatuses(q: Queryable): Promise<PeerStatus[]> {
    const r = await q.query<
      PeerRow & {
        pending: number;
        last_error: string | null;
        last_sent_at: Date | null;
        last_received_at: Date | null;
      }
    >(
      `SELECT p.*,
         (SELECT count(*)::int FROM federation_outbox o WHERE o.peer = p.code AND o.sent_at IS NULL) AS pending,
         (SELECT o.last_error FROM federation_outbox o WHERE o.peer = p.code AND o.sent_at IS NULL
            ORDER BY o.id LIMIT 1) AS last_error,
         (SELECT max(o.sent_at) FROM federation_outbox o WHERE o.peer = p.code) AS last_sent_at,
         (SELECT max(i.received_at) FROM federation_inbox i WHERE i.peer = p.code) AS last_received_at
       FROM federation_peer p WHERE p.removed_at IS NULL ORDER BY p.code`,
    );
    return r.rows.map((row) => ({
      ...toPeer(row),
      pending: row.pending,
      lastError: row.last_error,
      lastSentAt: row.last_sent_at === null ? null : new Date(row.last_sent_at).toISOString(),
      lastReceivedAt: row.last_received_at === null ? null : new Date(row.last_received_at).toISOString(),
    }));
  }

  async codes(q: Queryable): Promise<Set<string>> {
    const r = await q.query<{ code: string }>(`SELECT code FROM federation_peer WHERE removed_at IS NULL`);
    return new Set(r.rows.map((x) => x.code));
  }

  async peer(q: Queryable, code: string, forUpdate = false): Promise<Peer | undefined> {
    const r = await q.query<PeerRow>(
      `SELECT * FROM federation_peer WHERE code = $1 AND removed_at IS NULL${forUpdate ? ' FOR UPDATE' : ''}`,
      [code],
    );
    return r.rows[0] === undefined ? undefined : toPeer(r.rows[0]);
  }

  /** Adds a peer, or brings back a removed one as new: a new epoch, counters from the start. */
  async addPeer(
    q: Queryable,
    p: {
      code: string;
      name: string;
      natsUrl: string;
      publicKey: string;
      keyId: string;
      by: string;
      at: Date;
    },
  ): Promise<boolean> {
    const r = await q.query(
      `INSERT INTO federation_peer (code, name, nats_url, public_key, key_id, added_by, added_at, out_epoch)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, nats_url = EXCLUDED.nats_url,
         public_key = EXCLUDED.public_key, key_id = EXCLUDED.key_id, added_by = EXCLUDED.added_by,
         added_at = EXCLUDED.added_at, out_epoch = EXCLUDED.out_epoch, next_out_seq = 1, in_epoch = 0,
         last_in_seq = 0, lease_until = NULL, removed_at = NULL
       WHERE federation_peer.removed_at IS NOT NULL`,
      [p.code, p.name, p.natsUrl, p.publicKey, p.keyId, p.by, p.at, p.at.getTime()],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Removes a peer; what was queued for it and not sent is dropped with it. */
  async removePeer(q: Queryable, code: string, at: Date): Promise<number | undefined> {
    const r = await q.query(
      `UPDATE federation_peer SET removed_at = $2 WHERE code = $1 AND removed_at IS NULL`,
      [code, at],
    );
    if ((r.rowCount ?? 0) === 0) {
      return undefined;
    }
    const dropped = await q.query(`DELETE FROM federation_outbox WHERE peer = $1 AND sent_at IS NULL`, [
      code,
    ]);
    return dropped.rowCount ?? 0;
  }

  async enqueue(
    q: Queryable,
    m: { authority: string; peer: string; kind: string; body: unknown; at: Date },
  ): Promise<void> {
    await q.query(
      `INSERT INTO federation_outbox (authority, peer, kind, body, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [m.authority, m.peer, m.kind, JSON.stringify(m.body), m.at],
    );
  }

  /** Peers with messages not yet accepted by their NATS server. */
  async peersWithPending(q: Queryable): Promise<string[]> {
    const r = await q.query<{ peer: string }>(
      `SELECT DISTINCT o.peer FROM federation_outbox o JOIN federation_peer p ON p.code = o.peer
       WHERE o.sent_at IS NULL AND p.removed_at IS NULL`,
    );
    return r.rows.map((x) => x.peer);
  }

  /** Takes the peer's queue for `ms` unless another relay holds it; true when taken. */
  async lease(q: Queryable, code: string, ms: number): Promise<boolean> {
    const r = await q.query(
      `UPDATE federation_peer SET lease_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
       WHERE code = $1 AND removed_at IS NULL AND (lease_until IS NULL OR lease_until < clock_timestamp())`,
      [code, ms],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async release(q: Queryable, code: string): Promise<void> {
    await q.query(`UPDATE federation_peer SET lease_until = NULL WHERE code = $1`, [code]);
  }

  /** The oldest queued messages that have no number yet, locked for numbering. */
  async unnumbered(q: Queryable, peer: string, limit: number): Promise<OutboundRow[]> {
    const r = await q.query<{
      id: string | number;
      authority: string;
      kind: string;
      body: unknown;
      created_at: Date;
    }>(
      `SELECT id, authority, kind, body, created_at FROM federation_outbox
       WHERE peer = $1 AND sent_at IS NULL AND seq IS NULL ORDER BY id LIMIT $2 FOR UPDATE`,
      [peer, limit],
    );
    return r.rows.map((x) => ({
      id: Number(x.id),
      authority: x.authority,
      kind: x.kind,
      body: x.body,
      createdAt: new Date(x.created_at),
    }));
  }

  async number(q: Queryable, id: number, seq: number, envelope: string): Promise<void> {
    await q.query(`UPDATE federation_outbox SET seq = $2, envelope = $3 WHERE id = $1`, [id, seq, envelope]);
  }

  async setNextOutSeq(q: Queryable, code: string, next: number): Promise<void> {
    await q.query(`UPDATE federation_peer SET next_out_seq = $2 WHERE code = $1`, [code, next]);
  }

  /** Numbered, signed and not yet sent, in order. */
  async numbered(q: Queryable, peer: string, limit: number): Promise<SequencedRow[]> {
    const r = await q.query<{ id: string | number; seq: string | number; envelope: string }>(
      `SELECT id, seq, envelope FROM federation_outbox
       WHERE peer = $1 AND sent_at IS NULL AND seq IS NOT NULL ORDER BY seq LIMIT $2`,
      [peer, limit],
    );
    return r.rows.map((x) => ({ id: Number(x.id), seq: Number(x.seq), envelope: x.envelope }));
  }

  async sent(q: Queryable, ids: readonly number[], at: Date): Promise<void> {
    await q.query(
      `UPDATE federation_outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL
       WHERE id = ANY ($1::bigint[])`,
      [ids, at],
    );
  }

  async failed(q: Queryable, id: number, error: string): Promise<void> {
    await q.query(`UPDATE federation_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
      id,
      error.slice(0, 2000),
    ]);
  }

  async inboxStatus(q: Queryable, id: string): Promise<string | undefined> {
    const r = await q.query<{ status: string }>(`SELECT status FROM federation_inbox WHERE id = $1`, [id]);
    return r.rows[0]?.status;
  }

  async recordInbox(
    q: Queryable,
    m: {
      id: string;
      authority: string;
      peer: string;
      epoch: number;
      seq: number;
      kind: string;
      status: 'applied' | 'rejected';
      code: string | null;
      message: string | null;
      at: Date;
    },
  ): Promise<void> {
    await q.query(
      `INSERT INTO federation_inbox (id, authority, peer, epoch, seq, kind, status, code, message, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
      [
        m.id,
        m.authority,
        m.peer,
        m.epoch,
        m.seq,
        m.kind,
        m.status,
        m.code,
        m.message?.slice(0, 2000) ?? null,
        m.at,
      ],
    );
  }

  async setLastIn(q: Queryable, code: string, epoch: number, seq: number): Promise<void> {
    await q.query(`UPDATE federation_peer SET in_epoch = $2, last_in_seq = $3 WHERE code = $1`, [
      code,
      epoch,
      seq,
    ]);
  }
}
