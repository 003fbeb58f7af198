/**
 * SQL of cooperation: the directory of authorities, RIFs and their versions, deliveries, feedback,
 * sharing policies and shared records (migration 0020). Row-level security decides what a transaction
 * sees: the issuer its RIFs, a recipient the RIFs delivered to it, the issuer the feedback on its
 * RIFs, a recipient the records shared with it.
 */
import type { Queryable } from '../store/database.ts';
import type {
  DeliveryState,
  DirectoryEntry,
  ParsedRifInput,
  Rif,
  RifDelivery,
  RifFeedback,
  RifStatus,
} from './rif.schema.ts';

interface RifRow {
  id: string;
  authority: string;
  version: number;
  status: RifStatus;
  body: ParsedRifInput;
  author: string;
  created_at: Date;
  updated_at: Date;
  issued_at: Date | null;
  withdrawn_at: Date | null;
  withdrawal_reason: string | null;
}

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

function toRif(r: RifRow): Rif {
  return {
    ...r.body,
    id: r.id,
    version: r.version,
    issuer: r.authority,
    author: r.author,
    status: r.status,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    issuedAt: iso(r.issued_at),
    withdrawnAt: iso(r.withdrawn_at),
    withdrawalReason: r.withdrawal_reason,
  };
}

interface DeliveryRow {
  rif_id: string;
  authority: string;
  kind: 'customs' | 'partner';
  state: DeliveryState;
  version: number;
  reason: string | null;
  rule_id: string | null;
  decided_at: Date | null;
  delivered_at: Date;
}

function toDelivery(r: DeliveryRow): RifDelivery & { readonly deliveredAt: string } {
  return {
    rifId: r.rif_id,
    authority: r.authority,
    kind: r.kind,
    state: r.state,
    version: r.version,
    reason: r.reason,
    ruleId: r.rule_id,
    decidedAt: iso(r.decided_at),
    deliveredAt: iso(r.delivered_at)!,
  };
}

interface FeedbackRow {
  id: string;
  rif_id: string;
  rif_version: number;
  authority: string;
  kind: 'control' | 'manual';
  body: Omit<RifFeedback, 'id' | 'rifId' | 'rifVersion' | 'authority' | 'kind' | 'at'>;
  at: Date;
}

function toFeedback(r: FeedbackRow): RifFeedback {
  return {
    id: r.id,
    rifId: r.rif_id,
    rifVersion: r.rif_version,
    authority: r.authority,
    kind: r.kind,
    at: iso(r.at)!,
    controlType: r.body.controlType ?? null,
    result: r.body.result ?? null,
    seizure: r.body.seizure ?? null,
    usefulness: r.body.usefulness ?? null,
    comment: r.body.comment ?? null,
    controlsDone: r.body.controlsDone ?? null,
    mrn: r.body.mrn ?? null,
  };
}

export type SharingLevel = 'none' | 'summary' | 'full';

export interface SharingRule {
  readonly category: string;
  readonly receiver: string;
  readonly level: SharingLevel;
}

export interface SharedRecord {
  readonly id: string;
  readonly source: string;
  readonly category: string;
  readonly level: 'summary' | 'full';
  readonly ref: string;
  readonly at: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const RIF_COLUMNS = `id, authority, version, status, body, author, created_at, updated_at, issued_at,
  withdrawn_at, withdrawal_reason`;

export class RifRepository {
  // ——— The directory ———

  async directory(q: Queryable): Promise<Map<string, DirectoryEntry>> {
    const r = await q.query<DirectoryEntry>('SELECT code, name, kind FROM authority ORDER BY code');
    return new Map(r.rows.map((e) => [e.code, { code: e.code, name: e.name, kind: e.kind }]));
  }

  async putAuthority(q: Queryable, e: DirectoryEntry, at: Date): Promise<void> {
    await q.query(
      `INSERT INTO authority (code, name, kind, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, updated_at = EXCLUDED.updated_at`,
      [e.code, e.name, e.kind, at],
    );
  }

