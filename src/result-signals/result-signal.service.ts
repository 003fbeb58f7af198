/**
 * Signals learned from control results: a result recorded with an irregularity or a seizure marks what
 * its consignment named, in the result's own transaction (a corrected result marks anew); the
 * assessment asks for the hits of a batch of filings; analysts read and tune the signals per authority.
 */
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import { auditActor } from '../audit/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Clock, Filing } from '../domain/index.ts';
import { VigilError, parseInput } from '../errors/index.ts';
import { resultSignalSettingSchema } from './result-signal.contract.ts';
import type { ResultSignalView } from './result-signal.contract.ts';
import type { Database, Queryable } from '../store/database.ts';
import type { ResultSignalRepository } from './result-signal.repository.ts';
import {
  DEFAULT_RESULT_SIGNAL_SETTINGS,
  RESULT_SIGNALS,
  RESULT_SIGNAL_DEFINITIONS,
  allKeys,
  keysOf,
  marksOf,
  resultSignals,
} from './result-signals.ts';
import type {
  ResultSignalHit,
  ResultSignalId,
  ResultSignalSetting,
  ResultSignalSettings,
} from './result-signals.ts';

export interface ResultSignalServiceDeps {
  readonly db: Database;
  readonly repo: ResultSignalRepository;
  readonly clock: Clock;
  /** The filing a control task's consignment belongs to, in the caller's transaction. */
  readonly filingOf: (tx: Queryable, authority: string, mrn: string) => Promise<Filing | undefined>;
  readonly audit?: { stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> } | undefined;
  /** How long settings and "has this authority any mark" are taken as read (default 1 s). */
  readonly checkEveryMs?: number | undefined;
}

/** A control result as the controls feature hands it over. */
export interface RecordedResult {
  readonly authority: string;
  readonly taskId: string;
  readonly mrn: string;
  readonly seq: number;
  readonly result: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

interface AuthorityState {
  readonly checkedAt: number;
  readonly settings: ResultSignalSettings;
  readonly views: readonly ResultSignalView[];
  readonly anyMark: boolean;
}

const DAY_MS = 86_400_000;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export class ResultSignalService {
  readonly #d: ResultSignalServiceDeps;
  readonly #state = new Map<string, AuthorityState>();

  constructor(deps: ResultSignalServiceDeps) {
    this.#d = deps;
  }

  /** The hook of the controls feature: in the result's transaction, the task's marks replaced. */
  async onControlResult(tx: Queryable, r: RecordedResult): Promise<void> {
    const marking = r.result === 'irregularity' || r.result === 'seizure';
    let marks: ReturnType<typeof marksOf> = [];
    if (marking) {
      const filing = await this.#d.filingOf(tx, r.authority, r.mrn);
      const c = filing?.consignments[r.seq];
      if (filing !== undefined && c !== undefined) {
        marks = marksOf(filing, c, {
          taskId: r.taskId,
          mrn: r.mrn,
          result: r.result,
          category: str(r.details['category']),
          quantity: num(r.details['quantity']),
          unit: str(r.details['unit']),
          irregularityType: str(r.details['type']),
          recordedAt: r.at,
        });
      }
    }
    await this.#d.repo.replaceMarks(tx, r.authority, r.taskId, marks);
    if (marks.length > 0) {
      this.#state.delete(r.authority);
    }
  }

  /**
   * The result signals of a batch of filing versions, by `${mrn}/${seq}`: one lookup of every key the
   * batch names (none at all while the authority has no mark).
   */
  async hitsFor(
    tx: Queryable,
    authority: string,
    versions: readonly { readonly mrn: string; readonly filing: Filing }[],
  ): Promise<Map<string, ResultSignalHit[]>> {
    const out = new Map<string, ResultSignalHit[]>();
    const state = await this.#stateOf(tx, authority);
    const enabled = RESULT_SIGNALS.filter((id) => state.settings[id].enabled);
    if (!state.anyMark || enabled.length === 0 || versions.length === 0) {
      return out;
    }
    const now = this.#d.clock.now();
    const longest = Math.max(...enabled.map((id) => state.settings[id].days));
    const keys = new Set<string>();
    for (const v of versions) {
      for (const c of v.filing.consignments) {
        for (const k of allKeys(keysOf(v.filing, c))) {
          keys.add(k);
        }
      }
    }
    const marks = await this.#d.repo.marks(
      tx,
      authority,
      [...keys],
      new Date(now.getTime() - longest * DAY_MS),
    );
    if (marks.size === 0) {
      return out;
    }
    for (const v of versions) {
      v.filing.consignments.forEach((c, seq) => {
        const hits = resultSignals(v.filing, c, v, marks, state.settings, now);
        if (hits.length > 0) {
          out.set(`${v.mrn}/${seq}`, hits);
        }
      });
    }
    return out;
  }

