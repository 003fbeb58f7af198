/**
 * The authority's live rules compiled, and its watchlists loaded, cached per authority and reloaded
 * when a stamp of the rule and watchlist tables changes (checked at most once a second, at once after a
 * change made by this process). Rules that no longer compile are skipped and reported, never allowed
 * to stop the border.
 */
import { Watchlist, WatchlistRegistry, compileRuleSet } from '../risk/index.ts';
import type { RuleSet } from '../risk/index.ts';
import { systemClock } from '../domain/index.ts';
import type { Clock } from '../domain/index.ts';
import type { Database } from '../store/database.ts';
import type { RuleRepository } from './rule.repository.ts';

export interface CompiledRules {
  readonly ruleSet: RuleSet;
  readonly watchlists: WatchlistRegistry;
  /** Rules that no longer compile (a watchlist they name was deleted): skipped, and reported. */
  readonly brokenRules: readonly string[];
}

interface Entry {
  stamp: string;
  checkedAt: number;
  rules: CompiledRules;
}

export class RuleSetCache {
  readonly #db: Database;
  readonly #repo: RuleRepository;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<CompiledRules>>();
  readonly #checkEveryMs: number;
  readonly #clock: Clock;

  constructor(
    db: Database,
    repo: RuleRepository,
    options: { readonly clock?: Clock; readonly checkEveryMs?: number } = {},
  ) {
    this.#db = db;
    this.#repo = repo;
    this.#clock = options.clock ?? systemClock;
    this.#checkEveryMs = options.checkEveryMs ?? 1000;
  }

  /** Forget an authority's rules (after a change made by this process). */
  invalidate(authority: string): void {
    this.#entries.delete(authority);
  }

  async get(authority: string): Promise<CompiledRules> {
    const entry = this.#entries.get(authority);
    if (entry !== undefined && Date.now() - entry.checkedAt < this.#checkEveryMs) {
      return entry.rules;
    }
    const pending = this.#loading.get(authority);
    if (pending !== undefined) {
      return pending;
    }
    const load = this.#refresh(authority, entry).finally(() => this.#loading.delete(authority));
    this.#loading.set(authority, load);
    return load;
  }

  async #refresh(authority: string, entry: Entry | undefined): Promise<CompiledRules> {
    const db = this.#db.forAuthority(authority);
    // Entries expire by the authority's clock: a stamp and a load at the same instant.
    const now = this.#clock.now();
    const stamp = await this.#repo.stamp(db, authority, now);
    if (entry !== undefined && entry.stamp === stamp) {
      entry.checkedAt = Date.now();
      return entry.rules;
    }
    const [rules, lists] = await Promise.all([
      this.#repo.currentRules(db, authority),
      this.#repo.watchlistDefinitions(db, authority, now),
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
    const result: CompiledRules = { ruleSet: compiled.value, watchlists, brokenRules: broken };
    this.#entries.set(authority, { stamp, checkedAt: Date.now(), rules: result });
    return result;
  }
}
