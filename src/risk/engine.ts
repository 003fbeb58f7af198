/**
 * The rule engine: a set of rules compiled once (`compileRuleSet`), then `assess` per consignment
 * builds the activation once, asks the rule index for candidate rules, keeps those in force (status,
 * authority, validity, scope) and evaluates them, returning every hit with rule id and version, risk
 * area, weight, reason and the values that triggered it. No I/O, no clock, no randomness: the same
 * filing, instant, profiles, watchlists and rule versions always give the same hits in the same order.
 */
import type { TransportMode } from '../domain/filing.ts';
import { buildActivation, type ActivationInput, type RuleActivation } from './activation.ts';
import { CelRuntimeError, createFrame, type SignatureTable, type TriggerValue } from './cel-compiler.ts';
import type { RecommendedAction, RiskArea, RiskRule, RuleSeverity, RuleStatus } from './rule.ts';
import type { Discriminator } from './rule-analysis.ts';
import {
  compileRule,
  type CompiledCondition,
  type CompileRuleOptions,
  type Result,
  type RuleCompileError,
} from './rule-compiler.ts';
import { createRuleRuntime, type RuleRuntime } from './rule-environment.ts';
import { RuleIndex } from './rule-index.ts';
import type { WatchlistRegistry } from './watchlist.ts';

export interface CompiledRule {
  readonly rule: RiskRule;
  readonly condition: CompiledCondition;
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

/** Rules compiled and indexed once; immutable, shareable between assessments and workers' threads of work. */
export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  readonly index: RuleIndex;
}

export interface RuleSetError {
  readonly ruleId: string;
  readonly version: number;
  readonly errors: readonly RuleCompileError[];
}

export interface AssessmentInput extends ActivationInput {
  readonly authority: string;
  /** Statuses to evaluate; default `['active']` (add `'draft'` to test or backtest a draft). */
  readonly statuses?: readonly RuleStatus[] | undefined;
}

export interface RuleHit {
  readonly ruleId: string;
  readonly version: number;
  readonly title: string;
  readonly riskArea: RiskArea;
  readonly weight: number;
  readonly severity: RuleSeverity;
  readonly recommendedAction: RecommendedAction;
  readonly reason: string;
  /** What made the rule hit, e.g. `{ label: 'valuePerKg', value: 3.2 }`. */
  readonly triggers: readonly TriggerValue[];
}

/** A rule whose condition had no value (CEL error) for this consignment: no hit, but worth a look. */
export interface RuleEvaluationError {
  readonly ruleId: string;
  readonly version: number;
  readonly message: string;
}

export interface Assessment {
  /** In rule order (id, then version). */
  readonly hits: readonly RuleHit[];
  readonly errors: readonly RuleEvaluationError[];
  /** How many rules were evaluated (after the index and scope): for statistics and the bench. */
  readonly rulesEvaluated: number;
}

function scopeDiscriminators(rule: RiskRule): Discriminator[] {
  const out: Discriminator[] = [];
  if (rule.scope.modes !== undefined && rule.scope.modes.length > 0) {
    out.push([{ path: 'transport.mode', kind: 'eq', values: rule.scope.modes }]);
  }
  if (rule.scope.offices !== undefined && rule.scope.offices.length > 0) {
    out.push([{ path: 'filing.officeOfFirstEntry', kind: 'eq', values: rule.scope.offices }]);
  }
  return out;
}

function compareRules(a: RiskRule, b: RiskRule): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : a.version - b.version;
}

export interface RuleSetOptions {
  readonly watchlistNames?: ReadonlySet<string> | undefined;
  /** Build the index (default) or evaluate every rule: for tests that compare the two. */
  readonly indexed?: boolean | undefined;
}

/** Compiles and indexes rules; reports every rule that does not compile, with its errors. */
export function compileRuleSet(
  rules: readonly RiskRule[],
  options: RuleSetOptions = {},
): Result<RuleSet, RuleSetError> {
  const sorted = [...rules].sort(compareRules);
  // Memo slots of watchlist lookups, shared by this set's rules and freed with it.
  const signatures: SignatureTable = new Map();
  const compiled: CompiledRule[] = [];
  const errors: RuleSetError[] = [];
  for (const rule of sorted) {
    const opts: CompileRuleOptions = {
      watchlistNames: options.watchlistNames,
      scopeDiscriminators: scopeDiscriminators(rule),
      signatures,
    };
    const r = compileRule(rule.condition, opts);
    if (!r.ok) {
      errors.push({ ruleId: rule.id, version: rule.version, errors: r.errors });
      continue;
    }
    compiled.push({
      rule,
      condition: r.value,
      validFromMs: rule.validFrom === undefined ? -Infinity : Date.parse(rule.validFrom),
      validUntilMs: rule.validUntil === undefined ? Infinity : Date.parse(rule.validUntil),
    });
  }
  if (errors.length > 0) {
    return { ok: false, errors };
  }
  const indexed = options.indexed ?? true;
  const index = new RuleIndex(
    compiled.map((c) => (indexed ? c.condition.discriminator : undefined)),
    compiled.map((c) => (indexed ? c.condition.secondDiscriminator : undefined)),
    signatures,
    compiled.map((c) => (indexed ? c.condition.ranges : [])),
  );
  return { ok: true, value: { rules: compiled, index } };
}

