/**
 * Assessment: consumes "filing ready" events, assesses every consignment once per version of its data
 * (the pure `assessConsignment`: rules, watchlists, statistical signals, operator profile and the
 * recorded random element), stores score, hits and outcome with their explanation, and tells the
 * filer. The same inputs and rule versions give the same assessment; a redelivered event changes
 * nothing. Analysts' reviews and RFI answers revise the outcome.
 */
import { setImmediate } from 'node:timers/promises';
import type { Actor } from '../auth/index.ts';
import { officeOfAuthority, requirePermission, visibleTo } from '../auth/index.ts';
import type { Clock, ControlType, Filing, Party, Transport } from '../domain/index.ts';
import { operatorKey } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import type { ErrorCode } from '../errors/index.ts';
import type { QueueRepository } from './queue.repository.ts';
import type { FilingRepository, FilingRow } from '../intake/index.ts';
import type { NotificationRepository } from '../notifications/index.ts';
import type { AssessmentMetrics } from '../observability/metrics.ts';
import { operatorsOf } from '../operators/index.ts';
import type { OperatorRepository } from '../operators/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { assessConsignment, combineScore, explainConsignment, toSelectivityHit } from './assess.ts';
import type { ConsignmentModel, ExplainedHit, IprScreening } from './assess.ts';
import type { AssessmentRecord, AssessmentRepository, HitReviewRow } from './assessment.repository.ts';
import { queueRows } from './assessment.repository.ts';
import type { QueueQuery, queuePageSchema } from './assessment.contract.ts';
import type { z } from 'zod';
import { DEFAULT_ENTRY_OUTCOME, entryOutcome, filerView } from './entry-outcome.ts';
import type { EntryOutcome, EntryOutcomeConfig, SelectivityHit } from './entry-outcome.ts';
import { entryTimingOf } from './entry-timing.ts';
import type { RiskContextCache } from './risk-context.ts';
import type { GoodsNomenclature } from '../risk/index.ts';
import type { SignalHit } from './signals.ts';

/** How long assessing one filing's consignments may hold the event loop before it yields. */
const YIELD_EVERY_MS = 20;

/** What assessment needs of the audit trail. */
export interface AuditStager {
  stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void>;
}

export interface AssessmentServiceDeps {
  readonly db: Database;
  readonly repo: AssessmentRepository;
  readonly filings: FilingRepository;
  readonly operators: OperatorRepository;
  readonly notifications: NotificationRepository;
  readonly contexts: RiskContextCache;
  readonly clock: Clock;
  readonly outcomes?: EntryOutcomeConfig;
  /** Called after an assessment is stored (audit, metrics, control tasks). */
  /**
   * After each stored assessment, in its transaction. `arrival` is the estimated arrival of the
   * transport the consignment travels on: the filing's own, else its linked master's.
   */
  readonly onAssessed?: (
    tx: Queryable,
    a: AssessmentRecord,
    filing: FilingRow,
    arrival: string | undefined,
  ) => Promise<void>;
  readonly metrics?: AssessmentMetrics | undefined;
  /** The queue's change feed (the staff's stream reads it): written in each assessment's and review's transaction. */
  readonly queueEvents?: Pick<QueueRepository, 'insertEvents'> | undefined;
  /**
   * The certificate hits of each consignment of a batch, by `${mrn}/${seq}` (certificates feature):
   * citations refused at registration, certificates that measures require and no goods item cites.
   */
  readonly certificateHits?:
    | ((
        tx: Queryable,
        authority: string,
        versions: readonly { mrn: string; version: number; filing: Filing; at: Date }[],
      ) => Promise<ReadonlyMap<string, readonly SignalHit[]>>)
    | undefined;
  /**
   * The hits of signals learned from control results, by `${mrn}/${seq}` (result-signals feature):
   * a consignee, consignor, pair, container, means or route and goods of a recent seizure or
   * irregularity.
   */
  readonly resultHits?:
    | ((
        tx: Queryable,
        authority: string,
        versions: readonly { mrn: string; filing: Filing }[],
      ) => Promise<ReadonlyMap<string, readonly SignalHit[]>>)
    | undefined;
  /**
   * The authority's active entry-summary model (models feature), asked once per batch; undefined
   * while none is active. Its verdict is recorded on every assessment and counts as a hit when its
   * points reach the configured floor.
   */
  readonly model?: ((tx: Queryable, authority: string) => Promise<ConsignmentModel | undefined>) | undefined;
  /** The authority's IPR applications for action (IPR feature); undefined while it keeps none. */
  readonly ipr?: ((tx: Queryable, authority: string) => Promise<IprScreening | undefined>) | undefined;
  /** The audit trail: every outcome is recorded (staged, chained in the background). */
  readonly audit?: AuditStager | undefined;
  readonly log?: { info(obj: object, msg: string): void } | undefined;
  /** The goods nomenclature for rules' `hs.description` (the reference data in memory). */
  readonly nomenclature?: (() => GoodsNomenclature) | undefined;
  /**
   * Called after an analyst's review, with the (possibly revised) assessment: confirmed hits become
   * controls. `arrival` as for `onAssessed`: the filing's own transport's, else its linked master's.
   */
  readonly onReviewed?: (
    tx: Queryable,
    revised: AssessmentRecord,
    review: {
      hitId: string;
      decision: 'confirmed' | 'dismissed';
      reviewer: string;
      actor: string;
      control?: { type: ControlType; office: string } | undefined;
    },
    filing: FilingRow,
    arrival: string | undefined,
  ) => Promise<void>;
}