  /** The signals and this authority's settings of them. */
  async list(actor: Actor): Promise<readonly ResultSignalView[]> {
    requirePermission(actor, 'rule.read');
    const db = this.#d.db.forAuthority(actor.authority);
    return (await this.#load(db, actor.authority)).views;
  }

  /** Tunes one signal (weight, window) or switches it off; audited. */
  async put(actor: Actor, id: string, body: unknown): Promise<ResultSignalView> {
    requirePermission(actor, 'rule.write');
    const input: ResultSignalSetting = parseInput(resultSignalSettingSchema, body);
    if (!(RESULT_SIGNALS as readonly string[]).includes(id)) {
      throw new VigilError(
        'VIGIL_NOT_FOUND',
        `no signal ${id}; the signals are ${RESULT_SIGNALS.join(', ')}`,
      );
    }
    const signal = id as ResultSignalId;
    const at = this.#d.clock.now();
    const db = this.#d.db.forAuthority(actor.authority);
    await db.transaction(async (tx) => {
      await this.#d.repo.putSetting(tx, actor.authority, signal, input, actor.subject, at);
      await this.#d.audit?.stage(tx, [
        {
          authority: actor.authority,
          actor: auditActor(actor),
          action: 'result-signal.changed',
          subject: signal,
          details: { enabled: input.enabled, weight: input.weight, days: input.days },
          at,
        },
      ]);
    });
    this.#state.delete(actor.authority);
    return (await this.#load(db, actor.authority)).views.find((v) => v.id === signal)!;
  }

  async #stateOf(tx: Queryable, authority: string): Promise<AuthorityState> {
    const cached = this.#state.get(authority);
    if (cached !== undefined && Date.now() - cached.checkedAt < (this.#d.checkEveryMs ?? 1000)) {
      return cached;
    }
    return this.#load(tx, authority);
  }

  async #load(q: Queryable, authority: string): Promise<AuthorityState> {
    const stored = new Map((await this.#d.repo.settings(q, authority)).map((s) => [s.signal, s]));
    const anyMark = await this.#d.repo.anyMark(q, authority);
    const settings = Object.fromEntries(
      RESULT_SIGNALS.map((id) => {
        const s = stored.get(id);
        return [
          id,
          s === undefined
            ? DEFAULT_RESULT_SIGNAL_SETTINGS[id]
            : { enabled: s.enabled, weight: s.weight, days: s.days },
        ];
      }),
    ) as ResultSignalSettings;
    const views = RESULT_SIGNALS.map((id): ResultSignalView => {
      const def = RESULT_SIGNAL_DEFINITIONS[id];
      const s = stored.get(id);
      return {
        id,
        title: def.title,
        description: def.description,
        irregularities: def.irregularities,
        ...settings[id],
        defaults: DEFAULT_RESULT_SIGNAL_SETTINGS[id],
        updatedBy: s?.updatedBy ?? null,
        updatedAt: s?.updatedAt.toISOString() ?? null,
      };
    });
    const state: AuthorityState = { checkedAt: Date.now(), settings, views, anyMark };
    this.#state.set(authority, state);
    return state;
  }
}