  // ——— RIFs ———

  async insert(q: Queryable, rif: Rif, at: Date): Promise<void> {
    const { body, validUntil, feedbackDue } = split(rif);
    await q.query(
      `INSERT INTO rif (id, authority, version, status, tlp, body, author, created_at, updated_at, valid_until, feedback_due)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)`,
      [
        rif.id,
        rif.issuer,
        rif.version,
        rif.status,
        rif.handling.tlp,
        JSON.stringify(body),
        rif.author,
        at,
        validUntil,
        feedbackDue,
      ],
    );
    await this.#version(q, rif, at);
  }

  /** A new version of the body (draft edit or amendment); the status is left as it is. */
  async update(q: Queryable, rif: Rif, at: Date): Promise<void> {
    const { body, validUntil, feedbackDue } = split(rif);
    await q.query(
      `UPDATE rif SET version = $2, tlp = $3, body = $4, author = $5, updated_at = $6, valid_until = $7, feedback_due = $8
       WHERE id = $1`,
      [rif.id, rif.version, rif.handling.tlp, JSON.stringify(body), rif.author, at, validUntil, feedbackDue],
    );
    await this.#version(q, rif, at);
  }

  async #version(q: Queryable, rif: Rif, at: Date): Promise<void> {
    await q.query(
      `INSERT INTO rif_version (authority, rif_id, version, body, author, at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [rif.issuer, rif.id, rif.version, JSON.stringify(split(rif).body), rif.author, at],
    );
  }

  async setStatus(
    q: Queryable,
    id: string,
    status: RifStatus,
    at: Date,
    extra: { reason?: string | undefined } = {},
  ): Promise<void> {
    await q.query(
      `UPDATE rif SET status = $2, updated_at = $3,
         issued_at = CASE WHEN $2 = 'issued' AND issued_at IS NULL THEN $3 ELSE issued_at END,
         withdrawn_at = CASE WHEN $2 = 'withdrawn' THEN $3 ELSE withdrawn_at END,
         withdrawal_reason = CASE WHEN $2 = 'withdrawn' THEN $4 ELSE withdrawal_reason END
       WHERE id = $1`,
      [id, status, at, extra.reason ?? null],
    );
  }

  /** One RIF as the transaction's authority sees it; `forUpdate` locks it (issuer only). */
  async get(q: Queryable, id: string, forUpdate = false): Promise<Rif | undefined> {
    const r = await q.query<RifRow>(
      `SELECT ${RIF_COLUMNS} FROM rif WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return r.rows[0] === undefined ? undefined : toRif(r.rows[0]);
  }

  async versionOf(q: Queryable, id: string, version: number): Promise<ParsedRifInput | undefined> {
    const r = await q.query<{ body: ParsedRifInput }>(
      'SELECT body FROM rif_version WHERE rif_id = $1 AND version = $2',
      [id, version],
    );
    return r.rows[0]?.body;
  }

  async versions(q: Queryable, id: string): Promise<{ version: number; author: string; at: string }[]> {
    const r = await q.query<{ version: number; author: string; at: Date }>(
      'SELECT version, author, at FROM rif_version WHERE rif_id = $1 ORDER BY version',
      [id],
    );
    return r.rows.map((v) => ({ version: v.version, author: v.author, at: iso(v.at)! }));
  }

  /** The RIFs an authority issued (or drafted), newest change first. */
  async issuedBy(q: Queryable, authority: string, limit: number): Promise<Rif[]> {
    const r = await q.query<RifRow>(
      `SELECT ${RIF_COLUMNS} FROM rif WHERE authority = $1 ORDER BY updated_at DESC, id LIMIT $2`,
      [authority, limit],
    );
    return r.rows.map(toRif);
  }

