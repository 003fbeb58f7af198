/**
 * The risk rule as an analyst writes it (DESIGN §4): a CEL condition plus the metadata that says what
 * it is about, how much it weighs, what to do on a hit and where and when it applies. Pure values;
 * storing and versioning them is the repository's job.
 */
import type { TransportMode } from '../domain/filing.ts';
import type { RecommendedAction, RiskArea, RuleSeverity } from '../domain/risk-vocabulary.ts';

export {
  RECOMMENDED_ACTIONS,
  RISK_AREAS,
  RULE_SEVERITIES,
  type RecommendedAction,
  type RiskArea,
  type RuleSeverity,
} from '../domain/risk-vocabulary.ts';

export const RULE_STATUSES = ['draft', 'active', 'retired'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

/** Where a rule applies; an absent or empty list means everywhere. */
export interface RuleScope {
  /** The authority (tenant) that owns the rule. */
  readonly authority: string;
  /** Offices of first entry (an8 codes). */
  readonly offices?: readonly string[] | undefined;
  readonly modes?: readonly TransportMode[] | undefined;
}

export interface RiskRule {
  readonly id: string;
  /** Increases with every change; an assessment names the version it used. */
  readonly version: number;
  readonly title: string;
  readonly riskArea: RiskArea;
  /** Contribution to the consignment's score, 0–100. */
  readonly weight: number;
  readonly severity: RuleSeverity;
  readonly recommendedAction: RecommendedAction;
  /** ISO 8601 instants; the rule applies from validFrom (inclusive) until validUntil (exclusive). */
  readonly validFrom?: string | undefined;
  readonly validUntil?: string | undefined;
  readonly scope: RuleScope;
  readonly status: RuleStatus;
  /** Plain-language reason shown to officers; no sensitive detail (sources, informants). */
  readonly reason: string;
  /** The CEL condition; must be boolean. */
  readonly condition: string;
}

/** The facts about one assessment that decide whether a rule applies at all. */
export interface RuleApplicability {
  /** Instant of the assessment (ISO 8601). Passed in, never read from a clock, for reproducibility. */
  readonly at: string;
  readonly authority: string;
  readonly office: string;
  readonly mode: TransportMode;
  /** Which statuses to evaluate: `['active']` for live assessment, plus `'draft'` to test or backtest. */
  readonly statuses?: readonly RuleStatus[] | undefined;
}

/** Is the rule in force for this assessment (status, validity window, authority)? Scope lists are indexed. */
export function isRuleInForce(
  rule: RiskRule,
  atMs: number,
  authority: string,
  statuses: readonly RuleStatus[],
): boolean {
  if (!statuses.includes(rule.status) || rule.scope.authority !== authority) {
    return false;
  }
  if (rule.validFrom !== undefined && atMs < Date.parse(rule.validFrom)) {
    return false;
  }
  if (rule.validUntil !== undefined && atMs >= Date.parse(rule.validUntil)) {
    return false;
  }
  return true;
}
