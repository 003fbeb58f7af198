/**
 * The audit trail: an append-only log of decisions and reads of personal data, one hash chain per
 * authority (docs/adr/0004-audit-chain.md). Each entry's hash is SHA-256 over the canonical JSON of
 * its content and the previous entry's hash, so `verify` finds the first entry that was changed,
 * deleted or moved. Appends run inside the caller's transaction, so an entry commits or rolls back
 * with the decision it records.
 */
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../store/database.ts';
import { canonicalJson } from './canonical-json.ts';
import { isAuditAction } from './audit-actions.ts';
import type { AuditAction } from './audit-actions.ts';
import {
  chainAuthorities,
  chainHeads,
  claimInboxLines,
  deletePending,
  entryAt,
  head,
  insertRows,
  lockChain,
  page,
  pendingAuthorities,
  pendingCounts,
  pendingPage,
  stagePending,
  trail,
} from './audit.repository.ts';
import type { AuditRow, NewAuditRow } from './audit.repository.ts';
import type { AuditCheckpoint, AuditCheckpoints, CheckpointProblem } from './audit-checkpoints.ts';
import type { AuditInbox, InboxLine, InboxReport } from './audit-inbox.ts';

/** prev_hash of each chain's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditDetails = Readonly<Record<string, unknown>>;

export interface AuditEvent {
  readonly authority: string;
  /** Who acted, e.g. `analyst:alice`, `filer:acme`, `system:worker` (see `auditActor`). */
  readonly actor: string;
  readonly action: AuditAction;
  /** What was acted on: an MRN, a rule id, a token's subject. */
  readonly subject: string;
  /** Identifiers and facts of the decision; not personal data itself (the log is never pruned). */
  readonly details?: AuditDetails | undefined;
  /** When it happened; defaults to the log's clock. Stored and hashed to the millisecond. */
  readonly at?: Date | undefined;
}

