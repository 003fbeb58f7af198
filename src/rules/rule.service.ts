/**
 * Analysts' rules and watchlists: saving a rule type-checks its CEL condition against the rule
 * environment and the authority's watchlists (an error names its position), every change is a new
 * version, and a rule can be tested on a filing or backtested on stored history before it goes live.
 */
import { createHash } from 'node:crypto';
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
  Watchlist,
  WatchlistRegistry,
  assess,
  compileRule,
  compileRuleSet,
  parseWatchlistCsv,
  parseWatchlistNdjson,
} from '../risk/index.ts';
import type { GoodsNomenclature, RiskRule, RuleCompileError, RuleHit, RuleStatus } from '../risk/index.ts';
import { TRANSPORT_MODES, instantSchema } from '../domain/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { AuditEvent } from '../audit/index.ts';
import { fromZodIssues } from '../errors/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { RuleRepository, StoredRule } from './rule.repository.ts';
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
  entries: z
    .array(
      z.strictObject({
        value: z.string().trim().min(1).max(500),
        note: z.string().max(500).optional(),
        source: z.string().trim().min(1).max(200).optional(),
        expires: instantSchema.optional(),
      }),
    )
    .max(200_000)
    .default([]),
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

  async create(actor: Actor, body: unknown): Promise<StoredRule> {
    requirePermission(actor, 'rule.write');
    const rule = await this.#validate(actor.authority, body);
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
  async setStatus(actor: Actor, id: string, status: RuleStatus): Promise<StoredRule> {
    requirePermission(actor, 'rule.write');
    const { rule } = await this.get(actor, id);
    const { version: _v, createdBy: _by, createdAt: _at, ...current } = rule;
    return this.update(actor, id, {
      ...current,
      scope: {
        ...(current.scope.offices !== undefined ? { offices: current.scope.offices } : {}),
        ...(current.scope.modes !== undefined ? { modes: current.scope.modes } : {}),
      },
      status,
    });
  }

  /** A change is a new version; older assessments keep naming the version they used. */
  async update(actor: Actor, id: string, body: unknown): Promise<StoredRule> {
    requirePermission(actor, 'rule.write');
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

  /** How the rule would have done on filings lodged in [from, to). */
  async backtest(
    actor: Actor,
    id: string,
    input: { from: Date; to: Date; version?: number | undefined },
  ): Promise<BacktestResult> {
    requirePermission(actor, 'rule.read');
    const limits = this.#d.backtestLimits ?? DEFAULT_BACKTEST_LIMITS;
    const days = (input.to.getTime() - input.from.getTime()) / 86_400_000;
    if (days > limits.maxDays) {
      throw new VigilError(
        'VIGIL_BACKTEST_TOO_LONG',
        `the window has ${Math.ceil(days)} days, at most ${limits.maxDays}: backtest a shorter period, or several`,
      );
    }
    const { rule } = await this.get(actor, id, input.version);
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
          if (o === undefined || !o.controlled) {
            added++;
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
    const now = this.#d.clock.now();
    await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.upsertWatchlist(tx, actor.authority, w, now);
      const replaced = await this.#d.repo.replaceEntries(
        tx,
        actor.authority,
        w.name,
        w.entries.map((e) =>
          e.source !== undefined ? e : { ...e, source: `entered by ${actor.role}:${actor.subject}` },
        ),
        now,
      );
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
    return {
      name: w.name,
      size: new Watchlist({ name: w.name, subject: w.subject, entries: w.entries }).size,
    };
  }

  /** Bulk upload of entries as CSV or NDJSON text; `replace` swaps the whole list. */
  async uploadEntries(
    actor: Actor,
    name: string,
    text: string,
    format: 'csv' | 'ndjson',
    replace: boolean,
  ): Promise<{ name: string; received: number }> {
    requirePermission(actor, 'rule.write');
    const lists = await this.#d.repo.watchlists(this.#d.db.forAuthority(actor.authority), actor.authority);
    const list = lists.find((l) => l.name === name);
    if (list === undefined) {
      throw new VigilError('VIGIL_WATCHLIST_NOT_FOUND', `no watchlist '${name}'`);
    }
    const parsed = format === 'csv' ? parseWatchlistCsv(text) : parseWatchlistNdjson(text);
    if (!parsed.ok) {
      throw new VigilError(
        'VIGIL_WATCHLIST_INVALID',
        `${parsed.errors.length} line(s) of the upload cannot be read; nothing was stored`,
        parsed.errors.slice(0, 100).map((e) => ({
          code: 'VIGIL_WATCHLIST_PARSE' as const,
          path: `line ${e.line}`,
          message: e.message,
        })),
      );
    }
    const now = this.#d.clock.now();
    // An entry without a source is the uploader's.
    const entries = parsed.value.map((e) =>
      e.source !== undefined ? e : { ...e, source: `upload by ${actor.role}:${actor.subject}` },
    );
    await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      if (replace) {
        const replaced = await this.#d.repo.replaceEntries(tx, actor.authority, name, entries, now);
        await this.#d.audit?.append(tx, {
          authority: actor.authority,
          actor: `${actor.role}:${actor.subject}`,
          action: 'watchlist.replaced',
          subject: `watchlist:${name}`,
          at: now,
          details: { via: `upload-${format}`, previousEntries: replaced.removed, entries: replaced.stored },
        });
      } else {
        await this.#d.repo.addEntries(tx, actor.authority, name, entries, now);
      }
      await this.#d.repo.touchWatchlist(tx, actor.authority, name, now);
      await this.#d.onWatchlistChanged?.(
        tx,
        actor.authority,
        { name, subject: list.subject },
        `${actor.role}:${actor.subject}`,
      );
    });
    this.#d.ruleSets.invalidate(actor.authority);
    return { name, received: parsed.value.length };
  }

  /** A page of a list's entries (expired ones too), with their source and dates. */
  async listEntries(
    actor: Actor,
    name: string,
    page: { readonly next?: string | undefined; readonly limit: number },
  ): Promise<{ items: Awaited<ReturnType<RuleRepository['entries']>>; next: string | null }> {
    requirePermission(actor, 'rule.read');
    const db = this.#d.db.forAuthority(actor.authority);
    await this.#listOf(actor, name);
    const rows = await this.#d.repo.entries(db, actor.authority, name, {
      after: page.next,
      limit: page.limit + 1,
    });
    const items = rows.slice(0, page.limit);
    return { items, next: rows.length > page.limit ? items[items.length - 1]!.value : null };
  }

  /** Takes one value off a list; it stops matching at once. */
  async deleteEntry(actor: Actor, name: string, value: string): Promise<{ name: string; deleted: string }> {
    requirePermission(actor, 'rule.write');
    const list = await this.#listOf(actor, name);
    const now = this.#d.clock.now();
    const deleted = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const gone = await this.#d.repo.deleteEntry(tx, actor.authority, name, value);
      if (gone) {
        await this.#d.repo.touchWatchlist(tx, actor.authority, name, now);
        // Emptying a list one entry at a time is audited too; the value may name a person, so the
        // never-pruned log keeps its SHA-256 (an auditor can check a given name against it).
        await this.#d.audit?.append(tx, {
          authority: actor.authority,
          actor: `${actor.role}:${actor.subject}`,
          action: 'watchlist.entry-deleted',
          subject: `watchlist:${name}`,
          at: now,
          details: { valueSha256: createHash('sha256').update(value, 'utf8').digest('hex') },
        });
        await this.#d.onWatchlistChanged?.(
          tx,
          actor.authority,
          { name, subject: list.subject },
          `${actor.role}:${actor.subject}`,
        );
      }
      return gone;
    });
    if (!deleted) {
      throw new VigilError('VIGIL_NOT_FOUND', `'${value}' is not on the watchlist '${name}'`);
    }
    this.#d.ruleSets.invalidate(actor.authority);
    return { name, deleted: value };
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

  /** Lookup of a value against a list, with the score: for analysts checking a name. */
  async matchWatchlist(
    actor: Actor,
    name: string,
    value: string,
  ): Promise<{ listed: boolean; score: number }> {
    requirePermission(actor, 'rule.read');
    const ctx = await this.#d.ruleSets.get(actor.authority);
    const list = ctx.watchlists.get(name);
    if (list === undefined) {
      throw new VigilError('VIGIL_WATCHLIST_NOT_FOUND', `no watchlist '${name}'`);
    }
    return { listed: list.has(value), score: list.score(value) };
  }
}

export { WatchlistRegistry };
