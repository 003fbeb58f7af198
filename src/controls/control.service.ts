/**
 * Controls (DESIGN §2.4): a control recommended by the risk engine, or asked for by an analyst who
 * confirms a hit, becomes a task for an office with a due time; officers work the queue, take tasks
 * by workload and record results. Results are immutable: a correction is a new record that supersedes
 * the old one, and only the current result counts. Each result feeds back, in the same transaction,
 * into the operators' compliance history (recomputed from current results), an outbox event for the
 * learning and sharing sides, and the audit trail; rule statistics are read from the same records.
 */
import { controlTypeOf } from '../domain/index.ts';
import type { RecommendedAction } from '../domain/index.ts';
import { randomUUID } from 'node:crypto';
import type { AssessmentRecord } from '../assessment/index.ts';
import { appendOutbox } from '../bus/index.ts';
import type { OperatorRepository } from '../operators/index.ts';
import { hasPermission, officeOfAuthority, requirePermission } from '../auth/index.ts';
import { auditActor } from '../audit/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Filing, Clock } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import type { FilingRow } from '../intake/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { controlDueAt } from './control-due.ts';
import type { DueOptions } from './control-due.ts';
import type { ControlRepository, RuleVersionCounts, StoredTask } from './control.repository.ts';
import type {
  AssignInput,
  AssignNextInput,
  ControlResult,
  ControlTask,
  QueueQuery,
  ResultInput,
  RuleRef,
  TaskParty,
  TaskStatus,
} from './control.schema.ts';
import type { Actor } from '../auth/index.ts';
import { operatorKey } from '../domain/index.ts';
import type { EntryOutcome, ExplainedHit } from '../assessment/index.ts';

/** The topic of the event each recorded (or correcting) result appends to the outbox. */
export const RESULT_RECORDED_TOPIC = 'control.result-recorded';

export interface ControlServiceDeps {
  readonly db: Database;
  readonly repo: ControlRepository;
  /** Operators' compliance counters follow every result. */
  readonly operators: OperatorRepository;
  readonly clock: Clock;
  /** New task and result ids; random UUIDs by default. */
  readonly ids?: (() => string) | undefined;
  /** The audit trail (an `AuditLog`); results are decisions and are logged when one is given. */
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  readonly due?: DueOptions | undefined;
}

/** An analyst's decision on one hit, as `AssessmentService.review` records it. */
export interface HitReviewDecision {
  readonly hitId: string;
  readonly decision: 'confirmed' | 'dismissed';
  readonly reviewer: string;
}

export interface AssessmentHooks {
  readonly onAssessed: (tx: Queryable, a: AssessmentRecord, filing: FilingRow) => Promise<void>;
  readonly onReviewed: (
    tx: Queryable,
    revised: AssessmentRecord,
    review: HitReviewDecision,
    filing: FilingRow,
  ) => Promise<void>;
}

export interface QueuePage {
  readonly items: readonly ControlTask[];
  /** Cursor of the next page; absent on the last page. */
  readonly next?: string | undefined;
}

export interface RuleStatsRow {
  readonly version: number | 'all';
  /** Consignments assessed while this version was the latest (within the period). */
  readonly assessed: number;
  /** Automated hits: assessments whose hits include the rule. */
  readonly hits: number;
  /** Hits an analyst confirmed. */
  readonly finalHits: number;
  readonly dismissed: number;
  /** Control tasks the rule asked for (not cancelled). */
  readonly tasks: number;
  /** Of those, controls with a current result. */
  readonly controls: number;
  /** Controls whose current result is an irregularity or a seizure. */
  readonly positives: number;
  readonly irregularities: number;
  readonly seizures: number;
  /** Controls that found nothing. */
  readonly falsePositives: number;
  /** hits / assessed; null when nothing was assessed. */
  readonly hitRate: number | null;
  /** positives / controls; null before the first control. */
  readonly yield: number | null;
  readonly dutyAtStake: number;
  readonly taxAtStake: number;
}

export interface RuleStats {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
  /** Consignments assessed in the period. */
  readonly assessed: number;
  readonly versions: readonly RuleStatsRow[];
  readonly total: RuleStatsRow;
}

