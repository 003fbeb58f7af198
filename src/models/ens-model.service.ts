/**
 * The entry-summary model in the live loop (issue 12): trains a challenger from the authority's own
 * controlled consignments and their results, judges it against the champion on the most recent
 * labelled window it did not train on, stores it with its model card and promotes it only when it is
 * better by the configured margin on precision at the offices' control capacity; rolls back to the
 * previous champion in one step; reports drift of the live score distribution; and hands the
 * assessment the active model through its `model` port.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../auth/index.ts';
import { requirePermission } from '../auth/index.ts';
import { auditActor } from '../audit/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { ConsignmentModel, ModelVerdict } from '../assessment/index.ts';
import type { ControlRepository, LabelledConsignmentRow } from '../controls/index.ts';
import { mulberry32 } from '../domain/index.ts';
import type { Clock, Filing } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import { binShares, populationStability } from '../learning/index.ts';
import type { ScoreReference } from '../learning/index.ts';
import type { KnownOperators } from '../operators/index.ts';
import { findingRiskArea } from '../result-signals/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { ensFactsOf } from './ens-features.ts';
import type { EnsFacts, HistoryOf } from './ens-features.ts';
import type { EnsModel } from './ens-model.ts';
import { parseEnsModelFile } from './ens-model.ts';
import {
  ENS_TRAINING_CONFIG,
  decidePromotion,
  evaluateScores,
  fitEnsModel,
  importantFeatures,
  ipwWeight,
  labelCounts,
  pointInTimeHistory,
  referenceDistribution,
  splitByTime,
} from './ens-train.ts';
import type {
  EnsEvaluation,
  EnsTrainingConfig,
  LabelCounts,
  LabelledConsignment,
  PromotionDecision,
} from './ens-train.ts';
import { ModelRepository } from './model.repository.ts';
import type { ModelActivation, ModelRow } from './model.repository.ts';

export const ENS_KIND = 'ens-gbdt' as const;

/** How the entry-summary model is trained, judged and weighed (from the configuration). */
export interface EnsModelConfig {
  /** The model's weight in the decision: its points are weight × probability × 100 (0: shown only). */
  readonly weight: number;
  /** Points from which the model's verdict counts as a hit (and the consignment enters the queue). */
  readonly floor: number;
  /** How much better (precision at capacity, absolute) a challenger must be to be promoted. */
  readonly promotionMargin: number;
  /** Share of its traffic an office can control, where it has no capacity of its own set. */
  readonly capacityShare: number;
  /** Latest share of the labelled consignments kept out of training to judge models on. */
  readonly holdoutShare: number;
  /** The random-control rate, for tasks that recorded no selection probability. */
  readonly randomRate: number;
  /** Retrain every this many hours (0: only by command). */
  readonly retrainHours: number;
}

export const DEFAULT_ENS_MODEL_CONFIG: EnsModelConfig = Object.freeze({
  weight: 1,
  floor: 20,
  promotionMargin: 0.02,
  capacityShare: 0.05,
  holdoutShare: 0.2,
  randomRate: 0.005,
  retrainHours: 0,
});

/** The least a training run needs: rows and findings to fit on, and a window to judge on. */
export const MIN_FIT_ROWS = 20;
export const MIN_FIT_POSITIVES = 2;
export const MIN_HOLDOUT_ROWS = 5;

export interface EnsModelServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly repo?: ModelRepository | undefined;
  /** The published query of controlled consignments with their results (controls feature). */
  readonly labelled: Pick<ControlRepository, 'labelledConsignments'>;
  /** Probabilities a model gave consignments assessed in a window (assessment feature). */
  readonly scores: (
    q: Queryable,
    authority: string,
    model: { kind: string; version: number },
    from: Date,
    to: Date,
  ) => Promise<number[]>;
  /** An office's control capacity per day (red + yellow), if one is set (import declarations). */
  readonly capacity?:
    ((q: Queryable, authority: string, office: string) => Promise<number | undefined>) | undefined;
  readonly audit?: { stage(tx: Queryable, events: readonly AuditEvent[]): Promise<void> } | undefined;
  readonly config?: Partial<EnsModelConfig> | undefined;
  readonly training?: EnsTrainingConfig | undefined;
}

