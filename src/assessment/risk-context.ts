/**
 * What an assessment consults, per authority: the compiled, indexed rule set, the watchlists, the
 * unit-value statistics and the random seed. Built once and reused; rebuilt when the authority's
 * rules or watchlists change (checked at most once a second, so several processes converge quickly).
 */
import { Watchlist, WatchlistRegistry, compileRuleSet } from '../risk/index.ts';
import type { RuleSet } from '../risk/index.ts';
import type { Database } from '../store/database.ts';
import type { Clock } from '../intake/index.ts';
import type { RiskRepository } from './risk.repository.ts';
import type { UnitValueStats } from './signals.ts';
import { newSeed } from './random-source.ts';
import type { RandomSeed } from './random-source.ts';

export interface RiskContext {
  readonly ruleSet: RuleSet;
  readonly watchlists: WatchlistRegistry;
  readonly stats: ReadonlyMap<string, UnitValueStats>;
  readonly seed: RandomSeed;
  /** Rules that no longer compile (a watchlist they name was deleted): skipped, and reported. */
  readonly brokenRules: readonly string[];
}

interface Entry {
  stamp: string;
  checkedAt: number;
  context: RiskContext;
}

export class RiskContextCache {
  readonly #db: Database;
  readonly #repo: RiskRepository;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<RiskContext>>();
  readonly #checkEveryMs: number;

  constructor(db: Database, repo: RiskRepository, clock: Clock, checkEveryMs = 1000) {
    this.#db = db;
    this.#repo = repo;
    this.#clock = clock;
    this.#checkEveryMs = checkEveryMs;
  }

  /** Forget an authority's context (after a change made by this process). */
  invalidate(authority: string): void {
    this.#entries.delete(authority);
  }

  async get(authority: string): Promise<RiskContext> {
    const entry = this.#entries.get(authority);
    const now = Date.now();
    if (entry !== undefined && now - entry.checkedAt < this.#checkEveryMs) {
      return entry.context;
    }
    const pending = this.#loading.get(authority);
    if (pending !== undefined) {
      return pending;
    }
    const load = this.#refresh(authority, entry).finally(() => this.#loading.delete(authority));
    this.#loading.set(authority, load);
    return load;
  }

  async #refresh(authority: string, entry: Entry | undefined): Promise<RiskContext> {
    const db = this.#db.forAuthority(authority);
    const stamp = await this.#repo.riskStamp(db, authority);
    if (entry !== undefined && entry.stamp === stamp) {
      entry.checkedAt = Date.now();
      return entry.context;
    }
    const [rules, lists, stats, seed] = await Promise.all([
      this.#repo.currentRules(db, authority),
      this.#repo.watchlistDefinitions(db, authority),
      this.#repo.unitValueStats(db, authority),
      this.#repo.randomSeed(db, authority, newSeed(this.#clock.now()), this.#clock.now()),
    ]);
    const watchlists = new WatchlistRegistry(lists.map((d) => new Watchlist(d)));
    const live = rules.filter((r) => r.status !== 'retired');
    const names = new Set(watchlists.names());
    let compiled = compileRuleSet(live, { watchlistNames: names });
    const broken: string[] = [];
    if (!compiled.ok) {
      // Keep assessing with the rules that still compile rather than stop the border.
      const bad = new Set(compiled.errors.map((e) => e.ruleId));
      broken.push(...bad);
      compiled = compileRuleSet(
        live.filter((r) => !bad.has(r.id)),
        { watchlistNames: names },
      );
    }
    if (!compiled.ok) {
      throw new Error(`rules of ${authority} do not compile: ${JSON.stringify(compiled.errors)}`);
    }
    const context: RiskContext = { ruleSet: compiled.value, watchlists, stats, seed, brokenRules: broken };
    this.#entries.set(authority, { stamp, checkedAt: Date.now(), context });
    return context;
  }
}