/** What bulk dismiss did with one consignment: its hits dismissed, or why nothing was. */
export type BulkDismissResult =
  | { mrn: string; consignment: number; ok: true; dismissed: string[]; outcome: string }
  | { mrn: string; consignment: number; ok: false; code: ErrorCode; message: string };

export interface ReadyEvent {
  readonly mrn: string;
  readonly authority: string;
  readonly version: number;
  /** The request that lodged the filing, for logs that follow it from the API to the worker. */
  readonly requestId?: string | undefined;
}

export class AssessmentService {
  readonly #d: AssessmentServiceDeps;
  readonly #outcomes: EntryOutcomeConfig;

  constructor(deps: AssessmentServiceDeps) {
    this.#d = deps;
    this.#outcomes = deps.outcomes ?? DEFAULT_ENTRY_OUTCOME;
  }

  /** Handles a `filing.ready` event; returns how many consignment assessments it stored (0 if done before). */
  async handleReady(event: ReadyEvent): Promise<number> {
    return (await this.handleReadyMany([event]))[0]!;
  }

  /**
   * Handles several `filing.ready` events at once (the worker's group commit): per authority, one
   * transaction and one statement per step for all of them — read the filings, skip versions already
   * assessed, read the operators' profiles and the linked masters' transport, assess, then store the
   * assessments, notifications, audit entries and operator counters. Returns, per event in order,
   * how many consignment assessments it stored (0 if done before, invalidated or superseded). The
   * same event twice in one batch is assessed once.
   */
  async handleReadyMany(events: readonly ReadyEvent[]): Promise<number[]> {
    const stored = new Map<string, number>();
    const keyOf = (e: ReadyEvent): string => `${e.authority}/${e.mrn}/${e.version}`;
    for (const authority of new Set(events.map((e) => e.authority))) {
      const mine = events.filter((e) => e.authority === authority);
      const done = await this.#assessBatch(authority, mine);
      for (const [k, n] of done) {
        stored.set(k, n);
      }
    }
    const counted = new Set<string>();
    return events.map((e) => {
      const k = keyOf(e);
      if (counted.has(k)) {
        return 0;
      }
      counted.add(k);
      return stored.get(k) ?? 0;
    });
  }

