/**
 * Cooperation between customs authorities: the risk information form (RIF) one authority issues to
 * others, the rule a recipient adopts from it in one step (`ruleFromRif`), and the check for active
 * RIFs on the same risk before a new one goes out (`findDuplicates`). Pure contracts and functions;
 * storage, delivery and HTTP wire onto these.
 */
export * from './rif.schema.ts';
export * from './rif-rule.ts';
export * from './rif-similarity.ts';
