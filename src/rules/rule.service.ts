/**
 * Analysts' rules and watchlists: saving a rule type-checks its CEL condition against the rule
 * environment and the authority's watchlists (an error names its position), every change is a new
 * version, and a rule can be tested on a filing or backtested on stored history before it goes live.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Filing, Clock } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import type { FilingRepository } from '../intake/index.ts';
import {
  RECOMMENDED_ACTIONS,
  RISK_AREAS,
  RULE_SEVERITIES,
  RULE_STATUSES,
  WATCHLIST_SUBJECTS,
  WatchlistRegistry,
  assess,
  compileRule,
  compileRuleSet,
  describeRuleEnvironment,
} from '../risk/index.ts';
import type {
  GoodsNomenclature,
  MatchExplanation,
  RiskRule,
  RuleCompileError,
  RuleEnvironmentDescription,
  RuleHit,
  RuleStatus,
  Watchlist,
} from '../risk/index.ts';
import { TRANSPORT_MODES, periodEnd } from '../domain/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { AuditEvent } from '../audit/index.ts';
import { fromZodIssues } from '../errors/index.ts';
import { requirePermission } from '../auth/index.ts';
import type {
  EntryCursor,
  RuleRepository,
  StoredRule,
  WatchlistEntityChange,
  WatchlistEntityRecord,
} from './rule.repository.ts';
import {
  PUBLIC_LIST_FORMATS,
  checkEntity,
  entityInputSchema,
  entityOf,
  readList,
  settleIds,
} from './list-formats/index.ts';
import type { ListEntity, ListFormat, StoredEntity } from './list-formats/index.ts';
import type { RuleSetCache } from './rule-set.cache.ts';
import { operatorsOf, profileLookup } from '../operators/index.ts';
import type { OperatorRepository } from '../operators/index.ts';
import type { Actor } from '../auth/index.ts';

export const ruleInputSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)'),
  title: z.string().trim().min(1).max(200),
  riskArea: z.enum(RISK_AREAS),
  weight: z.number().min(0).max(100),
  severity: z.enum(RULE_SEVERITIES),
  recommendedAction: z.enum(RECOMMENDED_ACTIONS),
  validFrom: z.iso.datetime({ offset: true }).optional(),
  validUntil: z.iso.datetime({ offset: true }).optional(),
  scope: z
    .strictObject({
      offices: z
        .array(z.string().regex(/^[A-Z]{2}[A-Z0-9]{6}$/))
        .max(500)
        .optional(),
      modes: z.array(z.enum(TRANSPORT_MODES)).max(7).optional(),
    })
    .default({}),
  status: z.enum(RULE_STATUSES).default('draft'),
  reason: z.string().trim().min(1).max(1000),
  condition: z.string().min(1).max(20_000),
});
export type RuleInput = z.input<typeof ruleInputSchema>;
/** A rule body after the contract: defaults applied, text trimmed. */
export type ParsedRuleInput = z.output<typeof ruleInputSchema>;

/** A rule body as the authority's rule (every version after it names its own number). */
export function toRiskRule(r: ParsedRuleInput, authority: string): Omit<RiskRule, 'version'> {
  return {
    id: r.id,
    title: r.title,
    riskArea: r.riskArea,
    weight: r.weight,
    severity: r.severity,
    recommendedAction: r.recommendedAction,
    ...(r.validFrom !== undefined ? { validFrom: new Date(r.validFrom).toISOString() } : {}),
    ...(r.validUntil !== undefined ? { validUntil: new Date(r.validUntil).toISOString() } : {}),
    scope: {
      authority,
      ...(r.scope.offices !== undefined ? { offices: r.scope.offices } : {}),
      ...(r.scope.modes !== undefined ? { modes: r.scope.modes } : {}),
    },
    status: r.status,
    reason: r.reason,
    condition: r.condition,
  };
}

export const watchlistInputSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes (at most 64)'),
  subject: z.enum(WATCHLIST_SUBJECTS),
  threshold: z.number().min(0.6).max(1).optional(),
  description: z.string().max(500).optional(),
  entries: z.array(entityInputSchema).max(200_000).default([]),
});

/**
 * Per consignment (`mrn/seq`) of the filings lodged in [from, to): whether a control was made and
 * what its current result found.
 */
export type ControlOutcomes = (
  db: Queryable,
  authority: string,
  from: Date,
  to: Date,
) => Promise<ReadonlyMap<string, { readonly controlled: boolean; readonly result?: string | undefined }>>;

export interface BacktestResult {
  readonly rule: { readonly id: string; readonly version: number };
  readonly period: { readonly from: string; readonly to: string };
  readonly consignmentsAssessed: number;
  readonly consignmentsHit: number;
  readonly hitRate: number;
  /** Hit consignments that were controlled and have a result. */
  readonly controlled: number;
  readonly irregular: number;
  /** Share of the controlled hits found irregular (irregularity or seizure). */
  readonly irregularShare: number | null;
  /** Hit consignments that had no control: the control load the rule would add. */
  readonly addedControlLoad: number;
  readonly addedControlLoadShare: number;
  /** Consignments on which the rule had no value (a CEL error, or stopped by its evaluation budget). */
  readonly evaluationErrors: number;
  /** The first such error, for the analyst to see why. */
  readonly firstEvaluationError: string | null;
  /** Day by day (UTC, by the day the filing was lodged), every day of the period. */
  readonly daily: readonly BacktestDay[];
}

export interface BacktestDay {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly assessed: number;
  readonly hits: number;
  /** Hits on consignments that had no control: the load the rule would have added that day. */
  readonly addedControlLoad: number;
}

