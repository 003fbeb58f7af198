/**
 * The decision of an assessment, pure: one consignment of a filing, the authority's risk context
 * (compiled rules, watchlists, unit-value statistics, random seed) and the profiles of the operators
 * it names give the score, every hit with its explanation and the ICS2 outcome. No I/O: the service
 * reads the inputs and stores the result, so the same inputs and rule versions give the same record.
 */
import type { AeoCover, AeoGrant, Consignment, Filing, Transport } from '../domain/index.ts';
import {
  coversArea,
  dayOf,
  drawFor,
  grantsInForce,
  operatorKey,
  ratesOn,
  segmentOfCovers,
} from '../domain/index.ts';
import { assess } from '../risk/index.ts';
import type { BrandScreen, GoodsNomenclature, RuleHit, WatchlistHitMatch } from '../risk/index.ts';
import { grantsOf, profileLookup } from '../operators/index.ts';
import type { KnownOperators } from '../operators/index.ts';
import type { AssessmentRecord, Conversion } from './assessment.repository.ts';
import { entryOutcome } from './entry-outcome.ts';
import type { EntryOutcomeConfig, SelectivityHit } from './entry-outcome.ts';
import type { RiskContext } from './risk-context.ts';
import { consignmentSignals } from './signals.ts';
import { entryTimingOf } from './entry-timing.ts';
import type { SignalHit } from './signals.ts';

/** One line of the explanation: a rule, a signal or the model, with what triggered it. */
export interface ExplainedHit {
  readonly source: 'rule' | 'signal' | 'model';
  readonly id: string;
  readonly version?: number | undefined;
  readonly title: string;
  readonly riskArea: string;
  readonly weight: number;
  /** Weight after the operator's profile (AEO, compliance) was applied. */
  readonly effectiveWeight: number;
  readonly severity: string;
  readonly recommendedAction: string;
  readonly reason: string;
  readonly values: Readonly<Record<string, unknown>>;
  /**
   * The watchlist lookups that made a rule hit, each naming the list, the listed entity (id and main
   * name), the name of it that matched and the score: an analyst tells a one-word match from a
   * full-name one, and which of several namesakes it was.
   */
  readonly watchlistMatches?: readonly WatchlistHitMatch[] | undefined;
  /** The AEO status that lowered the weight (absent when none did). */
  readonly aeo?: AeoModifier | undefined;
  /** The rule version is capped as noisy: alone, this hit does not select (nor count in the score). */
  readonly noisy?: boolean | undefined;
  /** Why it is capped, for officers (never shown to the filer). */
  readonly capped?: string | undefined;
}

/** The watchlist matches among a hit's triggers (none: the key is left out). */
function watchlistMatchesOf(h: RuleHit): { watchlistMatches?: readonly WatchlistHitMatch[] } {
  const matches = h.triggers.flatMap((t) => (t.match !== undefined ? [t.match] : []));
  return matches.length > 0 ? { watchlistMatches: matches } : {};
}

/** A rule hit of a version capped as noisy (rule-caps feature): marked, with why. */
function cappedOf(ctx: RiskContext, h: RuleHit): { noisy?: true; capped?: string } {
  const cap = ctx.caps?.get(h.ruleId);
  return cap !== undefined && cap.version === h.version ? { noisy: true, capped: cap.explanation } : {};
}

/** Which authorisation, of which party, lowered a hit's weight, and by how much. */
export interface AeoModifier {
  readonly party: 'consignee' | 'consignor';
  readonly eori: string;
  /** `aeo`: the party's own authorisation; `mra`: its programme recognised under an agreement. */
  readonly kind: 'aeo' | 'mra';
  /** The authorisation number, or the partner programme's operator identifier. */
  readonly reference: string;
  readonly type: string;
  readonly agreement?: string | undefined;
  readonly programme?: string | undefined;
  readonly factor: number;
}

/** A hit in an area an AEO status in force covers weighs this much of its weight. */
export const AEO_FACTOR = 0.5;

/**
 * The AEO statuses that may lower this consignment's hits, strongest first, in force on `day`: the
 * consignee's (its own authorisation or its programme's recognition: both the financial and the
 * security areas they cover) and the consignor's for security and safety only (the exporter's status
 * vouches for the supply chain it loads, not for the importer's duties). Suspended or revoked
 * authorisations, and agreements that do not cover imports, give nothing.
 */
