/**
 * The risk engine's public surface: rule model, compiler and typed environment, watchlists and fuzzy
 * matching, the rule index and `assess`. Pure and I/O-free; storage, events and HTTP wire onto these.
 */
export * from './activation.ts';
export {
  CelRuntimeError,
  createFrame,
  DEFAULT_STEP_LIMIT,
  RuleBudgetError,
  type EvalFrame,
  type TriggerValue,
  type WatchlistHitMatch,
} from './cel-compiler.ts';
export { MAX_REGEX_LENGTH } from './re2.ts';
export { MAX_RULE_NODES, MAX_RULE_STEPS, MAX_TEXT_LITERAL } from './rule-cost.ts';
export * from './country-groups.ts';
export * from './engine.ts';
export * from './fuzzy.ts';
export * from './hs-nomenclature.ts';
export * from './brand-screen.ts';
export * from './rule.ts';
export { romanisations, scriptOf, type Script } from './romanise.ts';
export { chooseDiscriminator, estimatedPassRate, type Discriminator, type KeyTest } from './rule-analysis.ts';
export * from './rule-compiler.ts';
export {
  createCelEnvironment,
  createRuleRuntime,
  hsIn,
  RULE_FUNCTIONS,
  RULE_TYPES,
  RULE_VARIABLES,
  ruleCheckingEnvironment,
  toCelActivation,
  withMeasureScope,
  type RuleRuntime,
} from './rule-environment.ts';
export {
  describeRuleEnvironment,
  type RuleEnvironmentDescription,
  type RuleEnvironmentFunction,
} from './rule-environment-description.ts';
export { RuleIndex } from './rule-index.ts';
export * from './watchlist.ts';
