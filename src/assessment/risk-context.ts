/**
 * What an assessment consults, per authority: the compiled, indexed rule set and the watchlists (from
 * rules/), the unit-value statistics and the random seed. Built once and reused; rebuilt when the
 * authority's rules, watchlists or statistics change (checked at most once a second, so several
 * processes converge quickly; at once after a rule change made by this process).
 */
import type { Clock, RandomSeed } from '../domain/index.ts';
import { newSeed } from '../domain/index.ts';
import type { RuleSet, WatchlistRegistry } from '../risk/index.ts';
import type { CompiledRules, RuleSetCache } from '../rules/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { AssessmentRepository } from './assessment.repository.ts';
import type { UnitValueStats } from './signals.ts';

export interface RiskContext {
  readonly ruleSet: RuleSet;
  readonly watchlists: WatchlistRegistry;
  readonly stats: ReadonlyMap<string, UnitValueStats>;
  readonly seed: RandomSeed;
  /** Rules that no longer compile (a watchlist they name was deleted): skipped, and reported. */
  readonly brokenRules: readonly string[];
  /** Rule versions capped as noisy, by rule id (rule-caps feature): their hits alone do not select. */
  readonly caps?: ReadonlyMap<string, CappedRule> | undefined;
}

/** A standing cap on a rule version, as an assessment needs it. */
export interface CappedRule {
  readonly version: number;
  /** One sentence for officers: why it is capped and since when. */
  readonly explanation: string;
}

/** Reads the authority's standing caps (the rule-caps feature supplies it). */
export type CappedRules = (q: Queryable, authority: string) => Promise<ReadonlyMap<string, CappedRule>>;

interface Entry {
  rules: CompiledRules;
  statsStamp: string;
  capsStamp: string;
  checkedAt: number;
  context: RiskContext;
}

export class RiskContextCache {
  readonly #db: Database;
  readonly #rules: RuleSetCache;
  readonly #repo: AssessmentRepository;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<RiskContext>>();
  readonly #checkEveryMs: number;
  readonly #caps: CappedRules | undefined;

  constructor(
    db: Database,
    rules: RuleSetCache,
    repo: AssessmentRepository,
    clock: Clock,
    checkEveryMs = 1000,
    caps?: CappedRules,
  ) {
    this.#db = db;
    this.#rules = rules;
    this.#repo = repo;
    this.#clock = clock;
    this.#checkEveryMs = checkEveryMs;
    this.#caps = caps;
  }

  /** Forget an authority's context (after this process refreshed its statistics). */
  invalidate(authority: string): void {
    this.#entries.delete(authority);
  }

  async get(authority: string): Promise<RiskContext> {
    const rules = await this.#rules.get(authority);
    const entry = this.#entries.get(authority);
    if (entry !== undefined && entry.rules === rules && Date.now() - entry.checkedAt < this.#checkEveryMs) {
      return entry.context;
    }
    const pending = this.#loading.get(authority);
    if (pending !== undefined) {
      return pending;
    }
    const load = this.#refresh(authority, rules, entry).finally(() => this.#loading.delete(authority));
    this.#loading.set(authority, load);
    return load;
  }

  async #refresh(authority: string, rules: CompiledRules, entry: Entry | undefined): Promise<RiskContext> {
    const db = this.#db.forAuthority(authority);
    const statsStamp = await this.#repo.statsStamp(db, authority);
    let stats: ReadonlyMap<string, UnitValueStats>;
    let seed: RandomSeed;
    if (entry !== undefined && entry.statsStamp === statsStamp) {
      ({ stats, seed } = entry.context);
    } else {
      const now = this.#clock.now();
      [stats, seed] = await Promise.all([
        this.#repo.unitValueStats(db, authority),
        this.#repo.randomSeed(db, authority, newSeed(now), now),
      ]);
    }
    // Caps are read with the statistics' stamp (at most once a second), so a cap decided or lifted by
    // another process reaches this one's assessments as quickly.
    const caps = (await this.#caps?.(db, authority)) ?? new Map<string, CappedRule>();
    const capsStamp = JSON.stringify([...caps].map(([id, c]) => [id, c.version, c.explanation]));
    const context: RiskContext =
      entry !== undefined &&
      entry.rules === rules &&
      entry.context.stats === stats &&
      entry.capsStamp === capsStamp
        ? entry.context
        : { ...rules, stats, seed, caps };
    this.#entries.set(authority, { rules, statsStamp, capsStamp, checkedAt: Date.now(), context });
    return context;
  }
}
