/**
 * The words of risk management every feature shares: risk areas (DESIGN §4), how severe a hit is,
 * what an analyst recommends on a hit, the kinds of control, and the hit as selectivity sees it.
 */

export const RISK_AREAS = [
  'security-safety',
  'undervaluation',
  'misclassification',
  'origin',
  'anti-dumping',
  'quota',
  'suspension',
  'procedure-42',
  'ipr',
  'product-safety',
  'health',
  'environment',
  'drug-precursors',
  'cultural-goods',
  'cash',
  'sanctions',
] as const;
export type RiskArea = (typeof RISK_AREAS)[number];

export const RULE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

/** What the analyst recommends on a hit; selectivity turns it into an outcome. */
export const RECOMMENDED_ACTIONS = [
  'none',
  'documentary-check',
  'physical-check',
  'scan',
  'request-for-information',
  'high-risk-screening',
  'do-not-load',
  'post-clearance-audit',
] as const;
export type RecommendedAction = (typeof RECOMMENDED_ACTIONS)[number];

/** The kinds of control an office carries out (what a task asks for; what an analyst refers to). */
export const CONTROL_TYPES = ['documentary', 'physical', 'scan'] as const;
export type ControlType = (typeof CONTROL_TYPES)[number];

/** The control a recommended action asks for, if it asks for one. */
export function controlTypeOf(action: RecommendedAction): ControlType | undefined {
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

/** What selectivity (ENS outcomes, import lanes) needs of a hit: a rule hit, a signal or the model. */
export interface SelectivityHit {
  readonly source: 'rule' | 'signal' | 'watchlist' | 'model';
  readonly id: string;
  readonly riskArea: RiskArea;
  readonly weight: number;
  readonly severity: RuleSeverity;
  readonly recommendedAction: RecommendedAction;
  /** The rule is capped as noisy (src/rule-caps): alone, it does not select. */
  readonly noisy?: boolean | undefined;
  /** The hit's reason, as the rule states it for the trade: an RFI asks what its rules' reasons say. */
  readonly reason?: string | undefined;
}

/**
 * A hit of a built-in signal (not a rule): statistics, operators, certificates, what controls found.
 * Its values are the numbers and names behind it, so an officer can see why.
 */
export interface SignalHit {
  readonly id: string;
  readonly title: string;
  readonly riskArea: RiskArea;
  readonly weight: number;
  readonly severity: RuleSeverity;
  readonly recommendedAction: RecommendedAction;
  readonly reason: string;
  /** The numbers and names behind it; a signal may give structured ones (a brand's matched words). */
  readonly values: Readonly<Record<string, unknown>>;
}