  /** RIFs delivered to an authority, with its delivery, newest first. */
  async inbox(
    q: Queryable,
    authority: string,
    limit: number,
  ): Promise<{ rif: Rif; delivery: RifDelivery & { readonly deliveredAt: string } }[]> {
    const r = await q.query<RifRow & { d: DeliveryRow }>(
      `SELECT ${RIF_COLUMNS.split(',')
        .map((c) => `r.${c.trim()}`)
        .join(', ')}, to_jsonb(d.*) AS d
       FROM rif_delivery d JOIN rif r ON r.id = d.rif_id
       WHERE d.authority = $1 ORDER BY d.delivered_at DESC, d.rif_id LIMIT $2`,
      [authority, limit],
    );
    return r.rows.map((row) => ({
      rif: toRif(row),
      delivery: toDelivery({
        ...row.d,
        decided_at: row.d.decided_at === null ? null : new Date(row.d.decided_at),
        delivered_at: new Date(row.d.delivered_at),
      }),
    }));
  }

  /** Every issued RIF the transaction's authority may see, for duplicate detection. */
  async active(q: Queryable, at: Date): Promise<Rif[]> {
    const r = await q.query<RifRow>(
      `SELECT ${RIF_COLUMNS} FROM rif WHERE status = 'issued' AND valid_until > $1 ORDER BY id LIMIT 5000`,
      [at],
    );
    return r.rows.map(toRif);
  }

  /** Issued RIFs whose validity is over (the expiry sweep, run as the service). */
  async due(q: Queryable, at: Date, limit: number): Promise<{ id: string; authority: string }[]> {
    const r = await q.query<{ id: string; authority: string }>(
      `SELECT id, authority FROM rif WHERE status = 'issued' AND valid_until <= $1 ORDER BY valid_until, id LIMIT $2`,
      [at, limit],
    );
    return r.rows;
  }

  // ——— Deliveries ———

  async deliver(
    q: Queryable,
    rif: Rif,
    recipients: readonly { code: string; kind: 'customs' | 'partner' }[],
    at: Date,
  ): Promise<void> {
    if (recipients.length === 0) {
      return;
    }
    await q.query(
      `INSERT INTO rif_delivery (rif_id, authority, issuer, kind, state, version, delivered_at)
       SELECT $1, r.code, $2, r.kind, 'unread', $3, $4
       FROM unnest($5::text[], $6::text[]) AS r (code, kind)
       ON CONFLICT (rif_id, authority) DO NOTHING`,
      [rif.id, rif.issuer, rif.version, at, recipients.map((r) => r.code), recipients.map((r) => r.kind)],
    );
  }

  async deliveries(q: Queryable, rifId: string): Promise<(RifDelivery & { readonly deliveredAt: string })[]> {
    const r = await q.query<DeliveryRow>('SELECT * FROM rif_delivery WHERE rif_id = $1 ORDER BY authority', [
      rifId,
    ]);
    return r.rows.map(toDelivery);
  }

