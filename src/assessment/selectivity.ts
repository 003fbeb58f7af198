/**
 * Selectivity: turns an assessment (hits, signals, score, random draw) into what must happen.
 * For entry summary declarations the ICS2 outcomes: assessment complete, request for information,
 * high-risk cargo and mail screening (air cargo and mail, before loading), do not load (imminent
 * threat, before loading) or a control recommendation with its type and office. For import
 * declarations the lanes: green, yellow (documents), red (physical), blue (post-clearance audit),
 * within each office's capacity, with a minimum random rate and a cap on noisy rules. Pure.
 */
import type { RecommendedAction, RiskArea, RuleSeverity } from '../risk/index.ts';

/** What selectivity needs of a hit (a rule hit or a signal). */
export interface SelectivityHit {
  readonly source: 'rule' | 'signal' | 'watchlist' | 'model';
  readonly id: string;
  readonly riskArea: RiskArea;
  readonly weight: number;
  readonly severity: RuleSeverity;
  readonly recommendedAction: RecommendedAction;
  /** This rule hits so often that it may not select on its own (see `noisyRuleHitRate`). */
  readonly noisy?: boolean | undefined;
}

export type ControlType = 'documentary' | 'physical' | 'scan';

export type EntryOutcome =
  | { readonly kind: 'assessment-complete' }
  | { readonly kind: 'request-for-information'; readonly reason: string }
  | { readonly kind: 'high-risk-screening'; readonly reason: string }
  | { readonly kind: 'do-not-load'; readonly reason: string }
  | {
      readonly kind: 'control-recommended';
      readonly controlType: ControlType;
      readonly office: string;
      readonly random: boolean;
      readonly reason: string;
    };

export type Lane = 'green' | 'yellow' | 'red' | 'blue';

export interface SelectivityConfig {
  /** Score (0–100) from which a control is recommended without a rule asking for one. */
  readonly controlThreshold: number;
  /** Score from which air cargo and mail before loading go to high-risk screening. */
  readonly screeningThreshold: number;
  /** Share of otherwise unselected consignments controlled at random (0–1). */
  readonly randomRate: number;
  /** Lanes: the minimum share of declarations sent to a control at random. */
  readonly minRandomRate: number;
  /** Lanes: score from which a declaration goes red (yellow from half of it). */
  readonly redThreshold: number;
  /**
   * Lanes: share of declarations the model is unsure about (probability inside `explorationBand`)
   * sent to a documentary check to learn from, not because they look risky: a system that only
   * controls what it already suspects stops learning (docs/model.md, vigil simulate).
   */
  readonly explorationShare: number;
  readonly explorationBand: readonly [number, number];
}

export const DEFAULT_SELECTIVITY: SelectivityConfig = Object.freeze({
  controlThreshold: 60,
  screeningThreshold: 50,
  randomRate: 0.005,
  minRandomRate: 0.01,
  redThreshold: 60,
  explorationShare: 0.05,
  explorationBand: [0.3, 0.7] as const,
});

export interface EntryFacts {
  readonly mode: string;
  readonly officeOfFirstEntry: string;
  /** Goods not yet loaded: do-not-load and screening are only possible now. */
  readonly preLoading: boolean;
  readonly score: number;
  /** Uniform [0, 1) from the recorded random source. */
  readonly randomDraw: number;
}

const AIR_CARGO_AND_MAIL: ReadonlySet<string> = new Set(['air', 'postal', 'express']);
const CONTROL_STRENGTH: Readonly<Record<ControlType, number>> = { documentary: 1, scan: 2, physical: 3 };

function strongest(types: readonly ControlType[]): ControlType | undefined {
  return types.reduce<ControlType | undefined>(
    (best, t) => (best === undefined || CONTROL_STRENGTH[t] > CONTROL_STRENGTH[best] ? t : best),
    undefined,
  );
}

function controlTypeOf(action: RecommendedAction): ControlType | undefined {
  switch (action) {
    case 'documentary-check':
      return 'documentary';
    case 'physical-check':
      return 'physical';
    case 'scan':
      return 'scan';
    case 'none':
    case 'request-for-information':
    case 'high-risk-screening':
    case 'do-not-load':
    case 'post-clearance-audit':
      return undefined;
  }
}

const describe = (hits: readonly SelectivityHit[]): string => hits.map((h) => h.id).join(', ');

