/**
 * Common risk criteria from the centre (issue 11 point 3): a coordinator of a coordinating authority
 * (VIGIL_COORDINATING_AUTHORITIES) publishes a criterion (`crc` or `frc`), type-checked and
 * cost-limited like any rule; every member named (or every customs authority of the directory) runs
 * it at once as its own active rule `<kind>.<id>`, which its own people cannot change or retire
 * (VIGIL_RULE_MANAGED). An amendment is a new version that replaces the members' rule version; a
 * withdrawal is the last version and retires the rule at every member, in each member's own audit
 * trail. Publishing and receiving a version from another node go through one path, `receive`,
 * idempotent on (id, version). The figures per member are the criteria indicators of its rule (the
 * indicators feature's rollups and formulas), with a total.
 */
import { VigilError, fromZodIssues } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { Actor } from '../auth/index.ts';
import type { Clock } from '../domain/index.ts';
import type { AuditAction, AuditEvent } from '../audit/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { sharedConditionError } from '../rules/index.ts';
import type { RuleInput, RuleService, StoredRule } from '../rules/index.ts';
import { sendToPeers } from '../cooperation/index.ts';
import type { Applied, DirectoryEntry, FederationOutbound } from '../cooperation/index.ts';
import type { IndicatorService, RuleFigures } from '../indicators/index.ts';
import {
  amendmentInputSchema,
  criterionInputSchema,
  publishedCriterionSchema,
  withdrawalInputSchema,
} from './common-criterion.schema.ts';
import type {
  CommonCriterion,
  CriterionFigures,
  CriterionFiguresRow,
  CriterionKind,
  PublishedCriterion,
  ReceiveResult,
} from './common-criterion.schema.ts';
import type { CommonCriterionRepository } from './common-criterion.repository.ts';

export interface CommonCriterionServiceDeps {
  readonly db: Database;
  readonly repo: CommonCriterionRepository;
  readonly rules: Pick<RuleService, 'create' | 'update' | 'get'>;
  /** The directory of authorities (cooperation's): members must be customs authorities of it. */
  readonly directory: (q: Queryable) => Promise<ReadonlyMap<string, DirectoryEntry>>;
  readonly indicators: Pick<IndicatorService, 'ruleFigures'>;
  /** The authorities whose coordinators may publish (config: VIGIL_COORDINATING_AUTHORITIES). */
  readonly coordinating: readonly string[];
  readonly clock: Clock;
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  /**
   * Other nodes (src/federation): a version published here goes to the members that are peers, in
   * the transaction that stores it; their own nodes apply it (`receiveFromPeer`).
   */
  readonly federation?: FederationOutbound | undefined;
}