export interface AuditEntry {
  readonly authority: string;
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  /** An `AuditAction`, or a name written by another version of Vigil. */
  readonly action: string;
  readonly subject: string;
  readonly details: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

export type AuditProblem =
  /** The entry's content or hash was changed after it was written. */
  | 'hash-mismatch'
  /** The entry does not point at the hash of the entry before it. */
  | 'broken-link'
  /** An entry is missing: seq jumps (deleted row). */
  | 'gap'
  /** The entry at this seq was written at another seq (rows swapped or moved). */
  | 'reordered'
  /** The chain ends before an externally recorded head (rows deleted from the end). */
  | 'truncated'
  /** The entry at an externally recorded head has another hash (chain rewritten). */
  | 'anchor-mismatch'
  /** The entry at a signed checkpoint has another hash: the chain was rewritten after it was signed. */
  | 'checkpoint-mismatch'
  /** A line of the checkpoint file does not carry a valid signature of a trusted key (file tampered with). */
  | 'checkpoint-invalid';

export type ChainVerification =
  | {
      readonly ok: true;
      readonly authority: string;
      readonly rows: number;
      /** The last entry: record it elsewhere to detect a rewrite of the whole chain later. */
      readonly head: { readonly seq: number; readonly hash: string } | undefined;
    }
  | {
      readonly ok: false;
      readonly authority: string;
      /** The first broken entry (for `gap` and `truncated`, the first missing seq). */
      readonly seq: number;
      readonly problem: AuditProblem;
      readonly message: string;
      /** Entries verified intact before the break. */
      readonly rows: number;
    };

/** What verification found in the signed checkpoint file (absent when none is configured). */
export interface CheckpointReport {
  readonly file: string;
  /** Checkpoints with a valid signature that were checked against the chains. */
  readonly checked: number;
  /** The newest checkpoint per authority verified. */
  readonly latest: readonly AuditCheckpoint[];
  /** Lines that are not valid signed checkpoints. */
  readonly problems: readonly CheckpointProblem[];
}

/** Reported with every verification: the checkpoint file and, embedded, the inbox. */
interface VerificationExtras {
  readonly checkpoints?: CheckpointReport | undefined;
  readonly inbox?: InboxReport | undefined;
}

export type AuditVerification =
  | ({
      readonly ok: true;
      readonly rows: number;
      readonly chains: readonly ChainVerification[];
    } & VerificationExtras)
  | ({
      readonly ok: false;
      /** The first broken chain (by authority code) and its first broken entry. */
      readonly authority: string;
      readonly seq: number;
      readonly problem: AuditProblem;
      readonly message: string;
      readonly chains: readonly ChainVerification[];
    } & VerificationExtras);

/** A chain head recorded outside the database, e.g. from an earlier `vigil audit verify`. */
export interface AuditAnchor {
  readonly seq: number;
  readonly hash: string;
}

export interface AuditVerifyOptions {
  /** Only this authority's chain; otherwise every chain in the log. */
  readonly authority?: string | undefined;
  /** Per authority: a head recorded earlier; the chain must still contain it unchanged. */
  readonly anchors?: Readonly<Record<string, AuditAnchor>> | undefined;
}

/** An entry the chain must still hold unchanged, and where that claim comes from. */
interface Expectation {
  readonly seq: number;
  readonly hash: string;
  readonly kind: 'anchor' | 'checkpoint';
  readonly label: string;
}

/** A page of the trail for auditors (GET /v1/audit). */
export interface AuditTrailQuery {
  readonly authority: string;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
  /** Chain order (default) or newest first. */
  readonly order?: 'asc' | 'desc' | undefined;
  /** Default 100, at most 500. */
  readonly limit?: number | undefined;
  readonly action?: string | undefined;
  readonly actor?: string | undefined;
  readonly subject?: string | undefined;
  /** From this time (inclusive) … */
  readonly from?: Date | undefined;
  /** … to this time (exclusive). */
  readonly to?: Date | undefined;
}

export interface AuditTrailPage {
  readonly entries: readonly AuditEntry[];
  /** Pass it back as `cursor` for the next page; null on the last. */
  readonly nextCursor: string | null;
}

/** What one round of taking in the embedded inbox did. */
export interface InboxIntake {
  readonly staged: number;
  readonly deadLettered: number;
}

/** What one checkpoint round did. */
export interface CheckpointRound {
  readonly written: readonly AuditCheckpoint[];
  /** Chains not signed because they no longer extend their last checkpoint (or are broken). */
  readonly refused: readonly ChainVerification[];
}

export interface AuditListOptions {
  readonly authority: string;
  /** First seq to return (inclusive); default 1. */
  readonly from?: number | undefined;
  /** Default 100, at most 1000. */
  readonly limit?: number | undefined;
  /** Only entries about this subject (an MRN, a rule id …). */
  readonly subject?: string | undefined;
}

export interface AuditLogOptions {
  readonly clock?: { now(): Date } | undefined;
  /** Rows read per query while verifying. */
  readonly pageSize?: number | undefined;
  /** Signed checkpoints of the chain heads: written by `checkpoint`, checked by `verify`. */
  readonly checkpoints?: AuditCheckpoints | undefined;
  /** The embedded instance's inbox: taken in by `takeInbox`, reported by `verify`. */
  readonly inbox?: AuditInbox | undefined;
}

/** The hashed content of an entry: RFC 8785 JSON of exactly these fields. */
export interface AuditHashInput {
  readonly authority: string;
  readonly seq: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: unknown;
  readonly prevHash: string;
}

export function auditHash(e: AuditHashInput): string {
  const material = canonicalJson({
    authority: e.authority,
    seq: e.seq,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    details: e.details,
    prevHash: e.prevHash,
  });
  return createHash('sha256').update(material, 'utf8').digest('hex');
}

/** The conventional actor string for a person or system holding a token. */
export function auditActor(who: { readonly role: string; readonly subject: string }): string {
  return `${who.role}:${who.subject}`;
}

export class AuditLog {
  readonly #clock: { now(): Date };
  readonly #pageSize: number;
  readonly #checkpoints: AuditCheckpoints | undefined;
  readonly #inbox: AuditInbox | undefined;

  constructor(options: AuditLogOptions = {}) {
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#pageSize = options.pageSize ?? 1000;
    this.#checkpoints = options.checkpoints;
    this.#inbox = options.inbox;
  }

  /** The checkpoint file and key, when configured (for `vigil audit public-key`). */
  get checkpoints(): AuditCheckpoints | undefined {
    return this.#checkpoints;
  }

  get inbox(): AuditInbox | undefined {
    return this.#inbox;
  }

  /**
   * Appends one entry in the caller's transaction. The chain stays locked for this authority until
   * that transaction ends, so call it last, just before commit. Outside a transaction the lock
   * does not hold and a concurrent append fails on the primary key (it never forks the chain).
   */
  async append(tx: Queryable, event: AuditEvent): Promise<AuditEntry> {
    const [entry] = await this.appendMany(tx, [event]);
    return entry!;
  }

