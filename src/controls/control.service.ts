/**
 * Controls (DESIGN §2.4): a control recommended by the risk engine, or asked for by an analyst who
 * confirms a hit, becomes a task for an office with a due time; officers work the queue, take tasks
 * by workload and record results. Results are immutable: a correction is a new record that supersedes
 * the old one, and only the current result counts. Each result feeds back, in the same transaction,
 * into the operators' compliance history (recomputed from current results), an outbox event for the
 * learning and sharing sides, and the audit trail; rule statistics are read from the same records.
 */
import { controlTypeOf, modeOf } from '../domain/index.ts';
import type { ControlType, RecommendedAction } from '../domain/index.ts';
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
  ControlCodeLists,
  AssignInput,
  AssignNextInput,
  ControlResult,
  ControlTask,
  PendingDecision,
  PendingResult,
  QueueQuery,
  ResultInput,
  RuleRef,
  TaskParty,
  TaskStatus,
} from './control.schema.ts';
import { CONTROL_CODE_LISTS, RESULT_RANK } from './control.schema.ts';
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
  /**
   * The share of otherwise unselected consignments controlled at random (the assessment's random
   * rate): recorded on a random task as the probability it was selected, for training.
   */
  readonly randomRate?: number | undefined;
  /**
   * Called in the transaction that stores each result (a first result or a correction that takes
   * effect): cooperation turns it into feedback on the RIFs whose rules selected the consignment and
   * shares it as the authority's policy says. A failure rolls the result back: nothing half-recorded.
   */
  readonly onResult?: ((tx: Queryable, r: RecordedResult) => Promise<void>) | undefined;
  /**
   * Called in the assessment's transaction when a consignment is newly selected for control: the
   * risk-analysis result cooperation may share under the authority's policy.
   */
  readonly onTaskCreated?: ((tx: Queryable, t: SelectedForControl) => Promise<void>) | undefined;
}

/** A consignment newly selected for control, as the features that follow it see it. */
export interface SelectedForControl {
  readonly authority: string;
  readonly mrn: string;
  readonly seq: number;
  readonly office: string;
  readonly controlType: string;
  readonly source: string;
  readonly riskAreas: readonly string[];
  readonly score: number | null;
  readonly hsCodes: readonly string[];
  readonly origins: readonly string[];
  readonly mode: string | null;
  readonly at: Date;
}

/** A stored control result as the features that follow it see it (no remarks, no free text). */
export interface RecordedResult {
  readonly authority: string;
  readonly resultId: string;
  readonly taskId: string;
  readonly mrn: string;
  readonly seq: number;
  readonly ruleIds: readonly string[];
  readonly controlType: string | null;
  readonly result: ControlResult['result'];
  readonly details: Readonly<Record<string, unknown>>;
  readonly at: Date;
  readonly actor: string;
}

/** An analyst's decision on one hit, as `AssessmentService.review` records it. */
export interface HitReviewDecision {
  readonly hitId: string;
  readonly decision: 'confirmed' | 'dismissed';
  readonly reviewer: string;
  /** Who reviewed as the audit trail names them (`role:subject`); default `analyst:<reviewer>`. */
  readonly actor?: string | undefined;
  /**
   * The control the analyst chose when confirming: its type and the office that carries it out.
   * Absent, the hit's recommended control at the office of first entry.
   */
  readonly control?: { readonly type: ControlType; readonly office: string } | undefined;
}

