/**
 * ENS outcomes: turns an assessment (hits, signals, score, random draw) into what must happen to one
 * consignment of an entry summary declaration, as ICS2 has it: assessment complete, request for
 * information, high-risk cargo and mail screening (air cargo and mail, before loading), do not load
 * (imminent threat, before loading) or a control recommendation with its type and office; and what
 * of that the filer may see. Pure. (Import declarations get lanes instead: import-declarations/lanes.ts.)
 */
import { controlTypeOf } from '../domain/index.ts';
import type { ControlType, SelectivityHit } from '../domain/index.ts';

export type { ControlType, SelectivityHit } from '../domain/index.ts';

export type EntryOutcome =
  | { readonly kind: 'assessment-complete' }
  | {
      readonly kind: 'request-for-information';
      readonly reason: string;
      /** What customs ask the filer, from the reasons of the rules that asked for information. */
      readonly questions?: readonly string[] | undefined;
      /** The filer's latest answer; customs (an analyst) decide what follows. */
      readonly answer?: RfiAnswer | undefined;
    }
  | { readonly kind: 'high-risk-screening'; readonly reason: string }
  | { readonly kind: 'do-not-load'; readonly reason: string }
  | {
      readonly kind: 'control-recommended';
      readonly controlType: ControlType;
      readonly office: string;
      readonly random: boolean;
      readonly reason: string;
    };

/** A filer's answer to a request for information, kept on the outcome until customs decide. */
export interface RfiAnswer {
  readonly text: string;
  readonly at: string;
  readonly by: string;
}

export interface EntryOutcomeConfig {
  /** Score (0–100) from which a control is recommended without a rule asking for one. */
  readonly controlThreshold: number;
  /** Score from which air cargo and mail before loading go to high-risk screening. */
  readonly screeningThreshold: number;
  /** Share of otherwise unselected consignments controlled at random (0–1). */
  readonly randomRate: number;
}

export const DEFAULT_ENTRY_OUTCOME: EntryOutcomeConfig = Object.freeze({
  controlThreshold: 60,
  screeningThreshold: 50,
  randomRate: 0.005,
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

const describe = (hits: readonly SelectivityHit[]): string => hits.map((h) => h.id).join(', ');

/** The ICS2 outcome for one consignment of an entry summary declaration. */
export function entryOutcome(
  facts: EntryFacts,
  hits: readonly SelectivityHit[],
  config: EntryOutcomeConfig = DEFAULT_ENTRY_OUTCOME,
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
    return {
      kind: 'request-for-information',
      reason: `more information needed: ${describe(rfi)}`,
      questions: [...new Set(rfi.flatMap((h) => (h.reason !== undefined ? [h.reason] : [])))],
    };
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

/** What the filer is told of an outcome. */
export interface FilerOutcomeView {
  readonly kind: string;
  readonly message?: string;
  /** For a request for information: what customs ask. */
  readonly questions?: readonly string[];
  /** For a request for information already answered: the answer customs have. */
  readonly answer?: RfiAnswer;
}

/**
 * What the filer sees of consignment `seq` of filing `mrn`: a control recommendation is for the office
 * and is not disclosed (no tipping-off); a request for information says what is asked and where to
 * answer, and once answered, that customs are deciding.
 */
export function filerView(outcome: EntryOutcome, mrn: string, seq: number): FilerOutcomeView {
  switch (outcome.kind) {
    case 'assessment-complete':
    case 'control-recommended':
      return { kind: 'assessment-complete' };
    case 'request-for-information': {
      const questions = outcome.questions ?? [];
      const asked = questions.length > 0 ? `: ${questions.join(' ')}` : '.';
      const where = `POST /v1/filings/${mrn}/rfi-response with {"consignment": ${seq}, "answer": "…"}`;
      return outcome.answer === undefined
        ? {
            kind: 'request-for-information',
            message: `customs need more information about consignment ${seq}${asked} Answer with ${where}.`,
            questions,
          }
        : {
            kind: 'request-for-information',
            message: `your answer of ${outcome.answer.at} was received; customs are deciding. You may add to it with ${where}.`,
            questions,
            answer: outcome.answer,
          };
    }
    case 'high-risk-screening':
      return {
        kind: 'high-risk-screening',
        message: 'screen this consignment as high-risk cargo and mail before loading',
      };
    case 'do-not-load':
      return { kind: 'do-not-load', message: 'do not load this consignment' };
  }
}