  /** Appends several entries (one authority or many) under one lock per authority. */
  async appendMany(tx: Queryable, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    const prepared = events.map((e) => this.#prepare(e));
    // Lock in a fixed order so two transactions appending to the same authorities cannot deadlock.
    const authorities = [...new Set(prepared.map((e) => e.authority))].sort();
    const heads = new Map<string, { seq: number; hash: string }>();
    for (const authority of authorities) {
      await lockChain(tx, authority);
      heads.set(authority, (await head(tx, authority)) ?? { seq: 0, hash: GENESIS_HASH });
    }
    const rows: NewAuditRow[] = [];
    const entries: AuditEntry[] = [];
    for (const e of prepared) {
      const last = heads.get(e.authority)!;
      const seq = last.seq + 1;
      const hash = auditHash({ ...e, seq, prevHash: last.hash });
      heads.set(e.authority, { seq, hash });
      rows.push({ ...e, seq, prevHash: last.hash, hash });
      const { detailsJson: _json, ...content } = e;
      entries.push({ ...content, seq, prevHash: last.hash, hash });
    }
    await insertRows(tx, rows);
    return entries;
  }

  /**
   * Stages entries in the caller's transaction without taking the chain lock: for decisions made at
   * volume (outcomes) and reads of personal data. `chainPending` moves them into the chain.
   */
  async stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) {
      return;
    }
    const prepared = events.map((e) => this.#prepare(e));
    await stagePending(tx, prepared);
  }

  /**
   * Moves staged entries into their chains, oldest first, up to `batch` per authority per call, each
   * authority in one transaction (chain rows in, staged rows out). Returns how many it chained.
   */
  async chainPending(db: Database, batch = 2000): Promise<number> {
    let chained = 0;
    for (const authority of await pendingAuthorities(db)) {
      chained += await db.transaction(async (tx) => {
        await lockChain(tx, authority);
        const rows = await pendingPage(tx, authority, batch);
        if (rows.length === 0) {
          return 0;
        }
        await this.appendMany(
          tx,
          rows.map((r) => ({
            authority,
            at: new Date(r.at),
            actor: r.actor,
            action: r.action as AuditAction,
            subject: r.subject,
            details: r.details,
          })),
        );
        await deletePending(
          tx,
          rows.map((r) => r.id),
        );
        return rows.length;
      });
    }
    return chained;
  }

  /** How many staged entries wait to be chained, per authority. */
  async pendingCounts(db: Queryable): Promise<Map<string, number>> {
    return pendingCounts(db);
  }

  #prepare(e: AuditEvent): Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'> & { readonly detailsJson: string } {
    for (const field of ['authority', 'actor', 'subject'] as const) {
      if (typeof e[field] !== 'string' || e[field] === '') {
        throw new TypeError(`audit entry: ${field} must be a non-empty string`);
      }
    }
    if (!isAuditAction(e.action)) {
      throw new TypeError(`audit entry: unknown action '${String(e.action)}'`);
    }
    // Store and hash the JSON form (undefined dropped, dates as strings): what is read back later.
    const detailsJson = canonicalJson(e.details ?? {});
    const details: unknown = JSON.parse(detailsJson);
    if (details === null || typeof details !== 'object' || Array.isArray(details)) {
      throw new TypeError('audit entry: details must be an object');
    }
    const at = new Date((e.at ?? this.#clock.now()).getTime());
    if (Number.isNaN(at.getTime())) {
      throw new TypeError('audit entry: invalid date');
    }
    return {
      authority: e.authority,
      at,
      actor: e.actor,
      action: e.action,
      subject: e.subject,
      details,
      detailsJson,
    };
  }

  /** Entries of one authority's chain in seq order, for auditors. */
  async list(db: Queryable, options: AuditListOptions): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(1, Math.trunc(options.limit ?? 100)), 1000);
    const rows = await page(db, {
      authority: options.authority,
      fromSeq: Math.max(1, Math.trunc(options.from ?? 1)),
      limit,
      subject: options.subject,
    });
    return rows.map(toEntry);
  }