  async delivery(
    q: Queryable,
    rifId: string,
    authority: string,
    forUpdate = false,
  ): Promise<(RifDelivery & { readonly deliveredAt: string }) | undefined> {
    const r = await q.query<DeliveryRow>(
      `SELECT * FROM rif_delivery WHERE rif_id = $1 AND authority = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [rifId, authority],
    );
    return r.rows[0] === undefined ? undefined : toDelivery(r.rows[0]);
  }

  async setDelivery(
    q: Queryable,
    rifId: string,
    authority: string,
    d: {
      state: DeliveryState;
      version: number;
      reason?: string | null;
      ruleId?: string | null;
      by?: string | null;
      at?: Date | null;
    },
  ): Promise<void> {
    await q.query(
      `UPDATE rif_delivery SET state = $3, version = $4,
         reason = CASE WHEN $9 THEN $5 ELSE reason END,
         rule_id = CASE WHEN $10 THEN $6 ELSE rule_id END,
         decided_by = COALESCE($7, decided_by), decided_at = COALESCE($8, decided_at)
       WHERE rif_id = $1 AND authority = $2`,
      [
        rifId,
        authority,
        d.state,
        d.version,
        d.reason ?? null,
        d.ruleId ?? null,
        d.by ?? null,
        d.at ?? null,
        d.reason !== undefined,
        d.ruleId !== undefined,
      ],
    );
  }

  /** The RIFs whose adopted rules are among `ruleIds`, in the transaction's authority. */
  async adoptedBy(
    q: Queryable,
    authority: string,
    ruleIds: readonly string[],
  ): Promise<{ rifId: string; ruleId: string; issuer: string }[]> {
    if (ruleIds.length === 0) {
      return [];
    }
    const r = await q.query<{ rif_id: string; rule_id: string; issuer: string }>(
      `SELECT rif_id, rule_id, issuer FROM rif_delivery WHERE authority = $1 AND rule_id = ANY($2::text[])`,
      [authority, ruleIds],
    );
    return r.rows.map((x) => ({ rifId: x.rif_id, ruleId: x.rule_id, issuer: x.issuer }));
  }

  /**
   * Deliveries to `authority` whose required feedback was due by `at`, with no feedback given and not
   * declined (the indicators' point-in-time count).
   */
  async overdueCount(q: Queryable, authority: string, at: Date): Promise<number> {
    const r = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rif_delivery d JOIN rif r ON r.id = d.rif_id
       WHERE d.authority = $1 AND d.kind = 'customs' AND d.state <> 'declined'
         AND r.feedback_due IS NOT NULL AND r.feedback_due <= $2 AND r.issued_at IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM rif_feedback f WHERE f.rif_id = d.rif_id AND f.authority = d.authority)`,
      [authority, at],
    );
    return r.rows[0]?.n ?? 0;
  }

  // ——— Feedback ———