export interface AssessmentHooks {
  readonly onAssessed: (
    tx: Queryable,
    a: AssessmentRecord,
    filing: FilingRow,
    arrival: string | undefined,
  ) => Promise<void>;
  readonly onReviewed: (
    tx: Queryable,
    revised: AssessmentRecord,
    review: HitReviewDecision,
    filing: FilingRow,
    arrival?: string,
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

/** One rule's statistics over a period, summed over its versions, with its hits day by day. */
export interface RuleStatsSummaryItem {
  readonly rule: string;
  readonly hits: number;
  readonly finalHits: number;
  readonly dismissed: number;
  readonly tasks: number;
  readonly controls: number;
  readonly positives: number;
  readonly falsePositives: number;
  /** hits / consignments assessed in the period; null when nothing was assessed. */
  readonly hitRate: number | null;
  /** positives / controls; null before the first control. */
  readonly yield: number | null;
  /** Hits on each day of `days`, in order. */
  readonly daily: readonly number[];
}

export interface RuleStatsSummary {
  readonly from: string;
  readonly to: string;
  readonly assessed: number;
  /** The UTC days of the period (YYYY-MM-DD), which every item's `daily` follows. */
  readonly days: readonly string[];
  /** Rules with hits or control tasks in the period; a rule absent had neither. */
  readonly items: readonly RuleStatsSummaryItem[];
}

/** The longest period of the statistics of every rule at once (days). */
export const RULE_STATS_SUMMARY_MAX_DAYS = 366;

const ACTIVE: readonly TaskStatus[] = ['open', 'assigned'];
const DAY_MS = 86_400_000;

/** Rule references of both lists, each once. */
function mergeRefs(a: readonly RuleRef[], b: readonly RuleRef[]): RuleRef[] {
  const refs = new Map<string, RuleRef>();
  for (const r of [...a, ...b]) {
    refs.set(`${r.id}@${r.version}`, r);
  }
  return [...refs.values()];
}

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
  return (['consignee', 'consignor'] as const).flatMap((role) => {
    const p = c[role];
    // A consignment "to order" has no consignee.
    if (p === undefined) {
      return [];
    }
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
   * (mrn, version, consignment). An amendment never sheds a control: the open or assigned task of an
   * earlier version is carried to the new version with its status and assignee (never cancelled and
   * opened again unassigned), even when the new version no longer recommends a control. Only an
   * invalidation, or an analyst's dismissal of the engine's hits, cancels a task. Returns the task of
   * this version, or undefined when there is none.
   */
  async createTasksFor(
    tx: Queryable,
    a: AssessmentRecord,
    filingRow: FilingRow,
    arrival?: string,
  ): Promise<ControlTask | undefined> {
    const recommended = a.outcomeKind === 'control-recommended';
    const repo = this.#d.repo;
    const earlier =
      a.version > 1 ? await repo.activeEarlierTask(tx, a.authority, a.mrn, a.seq, a.version) : undefined;
    if (!recommended && earlier === undefined) {
      return undefined;
    }
    const filing = filingRow.body as Filing;
    const now = this.#d.clock.now();
    // A house part without transport of its own is due by its master's arrival; a pre-loading set
    // without any transport falls back (control-due.ts).
    const dueAt = controlDueAt(
      modeOf(filing) ?? '',
      arrival ?? filing.transport?.estimatedArrival,
      now,
      this.#d.due,
    );
    if ((await repo.taskFor(tx, a.authority, a.mrn, a.version, a.seq)) === undefined) {
      if (earlier !== undefined) {
        const outcome = recommended
          ? (a.outcome as Extract<EntryOutcome, { kind: 'control-recommended' }>)
          : undefined;
        await repo.carryToVersion(tx, earlier.id, a.version, {
          controlType: outcome?.controlType ?? earlier.controlType,
          reason: (outcome !== undefined
            ? `${outcome.reason} (amendment v${a.version})`
            : `${earlier.reason}; kept after amendment v${a.version}, which no longer recommends a control`
          ).slice(0, 1000),
          ruleRefs:
            outcome !== undefined && !outcome.random
              ? mergeRefs(earlier.ruleRefs, ruleRefsOf(a.hits as ExplainedHit[]))
              : earlier.ruleRefs,
          dueAt,
          at: now,
        });
        await this.#d.audit?.append(tx, {
          authority: a.authority,
          actor: 'system:controls',
          action: 'control.task-carried',
          subject: a.mrn,
          details: {
            taskId: earlier.id,
            seq: a.seq,
            fromVersion: earlier.version,
            toVersion: a.version,
            status: earlier.status,
            assignee: earlier.assignee,
            recommended,
          },
          at: now,
        });
      } else {
        const outcome = a.outcome as Extract<EntryOutcome, { kind: 'control-recommended' }>;
        await repo.insertTask(tx, {
          id: this.#ids(),
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
          dueAt,
          at: now,
          // Risk selects with certainty; a random draw with the random rate (issue 12, point 2).
          selectionProbability: outcome.random ? this.#d.randomRate : 1,
        });
        const goods = filing.consignments[a.seq]?.goods ?? [];
        await this.#d.onTaskCreated?.(tx, {
          authority: a.authority,
          mrn: a.mrn,
          seq: a.seq,
          office: outcome.office,
          controlType: outcome.controlType,
          source: outcome.random ? 'random' : 'risk',
          riskAreas: outcome.random ? [] : (a.hits as ExplainedHit[]).map((h) => h.riskArea),
          score: a.score,
          hsCodes: goods.map((g) => g.hsCode),
          origins: goods.flatMap((g) => (g.origin !== undefined ? [g.origin] : [])),
          mode: modeOf(filing) ?? null,
          at: now,
        });
      }
    }
    const task = await repo.taskFor(tx, a.authority, a.mrn, a.version, a.seq);
    return task !== undefined ? publicTask(task) : undefined;
  }

  /**
   * An analyst confirmed a hit: the consignment is controlled at the office of first entry, or with
   * the type and at the office the analyst chose. When it already has a task, the confirmed rule
   * joins that task's rule references instead; a task still open (nobody took it) moves to the
   * analyst's choice, while one an officer holds or finished is not moved from under them (a
   * conflict, unless the choice is what the task already is). Returns the task, or undefined for a
   * dismissal or a hit that is not in the assessment.
   */
  async createFromReview(
    tx: Queryable,
    a: AssessmentRecord,
    review: HitReviewDecision,
    filingRow: FilingRow,
    arrival?: string,
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
    const chosen = review.control;
    const fresh = {
      office: chosen?.office ?? filingRow.office_of_first_entry,
      controlType: chosen?.type ?? controlTypeOf(hit.recommendedAction as RecommendedAction) ?? 'documentary',
      source: 'manual' as const,
      reason: `hit ${hit.id} confirmed by ${review.reviewer}: ${hit.reason}`.slice(0, 1000),
      ruleRefs: ref !== undefined ? [ref] : [],
      // As for a recommendation: a house part without transport is due by its master's arrival.
      dueAt: controlDueAt(
        modeOf(filing) ?? '',
        arrival ?? filing.transport?.estimatedArrival,
        now,
        this.#d.due,
      ),
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
        // An analyst chose it: selected with certainty.
        selectionProbability: 1,
      });
    } else if (existing.status === 'cancelled') {
      await repo.reopen(tx, existing.id, fresh);
    } else {
      if (
        chosen !== undefined &&
        (chosen.office !== existing.office || chosen.type !== existing.controlType)
      ) {
        if (existing.status !== 'open') {
          throw new VigilError(
            'VIGIL_CONFLICT',
            `consignment ${a.seq} of ${a.mrn} already has a ${existing.controlType} control at office ${existing.office} (task ${existing.id}, ${existing.status}${existing.assignee !== null ? ` by ${existing.assignee}` : ''}); it is not moved from under the officer: refer it to that control, or ask a coordinator`,
          );
        }
        await repo.retarget(tx, existing.id, { office: chosen.office, controlType: chosen.type, at: now });
        await this.#auditTask(
          tx,
          'control.task-retargeted',
          review.actor ?? `analyst:${review.reviewer}`,
          existing,
          now,
          {
            from: { office: existing.office, controlType: existing.controlType },
            to: { office: chosen.office, controlType: chosen.type },
            hit: hit.id,
          },
        );
      }
      if (ref !== undefined && !existing.ruleRefs.some((r) => r.id === ref.id && r.version === ref.version)) {
        await repo.addRuleRef(tx, existing.id, ref, now);
      }
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
    arrival?: string,
  ): Promise<ControlTask | undefined> {
    if (review.decision === 'confirmed') {
      return this.createFromReview(tx, revised, review, filingRow, arrival);
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
      const now = this.#d.clock.now();
      await this.#d.repo.setStatus(tx, task.id, 'cancelled', now);
      await this.#auditTask(tx, 'control.task-cancelled', 'system:controls', task, now, {
        why: `hit ${review.hitId} dismissed by ${review.reviewer}; no control recommended any more`,
      });
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
      onAssessed: async (tx, a, filing, arrival) => {
        await this.createTasksFor(tx, a, filing, arrival);
      },
      onReviewed: async (tx, revised, review, filing, arrival) => {
        await this.onReviewed(tx, revised, review, filing, arrival);
      },
    };
  }

  /**
   * A filing was invalidated: its open and assigned tasks are cancelled in the same transaction, so
   * no officer controls, or takes, a consignment that no longer exists.
   */
  async cancelTasksOf(
    tx: Queryable,
    authority: string,
    mrn: string,
    by = 'system:invalidation',
  ): Promise<number> {
    const now = this.#d.clock.now();
    const active = await this.#d.repo.activeOf(tx, authority, mrn);
    const n = await this.#d.repo.cancelOpenOf(tx, authority, mrn, now);
    for (const task of active) {
      await this.#auditTask(tx, 'control.task-cancelled', by, task, now, { why: 'declaration invalidated' });
    }
    return n;
  }

  /**
   * Whether a control of the filing has a recorded result: the goods were presented and a control
   * decision was notified at the office, after which an ICS2 filing takes no amendment.
   */
  async controlDecided(tx: Queryable, authority: string, mrn: string): Promise<boolean> {
    return this.#d.repo.hasResult(tx, authority, mrn);
  }

  // ---- the queue ----------------------------------------------------------------------------------

  /** The code lists a control result is made of (what `recordResult` accepts), for forms. */
  codeLists(actor: Actor): ControlCodeLists {
    this.#mayRead(actor);
    return CONTROL_CODE_LISTS;
  }

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

  async get(
    actor: Actor,
    id: string,
  ): Promise<{ task: ControlTask; results: ControlResult[]; pending: PendingResult[] }> {
    this.#mayRead(actor);
    const db = this.#d.db.forAuthority(actor.authority);
    const task = await this.#task(db, actor, id);
    return {
      task: publicTask(task),
      results: await this.#d.repo.results(db, actor.authority, id),
      pending: await this.#d.repo.pendingOf(db, actor.authority, id),
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
      await this.#auditTask(tx, 'control.task-assigned', auditActor(actor), task, now, {
        assignee,
        previous: task.assignee,
      });
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
      await this.#auditTask(tx, 'control.task-assigned', auditActor(actor), task, now, {
        assignee,
        previous: task.assignee,
        next: true,
      });
      return publicTask({ ...task, status: 'assigned', assignee, updatedAt: now.toISOString() });
    });
  }

  // ---- results ------------------------------------------------------------------------------------

  /**
   * Records the result of a control, or (with `supersedes` and a `reason`) corrects the current one.
   * The task becomes done; the operators' counters, the outbox event and the audit entry commit with
   * it. A correction that downgrades a seizure is not applied: it is stored as pending (`pending` in
   * the answer, with the seizure as `result`, still in effect) until another official approves it
   * (`decidePending`).
   */
  async recordResult(
    actor: Actor,
    id: string,
    input: ResultInput,
  ): Promise<{ task: ControlTask; result: ControlResult; pending?: PendingResult | undefined }> {
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
      const now = this.#d.clock.now();
      const { result, method, remarks, supersedes, reason, ...rest } = input;
      const details: Record<string, unknown> = rest;
      if (supersedes === undefined) {
        if (current !== undefined) {
          throw new VigilError(
            'VIGIL_CONFLICT',
            `control task ${id} has a result (${current.id}); results are immutable: to correct it, send a new result with "supersedes": "${current.id}" and a "reason"`,
          );
        }
        const stored = await this.#storeResult(tx, task, {
          id: this.#ids(),
          authority: actor.authority,
          result,
          details,
          method,
          remarks,
          recordedBy: actor.subject,
          actor: auditActor(actor),
          at: now,
          supersedes: undefined,
          reason: undefined,
          approvedBy: undefined,
        });
        return {
          task: publicTask({ ...task, status: 'done', updatedAt: now.toISOString() }),
          result: stored,
        };
      }
      const old = history.find((r) => r.id === supersedes);
      if (old === undefined) {
        throw new VigilError('VIGIL_NOT_FOUND', `control task ${id} has no result ${supersedes}`);
      }
      if (!mayActForOthers && old.recordedBy !== actor.subject) {
        throw new VigilError(
          'VIGIL_FORBIDDEN',
          `result ${old.id} was recorded by ${old.recordedBy}; only they, a coordinator or an admin correct it`,
        );
      }
      if (!old.current) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `result ${old.id} was already corrected by ${old.supersededBy ?? 'another result'}; supersede the current one`,
        );
      }
      if (reason === undefined) {
        throw new VigilError(
          'VIGIL_RESULT_REASON_REQUIRED',
          `a correction of result ${old.id} must say why: send "reason" with "supersedes"`,
          [{ code: 'VIGIL_SCHEMA_REQUIRED', path: '$.reason', message: 'required with supersedes' }],
        );
      }
      if (old.result === 'seizure' && RESULT_RANK[result] < RESULT_RANK.seizure) {
        // Four eyes: a seizure is undone only when a second official agrees.
        const pendingId = this.#ids();
        const stored = await repo.insertPending(tx, {
          id: pendingId,
          authority: actor.authority,
          taskId: id,
          supersedes: old.id,
          result,
          details,
          method,
          remarks,
          reason,
          proposedBy: actor.subject,
          at: now,
        });
        if (!stored) {
          throw new VigilError(
            'VIGIL_CONFLICT',
            `a downgrade of result ${old.id} already awaits a second official's decision`,
          );
        }
        await this.#d.audit?.append(tx, {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'control.result-proposed',
          subject: task.mrn,
          details: { taskId: id, pendingId, seq: task.seq, from: old.result, to: result, supersedes: old.id },
          at: now,
        });
        // The seizure stays the result in effect; the downgrade waits.
        return {
          task: publicTask(task),
          result: old,
          pending: (await repo.pending(tx, actor.authority, pendingId))!,
        };
      }
      const resultId = this.#ids();
      if (!(await repo.markSuperseded(tx, old.id, resultId))) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `result ${old.id} was already corrected; supersede the current one`,
        );
      }
      const stored = await this.#storeResult(tx, task, {
        id: resultId,
        authority: actor.authority,
        result,
        details,
        method,
        remarks,
        recordedBy: actor.subject,
        actor: auditActor(actor),
        at: now,
        supersedes,
        reason,
        approvedBy: undefined,
      });
      return { task: publicTask({ ...task, status: 'done', updatedAt: now.toISOString() }), result: stored };
    });
  }

  /**
   * A second official approves or rejects a pending downgrade of a seizure. The one who proposed it
   * cannot decide it. Approved, it takes effect as a correction (recorded by the proposer, approved by
   * the decider) and only then do the operators' history and the rule statistics follow it.
   */
  async decidePending(
    actor: Actor,
    taskId: string,
    pendingId: string,
    input: PendingDecision,
  ): Promise<{ task: ControlTask; pending: PendingResult; result?: ControlResult | undefined }> {
    requirePermission(actor, 'control.record');
    const repo = this.#d.repo;
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const task = await this.#task(tx, actor, taskId, true);
      const p = await repo.pending(tx, actor.authority, pendingId, true);
      if (p === undefined || p.taskId !== taskId) {
        throw new VigilError('VIGIL_NOT_FOUND', `control task ${taskId} has no pending result ${pendingId}`);
      }
      if (p.status !== 'pending') {
        throw new VigilError('VIGIL_CONFLICT', `pending result ${pendingId} was already ${p.status}`);
      }
      if (p.proposedBy === actor.subject) {
        throw new VigilError(
          'VIGIL_FOUR_EYES',
          `you proposed this downgrade of a seizure; another officer or coordinator of ${actor.authority} must decide it`,
        );
      }
      const now = this.#d.clock.now();
      const decided = (status: 'approved' | 'rejected'): PendingResult => ({
        ...p,
        status,
        decidedBy: actor.subject,
        decidedAt: now.toISOString(),
      });
      if (input.decision === 'reject') {
        await repo.decidePending(tx, pendingId, 'rejected', actor.subject, now);
        await this.#d.audit?.append(tx, {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'control.result-rejected',
          subject: task.mrn,
          details: { taskId, pendingId, seq: task.seq, to: p.result, supersedes: p.supersedes },
          at: now,
        });
        return { task: publicTask(task), pending: decided('rejected') };
      }
      const resultId = this.#ids();
      if (!(await repo.markSuperseded(tx, p.supersedes, resultId))) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `result ${p.supersedes} is no longer current; the pending downgrade cannot take effect`,
        );
      }
      await repo.decidePending(tx, pendingId, 'approved', actor.subject, now);
      const stored = await this.#storeResult(tx, task, {
        id: resultId,
        authority: actor.authority,
        result: p.result,
        details: p.details,
        method: p.method,
        remarks: p.remarks ?? undefined,
        recordedBy: p.proposedBy,
        actor: auditActor(actor),
        at: now,
        supersedes: p.supersedes,
        reason: p.reason,
        approvedBy: actor.subject,
      });
      return {
        task: publicTask({ ...task, status: 'done', updatedAt: now.toISOString() }),
        pending: decided('approved'),
        result: stored,
      };
    });
  }

  /** Stores an effective result: task done, operators' counters, outbox event and audit entry. */
  async #storeResult(
    tx: Queryable,
    task: StoredTask,
    r: {
      id: string;
      authority: string;
      result: ControlResult['result'];
      details: Readonly<Record<string, unknown>>;
      method: ControlResult['method'];
      remarks: string | undefined;
      recordedBy: string;
      actor: string;
      at: Date;
      supersedes: string | undefined;
      reason: string | undefined;
      approvedBy: string | undefined;
    },
  ): Promise<ControlResult> {
    const repo = this.#d.repo;
    await repo.insertResult(tx, {
      id: r.id,
      authority: r.authority,
      taskId: task.id,
      mrn: task.mrn,
      seq: task.seq,
      result: r.result,
      details: r.details,
      method: r.method,
      remarks: r.remarks,
      recordedBy: r.recordedBy,
      at: r.at,
      supersedes: r.supersedes,
      reason: r.reason,
      approvedBy: r.approvedBy,
    });
    if (task.status !== 'done') {
      await repo.setStatus(tx, task.id, 'done', r.at);
    }
    await this.#recomputeOperators(tx, r.authority, task.parties, r.at);
    await this.#d.onResult?.(tx, {
      authority: r.authority,
      resultId: r.id,
      taskId: task.id,
      mrn: task.mrn,
      seq: task.seq,
      ruleIds: task.ruleRefs.map((x) => x.id),
      controlType: task.controlType,
      result: r.result,
      details: r.details,
      at: r.at,
      actor: r.actor,
    });
    const stored: ControlResult = {
      id: r.id,
      taskId: task.id,
      mrn: task.mrn,
      seq: task.seq,
      result: r.result,
      details: r.details,
      method: r.method,
      remarks: r.remarks ?? null,
      recordedBy: r.recordedBy,
      recordedAt: r.at.toISOString(),
      supersedes: r.supersedes ?? null,
      supersededBy: null,
      current: true,
      reason: r.reason ?? null,
      approvedBy: r.approvedBy ?? null,
    };
    // Remarks and reasons stay home: free text may hold what must not leave the office.
    await appendOutbox(tx, [
      {
        authority: r.authority,
        topic: RESULT_RECORDED_TOPIC,
        key: task.id,
        payload: {
          authority: r.authority,
          mrn: task.mrn,
          version: task.version,
          seq: task.seq,
          taskId: task.id,
          resultId: r.id,
          result: {
            kind: r.result,
            ...r.details,
            method: r.method,
            supersedes: r.supersedes ?? null,
            recordedAt: stored.recordedAt,
          },
          ruleRefs: task.ruleRefs,
          source: task.source,
          controlType: task.controlType,
        },
      },
    ]);
    await this.#d.audit?.append(tx, {
      authority: r.authority,
      actor: r.actor,
      action: 'control.result-recorded',
      subject: task.mrn,
      details: {
        taskId: task.id,
        resultId: r.id,
        seq: task.seq,
        result: r.result,
        supersedes: r.supersedes ?? null,
        recordedBy: r.recordedBy,
        ...(r.approvedBy !== undefined ? { approvedBy: r.approvedBy } : {}),
      },
      at: r.at,
    });
    return stored;
  }

  async #auditTask(
    tx: Queryable,
    action: 'control.task-assigned' | 'control.task-cancelled' | 'control.task-retargeted',
    actor: string,
    task: StoredTask,
    at: Date,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.#d.audit?.append(tx, {
      authority: task.authority,
      actor,
      action,
      subject: task.mrn,
      details: { taskId: task.id, version: task.version, seq: task.seq, office: task.office, ...details },
      at,
    });
  }

  // ---- feedback: rule statistics ------------------------------------------------------------------

  /**
   * Every rule's statistics over consignments assessed in [from, to), with hits day by day (the
   * workbench's list of rules and its sparklines); by default the 30 days up to and including now.
   */
  async ruleStatsSummary(
    actor: Actor,
    period: { from?: Date | undefined; to?: Date | undefined },
  ): Promise<RuleStatsSummary> {
    this.#mayRead(actor);
    const to = period.to ?? new Date(this.#d.clock.now().getTime() + 1);
    const from = period.from ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from.getTime() >= to.getTime()) {
      throw new VigilError('VIGIL_QUERY_INVALID', '`from` must be before `to`');
    }
    if (to.getTime() - from.getTime() > RULE_STATS_SUMMARY_MAX_DAYS * DAY_MS) {
      throw new VigilError(
        'VIGIL_QUERY_INVALID',
        `the period is longer than ${RULE_STATS_SUMMARY_MAX_DAYS} days: ask for a shorter one`,
      );
    }
    const days: string[] = [];
    for (
      let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
      t < to.getTime();
      t += DAY_MS
    ) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
    const dayIndex = new Map(days.map((d, i) => [d, i]));
    const db = this.#d.db.forAuthority(actor.authority);
    const { repo } = this.#d;
    const { hits, controls } = await repo.ruleStatsSummary(db, actor.authority, from, to);
    const assessed = await repo.assessedCount(db, actor.authority, from, to);
    const rules = new Map<string, { hits: number; finalHits: number; dismissed: number; daily: number[] }>();
    const of = (rule: string) => {
      let r = rules.get(rule);
      if (r === undefined) {
        r = { hits: 0, finalHits: 0, dismissed: 0, daily: days.map(() => 0) };
        rules.set(rule, r);
      }
      return r;
    };
    for (const h of hits) {
      const r = of(h.rule);
      r.hits += h.hits;
      r.finalHits += h.finalHits;
      r.dismissed += h.dismissed;
      const i = dayIndex.get(h.day);
      if (i !== undefined) {
        r.daily[i]! += h.hits;
      }
    }
    const byRule = new Map(controls.map((c) => [c.rule, c]));
    for (const c of controls) {
      of(c.rule);
    }
    const ratio = (a: number, b: number): number | null => (b === 0 ? null : Number((a / b).toFixed(4)));
    const items = [...rules]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([rule, r]): RuleStatsSummaryItem => {
        const c = byRule.get(rule);
        const positives = (c?.irregularities ?? 0) + (c?.seizures ?? 0);
        const done = c?.controls ?? 0;
        return {
          rule,
          hits: r.hits,
          finalHits: r.finalHits,
          dismissed: r.dismissed,
          tasks: c?.tasks ?? 0,
          controls: done,
          positives,
          falsePositives: c?.noIrregularity ?? 0,
          hitRate: ratio(r.hits, assessed),
          yield: ratio(positives, done),
          daily: r.daily,
        };
      });
    return { from: from.toISOString(), to: to.toISOString(), assessed, days, items };
  }

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