const MAX_TITLE = 200;
const MAX_REASON = 1000;
const DAY_MS = 86_400_000;
const auditActor = (a: Actor): string => `${a.role}:${a.subject}`;
const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
const day = (iso: string): string => iso.slice(0, 10);
const nextDay = (iso: string): string =>
  new Date(Date.parse(`${day(iso)}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** The id of the rule every member runs for a criterion. */
export const criterionRuleId = (kind: CriterionKind, id: string): string => `${kind}.${id}`;

/**
 * For the rules feature (`managedBy`): why a rule is not the authority's own to change, when its id
 * is a criterion's (`crc.` or `frc.`).
 */
export function centralCriterionOf(ruleId: string): string | undefined {
  const m = /^(crc|frc)\.(.+)$/.exec(ruleId);
  return m === null
    ? undefined
    : `the common ${m[1] === 'crc' ? 'risk' : 'financial risk'} criterion ${m[2]} from the centre (its coordinator amends or withdraws it)`;
}

/** The rule a member runs for a published version, as the rule contract takes it. */
export function ruleOfCriterion(c: PublishedCriterion): RuleInput {
  return {
    id: criterionRuleId(c.kind, c.id),
    title: cut(`${c.kind.toUpperCase()} ${c.id} v${c.version} (${c.coordinator}): ${c.title}`, MAX_TITLE),
    riskArea: c.riskArea,
    weight: c.weight,
    severity: c.severity,
    recommendedAction: c.recommendedAction,
    ...(c.validFrom !== null ? { validFrom: c.validFrom } : {}),
    ...(c.validUntil !== null ? { validUntil: c.validUntil } : {}),
    scope: {
      ...(c.offices !== null ? { offices: [...c.offices] } : {}),
      ...(c.modes !== null ? { modes: [...c.modes] } : {}),
    },
    status: c.status === 'withdrawn' ? 'retired' : 'active',
    reason: cut(
      `Common ${c.kind === 'crc' ? 'risk' : 'financial risk'} criterion ${c.id} v${c.version} of ${c.coordinator}: ${c.reason}`,
      MAX_REASON,
    ),
    condition: c.condition,
  };
}

function invalid(errors: FieldError[]): VigilError {
  return new VigilError(
    'VIGIL_COMMON_CRITERION_INVALID',
    `the common criterion has ${errors.length} error(s)`,
    errors,
  );
}

const emptyRow = (): Omit<CriterionFiguresRow, 'authority'> => ({
  itemsAnalysed: 0,
  automatedHits: 0,
  finalHits: 0,
  controls: 0,
  controlsWithResult: 0,
  positives: 0,
  falsePositives: 0,
  yield: null,
});

export class CommonCriterionService {
  readonly #d: CommonCriterionServiceDeps;

  constructor(deps: CommonCriterionServiceDeps) {
    this.#d = deps;
  }

  async #audit(
    tx: Queryable,
    authority: string,
    actor: string,
    action: AuditAction,
    subject: string,
    details: Record<string, unknown>,
    at: Date,
  ): Promise<void> {
    await this.#d.audit?.append(tx, { authority, actor, action, subject, details, at });
  }

  #requireCoordinating(actor: Actor): void {
    requirePermission(actor, 'criteria.publish');
    if (!this.#d.coordinating.includes(actor.authority)) {
      throw new VigilError(
        'VIGIL_NOT_COORDINATING',
        `${actor.authority} is not a coordinating authority (VIGIL_COORDINATING_AUTHORITIES: ${this.#d.coordinating.join(', ') || 'none'})`,
      );
    }
  }

  /**
   * Refuses a condition that does not type-check or costs too much, with an entry in the
   * coordinator's audit trail saying what was refused and why.
   */
  async #checkCondition(
    coordinator: string,
    actor: string,
    c: { id: string; condition: string },
    at: Date,
  ): Promise<void> {
    const err = sharedConditionError(c.condition, `criterion ${c.id}`, '$.condition');
    if (err === undefined) {
      return;
    }
    await this.#d.db
      .forAuthority(coordinator)
      .transaction((tx) =>
        this.#audit(
          tx,
          coordinator,
          actor,
          'common-criterion.refused',
          `common-criterion:${c.id}`,
          { code: err.code, errors: (err.errors ?? []).map((e) => ({ code: e.code, message: e.message })) },
          at,
        ),
      );
    throw err;
  }

  /** The members a version applies at: the customs authorities of the directory, or those named. */
  async #members(actor: Actor, given: 'all' | readonly string[]): Promise<string[]> {
    const directory = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.directory(tx));
    if (given === 'all') {
      return [...directory.values()]
        .filter((e) => e.kind === 'customs' && e.code !== actor.authority)
        .map((e) => e.code)
        .sort();
    }
    const errors: FieldError[] = [];
    for (const [i, code] of given.entries()) {
      if (directory.get(code)?.kind !== 'customs') {
        errors.push({
          code: 'VIGIL_SCHEMA_VALUE',
          path: `$.scope.members[${i}]`,
          message: `'${code}' is not a customs authority of the directory (GET /v1/authorities)`,
        });
      } else if (given.indexOf(code) !== i) {
        errors.push({
          code: 'VIGIL_SCHEMA_VALUE',
          path: `$.scope.members[${i}]`,
          message: `'${code}' is listed twice`,
        });
      }
    }
    if (errors.length > 0) {
      throw invalid(errors);
    }
    return [...given].sort();
  }

  /** A version from a coordinator's input: parsed, members resolved, validity and condition checked. */
  async #versionOf(
    actor: Actor,
    body: unknown,
    id: string | undefined,
    previous: PublishedCriterion | undefined,
  ): Promise<PublishedCriterion> {
    const parsed =
      previous === undefined
        ? criterionInputSchema.safeParse(body, { reportInput: true })
        : amendmentInputSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      throw invalid(fromZodIssues(parsed.error.issues, 'the common criterion'));
    }
    const input = parsed.data;
    if (previous !== undefined && input.kind !== undefined && input.kind !== previous.kind) {
      throw invalid([
        {
          code: 'VIGIL_SCHEMA_VALUE',
          path: '$.kind',
          message: `criterion ${previous.id} is a ${previous.kind}: its kind stays (publish a new criterion instead)`,
        },
      ]);
    }
    const kind: CriterionKind = previous?.kind ?? input.kind ?? 'crc';
    const criterionId =
      previous?.id ?? ('id' in input && typeof input.id === 'string' ? input.id : (id ?? ''));
    const now = this.#d.clock.now();
    if (
      input.validFrom !== undefined &&
      input.validUntil !== undefined &&
      Date.parse(input.validUntil) <= Date.parse(input.validFrom)
    ) {
      throw invalid([
        { code: 'VIGIL_SCHEMA_VALUE', path: '$.validUntil', message: 'validUntil must be after validFrom' },
      ]);
    }
    await this.#checkCondition(
      actor.authority,
      auditActor(actor),
      { id: criterionId, condition: input.condition },
      now,
    );
    const members = await this.#members(actor, input.scope.members);
    return {
      id: criterionId,
      version: (previous?.version ?? 0) + 1,
      kind,
      status: 'published',
      coordinator: actor.authority,
      title: input.title,
      riskArea: input.riskArea,
      condition: input.condition,
      weight: input.weight,
      severity: input.severity,
      recommendedAction: input.recommendedAction,
      validFrom: input.validFrom === undefined ? null : new Date(input.validFrom).toISOString(),
      validUntil: input.validUntil === undefined ? null : new Date(input.validUntil).toISOString(),
      members,
      allMembers: input.scope.members === 'all',
      offices: input.scope.offices ?? null,
      modes: input.scope.modes ?? null,
      reason: input.reason,
      publishedBy: auditActor(actor),
      publishedAt: now.toISOString(),
    };
  }

  /** The coordinator's own latest version of a criterion (not found for anyone else). */
  async #own(actor: Actor, id: string): Promise<PublishedCriterion> {
    const versions = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.repo.versions(tx, id));
    const latest = versions[versions.length - 1];
    if (latest === undefined || latest.coordinator !== actor.authority) {
      throw new VigilError(
        'VIGIL_COMMON_CRITERION_NOT_FOUND',
        `no common criterion '${id}' that your authority (${actor.authority}) coordinates`,
      );
    }
    if (latest.status === 'withdrawn') {
      throw new VigilError(
        'VIGIL_COMMON_CRITERION_STATE',
        `common criterion ${id} was withdrawn at ${latest.publishedAt}: publish a new one`,
      );
    }
    return latest;
  }

  // ——— Publishing, amending, withdrawing ———

  async publish(actor: Actor, body: unknown): Promise<CommonCriterion> {
    this.#requireCoordinating(actor);
    const c = await this.#versionOf(actor, body, undefined, undefined);
    const seen = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.repo.versions(tx, c.id));
    if (seen.length > 0) {
      throw new VigilError(
        seen[0]!.coordinator === actor.authority ? 'VIGIL_CONFLICT' : 'VIGIL_COMMON_CRITERION_STATE',
        seen[0]!.coordinator === actor.authority
          ? `common criterion '${c.id}' exists; PUT /v1/common-criteria/${c.id} makes a new version`
          : `the id '${c.id}' is another coordinator's criterion`,
      );
    }
    const r = await this.receive(c);
    if (!r.applied) {
      throw new VigilError(
        'VIGIL_COMMON_CRITERION_STATE',
        `the id '${c.id}' is another coordinator's criterion`,
      );
    }
    return this.get(actor, c.id);
  }

  /** A new version: every member's rule gets a new version running it. */
  async amend(actor: Actor, id: string, body: unknown): Promise<CommonCriterion> {
    this.#requireCoordinating(actor);
    const previous = await this.#own(actor, id);
    await this.receive(await this.#versionOf(actor, body, id, previous));
    return this.get(actor, id);
  }

  /** The last version: the rule retires at every member at once. */
  async withdraw(actor: Actor, id: string, body: unknown): Promise<CommonCriterion> {
    this.#requireCoordinating(actor);
    const parsed = withdrawalInputSchema.safeParse(body ?? {}, { reportInput: true });
    if (!parsed.success) {
      throw invalid(fromZodIssues(parsed.error.issues, 'the withdrawal'));
    }
    const previous = await this.#own(actor, id);
    await this.receive({
      ...previous,
      version: previous.version + 1,
      status: 'withdrawn',
      reason: parsed.data.reason,
      publishedBy: auditActor(actor),
      publishedAt: this.#d.clock.now().toISOString(),
    });
    return this.get(actor, id);
  }

  /**
   * Applies one published version, made here or received from a coordinator's node: stored once,
   * in the coordinator's audit trail; each member named gets its rule created, replaced by a new
   * version or retired (withdrawn, or no longer named), in its own audit trail, once. A version seen
   * before changes nothing (`applied: false`) but for members it had not reached. A condition that
   * does not type-check or costs too much is refused (VIGIL_RULE_INVALID, VIGIL_RULE_TOO_COSTLY) and
   * audited.
   */
  async receive(published: unknown): Promise<ReceiveResult> {
    const parsed = publishedCriterionSchema.safeParse(published, { reportInput: true });
    if (!parsed.success) {
      throw invalid(fromZodIssues(parsed.error.issues, 'the published criterion'));
    }
    const c = parsed.data;
    const now = this.#d.clock.now();
    await this.#checkCondition(c.coordinator, c.publishedBy, c, now);
    const peers = (await this.#d.federation?.peers(this.#d.db)) ?? new Set<string>();
    const { inserted, previous } = await this.#d.db.forAuthority(c.coordinator).transaction(async (tx) => {
      await this.#d.repo.lock(tx, c.id);
      const before = await this.#d.repo.versions(tx, c.id);
      const stored = before.find((v) => v.version === c.version);
      if (stored !== undefined) {
        return { inserted: false, previous: before.find((v) => v.version === c.version - 1) };
      }
      if (!(await this.#d.repo.insert(tx, c))) {
        // Another coordinator's id: invisible here, and not ours to add to.
        return { inserted: false, previous: undefined };
      }
      await this.#audit(
        tx,
        c.coordinator,
        c.publishedBy,
        c.status === 'withdrawn'
          ? 'common-criterion.withdrawn'
          : c.version === 1
            ? 'common-criterion.published'
            : 'common-criterion.amended',
        `common-criterion:${c.id}`,
        {
          version: c.version,
          kind: c.kind,
          members: c.members,
          condition: c.condition,
          weight: c.weight,
          ...(c.status === 'withdrawn' ? { reason: c.reason } : {}),
        },
        now,
      );
      const previous = before.find((v) => v.version === c.version - 1);
      // Published here: the members (and members no longer named) that run other nodes get it too.
      if (!peers.has(c.coordinator)) {
        await sendToPeers(
          this.#d.federation,
          tx,
          c.coordinator,
          [...c.members, ...(previous?.members ?? [])],
          'criteria.published',
          c,
        );
      }
      return { inserted: true, previous };
    });
    const stored = await this.#d.db
      .forAuthority(c.coordinator)
      .transaction((tx) => this.#d.repo.versions(tx, c.id));
    if (!stored.some((v) => v.version === c.version && v.coordinator === c.coordinator)) {
      return { applied: false, members: [] };
    }
    const dropped = (previous?.members ?? []).filter((m) => !c.members.includes(m));
    const reached: string[] = [];
    for (const member of [...c.members, ...dropped]) {
      // A member on another node applies it there, from the message sent above.
      if (peers.has(member)) {
        continue;
      }
      if (await this.#applyAt(member, c, !c.members.includes(member))) {
        reached.push(member);
      }
    }
    return { applied: inserted || reached.length > 0, members: reached };
  }

  /**
   * A version received from a coordinator's node (federation): only from an authority this node
   * counts as coordinating (VIGIL_COORDINATING_AUTHORITIES), only as itself; then as `receive`.
   */
  async receiveFromPeer(from: string, published: unknown): Promise<Applied> {
    const coordinator = (published as { coordinator?: unknown } | null)?.coordinator;
    if (coordinator !== from) {
      throw new VigilError(
        'VIGIL_FEDERATION_FORGED',
        `${from} sent a common criterion of ${String(coordinator)}; a node sends only its own`,
      );
    }
    if (!this.#d.coordinating.includes(from)) {
      throw new VigilError(
        'VIGIL_NOT_COORDINATING',
        `${from} is not a coordinating authority here (VIGIL_COORDINATING_AUTHORITIES: ${this.#d.coordinating.join(', ') || 'none'})`,
      );
    }
    const r = await this.receive(published);
    const c = published as { id: string; version: number };
    return { authorities: r.members, ref: `common-criterion:${c.id}@${c.version}` };
  }

  /**
   * One member applies one version, acting in its own scope as Vigil on the coordinator's behalf;
   * false when it had applied it already or there was nothing to retire.
   */
  async #applyAt(member: string, c: PublishedCriterion, dropped: boolean): Promise<boolean> {
    const scoped = this.#d.db.forAuthority(member);
    if (await scoped.transaction((tx) => this.#d.repo.applied(tx, member, c.id, c.version))) {
      return false;
    }
    const system: Actor = {
      subject: `vigil:common criterion ${c.id} v${c.version} of ${c.coordinator}`,
      authority: member,
      role: 'admin',
    };
    const rule = ruleOfCriterion(c);
    const retire = c.status === 'withdrawn' || dropped;
    let current: StoredRule | undefined;
    try {
      current = (await this.#d.rules.get(system, rule.id)).rule;
    } catch (err) {
      if (!(err instanceof VigilError && err.code === 'VIGIL_RULE_NOT_FOUND')) {
        throw err;
      }
    }
    if (retire && (current === undefined || current.status === 'retired')) {
      return false;
    }
    const saved =
      current === undefined
        ? await this.#d.rules.create(system, rule, { managed: true })
        : await this.#d.rules.update(system, rule.id, retire ? { ...rule, status: 'retired' } : rule, {
            managed: true,
          });
    const now = this.#d.clock.now();
    await scoped.transaction(async (tx) => {
      await this.#d.repo.recordRule(tx, member, c, { id: saved.id, version: saved.version }, now);
      await this.#audit(
        tx,
        member,
        `admin:${system.subject}`,
        'common-criterion.applied',
        `common-criterion:${c.id}`,
        {
          version: c.version,
          coordinator: c.coordinator,
          rule: saved.id,
          ruleVersion: saved.version,
          status: saved.status,
          ...(dropped ? { why: 'no longer a member named by the criterion' } : {}),
        },
        now,
      );
    });
    return true;
  }

  // ——— Reading ———

  async get(actor: Actor, id: string): Promise<CommonCriterion> {
    requirePermission(actor, 'criteria.read');
    const versions = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.repo.versions(tx, id));
    const latest = versions[versions.length - 1];
    if (latest === undefined) {
      throw new VigilError(
        'VIGIL_COMMON_CRITERION_NOT_FOUND',
        `no common criterion '${id}' that your authority (${actor.authority}) coordinates or applies`,
      );
    }
    // The coordinator sees every member's rules; a member its own.
    const rules = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.repo.memberRules(tx, id));
    const latestPerMember = new Map(rules.map((r) => [r.authority, r]));
    return {
      ...latest,
      ruleId: criterionRuleId(latest.kind, latest.id),
      versions,
      memberRules: [...latestPerMember.values()],
    };
  }

  async list(actor: Actor, limit: number): Promise<PublishedCriterion[]> {
    requirePermission(actor, 'criteria.read');
    return this.#d.db.forAuthority(actor.authority).transaction((tx) => this.#d.repo.latest(tx, limit));
  }

  /**
   * Per member (the coordinator sees all, a member itself), the criteria indicators of its rule over
   * [from, to) (days), counted from the day it first applied the criterion to the day after it
   * retired it; and their total.
   */
  async figures(
    actor: Actor,
    id: string,
    range: { readonly from?: string | undefined; readonly to?: string | undefined },
  ): Promise<CriterionFigures> {
    const c = await this.get(actor, id);
    const from = range.from ?? day(c.versions[0]!.publishedAt);
    const to = range.to ?? nextDay(this.#d.clock.now().toISOString());
    const rules = await this.#d.db
      .forAuthority(actor.authority)
      .transaction((tx) => this.#d.repo.memberRules(tx, id));
    const authorities = [...new Set(rules.map((r) => r.authority))].sort();
    const rows: CriterionFiguresRow[] = [];
    for (const member of authorities) {
      const own = rules.filter((r) => r.authority === member);
      const first = day(own[0]!.appliedAt);
      const last = own[own.length - 1]!;
      const retired =
        c.versions.find((v) => v.version === last.version)?.status === 'withdrawn' ||
        !c.members.includes(member);
      const lo = first > from ? first : from;
      const end = retired ? nextDay(last.appliedAt) : to;
      const hi = end < to ? end : to;
      const f: RuleFigures =
        lo < hi
          ? await this.#d.indicators.ruleFigures(member, c.ruleId, lo, hi, {
              offices: c.offices ?? undefined,
              modes: c.modes ?? undefined,
            })
          : emptyRow();
      rows.push({ authority: member, ...f });
    }
    const total = emptyRow();
    for (const r of rows) {
      total.itemsAnalysed += r.itemsAnalysed;
      total.automatedHits += r.automatedHits;
      total.finalHits += r.finalHits;
      total.controls += r.controls;
      total.controlsWithResult += r.controlsWithResult;
      total.positives += r.positives;
      total.falsePositives += r.falsePositives;
    }
    total.yield = total.controlsWithResult > 0 ? total.positives / total.controlsWithResult : null;
    return { criterion: c.id, kind: c.kind, from, to, authorities: rows, total };
  }
}