const ACTIVE: readonly TaskStatus[] = ['open', 'assigned'];
const DAY_MS = 86_400_000;

/** The rules that asked for the control: those recommending one, else every rule that added to the score. */
export function ruleRefsOf(hits: readonly ExplainedHit[]): RuleRef[] {
  const rules = hits.filter((h) => h.source === 'rule' && h.version !== undefined);
  const asking = rules.filter((h) => controlTypeOf(h.recommendedAction as RecommendedAction) !== undefined);
  const chosen = asking.length > 0 ? asking : rules;
  const refs = new Map<string, RuleRef>();
  for (const h of chosen) {
    refs.set(`${h.id}@${h.version!}`, { id: h.id, version: h.version! });
  }
  return [...refs.values()];
}

function partiesOf(filing: Filing, seq: number): TaskParty[] {
  const c = filing.consignments[seq];
  if (c === undefined) {
    return [];
  }
  return (['consignee', 'consignor'] as const).map((role) => {
    const p = c[role];
    return { role, key: operatorKey(p), name: p.name, ...(p.eori !== undefined ? { eori: p.eori } : {}) };
  });
}

function encodeCursor(t: ControlTask): string {
  return Buffer.from(JSON.stringify([t.dueAt, t.id]), 'utf8').toString('base64url');
}

function decodeCursor(next: string): { dueAt: string; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(next, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      !Number.isNaN(Date.parse(v[0]))
    ) {
      return { dueAt: v[0], id: v[1] };
    }
  } catch {
    // falls through to the error below
  }
  throw new VigilError('VIGIL_QUERY_INVALID', '`next` is not a cursor this server gave out', [
    { code: 'VIGIL_SCHEMA_FORMAT', path: '$.next', message: 'use the `next` value of the previous page' },
  ]);
}

const publicTask = (t: StoredTask): ControlTask => {
  const { parties: _parties, ...task } = t;
  return task;
};

function statsRow(
  version: number | 'all',
  c: Omit<RuleVersionCounts, 'version' | 'status' | 'createdAt'>,
): RuleStatsRow {
  const positives = c.irregularities + c.seizures;
  const ratio = (a: number, b: number): number | null => (b === 0 ? null : Number((a / b).toFixed(4)));
  return {
    version,
    assessed: c.assessed,
    hits: c.hits,
    finalHits: c.finalHits,
    dismissed: c.dismissed,
    tasks: c.tasks,
    controls: c.controls,
    positives,
    irregularities: c.irregularities,
    seizures: c.seizures,
    falsePositives: c.noIrregularity,
    hitRate: ratio(c.hits, c.assessed),
    yield: ratio(positives, c.controls),
    dutyAtStake: Number(c.dutyAtStake.toFixed(2)),
    taxAtStake: Number(c.taxAtStake.toFixed(2)),
  };
}

export class ControlService {
  readonly #d: ControlServiceDeps;
  readonly #ids: () => string;

  constructor(deps: ControlServiceDeps) {
    this.#d = deps;
    this.#ids = deps.ids ?? randomUUID;
  }

  // ---- task creation (hooks of the assessment service) -------------------------------------------