function aeoModifiers(
  c: Consignment,
  known: KnownOperators,
  day: string,
): { party: 'consignee' | 'consignor'; eori: string; grant: AeoGrant; covers: readonly AeoCover[] }[] {
  const out: {
    party: 'consignee' | 'consignor';
    eori: string;
    grant: AeoGrant;
    covers: readonly AeoCover[];
  }[] = [];
  for (const party of ['consignee', 'consignor'] as const) {
    const p = c[party];
    if (p?.eori === undefined) {
      continue;
    }
    for (const grant of grantsInForce(grantsOf(known, p), day, 'import')) {
      const covers = party === 'consignee' ? grant.covers : grant.covers.filter((x) => x === 'security');
      if (covers.length > 0) {
        out.push({ party, eori: p.eori, grant, covers });
      }
    }
  }
  return out;
}

/** The weight factor of a hit of `riskArea` and the status that gave it, if one covers the area. */
function aeoFactor(
  modifiers: ReturnType<typeof aeoModifiers>,
  riskArea: string,
): { factor: number; aeo?: AeoModifier } {
  const m = modifiers.find((x) => coversArea(x.covers, riskArea));
  if (m === undefined) {
    return { factor: 1 };
  }
  return {
    factor: AEO_FACTOR,
    aeo: {
      party: m.party,
      eori: m.eori,
      kind: m.grant.kind,
      reference: m.grant.reference,
      type: m.grant.type,
      ...(m.grant.agreement !== undefined ? { agreement: m.grant.agreement } : {}),
      ...(m.grant.programme !== undefined ? { programme: m.grant.programme } : {}),
      factor: AEO_FACTOR,
    },
  };
}

/** Independent evidence combines like probabilities: 1 − Π(1 − w/100), on 0–100. */
export function combineScore(weights: readonly number[]): number {
  let miss = 1;
  for (const w of weights) {
    miss *= 1 - Math.min(100, Math.max(0, w)) / 100;
  }
  return Number((100 * (1 - miss)).toFixed(2));
}

/** The reference rates the consignment's declared values were converted with, for its explanation. */
function conversionOf(
  goods: Filing['consignments'][number]['goods'],
  now: Date,
): { conversion?: Conversion } {
  const currencies = [...new Set(goods.flatMap((g) => (g.value !== undefined ? [g.value.currency] : [])))];
  if (currencies.length === 0) {
    return {};
  }
  const rates = ratesOn(now);
  return {
    conversion: {
      ratesFrom: rates.from,
      perEur: Object.fromEntries(
        currencies.flatMap((c) => (c in rates.perEur ? [[c, rates.perEur[c]!]] : [])),
      ),
    },
  };
}

/** A hit of the explanation as selectivity weighs it: with the weight after the operator's profile. */
export function toSelectivityHit(h: ExplainedHit): SelectivityHit {
  return {
    source: h.source,
    id: h.id,
    riskArea: h.riskArea as SelectivityHit['riskArea'],
    weight: h.effectiveWeight,
    severity: h.severity as SelectivityHit['severity'],
    recommendedAction: h.recommendedAction as SelectivityHit['recommendedAction'],
    reason: h.reason,
    ...(h.noisy === true ? { noisy: true } : {}),
  };
}

/** A signal whose values are structured (lists of matches), as the IPR screen explains its hits. */

/**
 * The authority's IPR applications for action (IPR feature): the protected brands rules find with
 * `ipr.brands`, and the built-in SIG-IPR-BRAND hit of a consignment on the filing's day.
 */
export interface IprScreening extends BrandScreen {
  hits(filing: Filing, seq: number, day: string): readonly SignalHit[];
}

/** A feature that pushed the model's score up, in words. */
export interface ModelFeature {
  readonly feature: string;
  readonly label: string;
  readonly value: number | null;
  /** Log-odds it added. */
  readonly logOdds: number;
}

/**
 * The learned model's opinion of one consignment, as the assessment records and explains it (the
 * assessment's `model`). Its points join the score as a hit (`MODEL-ENS`) when they reach the
 * configured floor; below it they are shown and do not count.
 */
export interface ModelVerdict {
  readonly kind: string;
  readonly version: number;
  /** Probability that a control of this consignment finds an irregularity or makes a seizure. */
  readonly probability: number;
  /** The model's weight in the decision (0–1, configured). */
  readonly weight: number;
  /** Points on the 0–100 score: weight × probability × 100. */
  readonly points: number;
  /** The points count (reach the floor): the verdict is a hit. */
  readonly counted: boolean;
  readonly riskArea: string;
  readonly top: readonly ModelFeature[];
  /** One sentence for officers: the probability and the top features. */
  readonly reason: string;
}

/**
 * The port through which an active learned model scores entry-summary consignments (the models
 * feature supplies it; nothing is scored while no model is active).
 */
export interface ConsignmentModel {
  judge(filing: Filing, seq: number, ops: KnownOperators, lodgedAt: Date): ModelVerdict;
}

