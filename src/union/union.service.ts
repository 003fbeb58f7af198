/**
 * Union-level analysis for a coordinating authority: reads, as the reader's own authority (so
 * row-level security lets through only what others' sharing policies gave it), the screening and
 * control records shared with it, and computes the cross-border signals of union-signals.ts. Nothing
 * is copied or stored; each read is in the reader's audit trail.
 */
import { requirePermission } from '../auth/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Actor } from '../auth/index.ts';
import type { Clock } from '../domain/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { SIGNAL_DEFAULTS, unionSignals } from './union-signals.ts';
import type { SharedInput, SignalParameters } from './union-signals.ts';
import type { SignalsQuery, UnionSignals } from './union.schema.ts';

const DAY = 86_400_000;
const MAX_WINDOW_DAYS = 92;
/** The categories the signals are made of. */
export const UNION_CATEGORIES = ['screening', 'control-results', 'seizures'] as const;

export interface UnionServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  /** The cooperation feature's published query: records shared with the recipient in [from, to). */
  readonly sharedBetween: (
    q: Queryable,
    recipient: string,
    filter: { categories: readonly string[]; from: Date; to: Date; limit: number },
  ) => Promise<readonly SharedInput[]>;
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  /** Records one request reads at most (default 200,000). */
  readonly maxRecords?: number | undefined;
}

export class UnionService {
  readonly #d: UnionServiceDeps;

  constructor(deps: UnionServiceDeps) {
    this.#d = deps;
  }

  async signals(actor: Actor, q: SignalsQuery): Promise<UnionSignals> {
    requirePermission(actor, 'union.read');
    const now = this.#d.clock.now();
    const to = q.to !== undefined ? new Date(q.to) : now;
    const from =
      q.from !== undefined ? new Date(q.from) : new Date(to.getTime() - SIGNAL_DEFAULTS.windowDays * DAY);
    if (from >= to || to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY) {
      throw new VigilError('VIGIL_QUERY_INVALID', 'a query parameter is invalid', [
        {
          code: 'VIGIL_QUERY_INVALID',
          path: '$.from',
          message: `the window [from, to) must be non-empty and at most ${MAX_WINDOW_DAYS} days`,
        },
      ]);
    }
    const p: SignalParameters = {
      from,
      to,
      kind: q.kind,
      minAuthorities: q.minAuthorities,
      diversionDays: q.diversionDays,
      baselineDays: q.baselineDays,
      minScreened: q.minScreened,
      minHits: q.minHits,
      minZ: SIGNAL_DEFAULTS.minZ,
    };
    // The baseline of a hit rate and a controlled consignment's screening lie before the window.
    const readFrom = new Date(from.getTime() - q.baselineDays * DAY);
    const limit = this.#d.maxRecords ?? 200_000;
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const records = await this.#d.sharedBetween(tx, actor.authority, {
        categories: UNION_CATEGORIES,
        from: readFrom,
        to,
        limit,
      });
      const items = unionSignals(records, p).slice(0, q.limit);
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: `${actor.role}:${actor.subject}`,
        action: 'union.signals-read',
        subject: `union-signals:${actor.authority}`,
        details: {
          from: from.toISOString(),
          to: to.toISOString(),
          kind: q.kind ?? null,
          records: records.length,
          signals: items.length,
        },
        at: now,
      });
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        parameters: {
          minAuthorities: p.minAuthorities,
          diversionDays: p.diversionDays,
          baselineDays: p.baselineDays,
          minScreened: p.minScreened,
          minHits: p.minHits,
          minZ: p.minZ,
        },
        records: records.length,
        truncated: records.length >= limit,
        items,
      };
    });
  }
}