/** The ICS2 outcome for one consignment of an entry summary declaration. */
export function entryOutcome(
  facts: EntryFacts,
  hits: readonly SelectivityHit[],
  config: SelectivityConfig = DEFAULT_SELECTIVITY,
): EntryOutcome {
  // A noisy rule alone never selects: it counts only next to another, non-noisy hit.
  const selecting = hits.some((h) => h.noisy !== true) ? hits : [];

  const dnl = selecting.filter((h) => h.recommendedAction === 'do-not-load' && h.severity === 'critical');
  if (dnl.length > 0) {
    if (facts.preLoading) {
      return { kind: 'do-not-load', reason: `imminent threat: ${describe(dnl)}` };
    }
    // Already loaded: the threat is met at the border instead.
    return {
      kind: 'control-recommended',
      controlType: 'physical',
      office: facts.officeOfFirstEntry,
      random: false,
      reason: `imminent threat found after loading: ${describe(dnl)}`,
    };
  }

  if (AIR_CARGO_AND_MAIL.has(facts.mode) && facts.preLoading) {
    const hrcm = selecting.filter(
      (h) =>
        h.recommendedAction === 'high-risk-screening' ||
        (h.riskArea === 'security-safety' && facts.score >= config.screeningThreshold),
    );
    if (hrcm.length > 0) {
      return { kind: 'high-risk-screening', reason: `screen as high-risk cargo and mail: ${describe(hrcm)}` };
    }
  }

  const rfi = selecting.filter((h) => h.recommendedAction === 'request-for-information');
  const controls = selecting.flatMap((h) => {
    const t = controlTypeOf(h.recommendedAction);
    return t === undefined ? [] : [t];
  });
  if (controls.length > 0 || facts.score >= config.controlThreshold) {
    const type = strongest(controls) ?? 'documentary';
    const why = selecting.filter((h) => controlTypeOf(h.recommendedAction) !== undefined);
    return {
      kind: 'control-recommended',
      controlType: type,
      office: facts.officeOfFirstEntry,
      random: false,
      reason:
        why.length > 0
          ? `control asked for by ${describe(why)}`
          : `risk score ${facts.score.toFixed(0)} ≥ ${config.controlThreshold}`,
    };
  }
  if (rfi.length > 0) {
    return { kind: 'request-for-information', reason: `more information needed: ${describe(rfi)}` };
  }
  if (facts.randomDraw < config.randomRate) {
    return {
      kind: 'control-recommended',
      controlType: facts.randomDraw < config.randomRate / 2 ? 'physical' : 'documentary',
      office: facts.officeOfFirstEntry,
      random: true,
      reason: 'selected at random',
    };
  }
  return { kind: 'assessment-complete' };
}

/** How many controls an office can still take today, by lane. */
export interface OfficeCapacity {
  readonly red: number;
  readonly yellow: number;
}

export interface LaneDecision {
  readonly lane: Lane;
  readonly random: boolean;
  /** Chosen to learn from (the model was unsure), not for its risk. */
  readonly exploration?: boolean | undefined;
  readonly reason: string;
  /** The lane the risk asked for before capacity was applied. */
  readonly wanted: Lane;
}

/** What the model said, for exploration: its probability and a second recorded draw. */
export interface ExplorationInput {
  readonly probability: number;
  readonly draw: number;
}

/** The lane for one import declaration, given the office's remaining capacity. */
export function laneFor(
  score: number,
  hits: readonly SelectivityHit[],
  randomDraw: number,
  capacity: OfficeCapacity,
  config: SelectivityConfig = DEFAULT_SELECTIVITY,
  exploration?: ExplorationInput,
): LaneDecision {
  const selecting = hits.some((h) => h.noisy !== true) ? hits : [];
  const actions = new Set(selecting.map((h) => h.recommendedAction));
  let wanted: Lane = 'green';
  let reason = 'no risk above the thresholds';
  const random = false;
  if (
    actions.has('physical-check') ||
    actions.has('scan') ||
    actions.has('do-not-load') ||
    score >= config.redThreshold
  ) {
    wanted = 'red';
    reason = `physical control: score ${score.toFixed(0)}${selecting.length > 0 ? `, ${describe(selecting)}` : ''}`;
  } else if (
    actions.has('documentary-check') ||
    actions.has('request-for-information') ||
    score >= config.redThreshold / 2
  ) {
    wanted = 'yellow';
    reason = `documentary control: score ${score.toFixed(0)}${selecting.length > 0 ? `, ${describe(selecting)}` : ''}`;
  } else if (actions.has('post-clearance-audit')) {
    wanted = 'blue';
    reason = `post-clearance audit: ${describe(selecting)}`;
  } else if (randomDraw < config.minRandomRate) {
    // The random share is kept whatever the capacity: it is what measures the unselected traffic.
    return {
      lane: randomDraw < config.minRandomRate / 2 ? 'red' : 'yellow',
      wanted: 'red',
      random: true,
      reason: 'selected at random',
    };
  } else if (
    exploration !== undefined &&
    exploration.probability >= config.explorationBand[0] &&
    exploration.probability <= config.explorationBand[1] &&
    exploration.draw < config.explorationShare &&
    capacity.yellow > 0
  ) {
    return {
      lane: 'yellow',
      wanted: 'yellow',
      random: false,
      exploration: true,
      reason: `selected to learn from: the model is unsure (probability ${exploration.probability.toFixed(2)})`,
    };
  }
  if (wanted === 'red' && capacity.red <= 0) {
    return capacity.yellow > 0
      ? {
          lane: 'yellow',
          wanted,
          random,
          reason: `${reason}; physical capacity of the office used up, documents checked instead`,
        }
      : {
          lane: 'blue',
          wanted,
          random,
          reason: `${reason}; office capacity used up, referred to post-clearance audit`,
        };
  }
  if (wanted === 'yellow' && capacity.yellow <= 0) {
    return {
      lane: 'blue',
      wanted,
      random,
      reason: `${reason}; documentary capacity used up, referred to post-clearance audit`,
    };
  }
  return { lane: wanted, wanted, random, reason };
}
