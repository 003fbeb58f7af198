/**
 * Joint operations between authorities (issue 11): a coordinator creates a priority control area or
 * a joint customs operation (scope, window, interim review, participants with liaison officers, and
 * common criteria as CEL rules, type-checked and cost-limited like any rule); each participant
 * accepts, which makes the criteria its own active rules valid for exactly the operational window
 * (`<operation>-<criterion>`), so assessments by the participant's clock take them up at the start
 * and drop them at the end with no scheduler, and every hit, control and result they cause is
 * attributed to the operation. The pooled results are each participant's own figures, read in its
 * own scope, aggregated: counts and amounts, never a person or an operator. The phase comes from the
 * clock. Creating, accepting and posting a message are in the audit trail of the authority that did it.
 */
import { randomBytes } from 'node:crypto';
import { VigilError, fromZodIssues } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { Actor } from '../auth/index.ts';
import type { Clock } from '../domain/index.ts';
import type { AuditAction, AuditEvent } from '../audit/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { sharedConditionError } from '../rules/index.ts';
import type { RuleInput, RuleService } from '../rules/index.ts';
import { conditionFromIndicators, sendToPeers } from '../cooperation/index.ts';
import type { DirectoryEntry, FederationOutbound } from '../cooperation/index.ts';
import { messageInputSchema, operationInputSchema } from './operation.schema.ts';
import type {
  Criterion,
  Operation,
  OperationMessage,
  OperationPhase,
  OperationReport,
  OperationResults,
  OperationScope,
  ParticipantFigures,
  Participant,
} from './operation.schema.ts';
import type { OperationRepository, ScreenedRow, StoredOperation } from './operation.repository.ts';

export interface OperationServiceDeps {
  readonly db: Database;
  readonly repo: OperationRepository;
  readonly rules: Pick<RuleService, 'create'>;
  /** The directory of authorities (cooperation's): participants must be in it. */
  readonly directory: (q: Queryable) => Promise<ReadonlyMap<string, DirectoryEntry>>;
  readonly clock: Clock;
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  readonly ids?: (() => string) | undefined;
  /** Other nodes: what concerns a member on another node is also queued to it (src/federation). */
  readonly federation?: FederationOutbound | undefined;
}

const MAX_TITLE = 200;
const MAX_REASON = 1000;
const auditActor = (a: Actor): string => `${a.role}:${a.subject}`;
const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** The phase an operation is in at `now`: planning before its start, operational until its end. */
export function phaseAt(op: Pick<Operation, 'start' | 'end'>, now: Date): OperationPhase {
  const t = now.getTime();
  return t < Date.parse(op.start) ? 'planning' : t < Date.parse(op.end) ? 'operational' : 'post-operational';
}

/** The id of a participant's rule made from one criterion of an operation. */
export const operationRuleId = (operation: string, criterion: string): string => `${operation}-${criterion}`;

/**
 * The condition a participant runs for one criterion: the goods and route parts of the operation's
 * scope (the offices and modes go into the rule's own scope), then the criterion itself.
 */
export function criterionCondition(scope: OperationScope, criterion: string): string {
  if (scope.goods === undefined && scope.routeCountries === undefined) {
    return criterion;
  }
  const scoped = conditionFromIndicators({
    ...(scope.goods !== undefined ? { goodsCodes: scope.goods } : {}),
    ...(scope.routeCountries !== undefined ? { routeCountries: scope.routeCountries } : {}),
  });
  return `(${scoped}) && (\n${criterion}\n)`;
}

/** The rule a participant gets for one criterion, as the rule contract takes it. */
export function ruleOfCriterion(op: StoredOperation, c: Criterion): RuleInput {
  return {
    id: operationRuleId(op.id, c.id),
    title: cut(`${op.kind.toUpperCase()} ${op.id}: ${c.title}`, MAX_TITLE),
    riskArea: c.riskArea,
    weight: c.weight,
    severity: c.severity,
    recommendedAction: c.recommendedAction,
    validFrom: op.start,
    validUntil: op.end,
    scope: {
      ...(op.scope.offices !== undefined ? { offices: [...op.scope.offices] } : {}),
      ...(op.scope.modes !== undefined ? { modes: [...op.scope.modes] } : {}),
    },
    status: 'active',
    reason: cut(
      `Common criterion of operation ${op.id} (coordinated by ${op.coordinator}): ${c.reason}`,
      MAX_REASON,
    ),
    condition: criterionCondition(op.scope, c.condition),
  };
}