  /**
   * Checks every chain (or one) from its first entry and reports the first broken entry of each. The
   * chains must also still hold every signed checkpoint and every anchor given; the embedded inbox's
   * waiting and refused lines are reported with the result.
   */
  async verify(db: Queryable, options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    const read = this.#checkpoints?.read();
    const onlyThis = (a: string | undefined): boolean =>
      options.authority === undefined || a === options.authority;
    const signed = (read?.checkpoints ?? []).filter((c) => onlyThis(c.authority));
    const fileProblems = (read?.problems ?? []).filter((p) => onlyThis(p.authority));
    const authorities =
      options.authority !== undefined
        ? [options.authority]
        : [
            ...new Set([
              ...(await chainAuthorities(db)),
              ...signed.map((c) => c.authority),
              ...fileProblems.flatMap((p) => (p.authority !== undefined ? [p.authority] : [])),
            ]),
          ].sort();
    const chains: ChainVerification[] = [];
    for (const authority of authorities) {
      const expected: Expectation[] = signed
        .filter((c) => c.authority === authority)
        .map((c) => ({
          seq: c.seq,
          hash: c.hash,
          kind: 'checkpoint',
          label: `the checkpoint signed at ${c.at}`,
        }));
      const anchor = options.anchors?.[authority];
      if (anchor !== undefined) {
        expected.push({ ...anchor, kind: 'anchor', label: 'the head recorded earlier' });
      }
      let chain = await this.#walk(db, authority, expected);
      const forged = fileProblems.find((p) => p.authority === authority);
      if (chain.ok && forged !== undefined) {
        chain = broken(
          authority,
          forged.seq ?? 0,
          'checkpoint-invalid',
          chain.rows,
          `line ${forged.line} of ${read!.path}: ${forged.message}`,
        );
      }
      chains.push(chain);
    }
    const extras: VerificationExtras = {
      ...(read !== undefined
        ? {
            checkpoints: {
              file: read.path,
              checked: signed.length,
              latest: [...latestOf(signed).values()],
              problems: fileProblems,
            },
          }
        : {}),
      ...(this.#inbox !== undefined ? { inbox: this.#inbox.report(options.authority) } : {}),
    };
    const broke = chains.find((c) => !c.ok);
    if (broke !== undefined && !broke.ok) {
      const { authority, seq, problem, message } = broke;
      return { ok: false, authority, seq, problem, message, chains, ...extras };
    }
    const unattributed = fileProblems.find((p) => p.authority === undefined);
    if (unattributed !== undefined) {
      return {
        ok: false,
        authority: '',
        seq: 0,
        problem: 'checkpoint-invalid',
        message: `line ${unattributed.line} of ${read!.path}: ${unattributed.message}`,
        chains,
        ...extras,
      };
    }
    return { ok: true, rows: chains.reduce((n, c) => n + c.rows, 0), chains, ...extras };
  }

  /** One chain from its first entry; `anchor` (or several) must still be in it unchanged. */
  async verifyChain(
    db: Queryable,
    authority: string,
    anchor?: AuditAnchor | readonly AuditAnchor[],
  ): Promise<ChainVerification> {
    const anchors = anchor === undefined ? [] : 'seq' in anchor ? [anchor] : anchor;
    return this.#walk(
      db,
      authority,
      anchors.map((a) => ({ ...a, kind: 'anchor' as const, label: 'the head recorded earlier' })),
    );
  }