/** Every UTC day that [from, to) touches, as YYYY-MM-DD. */
function daysOf(from: Date, to: Date): string[] {
  const days: string[] = [];
  const end = to.getTime();
  for (
    let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    t < end;
    t += 86_400_000
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** A comment on a rule, as stored (table rule_comment). */
export interface RuleComment {
  readonly id: string;
  readonly rule: string;
  /** The version that was the latest when the comment was made. */
  readonly version: number;
  readonly text: string;
  readonly author: string;
  readonly createdAt: string;
}

export const ruleCommentInputSchema = z.strictObject({
  text: z.string().trim().min(1).max(4000),
});

/** A condition's problems for an editor: where each is, and what it is. */
export interface RuleCheck {
  readonly ok: boolean;
  readonly errors: readonly {
    readonly code: string;
    readonly message: string;
    readonly line: number;
    readonly column: number;
    readonly offset: number;
  }[];
}

/** Limits of a backtest: the window it reads and how long it may run (docs/adr/0007). */
export interface BacktestLimits {
  readonly maxDays: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKTEST_LIMITS: BacktestLimits = Object.freeze({ maxDays: 366, maxMs: 60_000 });

/** Work done between two yields to the event loop during a backtest (ms). */
const BACKTEST_SLICE_MS = 20;

/**
 * A condition's compile errors as the error the analyst gets: VIGIL_RULE_TOO_COSTLY when the rule
 * is refused for its cost (the message says what to change), VIGIL_RULE_INVALID otherwise.
 */
export function conditionError(errors: readonly RuleCompileError[], what = 'the condition'): VigilError {
  const fields: FieldError[] = errors.map((e) => ({
    code: e.code,
    path: '$.condition',
    message: `line ${e.position.line}, column ${e.position.column}: ${e.message}`,
    position: e.position,
  }));
  const costly = errors.find((e) => e.code === 'VIGIL_RULE_TOO_COSTLY');
  if (costly !== undefined) {
    return new VigilError('VIGIL_RULE_TOO_COSTLY', `${what} would cost too much: ${costly.message}`, fields);
  }
  return new VigilError('VIGIL_RULE_INVALID', `${what} has ${fields.length} error(s)`, fields);
}

/** Why live assessment skips a stored rule. */
export interface NotLive {
  readonly code: string;
  readonly message: string;
}

export interface RuleServiceDeps {
  readonly db: Database;
  readonly repo: RuleRepository;
  readonly filings: FilingRepository;
  readonly ruleSets: RuleSetCache;
  /** Operators' profiles: tests and backtests read them as live assessment does. */
  readonly operators: OperatorRepository;
  /** What controls found on the consignments of filings lodged in a period (controls/ supplies it). */
  readonly controlOutcomes: ControlOutcomes;
  readonly clock: Clock;
  /** Rule changes are decisions: each version is appended to the audit chain in its transaction. */
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  /**
   * Called in the transaction that changed a watchlist's entries: cooperation keeps the copy shared
   * under the authority's policy in step with the list.
   */
  readonly onWatchlistChanged?:
    | ((
        tx: Queryable,
        authority: string,
        list: { name: string; subject: string },
        actor: string,
      ) => Promise<unknown>)
    | undefined;
  /** Default DEFAULT_BACKTEST_LIMITS. */
  readonly backtestLimits?: BacktestLimits | undefined;
  /** The goods nomenclature for `hs.description`, as live assessment has it. */
  readonly nomenclature?: (() => GoodsNomenclature) | undefined;
  /**
   * Rules another feature keeps for the authority (a common criterion from the centre): why the
   * authority's own people may not create, change or retire the rule with this id, or undefined.
   * That feature writes them with `{ managed: true }`.
   */
  readonly managedBy?: ((id: string) => string | undefined) | undefined;
}

/** How a rule is written: `managed` by the feature that keeps it (see `RuleServiceDeps.managedBy`). */
export interface RuleWriteOptions {
  readonly managed?: boolean | undefined;
}

/**
 * A condition one authority wrote for others to run (an operation's or the centre's common
 * criteria): checked against the rule environment with no watchlist names, which are each
 * authority's own. Undefined when it compiles; else the error with its fields at `path`. `own` is
 * the part the author wrote, when `condition` wraps it (an operation's scope): its errors are the
 * ones shown when it has any, so that positions point into what the author sent.
 */
export function sharedConditionError(
  condition: string,
  what: string,
  path: string,
  own: string = condition,
): VigilError | undefined {
  const compiled = compileRule(condition, { watchlistNames: new Set() });
  if (compiled.ok) {
    return undefined;
  }
  const mine = own === condition ? compiled : compileRule(own, { watchlistNames: new Set() });
  const err = conditionError(mine.ok ? compiled.errors : mine.errors, what);
  return new VigilError(
    err.code,
    err.message,
    (err.errors ?? []).map((e) => ({ ...e, path })),
  );
}

export class RuleService {
  readonly #d: RuleServiceDeps;

  constructor(deps: RuleServiceDeps) {
    this.#d = deps;
  }

  /** Parses and type-checks a rule; every problem at once. */
  async #validate(authority: string, body: unknown, id?: string): Promise<Omit<RiskRule, 'version'>> {
    const parsed = ruleInputSchema.safeParse(
      id !== undefined && body !== null && typeof body === 'object' ? { id, ...body } : body,
      { reportInput: true },
    );
    if (!parsed.success) {
      throw new VigilError(
        'VIGIL_RULE_INVALID',
        'the rule is invalid',
        fromZodIssues(parsed.error.issues, 'the rule'),
      );
    }
    const r = parsed.data;
    if (id !== undefined && r.id !== id) {
      throw new VigilError('VIGIL_RULE_INVALID', 'the rule is invalid', [
        {
          code: 'VIGIL_SCHEMA_VALUE',
          path: '$.id',
          message: `id '${r.id}' differs from the rule addressed ('${id}')`,
        },
      ]);
    }
    const lists = await this.#d.repo.watchlists(this.#d.db.forAuthority(authority), authority);
    const compiled = compileRule(r.condition, { watchlistNames: new Set(lists.map((l) => l.name)) });
    if (!compiled.ok) {
      throw conditionError(compiled.errors);
    }
    if (
      r.validFrom !== undefined &&
      r.validUntil !== undefined &&
      Date.parse(r.validUntil) <= Date.parse(r.validFrom)
    ) {
      throw new VigilError('VIGIL_RULE_INVALID', 'the rule is invalid', [
        { code: 'VIGIL_SCHEMA_VALUE', path: '$.validUntil', message: 'validUntil must be after validFrom' },
      ]);
    }
    return toRiskRule(r, authority);
  }

  /** Refuses a change by hand to a rule another feature keeps. */
  #requireOwn(id: string, options: RuleWriteOptions): void {
    const keeper = options.managed === true ? undefined : this.#d.managedBy?.(id);
    if (keeper !== undefined) {
      throw new VigilError(
        'VIGIL_RULE_MANAGED',
        `rule '${id}' is ${keeper}: your authority cannot change it`,
      );
    }
  }

  async create(actor: Actor, body: unknown, options: RuleWriteOptions = {}): Promise<StoredRule> {
    requirePermission(actor, 'rule.write');
    const rule = await this.#validate(actor.authority, body);
    this.#requireOwn(rule.id, options);
    const now = this.#d.clock.now();
    const saved = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.lockRule(tx, actor.authority, rule.id);
      if ((await this.#d.repo.currentRules(tx, actor.authority, rule.id)).length > 0) {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `rule '${rule.id}' exists; PUT /v1/rules/${rule.id} makes a new version`,
        );
      }
      const v1 = { ...rule, version: 1 };
      await this.#d.repo.insertRule(tx, actor.authority, v1, actor.subject, now);
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: `${actor.role}:${actor.subject}`,
        action: 'rule.created',
        subject: `rule:${rule.id}`,
        at: now,
        details: {
          version: 1,
          status: rule.status,
          condition: rule.condition,
          weight: rule.weight,
          recommendedAction: rule.recommendedAction,
        },
      });
      return { ...v1, createdBy: actor.subject, createdAt: now.toISOString() };
    });
    this.#d.ruleSets.invalidate(actor.authority);
    return saved;
  }

  /** Activates, retires or drafts a rule: a new version that differs from the current only in status. */
  async setStatus(
    actor: Actor,
    id: string,
    status: RuleStatus,
    options: RuleWriteOptions = {},
  ): Promise<StoredRule> {
    requirePermission(actor, 'rule.write');
    this.#requireOwn(id, options);
    const { rule } = await this.get(actor, id);
    const { version: _v, createdBy: _by, createdAt: _at, ...current } = rule;
    return this.update(
      actor,
      id,
      {
        ...current,
        scope: {
          ...(current.scope.offices !== undefined ? { offices: current.scope.offices } : {}),
          ...(current.scope.modes !== undefined ? { modes: current.scope.modes } : {}),
        },
        status,
      },
      options,
    );
  }

  /** A change is a new version; older assessments keep naming the version they used. */
  async update(actor: Actor, id: string, body: unknown, options: RuleWriteOptions = {}): Promise<StoredRule> {
    requirePermission(actor, 'rule.write');
    this.#requireOwn(id, options);
    const rule = await this.#validate(actor.authority, body, id);
    const now = this.#d.clock.now();
    const saved = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.lockRule(tx, actor.authority, id);
      const [current] = await this.#d.repo.currentRules(tx, actor.authority, id);
      if (current === undefined) {
        throw new VigilError('VIGIL_RULE_NOT_FOUND', `no rule '${id}'`);
      }
      // An edit that does not name a status keeps the current one: changing a weight must not
      // switch an active rule off (the contract's default, draft, is for new rules only).
      const statusGiven = typeof body === 'object' && body !== null && 'status' in body;
      const next = {
        ...rule,
        status: statusGiven ? rule.status : current.status,
        version: current.version + 1,
      };
      await this.#d.repo.insertRule(tx, actor.authority, next, actor.subject, now);
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: `${actor.role}:${actor.subject}`,
        action: next.status === 'retired' ? 'rule.retired' : 'rule.changed',
        subject: `rule:${id}`,
        at: now,
        details: {
          version: next.version,
          previous: current.version,
          status: next.status,
          condition: rule.condition,
          weight: rule.weight,
          recommendedAction: rule.recommendedAction,
        },
      });
      return { ...next, createdBy: actor.subject, createdAt: now.toISOString() };
    });
    this.#d.ruleSets.invalidate(actor.authority);
    return saved;
  }

  /**
   * The latest version of every rule. A rule that live assessment skips because it no longer
   * compiles (a stored rule over a limit introduced later, a watchlist it names was removed) says
   * so in `notLive`, with the code and message its compilation gives: the analyst is told.
   */
  async list(actor: Actor, status?: string): Promise<(StoredRule & { notLive?: NotLive })[]> {
    requirePermission(actor, 'rule.read');
    const rules = await this.#d.repo.currentRules(this.#d.db.forAuthority(actor.authority), actor.authority);
    const listed = status === undefined ? rules : rules.filter((r) => r.status === status);
    const live = await this.#d.ruleSets.get(actor.authority);
    if (live.brokenRules.length === 0) {
      return listed;
    }
    const broken = new Set(live.brokenRules);
    const names = new Set(live.watchlists.names());
    return listed.map((r) => {
      if (!broken.has(r.id)) {
        return r;
      }
      const compiled = compileRule(r.condition, { watchlistNames: names });
      const e = compiled.ok ? undefined : conditionError(compiled.errors, `version ${r.version}`);
      return {
        ...r,
        notLive: {
          code: e?.code ?? 'VIGIL_RULE_INVALID',
          message: `skipped by live assessment: ${e?.message ?? 'it does not compile with the other rules'}`,
        },
      };
    });
  }

  async get(actor: Actor, id: string, version?: number): Promise<{ rule: StoredRule; versions: number[] }> {
    requirePermission(actor, 'rule.read');
    const versions = await this.#d.repo.ruleVersions(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      id,
    );
    const rule =
      version === undefined ? versions[versions.length - 1] : versions.find((v) => v.version === version);
    if (rule === undefined) {
      throw new VigilError(
        'VIGIL_RULE_NOT_FOUND',
        version === undefined ? `no rule '${id}'` : `rule '${id}' has no version ${version}`,
      );
    }
    return { rule, versions: versions.map((v) => v.version) };
  }

  /** Evaluates a rule (saved or proposed) on one filing body; nothing is stored. */
  async test(
    actor: Actor,
    input: { rule: unknown; filing: Filing; consignment?: number | undefined },
  ): Promise<{ hit: boolean; hits: RuleHit[]; errors: unknown[] }> {
    requirePermission(actor, 'rule.read');
    const rule = {
      ...(await this.#validate(actor.authority, input.rule)),
      version: 0,
      status: 'active' as const,
    };
    const ctx = await this.#d.ruleSets.get(actor.authority);
    const set = compileRuleSet([rule], { watchlistNames: new Set(ctx.watchlists.names()) });
    if (!set.ok) {
      throw conditionError(set.errors[0]?.errors ?? []);
    }
    const seq = input.consignment ?? 0;
    if (seq < 0 || seq >= input.filing.consignments.length) {
      throw new VigilError('VIGIL_BAD_REQUEST', `the filing has no consignment ${seq}`);
    }
    const ops = await operatorsOf(
      this.#d.operators,
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      [input.filing],
    );
    const a = assess(
      {
        filing: input.filing,
        consignmentIndex: seq,
        at: this.#d.clock.now().toISOString(),
        authority: actor.authority,
        profiles: profileLookup(ops),
        nomenclature: this.#d.nomenclature?.(),
      },
      set.value,
      ctx.watchlists,
    );
    return { hit: a.hits.length > 0, hits: [...a.hits], errors: [...a.errors] };
  }

  /**
   * Type-checks a condition as saving the rule would (against the rule environment and the
   * authority's watchlists), for an editor checking as the analyst types: the problems are the
   * answer, not an error. Nothing is stored.
   */
  async check(actor: Actor, condition: string): Promise<RuleCheck> {
    requirePermission(actor, 'rule.read');
    const ctx = await this.#d.ruleSets.get(actor.authority);
    const compiled = compileRule(condition, { watchlistNames: new Set(ctx.watchlists.names()) });
    if (compiled.ok) {
      return { ok: true, errors: [] };
    }
    return {
      ok: false,
      errors: compiled.errors.map((e) => ({
        code: e.code,
        message: e.message,
        line: e.position.line,
        column: e.position.column,
        offset: e.position.offset,
      })),
    };
  }

  /**
   * What a condition can name: the variables, fields, functions and macros of the rule environment
   * (one source of truth: the environment rules are checked against), the country groups, and the
   * authority's watchlists.
   */
  async environment(actor: Actor): Promise<RuleEnvironmentDescription & { watchlists: string[] }> {
    requirePermission(actor, 'rule.read');
    const ctx = await this.#d.ruleSets.get(actor.authority);
    return { ...describeRuleEnvironment(), watchlists: [...ctx.watchlists.names()].sort() };
  }

  /** The comments on a rule, oldest first. */
  async comments(actor: Actor, id: string): Promise<RuleComment[]> {
    requirePermission(actor, 'rule.read');
    const db = this.#d.db.forAuthority(actor.authority);
    if ((await this.#d.repo.currentRules(db, actor.authority, id)).length === 0) {
      throw new VigilError('VIGIL_RULE_NOT_FOUND', `no rule '${id}'`);
    }
    return this.#d.repo.comments(db, actor.authority, id);
  }

  /**
   * Adds a comment on the rule's latest version. Audited, with a digest of the text: the comment
   * is never changed or deleted, and the auditor can check that it was not.
   */
  async addComment(actor: Actor, id: string, body: unknown): Promise<RuleComment> {
    requirePermission(actor, 'rule.comment');
    const parsed = ruleCommentInputSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      throw new VigilError(
        'VIGIL_BAD_REQUEST',
        'the comment is invalid',
        fromZodIssues(parsed.error.issues, 'the comment'),
      );
    }
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const [current] = await this.#d.repo.currentRules(tx, actor.authority, id);
      if (current === undefined) {
        throw new VigilError('VIGIL_RULE_NOT_FOUND', `no rule '${id}'`);
      }
      const comment: RuleComment = {
        id: `rc_${randomUUID()}`,
        rule: id,
        version: current.version,
        text: parsed.data.text,
        author: `${actor.role}:${actor.subject}`,
        createdAt: now.toISOString(),
      };
      await this.#d.repo.insertComment(tx, actor.authority, comment);
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: comment.author,
        action: 'rule.commented',
        subject: `rule:${id}`,
        at: now,
        details: {
          comment: comment.id,
          version: comment.version,
          sha256: sha256(comment.text),
        },
      });
      return comment;
    });
  }

  /** How the rule would have done on filings lodged in [from, to). */
  async backtest(
    actor: Actor,
    id: string,
    input: { from: Date; to: Date; version?: number | undefined },
  ): Promise<BacktestResult> {
    requirePermission(actor, 'rule.read');
    this.#checkBacktestWindow(input);
    const { rule } = await this.get(actor, id, input.version);
    return this.#backtestRule(actor, rule, input);
  }

  /**
   * How a rule not yet saved would have done on filings lodged in [from, to): validated like a new
   * rule, stored nowhere (a RIF's adoption preview). Its result names version 0.
   */
  async backtestProposal(
    actor: Actor,
    body: unknown,
    input: { from: Date; to: Date },
  ): Promise<BacktestResult> {
    requirePermission(actor, 'rule.read');
    this.#checkBacktestWindow(input);
    const rule = await this.#validate(actor.authority, body);
    return this.#backtestRule(actor, { ...rule, version: 0 }, input);
  }

  #checkBacktestWindow(input: { from: Date; to: Date }): void {
    const limits = this.#d.backtestLimits ?? DEFAULT_BACKTEST_LIMITS;
    const days = (input.to.getTime() - input.from.getTime()) / 86_400_000;
    if (days > limits.maxDays) {
      throw new VigilError(
        'VIGIL_BACKTEST_TOO_LONG',
        `the window has ${Math.ceil(days)} days, at most ${limits.maxDays}: backtest a shorter period, or several`,
      );
    }
  }

  async #backtestRule(
    actor: Actor,
    rule: RiskRule,
    input: { from: Date; to: Date },
  ): Promise<BacktestResult> {
    const limits = this.#d.backtestLimits ?? DEFAULT_BACKTEST_LIMITS;
    const id = rule.id;
    const ctx = await this.#d.ruleSets.get(actor.authority);
    // Judged as if active over the whole period, whatever its status and validity window.
    const asLive = { ...rule, status: 'active' as const, validFrom: undefined, validUntil: undefined };
    const set = compileRuleSet([asLive], { watchlistNames: new Set(ctx.watchlists.names()) });
    if (!set.ok) {
      // A version saved before a limit existed (or naming a deleted watchlist) is refused, never run.
      throw conditionError(set.errors[0]?.errors ?? [], `rule '${id}' version ${rule.version}`);
    }
    const started = Date.now();
    let sliceStart = started;
    const outcomes = await this.#d.controlOutcomes(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      input.from,
      input.to,
    );
    let assessed = 0;
    let hit = 0;
    let controlled = 0;
    let irregular = 0;
    let added = 0;
    let evaluationErrors = 0;
    let firstEvaluationError: string | null = null;
    const daily = new Map(
      daysOf(input.from, input.to).map((day) => [day, { day, assessed: 0, hits: 0, addedControlLoad: 0 }]),
    );
    let after: { lodgedAt: Date; mrn: string } | undefined;
    for (;;) {
      const page = await this.#d.filings.list(this.#d.db.forAuthority(actor.authority), {
        authority: actor.authority,
        from: input.from,
        to: input.to,
        after,
        limit: 500,
      });
      const live = page.filter((row) => row.status !== 'invalidated');
      const nomenclature = this.#d.nomenclature?.();
      const profiles = profileLookup(
        await operatorsOf(
          this.#d.operators,
          this.#d.db.forAuthority(actor.authority),
          actor.authority,
          live.map((row) => row.body as Filing),
        ),
      );
      for (const row of live) {
        const filing = row.body as Filing;
        const at = new Date(row.lodged_at).toISOString();
        const day = daily.get(at.slice(0, 10));
        for (let seq = 0; seq < filing.consignments.length; seq++) {
          // Stop a backtest that runs too long, and give the event loop back every few milliseconds.
          const t = Date.now();
          if (t - started > limits.maxMs) {
            throw new VigilError(
              'VIGIL_BACKTEST_TOO_LONG',
              `the backtest was stopped after ${Math.round(limits.maxMs / 1000)} s with ${assessed} consignments assessed: backtest a shorter period`,
            );
          }
          if (t - sliceStart >= BACKTEST_SLICE_MS) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            sliceStart = Date.now();
          }
          assessed++;
          if (day !== undefined) {
            day.assessed++;
          }
          const a = assess(
            { filing, consignmentIndex: seq, at, authority: actor.authority, profiles, nomenclature },
            set.value,
            ctx.watchlists,
          );
          if (a.errors.length > 0) {
            evaluationErrors++;
            firstEvaluationError ??= `${row.mrn}/${seq}: ${a.errors[0]!.message}`;
          }
          if (a.hits.length === 0) {
            continue;
          }
          hit++;
          const o = outcomes.get(`${row.mrn}/${seq}`);
          const adds = o === undefined || !o.controlled;
          if (adds) {
            added++;
          }
          if (day !== undefined) {
            day.hits++;
            day.addedControlLoad += adds ? 1 : 0;
          }
          if (o?.result !== undefined) {
            controlled++;
            if (o.result !== 'no-irregularity') {
              irregular++;
            }
          }
        }
      }
      if (page.length < 500) {
        break;
      }
      const last = page[page.length - 1]!;
      after = { lodgedAt: new Date(last.lodged_at), mrn: last.mrn };
    }
    return {
      rule: { id: rule.id, version: rule.version },
      period: { from: input.from.toISOString(), to: input.to.toISOString() },
      consignmentsAssessed: assessed,
      consignmentsHit: hit,
      hitRate: assessed > 0 ? hit / assessed : 0,
      controlled,
      irregular,
      irregularShare: controlled > 0 ? irregular / controlled : null,
      addedControlLoad: added,
      addedControlLoadShare: assessed > 0 ? added / assessed : 0,
      evaluationErrors,
      firstEvaluationError,
      daily: [...daily.values()],
    };
  }

  // ---- watchlists ----------------------------------------------------------------------------

  async createWatchlist(actor: Actor, body: unknown): Promise<{ name: string; size: number }> {
    requirePermission(actor, 'rule.write');
    const parsed = watchlistInputSchema.safeParse(body, { reportInput: true });
    if (!parsed.success) {
      throw new VigilError(
        'VIGIL_WATCHLIST_INVALID',
        'the watchlist is invalid',
        fromZodIssues(parsed.error.issues, 'the watchlist'),
      );
    }
    const w = parsed.data;
    const entities = settled(
      w.entries.map((e) =>
        entityOf(e.source !== undefined ? e : { ...e, source: `entered by ${actor.role}:${actor.subject}` }),
      ),
      (i) => `$.entries[${i}]`,
      'the watchlist is invalid',
    );
    const now = this.#d.clock.now();
    await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.lockWatchlist(tx, actor.authority, w.name);
      await this.#d.repo.stampWriter(tx, `${actor.role}:${actor.subject}`, now);
      await this.#d.repo.upsertWatchlist(tx, actor.authority, w, now);
      const replaced = await this.#d.repo.replaceEntries(tx, actor.authority, w.name, entities, now);
      // Setting a whole list can empty a sanctions list: audited in the same transaction.
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: `${actor.role}:${actor.subject}`,
        action: 'watchlist.replaced',
        subject: `watchlist:${w.name}`,
        at: now,
        details: {
          via: 'definition',
          listSubject: w.subject,
          threshold: w.threshold ?? null,
          previousEntries: replaced.removed,
          entries: replaced.stored,
        },
      });
      await this.#d.onWatchlistChanged?.(
        tx,
        actor.authority,
        { name: w.name, subject: w.subject },
        `${actor.role}:${actor.subject}`,
      );
    });
    this.#d.ruleSets.invalidate(actor.authority);
    return { name: w.name, size: entities.length };
  }

  /**
   * Bulk upload of entities in one of the list formats (LIST_FORMATS), read as the body arrives;
   * `replace` swaps the whole list. Every problem of the upload is reported at once with its place,
   * and nothing is stored unless the whole upload can be.
   */
  async uploadEntries(
    actor: Actor,
    name: string,
    body: AsyncIterable<Uint8Array | string>,
    options: {
      readonly format?: ListFormat | undefined;
      readonly contentType: string;
      readonly replace: boolean;
      readonly maxBytes: number;
    },
  ): Promise<{ name: string; format: ListFormat; received: number }> {
    requirePermission(actor, 'rule.write');
    const list = await this.#listOf(actor, name);
    const xml = /\bxml\b/i.test(options.contentType);
    const named = (format: ListFormat | undefined) =>
      format !== undefined && PUBLIC_LIST_FORMATS.has(format)
        ? `the ${format} format`
        : 'an XML list (the UN, EU and OFAC lists)';
    if (
      list.subject !== 'operator-name' &&
      ((options.format !== undefined && PUBLIC_LIST_FORMATS.has(options.format)) ||
        (options.format === undefined && xml))
    ) {
      throw notForSubject(named(options.format), list.subject);
    }
    const { format, reader } = await readList(body, {
      format: options.format,
      contentType: options.contentType,
      maxBytes: options.maxBytes,
    });
    if (list.subject !== 'operator-name' && PUBLIC_LIST_FORMATS.has(format)) {
      throw notForSubject(named(format), list.subject);
    }
    if (reader.errors.length > 0) {
      throw new VigilError(
        'VIGIL_WATCHLIST_INVALID',
        `${reader.truncated ? `more than ${reader.errors.length}` : reader.errors.length} problem(s) in the upload${reader.truncated ? ' (reading stopped there)' : ''}; nothing was stored`,
        reader.errors,
      );
    }
    // An entry without a source is the uploader's.
    const entities = settled(
      reader.entities.map((e) =>
        e.source !== undefined ? e : { ...e, source: `upload by ${actor.role}:${actor.subject}` },
      ),
      (i) => reader.places[i]!,
      'the upload has entities with the same id; nothing was stored',
    );
    const now = this.#d.clock.now();
    await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.lockWatchlist(tx, actor.authority, name);
      await this.#d.repo.stampWriter(tx, `${actor.role}:${actor.subject}`, now);
      if (options.replace) {
        const replaced = await this.#d.repo.replaceEntries(tx, actor.authority, name, entities, now);
        await this.#d.audit?.append(tx, {
          authority: actor.authority,
          actor: `${actor.role}:${actor.subject}`,
          action: 'watchlist.replaced',
          subject: `watchlist:${name}`,
          at: now,
          details: { via: `upload-${format}`, previousEntries: replaced.removed, entries: replaced.stored },
        });
      } else {
        await this.#d.repo.addEntries(tx, actor.authority, name, entities, now);
      }
      await this.#changed(tx, actor, list, now);
    });
    this.#d.ruleSets.invalidate(actor.authority);
    return { name, format, received: entities.length };
  }

  /**
   * A page of a list's entities (expired ones too) by value, with their source and dates; or, with
   * `q`, the entities a name screened against the list matches (expired ones do not match), each
   * with the explanation of its match: which of its names matched, the score, and word by word how.
   */
  async listEntries(
    actor: Actor,
    name: string,
    page: {
      readonly next?: string | undefined;
      readonly limit: number;
      readonly q?: string | undefined;
      readonly threshold?: number | undefined;
    },
  ): Promise<{ items: (WatchlistEntityRecord & { match?: MatchExplanation })[]; next: string | null }> {
    requirePermission(actor, 'rule.read');
    const db = this.#d.db.forAuthority(actor.authority);
    await this.#listOf(actor, name);
    if (page.q !== undefined) {
      const list = (await this.#d.ruleSets.get(actor.authority)).watchlists.get(name);
      const best = list?.explain(page.q, page.threshold);
      if (list === undefined || best === undefined) {
        return { items: [], next: null };
      }
      // Every entity bearing the name that matched: a list may hold one name for several entities.
      const bearers = [best.entity.id, ...namesakes(list, best.name).filter((id) => id !== best.entity.id)];
      const wanted = bearers.slice(0, page.limit);
      const records = new Map(
        (await this.#d.repo.entitiesById(db, actor.authority, name, wanted)).map((r) => [r.id, r]),
      );
      const items = wanted.flatMap((id) => {
        const r = records.get(id);
        if (r === undefined) {
          return [];
        }
        const entity = {
          id: r.id,
          name: r.value,
          ...(r.type !== null ? { type: r.type } : {}),
          ...(r.source !== null ? { source: r.source } : {}),
        };
        return [{ ...r, match: { ...best, entity } }];
      });
      return { items, next: null };
    }
    const rows = await this.#d.repo.entries(db, actor.authority, name, {
      after: page.next === undefined ? undefined : decodeCursor(page.next),
      limit: page.limit + 1,
    });
    const items = rows.slice(0, page.limit);
    const last = items[items.length - 1];
    return { items, next: rows.length > page.limit && last !== undefined ? encodeCursor(last) : null };
  }

  /** One entity of a list, expired or not. */
  async getEntity(actor: Actor, name: string, id: string): Promise<WatchlistEntityRecord> {
    requirePermission(actor, 'rule.read');
    await this.#listOf(actor, name);
    const [found] = await this.#d.repo.entitiesById(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      name,
      [id],
    );
    if (found === undefined) {
      throw entityNotFound(name, id);
    }
    return found;
  }

  /** Adds an entity with this id, or replaces the one the list has; it matches at once. */
  async putEntity(
    actor: Actor,
    name: string,
    id: string,
    body: unknown,
  ): Promise<{ entity: WatchlistEntityRecord; created: boolean }> {
    requirePermission(actor, 'rule.write');
    const list = await this.#listOf(actor, name);
    const parsed = entityInputSchema.safeParse(
      body !== null && typeof body === 'object' && !Array.isArray(body) ? { id, ...body } : body,
      { reportInput: true },
    );
    if (!parsed.success) {
      throw new VigilError(
        'VIGIL_WATCHLIST_INVALID',
        'the entity is invalid',
        fromZodIssues(parsed.error.issues, 'the entity'),
      );
    }
    const given = entityOf(parsed.data);
    const problems = checkEntity(given, '$');
    if (given.id !== id) {
      problems.push({
        code: 'VIGIL_SCHEMA_VALUE',
        path: '$.id',
        message: `id '${given.id ?? ''}' differs from the entity addressed ('${id}')`,
      });
    }
    if (problems.length > 0) {
      throw new VigilError('VIGIL_WATCHLIST_INVALID', 'the entity is invalid', problems);
    }
    const entity: StoredEntity = {
      ...given,
      id,
      source: given.source ?? `entered by ${actor.role}:${actor.subject}`,
    };
    const now = this.#d.clock.now();
    const stored = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.lockWatchlist(tx, actor.authority, name);
      await this.#d.repo.stampWriter(tx, `${actor.role}:${actor.subject}`, now);
      const { created } = await this.#d.repo.putEntity(tx, actor.authority, name, entity, now);
      if (!created) {
        // Replacing an entity can take a name off the list: audited as its deletion is.
        await this.#d.audit?.append(tx, {
          authority: actor.authority,
          actor: `${actor.role}:${actor.subject}`,
          action: 'watchlist.entry-changed',
          subject: `watchlist:${name}`,
          at: now,
          details: { id, change: 'replaced', valueSha256: sha256(entity.value) },
        });
      }
      await this.#changed(tx, actor, list, now);
      const [record] = await this.#d.repo.entitiesById(tx, actor.authority, name, [id]);
      return { entity: record!, created };
    });
    this.#d.ruleSets.invalidate(actor.authority);
    return stored;
  }

  /**
   * Every state an entity of a list had, oldest first, with who changed it and when: added, changed
   * (names, identifiers, note or source), expiry set or cleared, removed (also by a replacement of
   * the whole list or the retention purge). Kept after the entity is removed.
   */
  async entityHistory(
    actor: Actor,
    name: string,
    id: string,
  ): Promise<{ name: string; id: string; items: WatchlistEntityChange[] }> {
    requirePermission(actor, 'rule.read');
    await this.#listOf(actor, name);
    const items = await this.#d.repo.entityHistory(
      this.#d.db.forAuthority(actor.authority),
      actor.authority,
      name,
      id,
    );
    if (items.length === 0) {
      throw entityNotFound(name, id);
    }
    return { name, id, items };
  }

  /** Takes one entity off a list; it stops matching at once. */
  async deleteEntity(
    actor: Actor,
    name: string,
    id: string,
  ): Promise<{ name: string; deleted: string; value: string }> {
    requirePermission(actor, 'rule.write');
    const list = await this.#listOf(actor, name);
    const now = this.#d.clock.now();
    const gone = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.lockWatchlist(tx, actor.authority, name);
      await this.#d.repo.stampWriter(tx, `${actor.role}:${actor.subject}`, now);
      const removed = await this.#d.repo.deleteEntity(tx, actor.authority, name, id);
      if (removed !== undefined) {
        await this.#auditDeletion(tx, actor, name, [id], removed.value, now);
        await this.#changed(tx, actor, list, now);
      }
      return removed;
    });
    if (gone === undefined) {
      throw entityNotFound(name, id);
    }
    this.#d.ruleSets.invalidate(actor.authority);
    return { name, deleted: id, value: gone.value };
  }

  /** Takes every entity whose main value is `value` off a list; they stop matching at once. */
  async deleteEntry(
    actor: Actor,
    name: string,
    value: string,
  ): Promise<{ name: string; deleted: string; ids: string[] }> {
    requirePermission(actor, 'rule.write');
    const list = await this.#listOf(actor, name);
    const now = this.#d.clock.now();
    const ids = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.lockWatchlist(tx, actor.authority, name);
      await this.#d.repo.stampWriter(tx, `${actor.role}:${actor.subject}`, now);
      const removed = await this.#d.repo.deleteEntriesByValue(tx, actor.authority, name, value);
      if (removed.length > 0) {
        await this.#auditDeletion(tx, actor, name, removed, value, now);
        await this.#changed(tx, actor, list, now);
      }
      return removed;
    });
    if (ids.length === 0) {
      throw new VigilError('VIGIL_NOT_FOUND', `'${value}' is not on the watchlist '${name}'`);
    }
    this.#d.ruleSets.invalidate(actor.authority);
    return { name, deleted: value, ids };
  }

  /**
   * Sets when an entity stops matching (a date: the end of that day, UTC; or a date-time), or with
   * null clears it. An expiry in the past takes it off the matching at once; it stays listed.
   */
  async setExpiry(
    actor: Actor,
    name: string,
    id: string,
    expires: string | null,
  ): Promise<WatchlistEntityRecord> {
    requirePermission(actor, 'rule.write');
    const list = await this.#listOf(actor, name);
    const now = this.#d.clock.now();
    const at = expires === null ? null : periodEnd(expires);
    const updated = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.lockWatchlist(tx, actor.authority, name);
      await this.#d.repo.stampWriter(tx, `${actor.role}:${actor.subject}`, now);
      const r = await this.#d.repo.setExpiry(tx, actor.authority, name, id, at);
      if (r !== undefined) {
        await this.#d.audit?.append(tx, {
          authority: actor.authority,
          actor: `${actor.role}:${actor.subject}`,
          action: 'watchlist.entry-changed',
          subject: `watchlist:${name}`,
          at: now,
          details: {
            id,
            change: at === null ? 'expiry-cleared' : 'expiry-set',
            expiresAt: at?.toISOString() ?? null,
          },
        });
        await this.#changed(tx, actor, list, now);
      }
      return r;
    });
    if (updated === undefined) {
      throw entityNotFound(name, id);
    }
    this.#d.ruleSets.invalidate(actor.authority);
    return updated;
  }

  /** The list changed: its stamp moves on and the copy shared under the authority's policy follows. */
  async #changed(
    tx: Queryable,
    actor: Actor,
    list: { name: string; subject: string },
    now: Date,
  ): Promise<void> {
    await this.#d.repo.touchWatchlist(tx, actor.authority, list.name, now);
    await this.#d.onWatchlistChanged?.(tx, actor.authority, list, `${actor.role}:${actor.subject}`);
  }

  /**
   * Emptying a list one entity at a time is audited too; the value may name a person, so the
   * never-pruned log keeps its SHA-256 (an auditor can check a given name against it).
   */
  async #auditDeletion(
    tx: Queryable,
    actor: Actor,
    name: string,
    ids: readonly string[],
    value: string,
    now: Date,
  ): Promise<void> {
    await this.#d.audit?.append(tx, {
      authority: actor.authority,
      actor: `${actor.role}:${actor.subject}`,
      action: 'watchlist.entry-deleted',
      subject: `watchlist:${name}`,
      at: now,
      details: { ids: [...ids], valueSha256: sha256(value) },
    });
  }

  async #listOf(actor: Actor, name: string): Promise<{ name: string; subject: string }> {
    const lists = await this.#d.repo.watchlists(this.#d.db.forAuthority(actor.authority), actor.authority);
    const list = lists.find((l) => l.name === name);
    if (list === undefined) {
      throw new VigilError('VIGIL_WATCHLIST_NOT_FOUND', `no watchlist '${name}'`);
    }
    return list;
  }

  async watchlists(actor: Actor): Promise<unknown[]> {
    requirePermission(actor, 'rule.read');
    return this.#d.repo.watchlists(this.#d.db.forAuthority(actor.authority), actor.authority);
  }

  /**
   * A value checked against a list, for analysts: whether it is listed (at the list's threshold), its
   * best score, and when listed the match explained (the entity, the name of it that matched, the
   * score and, word by word, how).
   */
  async matchWatchlist(
    actor: Actor,
    name: string,
    value: string,
  ): Promise<{ listed: boolean; score: number; match: MatchExplanation | null }> {
    requirePermission(actor, 'rule.read');
    const ctx = await this.#d.ruleSets.get(actor.authority);
    const list = ctx.watchlists.get(name);
    if (list === undefined) {
      throw new VigilError('VIGIL_WATCHLIST_NOT_FOUND', `no watchlist '${name}'`);
    }
    const match = list.explain(value) ?? null;
    return { listed: match !== null, score: list.score(value), match };
  }
}

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

