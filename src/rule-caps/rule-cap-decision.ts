/**
 * Whether one rule version is noisy, from recorded facts: its control selections at each office
 * against the office's daily capacity (red + yellow), and the yield of its controls. Pure: the
 * service reads the figures and records the cap.
 */
import type { RuleCapSettings } from '../config/index.ts';

export type RuleCapReason = 'capacity' | 'low-yield';

/** What one rule version did since it was last judged (the window, or its creation, or a lift). */
export interface RuleCapFacts {
  readonly from: Date;
  readonly to: Date;
  /** Selections for control (ENS control tasks, red or yellow import lanes) by office. */
  readonly selectedByOffice: ReadonlyMap<string, number>;
  /** Controls of its selections with a result, and how many found an irregularity or made a seizure. */
  readonly controls: number;
  readonly positives: number;
}

/** The figures a cap was decided on, kept with it. */
export interface RuleCapFigures {
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly capacityShare: number;
  readonly yieldThreshold: number;
  readonly minControls: number;
  /** The office whose capacity the rule took most of (capacity caps). */
  readonly office?: string | undefined;
  readonly selectedPerDay?: number | undefined;
  readonly capacityPerDay?: number | undefined;
  readonly selected: number;
  readonly controls: number;
  readonly positives: number;
  /** positives ÷ controls; null without controls. */
  readonly yield: number | null;
}

export type RuleCapDecision =
  | { readonly capped: false; readonly figures: RuleCapFigures }
  | {
      readonly capped: true;
      readonly reason: RuleCapReason;
      readonly figures: RuleCapFigures;
      /** One sentence for officers and the rule's author. */
      readonly explanation: string;
    };

const DAY_MS = 86_400_000;
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
const pct = (n: number): string => `${round(n * 100, 1)}%`;

/**
 * Capped for capacity when, at some office with a capacity set (above 0), its selections per day
 * (over the days judged, at least one) exceed `capacityShare` of that capacity; for low yield when
 * at least `minControls` of its selections were controlled and under `yieldThreshold` of them found
 * something. Capacity is judged first: a rule that floods an office is capped whatever it finds.
 */
export function decideRuleCap(
  facts: RuleCapFacts,
  capacityPerDay: ReadonlyMap<string, number>,
  settings: Pick<RuleCapSettings, 'capacityShare' | 'yieldThreshold' | 'minControls'>,
): RuleCapDecision {
  const days = Math.max(1, (facts.to.getTime() - facts.from.getTime()) / DAY_MS);
  const selected = [...facts.selectedByOffice.values()].reduce((a, b) => a + b, 0);
  const yieldRate = facts.controls > 0 ? facts.positives / facts.controls : null;
  const base = {
    from: facts.from.toISOString(),
    to: facts.to.toISOString(),
    days: round(days),
    capacityShare: settings.capacityShare,
    yieldThreshold: settings.yieldThreshold,
    minControls: settings.minControls,
    selected,
    controls: facts.controls,
    positives: facts.positives,
    yield: yieldRate === null ? null : round(yieldRate, 4),
  };
  // The office where the rule takes the largest share of the capacity.
  let worst: { office: string; perDay: number; capacity: number; share: number } | undefined;
  for (const [office, n] of [...facts.selectedByOffice].sort(([a], [b]) => a.localeCompare(b))) {
    const capacity = capacityPerDay.get(office);
    if (capacity === undefined || capacity <= 0) {
      continue;
    }
    const perDay = n / days;
    const share = perDay / capacity;
    if (worst === undefined || share > worst.share) {
      worst = { office, perDay, capacity, share };
    }
  }
  if (worst !== undefined && worst.share > settings.capacityShare) {
    return {
      capped: true,
      reason: 'capacity',
      figures: {
        ...base,
        office: worst.office,
        selectedPerDay: round(worst.perDay),
        capacityPerDay: worst.capacity,
      },
      explanation:
        `capped as noisy: it selected ${round(worst.perDay)} a day for control at office ${worst.office}, ` +
        `${pct(worst.share)} of its capacity of ${worst.capacity} a day (at most ${pct(settings.capacityShare)}); ` +
        'alone it no longer selects',
    };
  }
  if (yieldRate !== null && facts.controls >= settings.minControls && yieldRate < settings.yieldThreshold) {
    return {
      capped: true,
      reason: 'low-yield',
      figures: base,
      explanation:
        `capped as noisy: ${facts.positives} of its ${facts.controls} controls found an irregularity or made a seizure ` +
        `(yield ${pct(yieldRate)}, under ${pct(settings.yieldThreshold)}); alone it no longer selects`,
    };
  }
  return { capped: false, figures: base };
}
