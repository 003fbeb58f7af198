/**
 * The noisy-rule cap (issue 12, point 5): from recorded facts, per authority, each active rule
 * version's selections for control at each office against the office's daily capacity, and the
 * yield of its controls; a version over the limits is capped (its hits marked noisy, so alone they
 * no longer select), its author is sent a staff notice and the cap is audited. Analysts list caps
 * and lift one with a reason; a lifted version is judged afresh from the lift on. No HTTP, no SQL.
 */
import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import type { RuleCapSettings } from '../config/index.ts';
import type { Clock } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { decideRuleCap } from './rule-cap-decision.ts';
import type { RuleCap, RuleCapRepository } from './rule-cap.repository.ts';

/** A rule version judged: what the rules feature tells of it. */
export interface CappableRule {
  readonly id: string;
  readonly version: number;
  readonly status: string;
  readonly title: string;
  readonly createdBy: string;
  readonly createdAt: string;
}

/** One rule version's selections at one office since its `since` (controls only where recorded). */
export interface RuleSelections {
  readonly rule: string;
  readonly version: number;
  readonly office: string;
  readonly selected: number;
  readonly controls?: number | undefined;
  readonly positives?: number | undefined;
}

/** What the author is sent (the notifications feature stores it). */
export interface AuthorNotice {
  readonly recipient: string;
  readonly subject: string;
  readonly body: string;
  readonly ref: string;
  readonly at: Date;
}

export interface RuleCapServiceDeps {
  readonly db: Database;
  readonly repo: RuleCapRepository;
  readonly clock: Clock;
  readonly settings: RuleCapSettings;
  /** The authority's rules, latest version of each. */
  readonly rules: (q: Queryable, authority: string) => Promise<readonly CappableRule[]>;
  /** Selections (control tasks, red and yellow import lanes) of each version from its `since` to `to`. */
  readonly selections: (
    q: Queryable,
    authority: string,
    versions: readonly { readonly rule: string; readonly version: number; readonly since: Date }[],
    to: Date,
  ) => Promise<readonly RuleSelections[]>;
  /** Each office's daily control capacity (red + yellow) set by the authority. */
  readonly capacities: (q: Queryable, authority: string) => Promise<ReadonlyMap<string, number>>;
  readonly notify: (tx: Queryable, authority: string, notice: AuthorNotice) => Promise<void>;
  readonly audit?: AuditLog | undefined;
  /** After a cap is decided or lifted in this process (the assessments' context is refreshed). */
  readonly onChanged?: ((authority: string) => void) | undefined;
}

const DAY_MS = 86_400_000;

export class RuleCapService {
  readonly #d: RuleCapServiceDeps;

  constructor(deps: RuleCapServiceDeps) {
    this.#d = deps;
  }

  get settings(): RuleCapSettings {
    return this.#d.settings;
  }

