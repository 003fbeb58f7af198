/** The API's closed lists as the rule and RIF forms offer them, checked by the compiler. */
import type { Schemas } from '../api/client';

/** Every value of a union, checked by the compiler against the API's own (a new value fails here). */
export function all<T extends string>() {
  return <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : never),
  ) => list;
}

/** The risk areas of a rule (a RIF adds the WCO enforcement areas). */
export const RULE_RISK_AREAS = all<Schemas['Rule']['riskArea']>()([
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
]);
