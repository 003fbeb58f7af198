/**
 * Assessment: consumes "filing ready" events, assesses every consignment once per version of its data
 * (rules, watchlists, statistical signals, operator profile, the model when one is active, and the
 * recorded random element), stores score, hits and outcome with their explanation, and tells the
 * filer. The same inputs and rule versions give the same assessment; a redelivered event changes
 * nothing. Analysts' reviews and RFI answers revise the outcome.
 */
import type { Consignment, Filing } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Actor, Clock, FilingRepository, FilingRow } from '../intake/index.ts';
import { assess } from '../risk/index.ts';
import type { OperatorProfileInput, RuleHit } from '../risk/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { AssessmentMetrics } from '../observability/metrics.ts';
import type { AuditEvent } from '../audit/index.ts';

/** What assessment needs of the audit trail. */
export interface AuditStager {
  stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void>;
}
import type { RiskContextCache } from './risk-context.ts';
import type { AssessmentRecord, OperatorRow, RiskRepository } from './risk.repository.ts';
import { drawFor } from './random-source.ts';
import { DEFAULT_SELECTIVITY, entryOutcome } from './selectivity.ts';
import type { EntryOutcome, SelectivityConfig, SelectivityHit } from './selectivity.ts';
import { consignmentSignals, operatorKey } from './signals.ts';
import type { SignalHit } from './signals.ts';

/** One line of the explanation: a rule, a signal or the model, with what triggered it. */
export interface ExplainedHit {
  readonly source: 'rule' | 'signal' | 'model';
  readonly id: string;
  readonly version?: number | undefined;
  readonly title: string;
  readonly riskArea: string;
  readonly weight: number;
  /** Weight after the operator's profile (AEO, compliance) was applied. */
  readonly effectiveWeight: number;
  readonly severity: string;
  readonly recommendedAction: string;
  readonly reason: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The model's part in an assessment (issue: learning). */
export interface ModelScorer {
  readonly version: string;
  score(
    filing: Filing,
    seq: number,
  ):
    | {
        probability: number;
        contributions: readonly { feature: string; value: unknown; contribution: number }[];
      }
    | undefined;
}

export interface AssessmentServiceDeps {
  readonly db: Database;
  readonly risk: RiskRepository;
  readonly filings: FilingRepository;
  readonly contexts: RiskContextCache;
  readonly clock: Clock;
  readonly selectivity?: SelectivityConfig;
  readonly model?: () => ModelScorer | undefined;
  /** Called after an assessment is stored (audit, metrics, control tasks). */
  readonly onAssessed?: (tx: Queryable, a: AssessmentRecord, filing: FilingRow) => Promise<void>;
  readonly metrics?: AssessmentMetrics | undefined;
  /** The audit trail: every outcome is recorded (staged, chained in the background). */
  readonly audit?: AuditStager | undefined;
  readonly log?: { info(obj: object, msg: string): void } | undefined;
  /** Called after an analyst's review, with the (possibly revised) assessment: confirmed hits become controls. */
  readonly onReviewed?: (
    tx: Queryable,
    revised: AssessmentRecord,
    review: { hitId: string; decision: 'confirmed' | 'dismissed'; reviewer: string },
    filing: FilingRow,
  ) => Promise<void>;
}

export interface ReadyEvent {
  readonly mrn: string;
  readonly authority: string;
  readonly version: number;
  /** The request that lodged the filing, for logs that follow it from the API to the worker. */
  readonly requestId?: string | undefined;
}

const FINANCIAL: ReadonlySet<string> = new Set([
  'undervaluation',
  'misclassification',
  'origin',
  'anti-dumping',
  'quota',
  'suspension',
  'procedure-42',
]);

/** AEO status lowers the weight of hits in the areas the authorisation covers. */
function aeoFactor(aeoType: string | null, riskArea: string): number {
  if (aeoType === null) {
    return 1;
  }
  const security = riskArea === 'security-safety';
  const covered =
    aeoType === 'AEOF' || (aeoType === 'AEOC' && FINANCIAL.has(riskArea)) || (aeoType === 'AEOS' && security);
  return covered ? 0.5 : 1;
}

/** Independent evidence combines like probabilities: 1 − Π(1 − w/100), on 0–100. */
export function combineScore(weights: readonly number[]): number {
  let miss = 1;
  for (const w of weights) {
    miss *= 1 - Math.min(100, Math.max(0, w)) / 100;
  }
  return Number((100 * (1 - miss)).toFixed(2));
}

/** What the filer sees: a control recommendation is for the office and is not disclosed (no tipping-off). */
export function filerView(outcome: EntryOutcome): { kind: string; message?: string } {
  switch (outcome.kind) {
    case 'assessment-complete':
    case 'control-recommended':
      return { kind: 'assessment-complete' };
    case 'request-for-information':
      return {
        kind: 'request-for-information',
        message:
          'customs need more information about this consignment; answer with POST /v1/filings/{mrn}/rfi-response',
      };
    case 'high-risk-screening':
      return {
        kind: 'high-risk-screening',
        message: 'screen this consignment as high-risk cargo and mail before loading',
      };
    case 'do-not-load':
      return { kind: 'do-not-load', message: 'do not load this consignment' };
  }
}

export class AssessmentService {
  readonly #d: AssessmentServiceDeps;
  readonly #selectivity: SelectivityConfig;