/** The id of the model's hit in an explanation. */
export const MODEL_HIT_ID = 'MODEL-ENS';

function modelHit(v: ModelVerdict): ExplainedHit {
  return {
    source: 'model',
    id: MODEL_HIT_ID,
    version: v.version,
    title: 'Learned model: a control is likely to find something',
    riskArea: v.riskArea,
    weight: v.points,
    // The model learned from the operators' own results: an AEO status is no reason to discount it.
    effectiveWeight: v.points,
    severity: v.points >= 60 ? 'high' : v.points >= 30 ? 'medium' : 'low',
    recommendedAction: 'none',
    reason: v.reason,
    values: {
      probability: v.probability,
      ...Object.fromEntries(v.top.map((f) => [f.label, f.value])),
    },
  };
}

/** What one consignment's assessment is decided from. */
export interface ConsignmentInput {
  /** The registered filing: its authority, MRN and version identify the assessment. */
  readonly row: { readonly authority: string; readonly mrn: string; readonly version: number };
  readonly filing: Filing;
  readonly seq: number;
  readonly now: Date;
  readonly ctx: RiskContext;
  /** The operators the filing names: traffic profiles and AEO statuses. */
  readonly ops: KnownOperators;
  /** The date of the filing version assessed, at which AEO statuses are taken (default: `now`). */
  readonly filedAt?: Date | undefined;
  /**
   * Hits on the certificates the goods cite or need (certificates feature), never lowered by an AEO
   * status: an authorisation does not stand in for a licence.
   */
  readonly certificateHits?: readonly SignalHit[] | undefined;
  /**
   * Hits of signals learned from control results (result-signals feature), never lowered by an AEO
   * status either: a seizure found outweighs an authorisation.
   */
  readonly resultHits?: readonly SignalHit[] | undefined;
  /** The authority's IPR applications (none kept: undefined, and nothing is looked for). */
  readonly ipr?: IprScreening | undefined;
  readonly outcomes: EntryOutcomeConfig;
  /** The linked master's transport, for a house part without its own (entry timing). */
  readonly masterTransport?: Transport | undefined;
  /** The goods nomenclature for rules' `hs.description`. */
  readonly nomenclature?: GoodsNomenclature | undefined;
  /** The authority's active entry-summary model (none: nothing is scored). */
  readonly model?: ConsignmentModel | undefined;
  /** When the filing was lodged (the model's timing features); default `filedAt`. */
  readonly lodgedAt?: Date | undefined;
}

/** What the hits of one consignment are decided from (an ENS's, or an import declaration's read as one). */
export type ExplainInput = Pick<
  ConsignmentInput,
  | 'filing'
  | 'seq'
  | 'now'
  | 'ctx'
  | 'ops'
  | 'filedAt'
  | 'certificateHits'
  | 'resultHits'
  | 'nomenclature'
  | 'ipr'
  | 'model'
  | 'lodgedAt'
> & { readonly row: { readonly authority: string } };

/**
 * The explained hits of one consignment and their combined score: rules and watchlists, signals,
 * certificate and result hits, weighed by the parties' AEO status and compliance record.
 */