  async #walk(
    db: Queryable,
    authority: string,
    expectations: readonly Expectation[],
    start: { readonly seq: number; readonly hash: string } = { seq: 0, hash: GENESIS_HASH },
  ): Promise<ChainVerification> {
    const expected = new Map<number, Expectation[]>();
    for (const e of expectations) {
      expected.set(e.seq, [...(expected.get(e.seq) ?? []), e]);
    }
    let expectedSeq = start.seq + 1;
    let prevHash = start.hash;
    for (;;) {
      const rows = await page(db, { authority, fromSeq: expectedSeq, limit: this.#pageSize });
      for (const row of rows) {
        const rowsOk = expectedSeq - 1;
        if (row.seq !== expectedSeq) {
          const missing = row.seq - expectedSeq;
          return broken(
            authority,
            expectedSeq,
            'gap',
            rowsOk,
            missing === 1
              ? `entry ${expectedSeq} is missing (deleted?): the chain jumps from ${expectedSeq - 1} to ${row.seq}`
              : `entries ${expectedSeq}–${row.seq - 1} are missing (deleted?): the chain jumps from ${expectedSeq - 1} to ${row.seq}`,
          );
        }
        const hashOk = auditHash(hashInput(row)) === row.hash;
        const linkOk = row.prev_hash === prevHash;
        if (!hashOk || !linkOk) {
          const origin = await this.#originalSeq(db, row);
          if (origin !== undefined) {
            return broken(
              authority,
              row.seq,
              'reordered',
              rowsOk,
              `entry ${row.seq} holds the entry written as ${origin} (rows swapped or moved)`,
            );
          }
          return hashOk
            ? broken(
                authority,
                row.seq,
                'broken-link',
                rowsOk,
                `entry ${row.seq} does not point at entry ${row.seq - 1}'s hash (entry ${row.seq - 1} was rewritten and rehashed, or this link was edited)`,
              )
            : broken(
                authority,
                row.seq,
                'hash-mismatch',
                rowsOk,
                `entry ${row.seq} does not match its hash (its content or hash was changed after it was written)`,
              );
        }
        const wrong = expected.get(row.seq)?.find((e) => e.hash !== row.hash);
        if (wrong !== undefined) {
          return broken(
            authority,
            row.seq,
            wrong.kind === 'checkpoint' ? 'checkpoint-mismatch' : 'anchor-mismatch',
            rowsOk,
            `entry ${row.seq} has hash ${row.hash}, not the ${wrong.hash} of ${wrong.label} (chain rewritten${wrong.kind === 'checkpoint' ? ' after it was checkpointed' : ''})`,
          );
        }
        prevHash = row.hash;
        expectedSeq += 1;
      }
      if (rows.length < this.#pageSize) {
        break;
      }
    }
    const count = expectedSeq - 1;
    const beyond = [...expected.values()]
      .flat()
      .filter((e) => e.seq > count)
      .sort((a, b) => b.seq - a.seq)[0];
    if (beyond !== undefined) {
      return broken(
        authority,
        count + 1,
        'truncated',
        count,
        `the chain ends at ${count} but entry ${beyond.seq} is in ${beyond.label} (entries deleted from the end?)`,
      );
    }
    return {
      ok: true,
      authority,
      rows: count,
      head: count === 0 ? undefined : { seq: count, hash: prevHash },
    };
  }

  /**
   * Signs every chain head that moved since its last checkpoint and appends it to the checkpoint
   * file. A head is signed only if the chain still extends its last checkpoint (checked from that
   * checkpoint on, or from the first entry the first time): a chain rewritten in the database is
   * never blessed by a later checkpoint.
   */
  async checkpoint(db: Queryable): Promise<CheckpointRound> {
    const store = this.#checkpoints;
    if (store === undefined || !store.canSign) {
      return { written: [], refused: [] };
    }
    const latest = store.latest();
    const heads: { authority: string; seq: number; hash: string }[] = [];
    const refused: ChainVerification[] = [];
    for (const h of await chainHeads(db)) {
      const last = latest.get(h.authority);
      if (last !== undefined && last.seq === h.seq && last.hash === h.hash) {
        continue;
      }
      let checked: ChainVerification;
      if (last === undefined) {
        checked = await this.#walk(db, h.authority, []);
      } else {
        const at = await entryAt(db, h.authority, last.seq);
        checked =
          at === undefined || at.hash !== last.hash || auditHash(hashInput(at)) !== at.hash
            ? broken(
                h.authority,
                last.seq,
                at === undefined ? 'truncated' : 'checkpoint-mismatch',
                last.seq - 1,
                `entry ${last.seq} no longer matches the checkpoint signed at ${last.at}`,
              )
            : await this.#walk(db, h.authority, [], { seq: last.seq, hash: last.hash });
      }
      if (!checked.ok) {
        refused.push(checked);
        continue;
      }
      if (checked.head !== undefined) {
        heads.push({ authority: h.authority, ...checked.head });
      }
    }
    return { written: store.write(heads, this.#clock.now()), refused };
  }

  /**
   * Takes in the embedded inbox: leftovers first, each line checked (schema and HMAC) and staged at
   * most once; refused lines go to the dead-letter file with the reason. A batch file is removed only
   * when all of it was handled, so a failure (or a crash) leaves it for the next round.
   */
  async takeInbox(db: Database, inbox: AuditInbox | undefined = this.#inbox): Promise<InboxIntake> {
    if (inbox === undefined) {
      return { staged: 0, deadLettered: 0 };
    }
    let staged = 0;
    let deadLettered = 0;
    for (const file of inbox.claim()) {
      const now = this.#clock.now();
      const batch = inbox.read(file);
      const refuse = (source: string, reason: string, raw: string): void => {
        inbox.deadLetter(source, reason, raw, now);
        deadLettered += 1;
      };
      for (const r of batch.refused) {
        refuse(r.source, r.reason, r.raw);
      }
      const first = new Map<string, InboxLine>();
      const replays: { line: InboxLine; reason: string }[] = [];
      for (const line of batch.lines) {
        const earlier = first.get(line.id);
        if (earlier !== undefined) {
          replays.push({ line, reason: `replayed: the same line (id ${line.id}) is at ${earlier.source}` });
          continue;
        }
        try {
          this.#prepare(line.event);
          first.set(line.id, line);
        } catch (err) {
          refuse(line.source, `invalid event: ${(err as Error).message}`, line.raw);
        }
      }
      const fresh = [...first.values()];
      staged += await db.transaction(async (tx) => {
        const claimed = await claimInboxLines(
          tx,
          fresh.map((l) => ({ id: l.id, source: l.source, authority: l.event.authority })),
        );
        const toStage = fresh.filter((l) => {
          const source = claimed.get(l.id);
          if (source !== undefined && source !== l.source) {
            replays.push({ line: l, reason: `replayed: line id ${l.id} was taken in before from ${source}` });
          }
          return source === undefined;
        });
        await this.stage(
          tx,
          toStage.map((l) => l.event),
        );
        return toStage.length;
      });
      for (const r of replays) {
        refuse(r.line.source, r.reason, r.line.raw);
      }
      inbox.finish(batch);
    }
    return { staged, deadLettered };
  }

  /** A page of one authority's trail for auditors, filtered, with a cursor for the next page. */
  async trail(db: Queryable, q: AuditTrailQuery): Promise<AuditTrailPage> {
    const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? 100)), 500);
    const order = q.order ?? 'asc';
    const rows = await trail(db, {
      authority: q.authority,
      cursor: q.cursor !== undefined ? decodeCursor(q.cursor) : undefined,
      order,
      limit: limit + 1,
      action: q.action,
      actor: q.actor,
      subject: q.subject,
      from: q.from,
      to: q.to,
    });
    const entries = rows.slice(0, limit).map(toEntry);
    const last = entries.at(-1);
    return {
      entries,
      nextCursor:
        rows.length > limit && last !== undefined ? Buffer.from(`s${last.seq}`).toString('base64url') : null,
    };
  }

  /**
   * Whether a broken row is an intact entry from another position: the whole row moved (its own
   * prev_hash and hash fit another seq), or its content moved (it fits another row's seq, link and
   * hash). Only runs once a chain has broken, so a full scan is affordable.
   */
  async #originalSeq(db: Queryable, row: AuditRow): Promise<number | undefined> {
    const content = hashInput(row);
    let fromSeq = 1;
    for (;;) {
      const rows = await page(db, { authority: row.authority, fromSeq, limit: this.#pageSize });
      for (const other of rows) {
        if (other.seq === row.seq) {
          continue;
        }
        if (
          auditHash({ ...content, seq: other.seq }) === row.hash ||
          auditHash({ ...content, seq: other.seq, prevHash: other.prev_hash }) === other.hash
        ) {
          return other.seq;
        }
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < this.#pageSize) {
        return undefined;
      }
      fromSeq = last.seq + 1;
    }
  }
}

function hashInput(row: AuditRow): AuditHashInput {
  return {
    authority: row.authority,
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    details: row.details,
    prevHash: row.prev_hash,
  };
}

/** Thrown for a cursor this API did not give out. */
export class AuditCursorError extends Error {
  constructor() {
    super('cursor is not one this list gave out');
    this.name = 'AuditCursorError';
  }
}

function decodeCursor(cursor: string): number {
  const m = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (m === null) {
    throw new AuditCursorError();
  }
  return Number(m[1]);
}

function latestOf(checkpoints: readonly AuditCheckpoint[]): Map<string, AuditCheckpoint> {
  const latest = new Map<string, AuditCheckpoint>();
  for (const c of checkpoints) {
    const known = latest.get(c.authority);
    if (known === undefined || c.seq >= known.seq) {
      latest.set(c.authority, c);
    }
  }
  return latest;
}

function toEntry(row: AuditRow): AuditEntry {
  return { ...hashInput(row), hash: row.hash };
}

function broken(
  authority: string,
  seq: number,
  problem: AuditProblem,
  rows: number,
  message: string,
): ChainVerification {
  return { ok: false, authority, seq, problem, message, rows };
}
