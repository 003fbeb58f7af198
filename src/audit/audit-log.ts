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
  deletePending,
  head,
  insertRows,
  lockChain,
  page,
  pendingAuthorities,
  pendingCounts,
  pendingPage,
  stagePending,
} from './audit.repository.ts';
import type { AuditRow, NewAuditRow } from './audit.repository.ts';

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
  | 'anchor-mismatch';

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

export type AuditVerification =
  | { readonly ok: true; readonly rows: number; readonly chains: readonly ChainVerification[] }
  | {
      readonly ok: false;
      /** The first broken chain (by authority code) and its first broken entry. */
      readonly authority: string;
      readonly seq: number;
      readonly problem: AuditProblem;
      readonly message: string;
      readonly chains: readonly ChainVerification[];
    };

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

  constructor(options: AuditLogOptions = {}) {
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#pageSize = options.pageSize ?? 1000;
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

  /** Checks every chain (or one) from its first entry and reports the first broken entry of each. */
  async verify(db: Queryable, options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    const authorities = options.authority !== undefined ? [options.authority] : await chainAuthorities(db);
    const chains: ChainVerification[] = [];
    for (const authority of authorities) {
      chains.push(await this.verifyChain(db, authority, options.anchors?.[authority]));
    }
    const broken = chains.find((c) => !c.ok);
    if (broken !== undefined && !broken.ok) {
      const { authority, seq, problem, message } = broken;
      return { ok: false, authority, seq, problem, message, chains };
    }
    return { ok: true, rows: chains.reduce((n, c) => n + c.rows, 0), chains };
  }

  async verifyChain(db: Queryable, authority: string, anchor?: AuditAnchor): Promise<ChainVerification> {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let anchorHash: string | undefined;
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
        if (anchor?.seq === row.seq) {
          anchorHash = row.hash;
        }
        prevHash = row.hash;
        expectedSeq += 1;
      }
      if (rows.length < this.#pageSize) {
        break;
      }
    }
    const count = expectedSeq - 1;
    if (anchor !== undefined) {
      if (anchorHash === undefined) {
        return broken(
          authority,
          count + 1,
          'truncated',
          count,
          `the chain ends at ${count} but entry ${anchor.seq} was recorded earlier (entries deleted from the end?)`,
        );
      }
      if (anchorHash !== anchor.hash) {
        return broken(
          authority,
          anchor.seq,
          'anchor-mismatch',
          count,
          `entry ${anchor.seq} has hash ${anchorHash}, not the ${anchor.hash} recorded earlier (chain rewritten)`,
        );
      }
    }
    return {
      ok: true,
      authority,
      rows: count,
      head: count === 0 ? undefined : { seq: count, hash: prevHash },
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