  constructor(deps: AssessmentServiceDeps) {
    this.#d = deps;
    this.#selectivity = deps.selectivity ?? DEFAULT_SELECTIVITY;
  }

  /** Handles a `filing.ready` event; returns how many consignment assessments it stored (0 if done before). */
  async handleReady(event: ReadyEvent): Promise<number> {
    const { risk } = this.#d;
    const db = this.#d.db.forAuthority(event.authority);
    const ctx = await this.#d.contexts.get(event.authority);
    const started = performance.now();
    // One transaction: read, decide, store. A redelivered event finds the version assessed and stops.
    const result = await db.transaction(async (tx) => {
      const row = await this.#d.filings.findByMrn(tx, event.authority, event.mrn);
      if (row === undefined || row.status !== 'registered' || row.version !== event.version) {
        // Invalidated, or superseded by an amendment whose own event will be assessed.
        return undefined;
      }
      if (await risk.assessed(tx, event.authority, event.mrn, event.version)) {
        return undefined;
      }
      const filing = row.body as Filing;
      const now = this.#d.clock.now();
      const records = await this.#assessFiling(tx, ctx, row, filing, now);
      const inserted = await risk.insertAssessments(tx, records);
      const stored = records.filter((a) => inserted.has(a.seq));
      await risk.notifyMany(
        tx,
        stored.map((a) => ({
          authority: row.authority,
          filer: row.filer,
          mrn: row.mrn,
          kind: 'outcome',
          payload: {
            mrn: row.mrn,
            consignment: a.seq,
            version: a.version,
            outcome: filerView(a.outcome as EntryOutcome),
          },
          at: now,
        })),
      );
      for (const a of stored) {
        await this.#d.onAssessed?.(tx, a, row);
      }
      await this.#d.audit?.stage(
        tx,
        stored.map((a) => ({
          authority: row.authority,
          actor: 'system:assessment',
          action: 'outcome.decided' as const,
          subject: row.mrn,
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
      if (stored.length > 0 && event.version === 1) {
        const ops = filing.consignments.flatMap((c) => [c.consignor, c.consignee]);
        const unique = new Map(
          ops.map((p) => [operatorKey(p), { key: operatorKey(p), eori: p.eori, name: p.name }]),
        );
        await risk.touchOperators(tx, row.authority, [...unique.values()], now);
      }
      return { row, records: stored };
    });
    if (result === undefined) {
      return 0;
    }
    const { row, records } = result;
    const stored = records.length;
    if (stored > 0) {
      const seconds = (performance.now() - started) / 1000;
      const sinceLodged = (Date.now() - new Date(row.lodged_at).getTime()) / 1000;
      this.#d.metrics?.assessed(
        records.map((r) => r.outcomeKind),
        seconds,
        sinceLodged,
      );
      this.#d.log?.info(
        {
          requestId: event.requestId,
          mrn: row.mrn,
          version: row.version,
          outcomes: records.map((r) => r.outcomeKind),
          ms: Math.round(seconds * 1000),
        },
        'filing assessed',
      );
    }
    return stored;
  }

  /** Assesses without storing: for `rules test`, backtests and determinism checks. */
  async #assessFiling(
    tx: Queryable,
    ctx: Awaited<ReturnType<RiskContextCache['get']>>,
    row: FilingRow,
    filing: Filing,
    now: Date,
  ): Promise<AssessmentRecord[]> {
    const parties = filing.consignments.flatMap((c) => [
      c.consignor,
      c.consignee,
      ...(c.notifyParty ? [c.notifyParty] : []),
    ]);
    const ops = await this.#d.risk.operators(tx, row.authority, [
      ...new Set([...parties, filing.declarant].map(operatorKey)),
    ]);
    const model = this.#d.model?.();
    return filing.consignments.map((c, seq) =>
      this.#assessConsignment(row, filing, c, seq, now, ctx, ops, model),
    );
  }

  #assessConsignment(
    row: FilingRow,
    filing: Filing,
    c: Consignment,
    seq: number,
    now: Date,
    ctx: Awaited<ReturnType<RiskContextCache['get']>>,
    ops: Map<string, OperatorRow>,
    model: ModelScorer | undefined,
  ): AssessmentRecord {
    const at = now.toISOString();
    const profile = (p: {
      name: string;
      eori?: string | undefined;
      address?: { country: string } | undefined;
    }): OperatorProfileInput | undefined => {
      const o = ops.get(operatorKey(p));
      if (o === undefined) {
        return undefined;
      }
      return {
        aeo: o.aeo_type !== null,
        ...(o.aeo_type !== null ? { aeoType: o.aeo_type as 'AEOC' | 'AEOS' | 'AEOF' } : {}),
        controls: o.controls,
        irregularities: o.irregularities,
        seizures: o.seizures,
        firstSeen: new Date(o.first_seen).toISOString(),
      };
    };
    const ruled = assess(
      { filing, consignmentIndex: seq, at, authority: row.authority, profiles: profile },
      ctx.ruleSet,
      ctx.watchlists,
    );
    const signals = consignmentSignals(filing, c, {
      now,
      unitValueStats: (hs6, origin) => ctx.stats.get(`${hs6}/${origin}`),
      operator: (key) => {
        const o = ops.get(key);
        return o === undefined
          ? undefined
          : { firstSeen: new Date(o.first_seen), lastSeen: new Date(o.last_seen), filings: o.filings };
      },
    });
    const consignee = ops.get(operatorKey(c.consignee));
    const aeoType = consignee?.aeo_type ?? null;
    const hits: ExplainedHit[] = [
      ...ruled.hits.map((h: RuleHit) => ({
        source: 'rule' as const,
        id: h.ruleId,
        version: h.version,
        title: h.title,
        riskArea: h.riskArea,
        weight: h.weight,
        effectiveWeight: h.weight * aeoFactor(aeoType, h.riskArea),
        severity: h.severity,
        recommendedAction: h.recommendedAction,
        reason: h.reason,
        values: Object.fromEntries(h.triggers.map((t) => [t.label, t.value])),
      })),
      ...signals.map((s: SignalHit) => ({
        source: 'signal' as const,
        id: s.id,
        title: s.title,
        riskArea: s.riskArea,
        weight: s.weight,
        effectiveWeight: s.weight * aeoFactor(aeoType, s.riskArea),
        severity: s.severity,
        recommendedAction: s.recommendedAction,
        reason: s.reason,
        values: s.values,
      })),
    ];
    // Compliance history: an operator often found irregular weighs more; a clean record, less.
    if (consignee !== undefined && consignee.controls >= 3) {
      const rate = (consignee.irregularities + consignee.seizures) / consignee.controls;
      if (rate >= 0.25) {
        hits.push({
          source: 'signal',
          id: 'SIG-COMPLIANCE',
          title: 'Consignee often found irregular',
          riskArea: 'undervaluation',
          weight: Math.round(50 * rate),
          effectiveWeight: Math.round(50 * rate),
          severity: rate >= 0.5 ? 'high' : 'medium',
          recommendedAction: 'documentary-check',
          reason: `${consignee.irregularities + consignee.seizures} of ${consignee.controls} controls of this consignee found an irregularity`,
          values: {
            controls: consignee.controls,
            irregularities: consignee.irregularities,
            seizures: consignee.seizures,
          },
        });
      }
    }
    let modelPart: unknown;
    if (model !== undefined) {
      const m = model.score(filing, seq);
      if (m !== undefined) {
        modelPart = { version: model.version, probability: m.probability, contributions: m.contributions };
        const w = Math.round(60 * m.probability);
        if (w >= 20) {
          hits.push({
            source: 'model',
            id: `MODEL-${model.version}`,
            title: 'The model ranks this consignment high',
            riskArea: 'undervaluation',
            weight: w,
            effectiveWeight: w * aeoFactor(aeoType, 'undervaluation'),
            severity: m.probability >= 0.7 ? 'high' : 'medium',
            recommendedAction: m.probability >= 0.7 ? 'documentary-check' : 'none',
            reason: `model probability ${m.probability.toFixed(2)}; most contributing: ${m.contributions
              .slice(0, 3)
              .map((x) => x.feature)
              .join(', ')}`,
            values: Object.fromEntries(m.contributions.slice(0, 5).map((x) => [x.feature, x.value])),
          });
        }
      }
    }
    const score = combineScore(hits.map((h) => h.effectiveWeight));
    const random = drawFor(ctx.seed, row.mrn, row.version, seq);
    const selecting: SelectivityHit[] = hits.map((h) => ({
      source: h.source,
      id: h.id,
      riskArea: h.riskArea as SelectivityHit['riskArea'],
      weight: h.effectiveWeight,
      severity: h.severity as SelectivityHit['severity'],
      recommendedAction: h.recommendedAction as SelectivityHit['recommendedAction'],
    }));
    const outcome = entryOutcome(
      {
        mode: filing.transport.mode,
        officeOfFirstEntry: filing.officeOfFirstEntry,
        preLoading: now.getTime() < Date.parse(filing.transport.estimatedDeparture),
        score,
        randomDraw: random.draw,
      },
      selecting,
      this.#selectivity,
    );
    return {
      authority: row.authority,
      mrn: row.mrn,
      version: row.version,
      seq,
      score,
      outcomeKind: outcome.kind,
      outcome,
      hits,
      errors: ruled.errors,
      random,
      model: modelPart,
      assessedAt: now,
    };
  }

  /** The current assessment of each consignment, for the filer who lodged it or the authority's officials. */
  async current(actor: Actor, mrn: string): Promise<{ row: FilingRow; assessments: AssessmentRecord[] }> {
    const row = await this.#d.filings.findByMrn(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      mrn,
    );
    if (row === undefined || (actor.role === 'filer' && row.filer !== actor.subject)) {
      throw new VigilError('VIGIL_FILING_NOT_FOUND', `no filing ${mrn} is visible to you`);
    }
    return {
      row,
      assessments: await this.#d.risk.currentAssessments(
        this.#d.db.forAuthority(actor.authority),
        actor.authority,
        mrn,
      ),
    };
  }

  /** An analyst confirms or dismisses a hit; dismissing every selecting hit revises the outcome. */
  async review(
    actor: Actor,
    mrn: string,
    input: {
      consignment: number;
      hitId: string;
      decision: 'confirmed' | 'dismissed';
      reason?: string | undefined;
    },
  ): Promise<AssessmentRecord> {
    if (!['analyst', 'admin'].includes(actor.role)) {
      throw new VigilError('VIGIL_FORBIDDEN', 'only analysts review hits');
    }
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const row = await this.#d.filings.findByMrn(tx, actor.authority, mrn, true);
      if (row === undefined) {
        throw new VigilError('VIGIL_FILING_NOT_FOUND', `no filing ${mrn} is visible to you`);
      }
      const current = (await this.#d.risk.currentAssessments(tx, actor.authority, mrn)).find(
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
      const inserted = await this.#d.risk.insertReview(tx, {
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
      const reviews = await this.#d.risk.reviewsOf(tx, actor.authority, mrn);
      const dismissed = new Set(
        reviews
          .filter((r) => r.version === current.version && r.seq === current.seq && r.decision === 'dismissed')
          .map((r) => r.hit_id),
      );
      const remaining = hits.filter((h) => !dismissed.has(h.id));
      const filing = row.body as Filing;
      const previous = current.outcome as EntryOutcome;
      const revised = this.#revise(filing, current, remaining, previous);
      if (revised.kind !== previous.kind) {
        await this.#d.risk.updateOutcome(tx, mrn, current.version, current.seq, revised.kind, revised);
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
      await this.#d.onReviewed?.(
        tx,
        record,
        { hitId: input.hitId, decision: input.decision, reviewer: actor.subject },
        row,
      );
      return record;
    });
  }

  /** The filer answers a request for information: the outcome is decided again without the RFI hits. */
  async answerRfi(
    actor: Actor,
    mrn: string,
    input: { consignment: number; answer: string },
  ): Promise<AssessmentRecord> {
    if (actor.role !== 'filer' && actor.role !== 'admin') {
      throw new VigilError('VIGIL_FORBIDDEN', 'only the filer answers a request for information');
    }
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const row = await this.#d.filings.findByMrn(tx, actor.authority, mrn, true);
      if (row === undefined || (actor.role === 'filer' && row.filer !== actor.subject)) {
        throw new VigilError('VIGIL_FILING_NOT_FOUND', `no filing ${mrn} is visible to you`);
      }
      const current = (await this.#d.risk.currentAssessments(tx, actor.authority, mrn)).find(
        (a) => a.seq === input.consignment,
      );
      if (current === undefined || current.outcomeKind !== 'request-for-information') {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `consignment ${input.consignment} of ${mrn} has no open request for information`,
        );
      }
      await this.#d.risk.insertRfiResponse(tx, {
        authority: actor.authority,
        mrn,
        seq: input.consignment,
        responder: actor.subject,
        response: { answer: input.answer },
        at: now,
      });
      const remaining = (current.hits as ExplainedHit[]).filter(
        (h) => h.recommendedAction !== 'request-for-information',
      );
      const previous = current.outcome as EntryOutcome;
      const revised = this.#revise(row.body as Filing, current, remaining, previous);
      await this.#d.risk.updateOutcome(tx, mrn, current.version, current.seq, revised.kind, {
        ...revised,
        rfiAnsweredAt: now.toISOString(),
      });
      await this.#notifyIfVisible(tx, row, current.seq, current.version, previous, revised, now);
      return { ...current, outcomeKind: revised.kind, outcome: revised };
    });
  }

  #revise(
    filing: Filing,
    current: AssessmentRecord,
    remaining: readonly ExplainedHit[],
    previous: EntryOutcome,
  ): EntryOutcome {
    const random = current.random as { draw: number };
    // A random selection stays selected: it is what measures the traffic the rules do not see.
    if (previous.kind === 'control-recommended' && previous.random) {
      return previous;
    }
    return entryOutcome(
      {
        mode: filing.transport.mode,
        officeOfFirstEntry: filing.officeOfFirstEntry,
        preLoading: current.assessedAt.getTime() < Date.parse(filing.transport.estimatedDeparture),
        score: combineScore(remaining.map((h) => h.effectiveWeight)),
        randomDraw: random.draw,
      },
      remaining.map((h) => ({
        source: h.source,
        id: h.id,
        riskArea: h.riskArea as SelectivityHit['riskArea'],
        weight: h.effectiveWeight,
        severity: h.severity as SelectivityHit['severity'],
        recommendedAction: h.recommendedAction as SelectivityHit['recommendedAction'],
      })),
      this.#selectivity,
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
    const before = filerView(previous);
    const after = filerView(revised);
    if (before.kind !== after.kind) {
      await this.#d.risk.notifyMany(tx, [
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
