/**
 * Analysts' rules and watchlists: saving (type-checked CEL, versioned), testing on a filing,
 * backtesting on history, watchlists of entities loaded from Vigil's own formats and the public
 * sanctions lists, and the compiled rule set each authority's assessments use. Routes are mounted
 * by api/.
 */
export * from './rule.repository.ts';
export * from './rule.service.ts';
export * from './rule-set.cache.ts';
export * from './list-formats/index.ts';
export { watchlistHitMatchSchema } from './rule.contract.ts';