/** Is a screened consignment inside the operation's scope (offices, modes, goods, routing)? */
export function inScope(row: ScreenedRow, scope: OperationScope): boolean {
  if (scope.offices !== undefined && !scope.offices.includes(row.office)) {
    return false;
  }
  if (scope.modes !== undefined && !(scope.modes as readonly string[]).includes(row.mode)) {
    return false;
  }
  const goods = scope.goods;
  if (
    goods !== undefined &&
    !(row.consignment?.goods ?? []).some((g) => goods.some((p) => (g.hsCode ?? '').startsWith(p)))
  ) {
    return false;
  }
  const countries = scope.routeCountries;
  if (countries !== undefined) {
    const own = row.consignment?.routing ?? [];
    const routing = own.length > 0 ? own : (row.transportRouting ?? []);
    if (!routing.some((c) => countries.includes(c))) {
      return false;
    }
  }
  return true;
}

type Totals = Omit<ParticipantFigures, 'authority' | 'state'>;

const emptyTotals = (): Totals => ({
  screened: 0,
  hitConsignments: 0,
  hitsByCriterion: {},
  controls: 0,
  controlsByType: {},
  results: {},
  seizures: [],
  dutyAtStake: 0,
  taxAtStake: 0,
});

const bump = (m: Record<string, number>, k: string, by = 1): void => {
  m[k] = (m[k] ?? 0) + by;
};
const amount = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
/** Cents, so that sums of amounts compare exactly. */
const money = (n: number): number => Math.round(n * 100) / 100;

function addInto(total: Totals, f: Totals): void {
  total.screened += f.screened;
  total.hitConsignments += f.hitConsignments;
  total.controls += f.controls;
  for (const [k, v] of Object.entries(f.hitsByCriterion)) {
    bump(total.hitsByCriterion, k, v);
  }
  for (const [k, v] of Object.entries(f.controlsByType)) {
    bump(total.controlsByType, k, v);
  }
  for (const [k, v] of Object.entries(f.results)) {
    bump(total.results, k, v);
  }
  const seizures = total.seizures as { category: string; unit: string; count: number; quantity: number }[];
  for (const s of f.seizures) {
    const same = seizures.find((x) => x.category === s.category && x.unit === s.unit);
    if (same === undefined) {
      seizures.push({ ...s });
    } else {
      same.count += s.count;
      same.quantity += s.quantity;
    }
  }
  seizures.sort((a, b) => a.category.localeCompare(b.category) || a.unit.localeCompare(b.unit));
  total.dutyAtStake = money(total.dutyAtStake + f.dutyAtStake);
  total.taxAtStake = money(total.taxAtStake + f.taxAtStake);
}

function invalid(errors: FieldError[]): VigilError {
  return new VigilError('VIGIL_OPERATION_INVALID', `the operation has ${errors.length} error(s)`, errors);
}

export class OperationService {
  readonly #d: OperationServiceDeps;
  readonly #ids: () => string;

  constructor(deps: OperationServiceDeps) {
    this.#d = deps;
    this.#ids = deps.ids ?? (() => `OP-${randomBytes(4).toString('hex').toUpperCase()}`);
  }