function entityNotFound(name: string, id: string): VigilError {
  return new VigilError('VIGIL_WATCHLIST_ENTITY_NOT_FOUND', `the watchlist '${name}' has no entity '${id}'`);
}

function notForSubject(format: string, subject: string): VigilError {
  return new VigilError('VIGIL_WATCHLIST_INVALID', `${format} holds named parties; nothing was stored`, [
    {
      code: 'VIGIL_WATCHLIST_FORMAT',
      path: '$',
      message: `load it into a list of subject operator-name: this list's subject is ${subject}`,
    },
  ]);
}

/** Entities with their ids settled, or VIGIL_WATCHLIST_INVALID naming each repeated id's place. */
function settled(
  entities: readonly ListEntity[],
  placeOf: (index: number) => string,
  detail: string,
): StoredEntity[] {
  const problems = entities.flatMap((e, i) => checkEntity(e, placeOf(i)));
  if (problems.length > 0) {
    throw new VigilError('VIGIL_WATCHLIST_INVALID', detail, problems);
  }
  const r = settleIds(entities, placeOf);
  if (!r.ok) {
    throw new VigilError('VIGIL_WATCHLIST_INVALID', detail, r.errors);
  }
  return r.value;
}

/** The ids of the entities of `list` bearing `name` (main name or alias), in load order. */
const bearersByList = new WeakMap<Watchlist, Map<string, string[]>>();
function namesakes(list: Watchlist, name: string): string[] {
  const key = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();
  let byName = bearersByList.get(list);
  if (byName === undefined) {
    byName = new Map();
    list.entities().forEach((e, i) => {
      for (const n of new Set([e.value, ...(e.aliases ?? [])].map(key))) {
        let ids = byName!.get(n);
        if (ids === undefined) {
          ids = [];
          byName!.set(n, ids);
        }
        ids.push(list.entityId(i));
      }
    });
    bearersByList.set(list, byName);
  }
  return byName.get(key(name)) ?? [];
}

/** A page cursor: the last entity's value and id, opaque to the caller. */
function encodeCursor(last: { value: string; id: string }): string {
  return `c1.${Buffer.from(JSON.stringify([last.value, last.id]), 'utf8').toString('base64url')}`;
}

/** The cursor `encodeCursor` made, or (the cursors given before entities had ids) a bare value. */
function decodeCursor(next: string): EntryCursor {
  if (next.startsWith('c1.')) {
    try {
      const v = JSON.parse(Buffer.from(next.slice(3), 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') {
        return { value: v[0], id: v[1] };
      }
    } catch {
      // Not one of ours: read as a value.
    }
  }
  return { value: next };
}

export { WatchlistRegistry };