  /**
   * The `onAssessed` hook: a control recommendation becomes a task for its office, once per
   * (mrn, version, consignment). A task for an earlier version of the consignment that is still open
   * is replaced. Returns the task (new or existing), or undefined when no control was recommended.
   */
  async createTasksFor(
    tx: Queryable,
    a: AssessmentRecord,
    filingRow: FilingRow,
  ): Promise<ControlTask | undefined> {
    if (a.outcomeKind !== 'control-recommended') {
      return undefined;
    }
    const outcome = a.outcome as Extract<EntryOutcome, { kind: 'control-recommended' }>;
    const filing = filingRow.body as Filing;
    const now = this.#d.clock.now();
    const id = this.#ids();
    const inserted = await this.#d.repo.insertTask(tx, {
      id,
      authority: a.authority,
      mrn: a.mrn,
      version: a.version,
      seq: a.seq,
      office: outcome.office,
      controlType: outcome.controlType,
      source: outcome.random ? 'random' : 'risk',
      reason: outcome.reason,
      // A random selection measures the traffic the rules do not see: no rule takes credit for it.
      ruleRefs: outcome.random ? [] : ruleRefsOf(a.hits as ExplainedHit[]),
      parties: partiesOf(filing, a.seq),
      dueAt: controlDueAt(filing.transport.mode, filing.transport.estimatedArrival, now, this.#d.due),
      at: now,
    });
    if (inserted) {
      await this.#d.repo.cancelEarlierVersions(tx, a.authority, a.mrn, a.seq, a.version, now);
    }
    const task = await this.#d.repo.taskFor(tx, a.authority, a.mrn, a.version, a.seq);
    return task !== undefined ? publicTask(task) : undefined;
  }

  /**
   * An analyst confirmed a hit: the consignment is controlled at the office of first entry. When it
   * already has a task, the confirmed rule joins that task's rule references instead. Returns the
   * task, or undefined for a dismissal or a hit that is not in the assessment.
   */
  async createFromReview(
    tx: Queryable,
    a: AssessmentRecord,
    review: HitReviewDecision,
    filingRow: FilingRow,
  ): Promise<ControlTask | undefined> {
    if (review.decision !== 'confirmed') {
      return undefined;
    }
    const hit = (a.hits as ExplainedHit[]).find((h) => h.id === review.hitId);
    if (hit === undefined) {
      return undefined;
    }
    const repo = this.#d.repo;
    const now = this.#d.clock.now();
    const ref: RuleRef | undefined =
      hit.source === 'rule' && hit.version !== undefined ? { id: hit.id, version: hit.version } : undefined;
    const existing = await repo.taskFor(tx, a.authority, a.mrn, a.version, a.seq, true);
    const filing = filingRow.body as Filing;
    const fresh = {
      office: filing.officeOfFirstEntry,
      controlType: controlTypeOf(hit.recommendedAction as RecommendedAction) ?? 'documentary',
      source: 'manual' as const,
      reason: `hit ${hit.id} confirmed by ${review.reviewer}: ${hit.reason}`.slice(0, 1000),
      ruleRefs: ref !== undefined ? [ref] : [],
      dueAt: controlDueAt(filing.transport.mode, filing.transport.estimatedArrival, now, this.#d.due),
      at: now,
    };
    if (existing === undefined) {
      await repo.insertTask(tx, {
        ...fresh,
        id: this.#ids(),
        authority: a.authority,
        mrn: a.mrn,
        version: a.version,
        seq: a.seq,
        parties: partiesOf(filing, a.seq),
      });
      await repo.cancelEarlierVersions(tx, a.authority, a.mrn, a.seq, a.version, now);
    } else if (existing.status === 'cancelled') {
      await repo.reopen(tx, existing.id, fresh);
    } else if (
      ref !== undefined &&
      !existing.ruleRefs.some((r) => r.id === ref.id && r.version === ref.version)
    ) {
      await repo.addRuleRef(tx, existing.id, ref, now);
    }
    const task = await repo.taskFor(tx, a.authority, a.mrn, a.version, a.seq);
    return task !== undefined ? publicTask(task) : undefined;
  }

  /**
   * The hook for `AssessmentService.review`, given the assessment with its revised outcome: a
   * confirmation creates or extends a task; a dismissal that leaves no control recommended cancels
   * the engine's task while it is still open (a task an analyst asked for stays).
   */
  async onReviewed(
    tx: Queryable,
    revised: AssessmentRecord,
    review: HitReviewDecision,
    filingRow: FilingRow,
  ): Promise<ControlTask | undefined> {
    if (review.decision === 'confirmed') {
      return this.createFromReview(tx, revised, review, filingRow);
    }
    const task = await this.#d.repo.taskFor(
      tx,
      revised.authority,
      revised.mrn,
      revised.version,
      revised.seq,
      true,
    );
    if (
      task !== undefined &&
      task.source === 'risk' &&
      ACTIVE.includes(task.status) &&
      revised.outcomeKind !== 'control-recommended'
    ) {
      await this.#d.repo.setStatus(tx, task.id, 'cancelled', this.#d.clock.now());
      return publicTask({ ...task, status: 'cancelled' });
    }
    return task !== undefined ? publicTask(task) : undefined;
  }

  /**
   * The two hooks in the shape the assessment service calls them: pass `onAssessed` to
   * `AssessmentServiceDeps`; call `onReviewed` inside `review`'s transaction with the revised record.
   */
  assessmentHooks(): AssessmentHooks {
    return {
      onAssessed: async (tx, a, filing) => {
        await this.createTasksFor(tx, a, filing);
      },
      onReviewed: async (tx, revised, review, filing) => {
        await this.onReviewed(tx, revised, review, filing);
      },
    };
  }

  /**
   * A filing was invalidated: its open and assigned tasks are cancelled in the same transaction, so
   * no officer controls, or takes, a consignment that no longer exists.
   */
  async cancelTasksOf(tx: Queryable, authority: string, mrn: string): Promise<number> {
    return this.#d.repo.cancelOpenOf(tx, authority, mrn, this.#d.clock.now());
  }

  // ---- the queue ----------------------------------------------------------------------------------

  async list(actor: Actor, q: QueueQuery): Promise<QueuePage> {
    this.#mayRead(actor);
    const rows = await this.#d.repo.queue(this.#d.db.forAuthority(actor.authority), actor.authority, {
      office: q.office,
      statuses: q.status ?? ACTIVE,
      assignee: q.assignee,
      after: q.next !== undefined ? decodeCursor(q.next) : undefined,
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit).map(publicTask);
    return rows.length > q.limit ? { items, next: encodeCursor(items[items.length - 1]!) } : { items };
  }

  async get(actor: Actor, id: string): Promise<{ task: ControlTask; results: ControlResult[] }> {
    this.#mayRead(actor);
    const task = await this.#task(this.#d.db.forAuthority(actor.authority), actor, id);
    return {
      task: publicTask(task),
      results: await this.#d.repo.results(this.#d.db.forAuthority(actor.authority), actor.authority, id),
    };
  }

  /** Officers take a task for themselves; coordinators and admins give it to anyone. */
  async assign(actor: Actor, id: string, input: AssignInput): Promise<ControlTask> {
    const assignee = this.#assigneeFor(actor, input.assignee);
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const task = await this.#task(tx, actor, id, true);
      if (task.status === 'done' || task.status === 'cancelled') {
        throw new VigilError('VIGIL_CONFLICT', `control task ${id} is ${task.status}`);
      }
      // Officers do not take each other's tasks; a coordinator may move one.
      if (
        task.status === 'assigned' &&
        task.assignee !== assignee &&
        !hasPermission(actor, 'control.assign-others')
      ) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `control task ${id} is assigned to ${task.assignee ?? 'someone'}`,
        );
      }
      const now = this.#d.clock.now();
      await this.#d.repo.assign(tx, id, assignee, now);
      return publicTask({ ...task, status: 'assigned', assignee, updatedAt: now.toISOString() });
    });
  }

  /**
   * Assigns the office's earliest-due open task: an officer takes it; a coordinator gives it to the
   * candidate officer (given, or those who worked the office before) with the fewest open assigned
   * tasks. Undefined when the office has no open task.
   */
  async assignNext(
    actor: Actor,
    requested: string | undefined,
    input: AssignNextInput,
  ): Promise<ControlTask | undefined> {
    requirePermission(actor, 'control.assign');
    const office = requested ?? actor.office;
    if (office === undefined) {
      throw new VigilError(
        'VIGIL_QUERY_INVALID',
        'name the office (?office=NL000396), or use a token bound to one (vigil token --office)',
      );
    }
    if (!officeOfAuthority(office, actor.authority)) {
      throw new VigilError('VIGIL_OFFICE_INVALID', `office ${office} is not an office of ${actor.authority}`);
    }
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const repo = this.#d.repo;
      const task = await repo.nextOpen(tx, actor.authority, office);
      if (task === undefined) {
        return undefined;
      }
      let assignee = actor.subject;
      if (hasPermission(actor, 'control.assign-others')) {
        const candidates = [
          ...new Set(input.officers ?? (await repo.officersOf(tx, actor.authority, office))),
        ].sort();
        if (candidates.length === 0) {
          throw new VigilError(
            'VIGIL_BAD_REQUEST',
            `no officer has worked office ${office} yet: name the candidates in \`officers\``,
          );
        }
        const load = await repo.workload(tx, actor.authority, candidates);
        assignee = candidates.reduce((best, o) => ((load.get(o) ?? 0) < (load.get(best) ?? 0) ? o : best));
      }
      const now = this.#d.clock.now();
      await repo.assign(tx, task.id, assignee, now);
      return publicTask({ ...task, status: 'assigned', assignee, updatedAt: now.toISOString() });
    });
  }

  // ---- results ------------------------------------------------------------------------------------

  /**
   * Records the result of a control, or (with `supersedes`) corrects the current one. The task
   * becomes done; the operators' counters, the outbox event and the audit entry commit with it.
   */
  async recordResult(
    actor: Actor,
    id: string,
    input: ResultInput,
  ): Promise<{ task: ControlTask; result: ControlResult }> {
    requirePermission(actor, 'control.record');
    const repo = this.#d.repo;
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const task = await this.#task(tx, actor, id, true);
      if (task.status === 'cancelled') {
        throw new VigilError('VIGIL_CONFLICT', `control task ${id} was cancelled`);
      }
      // An officer records on an open task or one assigned to them, and corrects only their own
      // result; a coordinator or an admin may do either for anyone.
      const mayActForOthers = hasPermission(actor, 'control.assign-others');
      if (!mayActForOthers && task.status === 'assigned' && task.assignee !== actor.subject) {
        throw new VigilError(
          'VIGIL_FORBIDDEN',
          `control task ${id} is assigned to ${task.assignee ?? 'another officer'}; only they, a coordinator or an admin record its result`,
        );
      }
      const history = await repo.results(tx, actor.authority, id);
      const current = history.find((r) => r.current);
      const resultId = this.#ids();
      if (input.supersedes === undefined) {
        if (current !== undefined) {
          throw new VigilError(
            'VIGIL_CONFLICT',
            `control task ${id} has a result (${current.id}); results are immutable: to correct it, send a new result with "supersedes": "${current.id}"`,
          );
        }
      } else {
        const old = history.find((r) => r.id === input.supersedes);
        if (old === undefined) {
          throw new VigilError('VIGIL_NOT_FOUND', `control task ${id} has no result ${input.supersedes}`);
        }
        if (!mayActForOthers && old.recordedBy !== actor.subject) {
          throw new VigilError(
            'VIGIL_FORBIDDEN',
            `result ${old.id} was recorded by ${old.recordedBy}; only they, a coordinator or an admin correct it`,
          );
        }
        if (!old.current || !(await repo.markSuperseded(tx, old.id, resultId))) {
          throw new VigilError(
            'VIGIL_CONFLICT',
            `result ${old.id} was already corrected by ${old.supersededBy ?? 'another result'}; supersede the current one`,
          );
        }
      }
      const now = this.#d.clock.now();
      const { result, method, remarks, supersedes, ...rest } = input;
      const details: Record<string, unknown> = rest;
      await repo.insertResult(tx, {
        id: resultId,
        authority: actor.authority,
        taskId: id,
        mrn: task.mrn,
        seq: task.seq,
        result,
        details,
        method,
        remarks,
        recordedBy: actor.subject,
        at: now,
        supersedes,
      });
      if (task.status !== 'done') {
        await repo.setStatus(tx, id, 'done', now);
      }
      await this.#recomputeOperators(tx, actor.authority, task.parties, now);
      const stored: ControlResult = {
        id: resultId,
        taskId: id,
        mrn: task.mrn,
        seq: task.seq,
        result,
        details,
        method,
        remarks: remarks ?? null,
        recordedBy: actor.subject,
        recordedAt: now.toISOString(),
        supersedes: supersedes ?? null,
        supersededBy: null,
        current: true,
      };
      // Remarks stay home: free text may hold what must not leave the office.
      await appendOutbox(tx, [
        {
          authority: actor.authority,
          topic: RESULT_RECORDED_TOPIC,
          key: id,
          payload: {
            authority: actor.authority,
            mrn: task.mrn,
            version: task.version,
            seq: task.seq,
            taskId: id,
            resultId,
            result: {
              kind: result,
              ...details,
              method,
              supersedes: supersedes ?? null,
              recordedAt: stored.recordedAt,
            },
            ruleRefs: task.ruleRefs,
            source: task.source,
            controlType: task.controlType,
          },
        },
      ]);
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: auditActor(actor),
        action: 'control.result-recorded',
        subject: task.mrn,
        details: { taskId: id, resultId, seq: task.seq, result, supersedes: supersedes ?? null },
        at: now,
      });
      return { task: publicTask({ ...task, status: 'done', updatedAt: now.toISOString() }), result: stored };
    });
  }

  // ---- feedback: rule statistics ------------------------------------------------------------------

  /**
   * Per version of a rule, how it did over consignments assessed in [from, to); by default the
   * 90 days up to and including now.
   */
  async ruleStats(
    actor: Actor,
    ruleId: string,
    period: { from?: Date | undefined; to?: Date | undefined },
  ): Promise<RuleStats> {
    this.#mayRead(actor);
    const to = period.to ?? new Date(this.#d.clock.now().getTime() + 1);
    const from = period.from ?? new Date(to.getTime() - 90 * DAY_MS);
    if (from.getTime() >= to.getTime()) {
      throw new VigilError('VIGIL_QUERY_INVALID', '`from` must be before `to`');
    }
    const { repo } = this.#d;
    const db = this.#d.db.forAuthority(actor.authority);
    const counts = await repo.ruleStats(db, actor.authority, ruleId, from, to);
    if (counts.length === 0) {
      throw new VigilError('VIGIL_RULE_NOT_FOUND', `no rule ${ruleId}`);
    }
    const assessed = await repo.assessedCount(db, actor.authority, from, to);
    const sum = (k: keyof Omit<RuleVersionCounts, 'version' | 'status' | 'createdAt'>): number =>
      counts.reduce((n, c) => n + c[k], 0);
    return {
      rule: ruleId,
      from: from.toISOString(),
      to: to.toISOString(),
      assessed,
      versions: counts.map((c) => ({ ...statsRow(c.version, c), status: c.status, createdAt: c.createdAt })),
      total: statsRow('all', {
        assessed,
        hits: sum('hits'),
        finalHits: sum('finalHits'),
        dismissed: sum('dismissed'),
        tasks: sum('tasks'),
        controls: sum('controls'),
        irregularities: sum('irregularities'),
        seizures: sum('seizures'),
        noIrregularity: sum('noIrregularity'),
        dutyAtStake: sum('dutyAtStake'),
        taxAtStake: sum('taxAtStake'),
      }),
    };
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** The compliance counters of the task's operators, recomputed from the current results. */
  async #recomputeOperators(
    tx: Queryable,
    authority: string,
    parties: readonly TaskParty[],
    at: Date,
  ): Promise<void> {
    const unique = [...new Map(parties.map((p) => [p.key, p])).values()];
    if (unique.length === 0) {
      return;
    }
    const keys = unique.map((p) => p.key);
    await this.#d.operators.lock(tx, authority, keys);
    const counts = new Map((await this.#d.repo.complianceOf(tx, authority, keys)).map((c) => [c.key, c]));
    await this.#d.operators.setCompliance(
      tx,
      authority,
      unique.map((p) => ({ ...counts.get(p.key)!, key: p.key, name: p.name, eori: p.eori })),
      at,
    );
  }

  #mayRead(actor: Actor): void {
    requirePermission(actor, 'control.read');
  }

  #assigneeFor(actor: Actor, wanted: string | undefined): string {
    requirePermission(actor, 'control.assign');
    if (hasPermission(actor, 'control.assign-others')) {
      return wanted ?? actor.subject;
    }
    if (wanted !== undefined && wanted !== actor.subject) {
      requirePermission(actor, 'control.assign-others');
    }
    return actor.subject;
  }

  async #task(tx: Queryable, actor: Actor, id: string, forUpdate = false): Promise<StoredTask> {
    const task = await this.#d.repo.task(tx, actor.authority, id, forUpdate);
    if (task === undefined) {
      throw new VigilError('VIGIL_NOT_FOUND', `no control task ${id}`);
    }
    return task;
  }
}