  /**
   * Judges every active rule version of the authority that has no standing cap, over the window
   * (or since its creation, or since its cap was last lifted, whichever is latest); caps those over
   * the limits. Returns the caps decided now.
   */
  async evaluate(authority: string): Promise<RuleCap[]> {
    const now = this.#d.clock.now();
    const windowStart = new Date(now.getTime() - this.#d.settings.windowDays * DAY_MS);
    const db = this.#d.db.forAuthority(authority);
    const decided = await db.transaction(async (tx) => {
      const standing = new Set(
        (await this.#d.repo.standing(tx, authority)).map((c) => `${c.rule}@${c.version}`),
      );
      const lifts = await this.#d.repo.lastLifts(tx, authority);
      const rules = (await this.#d.rules(tx, authority)).filter(
        (r) => r.status === 'active' && !standing.has(`${r.id}@${r.version}`),
      );
      if (rules.length === 0) {
        return [];
      }
      const judged = rules.map((r) => {
        const since = Math.max(
          windowStart.getTime(),
          new Date(r.createdAt).getTime(),
          lifts.get(`${r.id}@${r.version}`)?.getTime() ?? 0,
        );
        return { rule: r, since: new Date(since) };
      });
      const selections = await this.#d.selections(
        tx,
        authority,
        judged.map((j) => ({ rule: j.rule.id, version: j.rule.version, since: j.since })),
        now,
      );
      const capacities = await this.#d.capacities(tx, authority);
      const out: RuleCap[] = [];
      for (const { rule, since } of judged) {
        const mine = selections.filter((s) => s.rule === rule.id && s.version === rule.version);
        if (mine.length === 0) {
          continue;
        }
        const byOffice = new Map<string, number>();
        for (const s of mine) {
          byOffice.set(s.office, (byOffice.get(s.office) ?? 0) + s.selected);
        }
        const decision = decideRuleCap(
          {
            from: since,
            to: now,
            selectedByOffice: byOffice,
            controls: mine.reduce((a, s) => a + (s.controls ?? 0), 0),
            positives: mine.reduce((a, s) => a + (s.positives ?? 0), 0),
          },
          capacities,
          this.#d.settings,
        );
        if (!decision.capped) {
          continue;
        }
        const cap: RuleCap = {
          id: `cap_${randomUUID()}`,
          rule: rule.id,
          version: rule.version,
          reason: decision.reason,
          explanation: `${decision.explanation} (since ${now.toISOString().slice(0, 10)})`,
          figures: decision.figures,
          since: now.toISOString(),
        };
        if (!(await this.#d.repo.insert(tx, authority, cap))) {
          continue; // another process capped it first
        }
        await this.#d.notify(tx, authority, {
          recipient: rule.createdBy,
          subject: `Your rule ${rule.id} (version ${rule.version}, “${rule.title}”) was capped as noisy`,
          body:
            `${decision.explanation}. Its hits still show in explanations, marked noisy, and count next to ` +
            'another hit. Change the rule (a new version is judged afresh), or ask an analyst to lift the cap.',
          ref: `/v1/rule-caps?rule=${encodeURIComponent(rule.id)}`,
          at: now,
        });
        await this.#d.audit?.append(tx, {
          authority,
          actor: 'system:rule-caps',
          action: 'rule.capped',
          subject: `rule:${rule.id}`,
          at: now,
          details: {
            cap: cap.id,
            version: rule.version,
            reason: cap.reason,
            figures: cap.figures,
            author: rule.createdBy,
          },
        });
        out.push(cap);
      }
      return out;
    });
    if (decided.length > 0) {
      this.#d.onChanged?.(authority);
    }
    return decided;
  }

  /** Caps, newest first: standing ones only, lifted ones only, or both; of one rule when given. */
  async list(
    actor: Actor,
    filter: {
      readonly rule?: string | undefined;
      readonly standing?: boolean | undefined;
      readonly limit?: number;
    },
  ): Promise<RuleCap[]> {
    requirePermission(actor, 'rule.read');
    return this.#d.repo.list(this.#d.db.forAuthority(actor.authority), actor.authority, {
      rule: filter.rule,
      standing: filter.standing,
      limit: filter.limit ?? 100,
    });
  }

  /** Lifts a standing cap: the rule selects alone again, and is judged afresh from now on. */
  async lift(actor: Actor, id: string, reason: string): Promise<RuleCap> {
    requirePermission(actor, 'rule.cap-lift');
    const now = this.#d.clock.now();
    const by = `${actor.role}:${actor.subject}`;
    const lifted = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const cap = await this.#d.repo.find(tx, actor.authority, id);
      if (cap === undefined) {
        throw new VigilError('VIGIL_NOT_FOUND', `no rule cap '${id}'`);
      }
      if (!(await this.#d.repo.lift(tx, actor.authority, id, by, reason, now))) {
        throw new VigilError('VIGIL_CONFLICT', `the cap '${id}' on rule ${cap.rule} was already lifted`);
      }
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: by,
        action: 'rule.cap-lifted',
        subject: `rule:${cap.rule}`,
        at: now,
        details: { cap: id, version: cap.version, reason: cap.reason, liftReason: reason },
      });
      return { ...cap, liftedAt: now.toISOString(), liftedBy: by, liftReason: reason };
    });
    this.#d.onChanged?.(actor.authority);
    return lifted;
  }
}