const runtimes = new WeakMap<WatchlistRegistry, RuleRuntime>();

/** The runtime for a set of watchlists, made once so per-runtime caches survive between calls. */
export function runtimeFor(watchlists: WatchlistRegistry): RuleRuntime {
  let rt = runtimes.get(watchlists);
  if (rt === undefined) {
    rt = createRuleRuntime(watchlists);
    runtimes.set(watchlists, rt);
  }
  return rt;
}

const ACTIVE: readonly RuleStatus[] = ['active'];

export interface ApplicabilityContext {
  readonly atMs: number;
  readonly authority: string;
  readonly office: string;
  readonly mode: string;
  readonly statuses: readonly RuleStatus[];
}

/** Evaluates the rule set on a prepared activation (the engine's inner loop; `assess` wraps it). */
export function assessActivation(
  act: RuleActivation,
  ruleSet: RuleSet,
  runtime: RuleRuntime,
  ctx: ApplicabilityContext,
): Assessment {
  const frame = createFrame(act, runtime);
  const hits: RuleHit[] = [];
  const errors: RuleEvaluationError[] = [];
  let evaluated = 0;
  const count = ruleSet.index.candidatesInto(act, frame);
  const candidates = ruleSet.index.candidateBuffer;
  for (let k = 0; k < count; k++) {
    const c = ruleSet.rules[candidates[k]!]!;
    const r = c.rule;
    if (
      r.scope.authority !== ctx.authority ||
      !ctx.statuses.includes(r.status) ||
      ctx.atMs < c.validFromMs ||
      ctx.atMs >= c.validUntilMs ||
      (r.scope.modes !== undefined &&
        r.scope.modes.length > 0 &&
        !r.scope.modes.includes(ctx.mode as TransportMode)) ||
      (r.scope.offices !== undefined && r.scope.offices.length > 0 && !r.scope.offices.includes(ctx.office))
    ) {
      continue;
    }
    evaluated++;
    let hit: boolean;
    // Each rule has its own evaluation budget (cel-compiler.ts): one costly rule never eats the others'.
    frame.budget.steps = 0;
    try {
      hit = c.condition.evaluate(frame);
    } catch (e) {
      // A rule that fails on this consignment (a CEL error, or the library throwing on an argument it
      // cannot use, such as a bad time zone) has no answer here: the failure is recorded with the
      // assessment for the analyst, and never stops the other rules or the consignment's assessment.
      const message = e instanceof Error ? e.message : String(e);
      const kind =
        e instanceof CelRuntimeError || (e instanceof Error && e.name === 'EvaluationError')
          ? ''
          : `${(e as Error).name ?? 'error'}: `;
      errors.push({
        ruleId: r.id,
        version: r.version,
        message: `${kind}${message.split('\n')[0] ?? message}`,
      });
      continue;
    }
    if (hit) {
      frame.budget.steps = 0;
      hits.push({
        ruleId: r.id,
        version: r.version,
        title: r.title,
        riskArea: r.riskArea,
        weight: r.weight,
        severity: r.severity,
        recommendedAction: r.recommendedAction,
        reason: r.reason,
        triggers: c.condition.explain(frame),
      });
    }
  }
  return { hits, errors, rulesEvaluated: evaluated };
}

/** Assesses one consignment of a filing against the rule set and watchlists. */
export function assess(input: AssessmentInput, ruleSet: RuleSet, watchlists: WatchlistRegistry): Assessment {
  const act = buildActivation(input);
  return assessActivation(act, ruleSet, runtimeFor(watchlists), {
    atMs: Date.parse(input.at),
    authority: input.authority,
    office: act.filing.officeOfFirstEntry,
    mode: act.transport.mode,
    statuses: input.statuses ?? ACTIVE,
  });
}