export function explainConsignment(input: ExplainInput): {
  hits: ExplainedHit[];
  score: number;
  errors: AssessmentRecord['errors'];
  /** The AEO segment the statuses in force credit, whether or not a hit was lowered by them. */
  operatorSegment: AssessmentRecord['operatorSegment'];
  /** The learned model's opinion, when a model is active. */
  model: ModelVerdict | undefined;
} {
  const { row, filing, seq, now, ctx, ops, nomenclature } = input;
  const c = filing.consignments[seq]!;
  const at = now.toISOString();
  const profile = profileLookup(ops);
  const filedDay = dayOf(input.filedAt ?? now);
  const ipr = input.ipr;
  // Applications apply to a filing on its day, for rules as for the built-in signal.
  const brands: BrandScreen | undefined =
    ipr === undefined ? undefined : { brands: (d, code) => ipr.brands(d, code, filedDay) };
  const ruled = assess(
    { filing, consignmentIndex: seq, at, authority: row.authority, profiles: profile, nomenclature, brands },
    ctx.ruleSet,
    ctx.watchlists,
  );
  const signals = consignmentSignals(filing, c, {
    now,
    unitValueStats: (hs6, origin) => ctx.stats.get(`${hs6}/${origin}`),
    operator: (key) => {
      const o = ops.profiles.get(key);
      return o === undefined
        ? undefined
        : { firstSeen: new Date(o.first_seen), lastSeen: new Date(o.last_seen), filings: o.filings };
    },
  });
  const consignee = c.consignee === undefined ? undefined : ops.profiles.get(operatorKey(c.consignee));
  const modifiers = aeoModifiers(c, ops, filedDay);
  const weighed = (weight: number, riskArea: string): { effectiveWeight: number; aeo?: AeoModifier } => {
    const f = aeoFactor(modifiers, riskArea);
    return { effectiveWeight: weight * f.factor, ...(f.aeo !== undefined ? { aeo: f.aeo } : {}) };
  };
  const hits: ExplainedHit[] = [
    ...ruled.hits.map((h: RuleHit) => ({
      source: 'rule' as const,
      id: h.ruleId,
      version: h.version,
      title: h.title,
      riskArea: h.riskArea,
      weight: h.weight,
      severity: h.severity,
      recommendedAction: h.recommendedAction,
      reason: h.reason,
      values: Object.fromEntries(h.triggers.map((t) => [t.label, t.value])),
      ...watchlistMatchesOf(h),
      ...weighed(h.weight, h.riskArea),
      ...cappedOf(ctx, h),
    })),
    ...[...signals, ...(ipr?.hits(filing, seq, filedDay) ?? [])].map((s: SignalHit) => ({
      source: 'signal' as const,
      id: s.id,
      title: s.title,
      riskArea: s.riskArea,
      weight: s.weight,
      severity: s.severity,
      recommendedAction: s.recommendedAction,
      reason: s.reason,
      values: s.values,
      ...weighed(s.weight, s.riskArea),
    })),
    ...[...(input.certificateHits ?? []), ...(input.resultHits ?? [])].map((s: SignalHit) => ({
      source: 'signal' as const,
      id: s.id,
      title: s.title,
      riskArea: s.riskArea,
      weight: s.weight,
      effectiveWeight: s.weight,
      severity: s.severity,
      recommendedAction: s.recommendedAction,
      reason: s.reason,
      values: s.values,
    })),
  ];
  // Compliance history: an operator often found irregular weighs more; a clean record, less.
  if (consignee !== undefined && consignee.controls >= 3) {
    const rate = (consignee.irregularities + consignee.seizures) / consignee.controls;
    if (rate >= 0.25) {
      hits.push({
        source: 'signal',
        id: 'SIG-COMPLIANCE',
        title: 'Consignee often found irregular',
        riskArea: 'undervaluation',
        weight: Math.round(50 * rate),
        effectiveWeight: Math.round(50 * rate),
        severity: rate >= 0.5 ? 'high' : 'medium',
        recommendedAction: 'documentary-check',
        reason: `${consignee.irregularities + consignee.seizures} of ${consignee.controls} controls of this consignee found an irregularity`,
        values: {
          controls: consignee.controls,
          irregularities: consignee.irregularities,
          seizures: consignee.seizures,
        },
      });
    }
  }
  const model = input.model?.judge(filing, seq, ops, input.lodgedAt ?? input.filedAt ?? now);
  if (model?.counted === true) {
    hits.push(modelHit(model));
  }
  // A noisy (capped) rule alone never selects, so alone it adds nothing to the score either.
  const counted = hits.some((h) => h.noisy !== true) ? hits : [];
  return {
    hits,
    score: combineScore(counted.map((h) => h.effectiveWeight)),
    errors: ruled.errors,
    operatorSegment: segmentOfCovers(modifiers.flatMap((m) => m.covers)),
    model,
  };
}

/** Assesses one consignment: rules, signals, operator profile and the recorded random draw. */
export function assessConsignment(input: ConsignmentInput): AssessmentRecord {
  const { row, filing, seq, now, ctx, outcomes, masterTransport } = input;
  const c = filing.consignments[seq]!;
  const { hits, score, errors, operatorSegment, model } = explainConsignment(input);
  // Keyed on the consignment, not the version: an amendment must not draw again (a filer could
  // amend until a random selection goes away).
  const random = drawFor(ctx.seed, row.mrn, 1, seq);
  const selecting = hits.map(toSelectivityHit);
  const outcome = entryOutcome(
    {
      ...entryTimingOf(filing, now, masterTransport),
      score,
      randomDraw: random.draw,
    },
    selecting,
    outcomes,
  );
  return {
    authority: row.authority,
    mrn: row.mrn,
    version: row.version,
    seq,
    score,
    outcomeKind: outcome.kind,
    outcome,
    hits,
    errors,
    random,
    model,
    // The statuses credited here, whether or not a hit was lowered by them: the trusted-trader
    // indicators compare AEO with other traffic, hits or not.
    operatorSegment,
    ...conversionOf(c.goods, now),
    assessedAt: now,
  };
}