  async #audit(
    tx: Queryable,
    actor: Actor,
    action: AuditAction,
    subject: string,
    details: Record<string, unknown>,
    at: Date,
  ): Promise<void> {
    await this.#d.audit?.append(tx, {
      authority: actor.authority,
      actor: auditActor(actor),
      action,
      subject,
      details,
      at,
    });
  }

  // ——— Creating and reading ———

  async create(actor: Actor, body: unknown): Promise<Operation> {
    requirePermission(actor, 'operation.write');
    const parsed = operationInputSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      throw invalid(fromZodIssues(parsed.error.issues, 'the operation'));
    }
    const input = parsed.data;
    const now = this.#d.clock.now();
    const errors: FieldError[] = [];
    const start = Date.parse(input.start);
    const end = Date.parse(input.end);
    const review = Date.parse(input.interimReview);
    if (end <= start) {
      errors.push({
        code: 'VIGIL_OPERATION_PERIOD_INVALID',
        path: '$.end',
        message: `the end (${input.end}) must be after the start (${input.start})`,
      });
    } else if (review < start || review > end) {
      errors.push({
        code: 'VIGIL_OPERATION_PERIOD_INVALID',
        path: '$.interimReview',
        message: `the interim review (${input.interimReview}) must fall between the start and the end`,
      });
    }
    if (end <= now.getTime()) {
      errors.push({
        code: 'VIGIL_OPERATION_PERIOD_INVALID',
        path: '$.end',
        message: `the end (${input.end}) is already past (now ${now.toISOString()})`,
      });
    }
    const scoped = this.#d.db.forAuthority(actor.authority);
    const directory = await scoped.transaction((tx) => this.#d.directory(tx));
    const seen = new Set<string>();
    for (const [i, p] of input.participants.entries()) {
      if (!directory.has(p.authority)) {
        errors.push({
          code: 'VIGIL_OPERATION_PARTICIPANT_UNKNOWN',
          path: `$.participants[${i}].authority`,
          message: `'${p.authority}' is not an authority of the directory (GET /v1/authorities)`,
        });
      } else if (seen.has(p.authority)) {
        errors.push({
          code: 'VIGIL_SCHEMA_VALUE',
          path: `$.participants[${i}].authority`,
          message: `'${p.authority}' is listed twice`,
        });
      }
      seen.add(p.authority);
    }
    if (errors.length > 0) {
      throw invalid(errors);
    }
    const id = this.#ids();
    const criteria: Criterion[] = input.criteria.map((c, i) => ({ id: `c${i + 1}`, ...c }));
    const op: StoredOperation = {
      id,
      kind: input.kind,
      title: input.title,
      objective: input.objective,
      coordinator: actor.authority,
      scope: input.scope,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      interimReview: new Date(review).toISOString(),
      criteria,
      participantCodes: input.participants.map((p) => p.authority),
      createdBy: actor.subject,
      createdAt: now.toISOString(),
    };
    // Every criterion as each participant will run it (scope included), type-checked and within the
    // cost limit; no watchlist names, which are each authority's own.
    for (const [i, c] of criteria.entries()) {
      const err = sharedConditionError(
        ruleOfCriterion(op, c).condition,
        `criterion ${i + 1}`,
        `$.criteria[${i}].condition`,
        c.condition,
      );
      if (err !== undefined) {
        throw err;
      }
    }
    const liaison = new Map(input.participants.map((p) => [p.authority, p.liaisonOfficers]));
    await scoped.transaction(async (tx) => {
      await this.#d.repo.insert(tx, op, liaison);
      await this.#toPeers(tx, actor.authority, op.participantCodes, 'operation.created', {
        operation: op,
        liaison: Object.fromEntries(liaison),
      });
      await this.#audit(
        tx,
        actor,
        'operation.created',
        `operation:${id}`,
        {
          kind: op.kind,
          title: op.title,
          start: op.start,
          end: op.end,
          participants: op.participantCodes,
          criteria: criteria.map((c) => ({ id: c.id, condition: c.condition, weight: c.weight })),
        },
        now,
      );
    });
    return this.get(actor, id);
  }

  /** The operation as the actor's authority sees it: its coordinator or one of its participants. */
  async #visible(actor: Actor, id: string): Promise<StoredOperation> {
    requirePermission(actor, 'operation.read');
    const op = await this.#d.db.forAuthority(actor.authority).transaction((tx) => this.#d.repo.get(tx, id));
    if (op === undefined) {
      throw new VigilError(
        'VIGIL_OPERATION_NOT_FOUND',
        `no operation '${id}' that your authority (${actor.authority}) coordinates or takes part in`,
      );
    }
    return op;
  }

  /** Participations are read as the coordinator, once the reader was shown to be in the operation. */
  async #participants(op: StoredOperation): Promise<Participant[]> {
    return this.#d.db.forAuthority(op.coordinator).transaction((tx) => this.#d.repo.participants(tx, op.id));
  }

  #view(op: StoredOperation, participants: readonly Participant[]): Operation {
    const { participantCodes: _codes, ...rest } = op;
    return { ...rest, phase: phaseAt(op, this.#d.clock.now()), participants: [...participants] };
  }

  async get(actor: Actor, id: string): Promise<Operation> {
    const op = await this.#visible(actor, id);
    return this.#view(op, await this.#participants(op));
  }

  async list(actor: Actor, limit: number): Promise<Operation[]> {
    requirePermission(actor, 'operation.read');
    const ops = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.repo.list(tx, limit));
    const out: Operation[] = [];
    for (const op of ops) {
      out.push(this.#view(op, await this.#participants(op)));
    }
    return out;
  }

  // ——— Taking part ———

  /**
   * The actor's authority accepts: each criterion becomes its own active rule valid for the
   * operational window. Accepting again changes nothing; after the end there is nothing to accept.
   */
  async accept(actor: Actor, id: string): Promise<Operation> {
    requirePermission(actor, 'operation.participate');
    const op = await this.#visible(actor, id);
    if (!op.participantCodes.includes(actor.authority)) {
      throw new VigilError(
        'VIGIL_OPERATION_STATE',
        `your authority (${actor.authority}) is not a participant of operation ${id} (participants: ${op.participantCodes.join(', ')})`,
      );
    }
    const scoped = this.#d.db.forAuthority(actor.authority);
    const mine = await scoped.transaction((tx) => this.#d.repo.ownParticipation(tx, id, actor.authority));
    if (mine?.state === 'accepted') {
      return this.get(actor, id);
    }
    const now = this.#d.clock.now();
    if (now.getTime() >= Date.parse(op.end)) {
      throw new VigilError(
        'VIGIL_OPERATION_STATE',
        `operation ${id} ended at ${op.end}: there is nothing left to accept`,
      );
    }
    const ruleIds: string[] = [];
    for (const c of op.criteria) {
      const rule = ruleOfCriterion(op, c);
      try {
        await this.#d.rules.create(actor, rule);
      } catch (err) {
        // Made by an acceptance that stopped half-way: the rule is already there.
        if (!(err instanceof VigilError && err.code === 'VIGIL_CONFLICT')) {
          throw err;
        }
      }
      ruleIds.push(rule.id);
    }
    await scoped.transaction(async (tx) => {
      const current = await this.#d.repo.ownParticipation(tx, id, actor.authority);
      if (current?.state === 'accepted') {
        return;
      }
      await this.#d.repo.accept(tx, id, actor.authority, ruleIds, actor.subject, now);
      await this.#toPeers(tx, actor.authority, [op.coordinator], 'operation.accepted', {
        operation: id,
        authority: actor.authority,
        by: actor.subject,
        at: now.toISOString(),
      });
      await this.#audit(
        tx,
        actor,
        'operation.accepted',
        `operation:${id}`,
        { coordinator: op.coordinator, rules: ruleIds, from: op.start, until: op.end },
        now,
      );
    });
    return this.get(actor, id);
  }

  // ——— Pooled results and reports ———

  /** Queues a message to each of `to` that is another node's authority (not `from`). */
  async #toPeers(
    tx: Queryable,
    from: string,
    to: readonly string[],
    kind: 'operation.created' | 'operation.accepted' | 'operation.message' | 'operation.figures',
    body: unknown,
  ): Promise<void> {
    await sendToPeers(this.#d.federation, tx, from, to, kind, body);
  }

  /**
   * Sends the coordinator on another node each accepted participation's own figures (run by serve
   * on a schedule, and at will): counts and amounts computed here, where the participant's data is.
   * Returns how many were queued.
   */
  async shareFigures(): Promise<number> {
    const federation = this.#d.federation;
    if (federation === undefined) {
      return 0;
    }
    const peers = await federation.peers(this.#d.db);
    let sent = 0;
    for (const a of await this.#d.repo.acceptedParticipations(this.#d.db)) {
      if (!peers.has(a.coordinator) || peers.has(a.authority)) {
        continue;
      }
      const scoped = this.#d.db.forAuthority(a.authority);
      const op = await scoped.transaction((tx) => this.#d.repo.get(tx, a.operation));
      const p =
        op && (await scoped.transaction((tx) => this.#d.repo.ownParticipation(tx, a.operation, a.authority)));
      if (op === undefined || p === undefined) {
        continue;
      }
      const figures = await this.#figures(op, p, new Set());
      const asOf = this.#d.clock.now().toISOString();
      await scoped.transaction((tx) =>
        federation.send(tx, {
          from: a.authority,
          to: a.coordinator,
          kind: 'operation.figures',
          body: { operation: op.id, figures, asOf },
        }),
      );
      sent++;
    }
    return sent;
  }

  async #figures(
    op: StoredOperation,
    p: Participant,
    remote: ReadonlySet<string>,
  ): Promise<ParticipantFigures> {
    const f = emptyTotals();
    if (p.state !== 'accepted') {
      return { authority: p.authority, state: p.state, ...f };
    }
    if (remote.has(p.authority)) {
      // Another node's participant: the figures its node last sent (none yet: zeros).
      const sent = (
        await this.#d.db
          .forAuthority(op.coordinator)
          .transaction((tx) => this.#d.repo.remoteFigures(tx, op.id))
      ).get(p.authority) as ParticipantFigures | undefined;
      return sent === undefined
        ? { authority: p.authority, state: p.state, ...f }
        : { ...sent, state: p.state };
    }
    const criterionOf = new Map(op.criteria.map((c) => [operationRuleId(op.id, c.id), c.id]));
    const own = new Set(p.ruleIds);
    const repo = this.#d.repo;
    await this.#d.db.forAuthority(p.authority).transaction(async (tx) => {
      const rows = await repo.screened(tx, p.authority, new Date(op.start), new Date(op.end));
      for (const row of rows) {
        const hit = [...new Set(row.hits.map((h) => h.id).filter((rid) => own.has(rid)))];
        if (inScope(row, op.scope) || hit.length > 0) {
          f.screened++;
        }
        if (hit.length > 0) {
          f.hitConsignments++;
          for (const rid of hit) {
            bump(f.hitsByCriterion, criterionOf.get(rid) ?? rid);
          }
        }
      }
      const tasks = await repo.controlsOf(tx, p.authority, p.ruleIds);
      f.controls = tasks.length;
      for (const t of tasks) {
        bump(f.controlsByType, t.controlType);
      }
      const seizures = f.seizures as { category: string; unit: string; count: number; quantity: number }[];
      for (const r of await repo.currentResults(
        tx,
        p.authority,
        tasks.map((t) => t.id),
      )) {
        bump(f.results, r.result);
        f.dutyAtStake = money(f.dutyAtStake + amount(r.details.dutyAtStake));
        f.taxAtStake = money(f.taxAtStake + amount(r.details.taxAtStake));
        if (r.result === 'seizure') {
          const category = String(r.details.category);
          const unit = String(r.details.unit);
          const same = seizures.find((s) => s.category === category && s.unit === unit);
          if (same === undefined) {
            seizures.push({ category, unit, count: 1, quantity: amount(r.details.quantity) });
          } else {
            same.count++;
            same.quantity += amount(r.details.quantity);
          }
        }
      }
      seizures.sort((a, b) => a.category.localeCompare(b.category) || a.unit.localeCompare(b.unit));
    });
    return { authority: p.authority, state: p.state, ...f };
  }

  async results(actor: Actor, id: string): Promise<OperationResults> {
    const op = await this.#visible(actor, id);
    return this.#results(op, await this.#participants(op));
  }

  async #results(op: StoredOperation, participants: readonly Participant[]): Promise<OperationResults> {
    const now = this.#d.clock.now();
    const figures: ParticipantFigures[] = [];
    const remote =
      this.#d.federation === undefined ? new Set<string>() : await this.#d.federation.peers(this.#d.db);
    for (const p of participants) {
      figures.push(await this.#figures(op, p, remote));
    }
    const total = emptyTotals();
    for (const f of figures) {
      addInto(total, f);
    }
    return {
      operation: op.id,
      phase: phaseAt(op, now),
      asOf: now.toISOString(),
      participants: figures,
      total,
    };
  }

  /** The interim report while the operation runs (or before), the final one after its end. */
  async report(actor: Actor, id: string): Promise<OperationReport> {
    const op = await this.#visible(actor, id);
    const participants = await this.#participants(op);
    const results = await this.#results(op, participants);
    return {
      kind: results.phase === 'post-operational' ? 'final' : 'interim',
      operation: this.#view(op, participants),
      results,
    };
  }

  // ——— The operation's channel ———

  async postMessage(actor: Actor, id: string, body: unknown): Promise<OperationMessage> {
    requirePermission(actor, 'operation.message');
    const op = await this.#visible(actor, id);
    const parsed = messageInputSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      throw new VigilError(
        'VIGIL_OPERATION_INVALID',
        'the message is invalid',
        fromZodIssues(parsed.error.issues, 'the message'),
      );
    }
    const m = parsed.data;
    const members = new Set([op.coordinator, ...op.participantCodes]);
    if (m.to !== undefined && !members.has(m.to)) {
      throw new VigilError('VIGIL_OPERATION_INVALID', 'the message is invalid', [
        {
          code: 'VIGIL_OPERATION_PARTICIPANT_UNKNOWN',
          path: '$.to',
          message: `'${m.to}' is not the coordinator or a participant of operation ${id}`,
        },
      ]);
    }
    const now = this.#d.clock.now();
    const message: OperationMessage = {
      id: `om_${randomBytes(6).toString('hex')}`,
      operation: id,
      from: actor.authority,
      author: actor.subject,
      kind: m.kind,
      text: m.text,
      mrn: m.mrn ?? null,
      to: m.to ?? null,
      at: now.toISOString(),
    };
    await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.insertMessage(tx, message, op.coordinator);
      await this.#toPeers(tx, actor.authority, [...members], 'operation.message', { message });
      await this.#audit(
        tx,
        actor,
        'operation.message-posted',
        `operation:${id}`,
        { message: message.id, kind: message.kind, to: message.to, mrn: message.mrn },
        now,
      );
    });
    return message;
  }

  async messages(actor: Actor, id: string, limit: number): Promise<OperationMessage[]> {
    const op = await this.#visible(actor, id);
    return this.#d.db.forAuthority(op.coordinator).transaction((tx) => this.#d.repo.messages(tx, id, limit));
  }
}