  async insertFeedback(
    q: Queryable,
    f: RifFeedback,
    issuer: string,
    resultId: string | null,
  ): Promise<boolean> {
    const { id, rifId, rifVersion, authority, kind, at, ...body } = f;
    const r = await q.query(
      `INSERT INTO rif_feedback (id, rif_id, rif_version, authority, issuer, kind, body, result_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (result_id) DO NOTHING`,
      [id, rifId, rifVersion, authority, issuer, kind, JSON.stringify(body), resultId, at],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async feedback(q: Queryable, rifId: string): Promise<RifFeedback[]> {
    const r = await q.query<FeedbackRow>(
      'SELECT id, rif_id, rif_version, authority, kind, body, at FROM rif_feedback WHERE rif_id = $1 ORDER BY at, id',
      [rifId],
    );
    return r.rows.map(toFeedback);
  }

  // ——— Sharing ———

  async policy(q: Queryable, authority: string): Promise<SharingRule[]> {
    const r = await q.query<SharingRule>(
      'SELECT category, receiver, level FROM sharing_policy WHERE authority = $1 ORDER BY category, receiver',
      [authority],
    );
    return r.rows;
  }

  async replacePolicy(
    q: Queryable,
    authority: string,
    rules: readonly SharingRule[],
    by: string,
    at: Date,
  ): Promise<void> {
    await q.query('DELETE FROM sharing_policy WHERE authority = $1', [authority]);
    if (rules.length === 0) {
      return;
    }
    await q.query(
      `INSERT INTO sharing_policy (authority, category, receiver, level, updated_by, updated_at)
       SELECT $1, r.category, r.receiver, r.level, $2, $3
       FROM unnest($4::text[], $5::text[], $6::text[]) AS r (category, receiver, level)`,
      [
        authority,
        by,
        at,
        rules.map((x) => x.category),
        rules.map((x) => x.receiver),
        rules.map((x) => x.level),
      ],
    );
  }

  /** Writes shared records (a newer share of the same ref replaces the older), 2,000 per statement. */
  async share(
    q: Queryable,
    records: readonly {
      id: string;
      source: string;
      recipient: string;
      category: string;
      level: 'summary' | 'full';
      ref: string;
      data: unknown;
      at: Date;
    }[],
  ): Promise<number> {
    let n = 0;
    for (let i = 0; i < records.length; i += 2000) {
      const batch = records.slice(i, i + 2000);
      const r = await q.query(
        `INSERT INTO shared_record (id, authority, recipient, category, level, ref, body, at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[])
         ON CONFLICT (authority, recipient, category, ref) DO UPDATE
           SET body = EXCLUDED.body, level = EXCLUDED.level, at = EXCLUDED.at`,
        [
          batch.map((s) => s.id),
          batch.map((s) => s.source),
          batch.map((s) => s.recipient),
          batch.map((s) => s.category),
          batch.map((s) => s.level),
          batch.map((s) => s.ref),
          batch.map((s) => JSON.stringify(s.data)),
          batch.map((s) => s.at),
        ],
      );
      n += r.rowCount ?? 0;
    }
    return n;
  }

  /** Takes back what a source shared in a category under refs starting with `refPrefix`. */
  /** Takes back what `source` shared with one recipient (a peer's withdrawal received by federation). */
  async unshareFor(
    q: Queryable,
    source: string,
    recipient: string,
    category: string,
    refPrefix: string,
  ): Promise<number> {
    const r = await q.query(
      `DELETE FROM shared_record
       WHERE authority = $1 AND recipient = $2 AND category = $3 AND starts_with(ref, $4)`,
      [source, recipient, category, refPrefix],
    );
    return r.rowCount ?? 0;
  }

  async unshare(q: Queryable, source: string, category: string, refPrefix: string): Promise<number> {
    const r = await q.query(
      `DELETE FROM shared_record WHERE authority = $1 AND category = $2 AND starts_with(ref, $3)`,
      [source, category, refPrefix],
    );
    return r.rowCount ?? 0;
  }

  async sharedWith(
    q: Queryable,
    recipient: string,
    filter: { category?: string | undefined; source?: string | undefined; limit: number },
  ): Promise<SharedRecord[]> {
    const r = await q.query<SharedRow>(
      `SELECT id, authority, category, level, ref, body, at FROM shared_record
       WHERE recipient = $1 AND ($2::text IS NULL OR category = $2) AND ($3::text IS NULL OR authority = $3)
       ORDER BY at DESC, id LIMIT $4`,
      [recipient, filter.category ?? null, filter.source ?? null, filter.limit],
    );
    return r.rows.map(toSharedRecord);
  }

  /**
   * Published query for union-level analysis: the records of the given categories shared with the
   * recipient between `from` (inclusive) and `to` (exclusive), oldest first, at most `limit`.
   */
  async sharedBetween(
    q: Queryable,
    recipient: string,
    filter: { categories: readonly string[]; from: Date; to: Date; limit: number },
  ): Promise<SharedRecord[]> {
    const r = await q.query<SharedRow>(
      `SELECT id, authority, category, level, ref, body, at FROM shared_record
       WHERE recipient = $1 AND category = ANY($2::text[]) AND at >= $3 AND at < $4
       ORDER BY at, id LIMIT $5`,
      [recipient, filter.categories, filter.from, filter.to, filter.limit],
    );
    return r.rows.map(toSharedRecord);
  }
}

interface SharedRow {
  id: string;
  authority: string;
  category: string;
  level: 'summary' | 'full';
  ref: string;
  body: Record<string, unknown>;
  at: Date;
}

function toSharedRecord(x: SharedRow): SharedRecord {
  return {
    id: x.id,
    source: x.authority,
    category: x.category,
    level: x.level,
    ref: x.ref,
    at: iso(x.at)!,
    data: x.body,
  };
}

/** The stored body (the contract's fields), and the columns the queries filter on. */
function split(rif: Rif): { body: ParsedRifInput; validUntil: Date; feedbackDue: Date | null } {
  const {
    id: _id,
    version: _v,
    issuer: _i,
    author: _a,
    status: _s,
    createdAt: _c,
    updatedAt: _u,
    issuedAt: _ia,
    withdrawnAt: _w,
    withdrawalReason: _wr,
    ...body
  } = rif;
  return {
    body,
    validUntil: new Date(rif.validUntil),
    feedbackDue: rif.feedback.dueAt === undefined ? null : new Date(rif.feedback.dueAt),
  };
}
