/**
 * Lanes for import declarations (ASYCUDA style): green (release), yellow (documents), red (physical),
 * blue (post-clearance audit), within each office's capacity, with a minimum random rate, a cap on
 * noisy rules and a share explored where the model is unsure. Pure.
 */
import type { SelectivityHit } from '../domain/index.ts';

export type Lane = 'green' | 'yellow' | 'red' | 'blue';

export interface LaneConfig {
  /** The minimum share of declarations sent to a control at random. */
  readonly minRandomRate: number;
  /** Score from which a declaration goes red (yellow from half of it). */
  readonly redThreshold: number;
  /**
   * Share of declarations the model is unsure about (probability inside `explorationBand`)
   * sent to a documentary check to learn from, not because they look risky: a system that only
   * controls what it already suspects stops learning (docs/model.md, vigil simulate).
   * The replay (src/kcs/kcs-simulate.ts) spends its exploration by upper confidence bound: the
   * band stands for the bonus c·sqrt(p(1−p)/(n+1)), largest near p = 0.5, without n (the
   * controlled declarations of the same goods × origin), which the lane does not know yet.
   */
  readonly explorationShare: number;
  readonly explorationBand: readonly [number, number];
}

export const DEFAULT_LANES: LaneConfig = Object.freeze({
  minRandomRate: 0.01,
  redThreshold: 60,
  explorationShare: 0.05,
  explorationBand: [0.3, 0.7] as const,
});

const describe = (hits: readonly SelectivityHit[]): string => hits.map((h) => h.id).join(', ');

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
  config: LaneConfig = DEFAULT_LANES,
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