export interface TrainOptions {
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
  /** Promote when the challenger wins (default); false stores it as a challenger only. */
  readonly promote?: boolean | undefined;
  /**
   * Train on labels shuffled among the training rows (seeded): a model that knows nothing, to check
   * that the promotion guard keeps it out.
   */
  readonly shuffleLabels?: boolean | undefined;
  readonly seed?: number | undefined;
}

/** The model card kept with each entry-summary model. */
export interface EnsModelCard {
  readonly kind: typeof ENS_KIND;
  readonly trainedAt: string;
  readonly trainedBy: string;
  /** Reading the labelled consignments, then the features and the trees, then judging both models. */
  readonly trainingSeconds: number;
  readonly timings: {
    readonly loadSeconds: number;
    readonly fitSeconds: number;
    readonly evaluateSeconds: number;
  };
  readonly dataWindow: {
    readonly since: string | null;
    readonly until: string;
    readonly fit: { readonly from: string; readonly to: string };
    readonly evaluation: { readonly from: string; readonly to: string };
  };
  readonly labels: { readonly fit: LabelCounts; readonly evaluation: LabelCounts };
  readonly weighting: {
    readonly method: 'inverse-propensity';
    readonly maxWeight: number;
    readonly inferredRandomRate: number;
  };
  readonly shuffledLabels: boolean;
  readonly metrics: {
    readonly challenger: EnsEvaluation;
    readonly champion: (EnsEvaluation & { readonly version: number }) | null;
  };
  readonly decision: PromotionDecision & { readonly activated: boolean };
  readonly features: readonly { feature: string; label: string; importance: number }[];
  readonly featureCount: number;
  readonly trees: number;
  readonly riskArea: string;
  /** The expected distribution of the model's scores over the traffic: drift is measured against it. */
  readonly scoreReference: ScoreReference;
}

export interface TrainingReport {
  readonly version: number;
  readonly activated: boolean;
  readonly card: EnsModelCard;
}