  async #assessBatch(authority: string, events: readonly ReadyEvent[]): Promise<Map<string, number>> {
    const { repo, notifications, operators } = this.#d;
    const db = this.#d.db.forAuthority(authority);
    const ctx = await this.#d.contexts.get(authority);
    const started = performance.now();
    const wanted = new Map(events.map((e) => [`${e.mrn}/${e.version}`, e]));
    // One transaction: read, decide, store. A redelivered event finds the version assessed and stops.
    const result = await db.transaction(async (tx) => {
      const rows = await this.#d.filings.findByMrns(
        tx,
        authority,
        [...wanted.values()].map((e) => e.mrn),
      );
      const assessed = await repo.assessedMany(
        tx,
        authority,
        [...wanted.values()].map((e) => ({ mrn: e.mrn, version: e.version })),
      );
      // Invalidated, or superseded by an amendment whose own event will be assessed, or done before.
      const todo = rows.filter(
        (row) =>
          row.status === 'registered' &&
          wanted.has(`${row.mrn}/${row.version}`) &&
          !assessed.has(`${row.mrn}/${row.version}`),
      );
      if (todo.length === 0) {
        return [];
      }
      const now = this.#d.clock.now();
      const filings = todo.map((row) => row.body as Filing);
      const ops = await operatorsOf(operators, tx, authority, filings);
      // The date of each version assessed: AEO statuses and certificates are taken as of it.
      const certificates =
        (await this.#d.certificateHits?.(
          tx,
          authority,
          todo.map((row, i) => ({
            mrn: row.mrn,
            version: row.version,
            filing: filings[i]!,
            at: new Date(row.updated_at),
          })),
        )) ?? new Map<string, readonly SignalHit[]>();
      const learned =
        (await this.#d.resultHits?.(
          tx,
          authority,
          todo.map((row, i) => ({ mrn: row.mrn, filing: filings[i]! })),
        )) ?? new Map<string, readonly SignalHit[]>();
      const ipr = await this.#d.ipr?.(tx, authority);
      const model = await this.#d.model?.(tx, authority);
      // A house part without transport is decided, and controlled, on its linked master's transport.
      const masterTransports = await this.#d.filings.masterTransportsOf(
        tx,
        todo
          .filter((row, i) => filings[i]!.transport === undefined && row.part === 'house')
          .map((r) => r.mrn),
      );
      const records: AssessmentRecord[] = [];
      let slice = performance.now();
      for (let i = 0; i < todo.length; i++) {
        const row = todo[i]!;
        const filing = filings[i]!;
        const masterTransport = masterTransports.get(row.mrn);
        for (let seq = 0; seq < filing.consignments.length; seq++) {
          records.push(
            assessConsignment({
              row,
              filing,
              seq,
              now,
              ctx,
              ops,
              outcomes: this.#outcomes,
              masterTransport,
              nomenclature: this.#d.nomenclature?.(),
              filedAt: new Date(row.updated_at),
              certificateHits: certificates.get(`${row.mrn}/${seq}`),
              resultHits: learned.get(`${row.mrn}/${seq}`),
              ipr,
              model,
              lodgedAt: new Date(row.lodged_at),
            }),
          );
          // Each rule is bounded by its budget, but a batch of many consignments is not: give the
          // event loop back every 20 ms so that one large batch never stalls other requests.
          if (performance.now() - slice > YIELD_EVERY_MS) {
            await setImmediate();
            slice = performance.now();
          }
        }
      }
      const inserted = await repo.insertAssessmentsMany(tx, records);
      const stored = records.filter((a) => inserted.has(`${a.mrn}/${a.version}/${a.seq}`));
      const rowOf = new Map(todo.map((row, i) => [row.mrn, { row, filing: filings[i]! }]));
      await notifications.notifyMany(
        tx,
        stored.map((a) => ({
          authority,
          filer: rowOf.get(a.mrn)!.row.filer,
          mrn: a.mrn,
          kind: 'outcome',
          payload: {
            mrn: a.mrn,
            consignment: a.seq,
            version: a.version,
            outcome: filerView(a.outcome as EntryOutcome, a.mrn, a.seq),
          },
          at: now,
        })),
      );
      await this.#d.queueEvents?.insertEvents(
        tx,
        stored
          .filter((a) => (a.hits as unknown[]).length > 0)
          .map((a) => ({
            authority,
            kind: 'assessed' as const,
            mrn: a.mrn,
            version: a.version,
            seq: a.seq,
            detail: { score: a.score, hits: (a.hits as unknown[]).length, outcome: a.outcomeKind },
            at: now,
          })),
      );
      for (const a of stored) {
        const { row, filing } = rowOf.get(a.mrn)!;
        const arrival = (filing.transport ?? masterTransports.get(a.mrn))?.estimatedArrival;
        await this.#d.onAssessed?.(tx, a, row, arrival);
      }
      await this.#d.audit?.stage(
        tx,
        stored.map((a) => ({
          authority,
          actor: 'system:assessment',
          action: 'outcome.decided' as const,
          subject: a.mrn,
          at: now,
          details: {
            version: a.version,
            consignment: a.seq,
            outcome: a.outcomeKind,
            score: a.score,
            hits: (a.hits as ExplainedHit[]).map((h) =>
              h.version !== undefined ? `${h.id}@${h.version}` : h.id,
            ),
            random: a.random,
          },
        })),
      );
      // Operators seen: once per filing's first version, summed over the batch (one row update per
      // operator, not one per filing: a busy operator's row is the hottest in the database).
      const seen = new Map<string, { key: string; eori: string | undefined; name: string; count: number }>();
      const firstVersions = new Set(stored.filter((a) => a.version === 1).map((a) => a.mrn));
      for (const mrn of firstVersions) {
        const { filing } = rowOf.get(mrn)!;
        // A complement (F16, F25, F44) has no consignor; a "to order" consignment no consignee.
        const parties = filing.consignments.flatMap((c) =>
          [c.consignor, c.consignee].filter((p): p is Party => p !== undefined),
        );
        for (const key of new Set(parties.map((p) => operatorKey(p)))) {
          const p = parties.find((x) => operatorKey(x) === key)!;
          const o = seen.get(key);
          if (o === undefined) {
            seen.set(key, { key, eori: p.eori, name: p.name, count: 1 });
          } else {
            o.count += 1;
          }
        }
      }
      await operators.touchOperators(tx, authority, [...seen.values()], now);
      return todo.map((row) => ({ row, records: stored.filter((a) => a.mrn === row.mrn) }));
    });
    const out = new Map<string, number>();
    const seconds = (performance.now() - started) / 1000;
    for (const { row, records } of result) {
      out.set(`${authority}/${row.mrn}/${row.version}`, records.length);
      if (records.length === 0) {
        continue;
      }
      const event = wanted.get(`${row.mrn}/${row.version}`);
      const sinceLodged = (Date.now() - new Date(row.lodged_at).getTime()) / 1000;
      this.#d.metrics?.assessed(
        records.map((r) => r.outcomeKind),
        seconds,
        sinceLodged,
      );
      this.#d.log?.info(
        {
          requestId: event?.requestId,
          mrn: row.mrn,
          version: row.version,
          outcomes: records.map((r) => r.outcomeKind),
          ms: Math.round(seconds * 1000),
          batch: events.length,
        },
        'filing assessed',
      );
    }
    return out;
  }

  /** The current outcome of each consignment, for the filer who lodged it or the authority's officials. */
  /**
   * Records a declaration's consignor and consignee as seen (an import declaration read as a filing),
   * in the caller's transaction, as an assessed entry summary records its parties.
   */
  async recordSeen(tx: Queryable, authority: string, filing: Filing, at: Date): Promise<void> {
    const parties = filing.consignments.flatMap((c) =>
      [c.consignor, c.consignee].filter((p): p is Party => p !== undefined),
    );
    const seen = new Map(
      parties.map((p) => [operatorKey(p), { key: operatorKey(p), eori: p.eori, name: p.name }]),
    );
    await this.#d.operators.touchOperators(tx, authority, [...seen.values()], at);
  }

  /**
   * The explained hits of a declaration read as a filing of one consignment (an H1/H7 import
   * declaration: import-declarations/import-as-filing.ts), by the authority's rules, watchlists and
   * signals, the parties' profiles and AEO status, and the signals learned from control results.
   * Nothing is stored: the caller records the hits with its own decision. Reads outside any
   * transaction (the embedded database has one connection: call it before the caller's own).
   */
  async explainFiling(
    authority: string,
    mrn: string,
    filing: Filing,
    at: Date,
  ): Promise<{ hits: ExplainedHit[]; selecting: SelectivityHit[]; score: number }> {
    const ctx = await this.#d.contexts.get(authority);
    const db = this.#d.db.forAuthority(authority);
    const ops = await operatorsOf(this.#d.operators, db, authority, [filing]);
    const learned = await this.#d.resultHits?.(db, authority, [{ mrn, filing }]);
    const ipr = await this.#d.ipr?.(db, authority);
    const { hits, score } = explainConsignment({
      row: { authority },
      filing,
      seq: 0,
      now: at,
      ctx,
      ops,
      filedAt: at,
      resultHits: learned?.get(`${mrn}/0`),
      nomenclature: this.#d.nomenclature?.(),
      ipr,
    });
    return { hits, selecting: hits.map(toSelectivityHit), score };
  }

  async current(actor: Actor, mrn: string): Promise<{ row: FilingRow; assessments: AssessmentRecord[] }> {
    requirePermission(actor, 'outcome.read');
    return this.#current(actor, mrn);
  }

  /** The current assessment with its explanation and analysts' reviews: for officials only. */
  async explained(
    actor: Actor,
    mrn: string,
  ): Promise<{
    row: FilingRow;
    assessments: AssessmentRecord[];
    reviews: HitReviewRow[];
  }> {
    requirePermission(actor, 'assessment.read');
    const { row, assessments } = await this.#current(actor, mrn);
    const reviews = await this.#d.repo.reviewsOf(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      row.mrn,
    );
    return { row, assessments, reviews };
  }

  async #current(actor: Actor, mrn: string): Promise<{ row: FilingRow; assessments: AssessmentRecord[] }> {
    const row = await this.#d.filings.findByMrn(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      mrn,
    );
    if (row === undefined || !visibleTo(actor, row.filer)) {
      throw new VigilError('VIGIL_FILING_NOT_FOUND', `no filing ${mrn} is visible to you`);
    }
    return {
      row,
      assessments: await this.#d.repo.currentAssessments(
        this.#d.db.forAuthority(actor.authority),
        actor.authority,
        mrn,
      ),
    };
  }

  /** The analysts' queue: consignments with hits, the open ones by default, a page at a time. */
  async queue(actor: Actor, q: QueueQuery): Promise<z.output<typeof queuePageSchema>> {
    requirePermission(actor, 'assessment.read');
    const offset = q.next === undefined ? 0 : Number(q.next);
    const rows = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => queueRows(tx, actor.authority, { ...q, offset }));
    const total = rows[0]?.total ?? (offset === 0 ? 0 : undefined);
    const items = rows.map((r) => {
      const hits = r.hits as ExplainedHit[];
      const count = (s: string): number => hits.filter((h) => h.severity === s).length;
      return {
        mrn: r.mrn,
        index: r.seq,
        version: r.version,
        score: r.score,
        outcome: r.outcome_kind,
        mode: r.mode,
        office: r.office,
        arrival: r.arrival,
        consignor: r.consignor,
        consignee: r.consignee,
        hits: hits.length,
        reviewed: r.reviewed,
        severity: {
          critical: count('critical'),
          high: count('high'),
          medium: count('medium'),
          low: count('low'),
        },
        riskAreas: [...new Set(hits.map((h) => h.riskArea))],
        rules: hits.map((h) => h.id),
        assessedAt: new Date(r.assessed_at).toISOString(),
      };
    });
    return {
      items,
      total: total ?? offset,
      next: rows.length === q.limit ? String(offset + q.limit) : null,
    };
  }

  /**
   * An analyst confirms or dismisses a hit; dismissing every selecting hit revises the outcome. A
   * confirmation may name the control (type and office of the caller's authority) it refers to.
   */
  async review(
    actor: Actor,
    mrn: string,
    input: {
      consignment: number;
      hitId: string;
      decision: 'confirmed' | 'dismissed';
      reason?: string | undefined;
      control?: { type: ControlType; office: string } | undefined;
    },
  ): Promise<AssessmentRecord> {
    requirePermission(actor, 'hit.review');
    if (input.control !== undefined) {
      if (input.decision !== 'confirmed') {
        throw new VigilError(
          'VIGIL_BAD_REQUEST',
          'a dismissal refers nothing to control: send `control` only with "decision": "confirmed"',
          [{ code: 'VIGIL_SCHEMA_FORMAT', path: '$.control', message: 'only with a confirmation' }],
        );
      }
      if (!officeOfAuthority(input.control.office, actor.authority)) {
        throw new VigilError(
          'VIGIL_OFFICE_INVALID',
          `office ${input.control.office} is not an office of ${actor.authority}: refer to one of your own offices`,
          [
            {
              code: 'VIGIL_OFFICE_INVALID',
              path: '$.control.office',
              message: 'not an office of your authority',
            },
          ],
        );
      }
    }
    const now = this.#d.clock.now();
    return this.#d.db
      .forAuthority(actor.authority)
      .transaction(async (tx) => this.#reviewIn(tx, actor, mrn, input, now));
  }

  /**
   * Bulk dismiss (the queue's selection): every hit not yet reviewed of each named consignment is
   * dismissed with the one reason, each consignment in its own transaction, so that one refused (not
   * visible to the caller, nothing left to review, changed meanwhile) loses nothing of the others.
   * The answer says, per consignment, what was dismissed or why nothing was.
   */
  async dismissMany(
    actor: Actor,
    input: { items: readonly { mrn: string; consignment: number }[]; reason: string },
  ): Promise<BulkDismissResult[]> {
    requirePermission(actor, 'hit.review');
    if (input.reason.trim() === '') {
      throw new VigilError('VIGIL_BAD_REQUEST', 'a dismissal needs a reason');
    }
    const results: BulkDismissResult[] = [];
    const seen = new Set<string>();
    for (const item of input.items) {
      const key = `${item.mrn}/${item.consignment}`;
      if (seen.has(key)) {
        results.push({
          ...item,
          ok: false,
          code: 'VIGIL_BAD_REQUEST',
          message: `consignment ${item.consignment} of ${item.mrn} is named twice in this request`,
        });
        continue;
      }
      seen.add(key);
      const now = this.#d.clock.now();
      try {
        const done = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
          const current = (await this.#d.repo.currentAssessments(tx, actor.authority, item.mrn)).find(
            (a) => a.seq === item.consignment,
          );
          if (current === undefined) {
            // Nothing to say about a filing the caller cannot see: the review path answers not found.
            const row = await this.#d.filings.findByMrn(tx, actor.authority, item.mrn, true);
            if (row === undefined) {
              throw new VigilError('VIGIL_FILING_NOT_FOUND', `no filing ${item.mrn} is visible to you`);
            }
            throw new VigilError(
              'VIGIL_NOT_FOUND',
              `consignment ${item.consignment} of ${item.mrn} has no assessment yet`,
            );
          }
          const reviewed = new Set(
            (await this.#d.repo.reviewsOf(tx, actor.authority, item.mrn))
              .filter((r) => r.version === current.version && r.seq === current.seq)
              .map((r) => r.hit_id),
          );
          const open = (current.hits as ExplainedHit[]).filter((h) => !reviewed.has(h.id));
          if (open.length === 0) {
            throw new VigilError(
              'VIGIL_CONFLICT',
              `every hit of consignment ${item.consignment} of ${item.mrn} was already reviewed`,
            );
          }
          let last: AssessmentRecord = current;
          for (const hit of open) {
            last = await this.#reviewIn(
              tx,
              actor,
              item.mrn,
              { consignment: item.consignment, hitId: hit.id, decision: 'dismissed', reason: input.reason },
              now,
            );
          }
          return { dismissed: open.map((h) => h.id), outcome: last.outcomeKind };
        });
        results.push({ ...item, ok: true, ...done });
      } catch (err) {
        if (!(err instanceof VigilError)) {
          throw err;
        }
        results.push({ ...item, ok: false, code: err.code, message: err.message });
      }
    }
    return results;
  }

  async #reviewIn(
    tx: Queryable,
    actor: Actor,
    mrn: string,
    input: {
      consignment: number;
      hitId: string;
      decision: 'confirmed' | 'dismissed';
      reason?: string | undefined;
      control?: { type: ControlType; office: string } | undefined;
    },
    now: Date,
  ): Promise<AssessmentRecord> {
    const row = await this.#d.filings.findByMrn(tx, actor.authority, mrn, true);
    if (row === undefined) {
      throw new VigilError('VIGIL_FILING_NOT_FOUND', `no filing ${mrn} is visible to you`);
    }
    const current = (await this.#d.repo.currentAssessments(tx, actor.authority, mrn)).find(
      (a) => a.seq === input.consignment,
    );
    if (current === undefined) {
      throw new VigilError(
        'VIGIL_NOT_FOUND',
        `consignment ${input.consignment} of ${mrn} has no assessment yet`,
      );
    }
    const hits = current.hits as ExplainedHit[];
    if (!hits.some((h) => h.id === input.hitId)) {
      throw new VigilError(
        'VIGIL_NOT_FOUND',
        `hit '${input.hitId}' is not in the current assessment of consignment ${input.consignment}`,
      );
    }
    if (input.decision === 'dismissed' && (input.reason === undefined || input.reason.trim() === '')) {
      throw new VigilError('VIGIL_BAD_REQUEST', 'a dismissal needs a reason');
    }
    const inserted = await this.#d.repo.insertReview(tx, {
      authority: actor.authority,
      mrn,
      version: current.version,
      seq: current.seq,
      hitId: input.hitId,
      decision: input.decision,
      reason: input.reason,
      reviewer: actor.subject,
      at: now,
    });
    if (!inserted) {
      throw new VigilError('VIGIL_CONFLICT', `hit '${input.hitId}' was already reviewed`);
    }
    const reviews = await this.#d.repo.reviewsOf(tx, actor.authority, mrn);
    const dismissed = new Set(
      reviews
        .filter((r) => r.version === current.version && r.seq === current.seq && r.decision === 'dismissed')
        .map((r) => r.hit_id),
    );
    const remaining = hits.filter((h) => !dismissed.has(h.id));
    const filing = row.body as Filing;
    const previous = current.outcome as EntryOutcome;
    // A house part without transport is decided, and controlled, on its linked master's transport.
    const masterTransport = await this.#masterTransportOf(tx, row, filing);
    const decided = this.#revise(filing, current, remaining, previous, masterTransport);
    // A request that stays open keeps the answer the filer gave to it.
    const revised: EntryOutcome =
      decided.kind === 'request-for-information' &&
      previous.kind === 'request-for-information' &&
      previous.answer !== undefined
        ? { ...decided, answer: previous.answer }
        : decided;
    if (revised.kind !== previous.kind) {
      await this.#d.repo.updateOutcome(tx, mrn, current.version, current.seq, revised.kind, revised);
      await this.#notifyIfVisible(tx, row, current.seq, current.version, previous, revised, now);
    }
    await this.#d.audit?.stage(tx, [
      {
        authority: actor.authority,
        actor: `${actor.role}:${actor.subject}`,
        action: revised.kind !== previous.kind ? 'outcome.overridden' : 'outcome.decided',
        subject: mrn,
        at: now,
        details: {
          version: current.version,
          consignment: current.seq,
          hit: input.hitId,
          decision: input.decision,
          reason: input.reason ?? null,
          from: previous.kind,
          to: revised.kind,
        },
      },
    ]);
    const record = { ...current, outcomeKind: revised.kind, outcome: revised };
    const reviewedNow = reviews.filter((r) => r.version === current.version && r.seq === current.seq).length;
    await this.#d.queueEvents?.insertEvents(tx, [
      {
        authority: actor.authority,
        kind: 'reviewed',
        mrn,
        version: current.version,
        seq: current.seq,
        detail: {
          hit: input.hitId,
          decision: input.decision,
          outcome: revised.kind,
          open: Math.max(hits.length - reviewedNow, 0),
        },
        at: now,
      },
    ]);
    await this.#d.onReviewed?.(
      tx,
      record,
      {
        hitId: input.hitId,
        decision: input.decision,
        reviewer: actor.subject,
        actor: `${actor.role}:${actor.subject}`,
        control: input.control,
      },
      row,
      (filing.transport ?? masterTransport)?.estimatedArrival,
    );
    return record;
  }

  /** The filer answers a request for information: the outcome is decided again without the RFI hits. */
  async answerRfi(
    actor: Actor,
    mrn: string,
    input: { consignment: number; answer: string },
  ): Promise<AssessmentRecord> {
    requirePermission(actor, 'rfi.answer');
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const row = await this.#d.filings.findByMrn(tx, actor.authority, mrn, true);
      if (row === undefined || !visibleTo(actor, row.filer)) {
        throw new VigilError('VIGIL_FILING_NOT_FOUND', `no filing ${mrn} is visible to you`);
      }
      const current = (await this.#d.repo.currentAssessments(tx, actor.authority, mrn)).find(
        (a) => a.seq === input.consignment,
      );
      if (current === undefined || current.outcomeKind !== 'request-for-information') {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `consignment ${input.consignment} of ${mrn} has no open request for information`,
        );
      }
      await this.#d.repo.insertRfiResponse(tx, {
        authority: actor.authority,
        mrn,
        seq: input.consignment,
        responder: actor.subject,
        response: { answer: input.answer },
        at: now,
      });
      // The answer is kept with the request; an analyst decides what follows (dismissing the hits
      // that asked for information closes the request, confirming one makes it a control).
      const previous = current.outcome as EntryOutcome & { kind: 'request-for-information' };
      const answered: EntryOutcome = {
        ...previous,
        answer: { text: input.answer, at: now.toISOString(), by: actor.subject },
      };
      await this.#d.repo.updateOutcome(tx, mrn, current.version, current.seq, answered.kind, answered);
      await this.#d.audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: `${actor.role}:${actor.subject}`,
          // The answer changes the outcome on record (it is kept on the request for the analyst).
          action: 'rfi.answered',
          subject: mrn,
          at: now,
          details: {
            version: current.version,
            consignment: current.seq,
            outcome: answered.kind,
            answerChars: input.answer.length,
            replacedAnswer: previous.answer !== undefined,
          },
        },
      ]);
      return { ...current, outcome: answered };
    });
  }

  /**
   * A house part without its own transport (F14, F15, F22, F33, F26) takes its linked master's: the
   * master's departure decides whether the goods are before loading. Undefined when it has its own,
   * is not linked, or the master has none.
   */
  async #masterTransportOf(tx: Queryable, row: FilingRow, filing: Filing): Promise<Transport | undefined> {
    if (filing.transport !== undefined || row.part !== 'house') {
      return undefined;
    }
    return (await this.#d.filings.masterTransportsOf(tx, [row.mrn])).get(row.mrn);
  }

  #revise(
    filing: Filing,
    current: AssessmentRecord,
    remaining: readonly ExplainedHit[],
    previous: EntryOutcome,
    masterTransport: Transport | undefined,
  ): EntryOutcome {
    const random = current.random as { draw: number };
    // A random selection stays selected: it is what measures the traffic the rules do not see.
    if (previous.kind === 'control-recommended' && previous.random) {
      return previous;
    }
    return entryOutcome(
      {
        ...entryTimingOf(filing, current.assessedAt, masterTransport),
        score: combineScore(remaining.map((h) => h.effectiveWeight)),
        randomDraw: random.draw,
      },
      remaining.map(toSelectivityHit),
      this.#outcomes,
    );
  }

  async #notifyIfVisible(
    tx: Queryable,
    row: FilingRow,
    seq: number,
    version: number,
    previous: EntryOutcome,
    revised: EntryOutcome,
    at: Date,
  ): Promise<void> {
    const before = filerView(previous, row.mrn, seq);
    const after = filerView(revised, row.mrn, seq);
    if (before.kind !== after.kind) {
      await this.#d.notifications.notifyMany(tx, [
        {
          authority: row.authority,
          filer: row.filer,
          mrn: row.mrn,
          kind: 'outcome',
          payload: { mrn: row.mrn, consignment: seq, version, outcome: after },
          at,
        },
      ]);
    }
  }
}