export interface DriftReport {
  readonly version: number;
  readonly from: string;
  readonly to: string;
  readonly scored: number;
  /** Population stability index of the live scores against the model's reference; null without scores. */
  readonly psi: number | null;
  readonly status: 'stable' | 'moderate-shift' | 'significant-shift' | 'no-scores';
  readonly bins: readonly {
    readonly upTo: number | null;
    readonly expected: number;
    readonly actual: number;
  }[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Probabilities in 3 decimals, points in 2. */
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** A stored control result read back as a labelled consignment (the facts from its filing version). */
export function labelledFromRow(
  row: LabelledConsignmentRow,
  randomRate: number,
): LabelledConsignment | undefined {
  const consignment = row.consignment as Filing['consignments'][number] | null;
  if (consignment === null || typeof consignment !== 'object') {
    return undefined;
  }
  const lodgedAt = new Date(row.lodged_at);
  const filing = {
    filingType: row.filing_type,
    lrn: '',
    declarant: { eori: row.declarant, name: '' },
    officeOfFirstEntry: row.office,
    transport: (row.transport ?? undefined) as Filing['transport'],
    masterConsignment: row.master ?? undefined,
    consignments: [
      { ...consignment, containers: consignment.containers ?? [], goods: consignment.goods ?? [] },
    ],
  } satisfies Filing;
  const recorded = row.selection_probability !== null;
  const inferred = row.source === 'random' || row.source === 'exploration' ? randomRate : 1;
  const label = row.result === 'no-irregularity' ? 0 : 1;
  return {
    id: row.task_id,
    facts: ensFactsOf(filing, 0, lodgedAt),
    lodgedAt: lodgedAt.getTime(),
    recordedAt: new Date(row.recorded_at).getTime(),
    label,
    source: row.source,
    propensity: row.selection_probability ?? inferred,
    recorded,
    area:
      label === 1
        ? findingRiskArea(
            row.result as 'irregularity' | 'seizure',
            row.category ?? undefined,
            row.irregularity ?? undefined,
          )
        : undefined,
  };
}

/** The operator register's counters as the model's history (results recorded so far). */
function historyOf(ops: KnownOperators): HistoryOf {
  return (key) => {
    const p = ops.profiles.get(key);
    return p === undefined ? undefined : { controls: p.controls, hits: p.irregularities + p.seizures };
  };
}

/** The assessment's view of a loaded model, with the configured weight and floor. */
export function consignmentModel(version: number, model: EnsModel, config: EnsModelConfig): ConsignmentModel {
  return {
    judge(filing: Filing, seq: number, ops: KnownOperators, lodgedAt: Date): ModelVerdict {
      const j = model.judge(ensFactsOf(filing, seq, lodgedAt), historyOf(ops), 3);
      const points = Math.round(config.weight * j.probability * 10_000) / 100;
      const why = j.top
        .map((f) => `${f.label}${f.value === null ? '' : ` ${f.value}`} (+${f.logOdds.toFixed(2)})`)
        .join(', ');
      return {
        kind: ENS_KIND,
        version,
        probability: r3(j.probability),
        weight: config.weight,
        points,
        counted: config.weight > 0 && points >= config.floor,
        riskArea: model.file.riskArea,
        top: j.top,
        reason: `learned model v${version}: probability ${j.probability.toFixed(3)} that a control finds something${why === '' ? '' : `; top features: ${why}`}`,
      };
    },
  };
}

export class EnsModelService {
  readonly #d: EnsModelServiceDeps;
  readonly #repo: ModelRepository;
  readonly config: EnsModelConfig;
  readonly #training: EnsTrainingConfig;
  readonly #cache = new Map<string, { version: number; model: EnsModel; port: ConsignmentModel }>();

  constructor(deps: EnsModelServiceDeps) {
    this.#d = deps;
    this.#repo = deps.repo ?? new ModelRepository();
    this.config = Object.freeze({ ...DEFAULT_ENS_MODEL_CONFIG, ...deps.config });
    this.#training = deps.training ?? ENS_TRAINING_CONFIG;
  }

  // ---- the assessment's port ---------------------------------------------------------------------

  /**
   * The authority's active entry-summary model for the assessment (one indexed row read per batch;
   * the model is loaded and compiled once per version), or undefined when none is active.
   */
  async activeModel(q: Queryable, authority: string): Promise<ConsignmentModel | undefined> {
    const loaded = await this.#active(q, authority);
    return loaded?.port;
  }

  async #active(
    q: Queryable,
    authority: string,
  ): Promise<{ version: number; model: EnsModel; port: ConsignmentModel } | undefined> {
    const version = await this.#repo.activeVersion(q, authority, ENS_KIND);
    if (version === undefined) {
      this.#cache.delete(authority);
      return undefined;
    }
    const cached = this.#cache.get(authority);
    if (cached?.version === version) {
      return cached;
    }
    const model = parseEnsModelFile(await this.#repo.body(q, authority, version));
    const loaded = { version, model, port: consignmentModel(version, model, this.config) };
    this.#cache.set(authority, loaded);
    return loaded;
  }

  // ---- training --------------------------------------------------------------------------------

  /** Every labelled consignment of the authority lodged before `until`, in pages. */
  async #labelled(authority: string, until: Date): Promise<LabelledConsignment[]> {
    const db = this.#d.db.forAuthority(authority);
    const out: LabelledConsignment[] = [];
    let after = '';
    for (;;) {
      const page = await db.transaction((tx) =>
        this.#d.labelled.labelledConsignments(tx, authority, { until, after, limit: 20_000 }),
      );
      for (const row of page) {
        const l = labelledFromRow(row, this.config.randomRate);
        if (l !== undefined) {
          out.push(l);
        }
      }
      if (page.length < 20_000) {
        return out;
      }
      after = page[page.length - 1]!.task_id;
    }
  }

  /**
   * Trains a challenger from the database and runs the champion–challenger decision (an analyst's or
   * an admin's action; `system` for the schedule). Throws VIGIL_MODEL_TRAINING_DATA when there are
   * too few labelled consignments.
   */
  async train(
    actor: Actor | 'system',
    authority: string,
    options: TrainOptions = {},
  ): Promise<TrainingReport> {
    if (actor !== 'system') {
      requirePermission(actor, 'model.write');
    }
    const by = actor === 'system' ? 'system:model-schedule' : auditActor(actor);
    const now = this.#d.clock.now();
    const until = options.until ?? now;
    const started = performance.now();
    const all = await this.#labelled(authority, until);
    const loaded = performance.now();
    const histories = pointInTimeHistory(all);
    const { fit: fitAll, holdout } = splitByTime(all, this.config.holdoutShare);
    const since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
    const fit = fitAll.filter((i) => all[i]!.lodgedAt >= since);
    const fitRows = fit.map((i) => all[i]!);
    const positives = fitRows.reduce((s, r) => s + r.label, 0);
    if (fitRows.length < MIN_FIT_ROWS || positives < MIN_FIT_POSITIVES || positives === fitRows.length) {
      throw new VigilError(
        'VIGIL_MODEL_TRAINING_DATA',
        `${authority} has ${fitRows.length} labelled consignments (${positives} with findings) to train on in the window; at least ${MIN_FIT_ROWS} with ${MIN_FIT_POSITIVES} findings and some without are needed (results of controls of entry summaries lodged ${options.since === undefined ? '' : `from ${options.since.toISOString()} `}before ${until.toISOString()}, less the latest ${Math.round(this.config.holdoutShare * 100)} % kept to judge on)`,
      );
    }
    if (holdout.length < MIN_HOLDOUT_ROWS) {
      throw new VigilError(
        'VIGIL_MODEL_TRAINING_DATA',
        `${authority} has ${holdout.length} labelled consignments in the evaluation window; at least ${MIN_HOLDOUT_ROWS} are needed`,
      );
    }
    const seed = options.seed ?? this.#training.seed;
    const shuffled = options.shuffleLabels === true;
    const trainRows = shuffled ? shuffleLabels(fitRows, seed) : fitRows;
    // Shuffled, the operators' records the rows learn from are made of the shuffled results too: a
    // model of noise, with no label reaching it through another row's history.
    let trainHistories = histories;
    if (shuffled) {
      const noise = [...all];
      fit.forEach((i, k) => {
        noise[i] = trainRows[k]!;
      });
      trainHistories = pointInTimeHistory(noise);
    }
    const fitted = fitEnsModel(
      trainRows,
      fit.map((i) => trainHistories[i]!),
      { ...this.#training, seed },
      now,
    );
    const fittedAt = performance.now();
    const holdRows = holdout.map((i) => all[i]!);
    const holdFacts = holdRows.map((r) => r.facts);
    const holdHistory = (k: number): HistoryOf => histories[holdout[k]!]!;
    const shares = await this.#capacityShares(authority, holdRows);
    const shareOf = (office: string): number | undefined => shares.get(office);
    const maxWeight = this.#training.maxWeight;
    const evaluate = (scores: ArrayLike<number>): EnsEvaluation =>
      evaluateScores(scores, holdRows, shareOf, this.config.capacityShare, maxWeight);
    const challengerScores = fitted.model.scoreMany(holdFacts, holdHistory);
    const challenger = evaluate(challengerScores);
    const db = this.#d.db.forAuthority(authority);
    const champ = await this.#active(db, authority);
    const champion =
      champ === undefined
        ? undefined
        : {
            version: champ.version,
            evaluation: evaluate(champ.model.scoreMany(holdFacts, holdHistory)),
          };
    const decision = decidePromotion({ challenger, champion, margin: this.config.promotionMargin });
    const activate = decision.promote && options.promote !== false;
    const judged = performance.now();
    const seconds = (judged - started) / 1000;
    const s2 = (ms: number): number => Math.round(ms / 10) / 100;
    const fitFrom = fitRows[0]!.lodgedAt;
    const fitTo = fitRows[fitRows.length - 1]!.lodgedAt;
    const card: EnsModelCard = {
      kind: ENS_KIND,
      trainedAt: now.toISOString(),
      trainedBy: by,
      trainingSeconds: Math.round(seconds * 100) / 100,
      timings: {
        loadSeconds: s2(loaded - started),
        fitSeconds: s2(fittedAt - loaded),
        evaluateSeconds: s2(judged - fittedAt),
      },
      dataWindow: {
        since: options.since?.toISOString() ?? null,
        until: until.toISOString(),
        fit: { from: iso(fitFrom), to: iso(fitTo) },
        evaluation: { from: iso(holdRows[0]!.lodgedAt), to: iso(holdRows[holdRows.length - 1]!.lodgedAt) },
      },
      labels: { fit: fitted.labels, evaluation: labelCounts(holdRows, maxWeight) },
      weighting: { method: 'inverse-propensity', maxWeight, inferredRandomRate: this.config.randomRate },
      shuffledLabels: shuffled,
      metrics: {
        challenger,
        champion: champion === undefined ? null : { version: champion.version, ...champion.evaluation },
      },
      decision: {
        ...decision,
        activated: activate,
        reason:
          decision.promote && !activate
            ? `${decision.reason}; stored without promotion as asked`
            : decision.reason,
      },
      features: importantFeatures(fitted.model, 10),
      featureCount: fitted.model.file.features.length,
      trees: fitted.model.file.trees.length,
      riskArea: fitted.model.file.riskArea,
      scoreReference: referenceDistribution(challengerScores, holdRows, maxWeight),
    };
    const body = JSON.stringify(fitted.model.file);
    const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
    const row = await db.transaction(async (tx) => {
      // The same data and seed give the same model: it is stored once (its card from its first run).
      const known = await this.#repo.findBySha(tx, authority, sha256);
      const stored =
        known ??
        (await this.#repo.insert(tx, {
          authority,
          kind: ENS_KIND,
          sha256,
          features: fitted.model.file.features,
          trainingWindow: {
            from: iso(fitFrom).slice(0, 10),
            to: iso(fitTo).slice(0, 10),
            rows: fitted.labels.rows,
            frauds: fitted.labels.positives,
          },
          evaluation: {
            method: `champion–challenger window: the latest ${holdRows.length} labelled consignments (${card.dataWindow.evaluation.from} to ${card.dataWindow.evaluation.to}), weighted by 1/selection probability`,
            metrics: {
              rows: challenger.rows,
              frauds: challenger.positives,
              precisionAt: challenger.precisionAt,
              recallAt: {},
              auc: Number.isFinite(challenger.auc) ? challenger.auc : 0,
            },
          },
          body,
          card,
          createdBy: by,
          createdAt: now,
        }));
      const previous = champ?.version ?? null;
      if (activate) {
        await this.#repo.activate(tx, authority, stored.version, now);
      }
      await this.#repo.recordActivation(tx, {
        authority,
        kind: ENS_KIND,
        version: activate ? stored.version : previous,
        previous,
        action: activate ? 'promoted' : 'kept',
        reason: `v${stored.version}: ${card.decision.reason}`,
        actor: by,
        at: now,
      });
      await this.#d.audit?.stage(tx, [
        {
          authority,
          actor: by,
          action: 'model.trained',
          subject: `model/${stored.version}`,
          at: now,
          details: {
            kind: ENS_KIND,
            version: stored.version,
            rows: fitted.labels.rows,
            positives: fitted.labels.positives,
            precisionAtCapacity: challenger.precisionAtCapacity,
            champion: champion?.version ?? null,
            championPrecisionAtCapacity: champion?.evaluation.precisionAtCapacity ?? null,
            promoted: activate,
            shuffledLabels: shuffled,
          },
        },
      ]);
      return this.#repo.row(tx, authority, stored.version);
    });
    return { version: row!.version, activated: activate, card };
  }

  /**
   * Capacity share per office of the evaluation window: its control capacity per day (when set)
   * against its traffic per day, which the weighted labelled rows estimate (each stands for
   * 1/probability consignments).
   */
  async #capacityShares(
    authority: string,
    rows: readonly LabelledConsignment[],
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (this.#d.capacity === undefined || rows.length === 0) {
      return out;
    }
    const days = Math.max(1, (rows[rows.length - 1]!.lodgedAt - rows[0]!.lodgedAt) / 86_400_000);
    const traffic = new Map<string, number>();
    for (const r of rows) {
      traffic.set(
        r.facts.office,
        (traffic.get(r.facts.office) ?? 0) + ipwWeight(r.propensity, this.#training.maxWeight),
      );
    }
    const db = this.#d.db.forAuthority(authority);
    for (const [office, weight] of traffic) {
      const perDay = await this.#d.capacity(db, authority, office);
      if (perDay !== undefined) {
        out.set(office, Math.min(1, perDay / Math.max(1e-9, weight / days)));
      }
    }
    return out;
  }

  // ---- activation, rollback ---------------------------------------------------------------------

  /** Makes a stored entry-summary model the champion by hand. */
  async activate(actor: Actor, version: number, reason = 'activated by hand'): Promise<ModelRow> {
    requirePermission(actor, 'model.write');
    const authority = actor.authority;
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(authority).transaction(async (tx) => {
      const row = await this.#repo.row(tx, authority, version);
      if (row?.kind !== ENS_KIND) {
        throw new VigilError('VIGIL_MODEL_NOT_FOUND', `${authority} has no entry-summary model v${version}`);
      }
      const previous = (await this.#repo.activeVersion(tx, authority, ENS_KIND)) ?? null;
      const active = (await this.#repo.activate(tx, authority, version, now))!;
      await this.#log(tx, actor, { version, previous, action: 'activated', reason, at: now });
      return active;
    });
  }

  /**
   * Goes back to the model that was champion before the current one (or to none, when the current
   * one was the first): one step, recorded. Throws VIGIL_MODEL_NOT_FOUND when no model is active.
   */
  async rollback(actor: Actor): Promise<{ from: number; to: number | null }> {
    requirePermission(actor, 'model.write');
    const authority = actor.authority;
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(authority).transaction(async (tx) => {
      const current = await this.#repo.activeVersion(tx, authority, ENS_KIND);
      if (current === undefined) {
        throw new VigilError(
          'VIGIL_MODEL_NOT_FOUND',
          `${authority} has no active entry-summary model to roll back`,
        );
      }
      const history = await this.#repo.activations(tx, authority, ENS_KIND, 200);
      // The latest change that made the current version active names the one it replaced.
      const made = history.find(
        (a) => a.version === current && a.action !== 'kept' && a.previous !== current,
      );
      const to = made?.previous ?? null;
      if (to === null) {
        await this.#repo.deactivate(tx, authority, ENS_KIND);
      } else {
        await this.#repo.activate(tx, authority, to, now);
      }
      await this.#log(tx, actor, {
        version: to,
        previous: current,
        action: 'rolled-back',
        reason: `rolled back from v${current} to ${to === null ? 'no model' : `v${to}`}`,
        at: now,
      });
      return { from: current, to };
    });
  }

  async #log(
    tx: Queryable,
    actor: Actor,
    a: Pick<ModelActivation, 'version' | 'previous' | 'action' | 'reason' | 'at'>,
  ): Promise<void> {
    const by = auditActor(actor);
    await this.#repo.recordActivation(tx, { authority: actor.authority, kind: ENS_KIND, actor: by, ...a });
    await this.#d.audit?.stage(tx, [
      {
        authority: actor.authority,
        actor: by,
        action: a.action === 'rolled-back' ? 'model.rolled-back' : 'model.activated',
        subject: `model/${a.version ?? a.previous ?? 0}`,
        at: a.at,
        details: { kind: ENS_KIND, version: a.version, previous: a.previous, reason: a.reason },
      },
    ]);
  }

  /** The history of the active entry-summary model, newest first. */
  async activations(actor: Actor): Promise<ModelActivation[]> {
    requirePermission(actor, 'model.read');
    return this.#repo.activations(this.#d.db.forAuthority(actor.authority), actor.authority, ENS_KIND);
  }

  /** One stored model with its card. */
  async card(actor: Actor, version: number): Promise<ModelRow> {
    requirePermission(actor, 'model.read');
    const row = await this.#repo.row(this.#d.db.forAuthority(actor.authority), actor.authority, version);
    if (row === undefined) {
      throw new VigilError('VIGIL_MODEL_NOT_FOUND', `${actor.authority} has no model v${version}`);
    }
    return row;
  }

  // ---- drift --------------------------------------------------------------------------------------

  /**
   * Score drift of the active entry-summary model: the population stability index of the scores it
   * gave consignments assessed in the last `days` days against the distribution its card expects.
   */
  async drift(actor: Actor | 'system', authority: string, days = 7): Promise<DriftReport> {
    if (actor !== 'system') {
      requirePermission(actor, 'model.read');
    }
    const db = this.#d.db.forAuthority(authority);
    const version = await this.#repo.activeVersion(db, authority, ENS_KIND);
    if (version === undefined) {
      throw new VigilError('VIGIL_MODEL_NOT_FOUND', `${authority} has no active entry-summary model`);
    }
    const row = await this.#repo.row(db, authority, version);
    const reference = (row?.card as EnsModelCard | null)?.scoreReference;
    const to = this.#d.clock.now();
    const from = new Date(to.getTime() - days * 86_400_000);
    // Up to and including now.
    const live = await this.#d.scores(
      db,
      authority,
      { kind: ENS_KIND, version },
      from,
      new Date(to.getTime() + 1),
    );
    const edges = reference?.edges ?? [];
    const expected = reference?.shares ?? [1];
    const actual = binShares(live, undefined, edges);
    const psi =
      live.length === 0 ? null : Math.round(populationStability(expected, actual) * 10_000) / 10_000;
    return {
      version,
      from: from.toISOString(),
      to: to.toISOString(),
      scored: live.length,
      psi,
      status:
        psi === null
          ? 'no-scores'
          : psi < 0.1
            ? 'stable'
            : psi < 0.25
              ? 'moderate-shift'
              : 'significant-shift',
      bins: expected.map((e, b) => ({
        upTo: b < edges.length ? r3(edges[b]!) : null,
        expected: Math.round(e * 10_000) / 10_000,
        actual: Math.round((actual[b] ?? 0) * 10_000) / 10_000,
      })),
    };
  }

  // ---- the schedule -------------------------------------------------------------------------------

  /**
   * One scheduled round for an authority: retrain when the latest entry-summary model is older than
   * the interval (so several processes running the schedule train once), then report drift. Returns
   * the training report, or undefined when nothing was due or there were too few labels.
   */
  async scheduledRound(authority: string): Promise<TrainingReport | undefined> {
    if (this.config.retrainHours <= 0) {
      return undefined;
    }
    const db = this.#d.db.forAuthority(authority);
    const latest = (await this.#repo.list(db, authority))
      .filter((m) => m.kind === ENS_KIND)
      .map((m) => new Date(m.createdAt).getTime())
      .reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    if (this.#d.clock.now().getTime() - latest < this.config.retrainHours * 3_600_000 * 0.9) {
      return undefined;
    }
    try {
      return await this.train('system', authority);
    } catch (err) {
      if (err instanceof VigilError && err.code === 'VIGIL_MODEL_TRAINING_DATA') {
        return undefined;
      }
      throw err;
    }
  }
}

/** The rows with their labels permuted (seeded Fisher–Yates): what a model learns from noise. */
function shuffleLabels(rows: readonly LabelledConsignment[], seed: number): LabelledConsignment[] {
  const labels = rows.map((r) => r.label);
  const next = mulberry32(seed ^ 0x51ff1e);
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  return rows.map((r, i) => ({ ...r, label: labels[i]! }));
}

export type { EnsFacts };
