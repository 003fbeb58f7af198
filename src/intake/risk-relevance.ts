/**
 * Which changes of an amendment matter to risk: the one place that decides whether an amendment is
 * assessed again (and so may touch control tasks) or only kept as a new version.
 *
 * The assessment reads a filing through the rule activation (src/risk/activation.ts: every variable a
 * rule can name, the same values the statistical signals, the ICS2 outcome and the control's due time
 * are derived from) and through the operators its parties name. So a change matters to risk exactly
 * when it changes the activation of some consignment: two versions whose activations are equal are
 * assessed alike by every rule, signal and model, and assessing again could only re-roll what must not
 * be re-rolled or reset the officers' work. Comparing activations rather than listing fields by hand
 * means a field added to the filing and exposed to rules is risk-relevant without anyone remembering
 * to say so here, and a field the activation does not present (today none: every ENS field is
 * visible to analysts' rules) is never a reason to reassess.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Filing } from '../domain/index.ts';
import { buildActivation } from '../risk/index.ts';

/**
 * Fields of the filing that no rule, signal or model reads, as paths for the answer and the audit.
 * Empty today: the activation presents every field of the ENS contract (docs/rules-language.md).
 */
export const RISK_IRRELEVANT_FIELDS: readonly string[] = Object.freeze([]);

/**
 * The top-level places where two versions differ in what the assessment reads (`$.transport`,
 * `$.consignments[0]` …); empty when the amendment changes nothing that matters to risk.
 */
export function riskRelevantChanges(before: Filing, after: Filing, now: Date): string[] {
  if (isDeepStrictEqual(before, after)) {
    return [];
  }
  if (before.consignments.length !== after.consignments.length) {
    return ['$.consignments'];
  }
  // One instant for both sides: the activation converts values with the rates in force then, and
  // ages operators to it; neither depends on the filing.
  const at = now.toISOString();
  const changed: string[] = [];
  before.consignments.forEach((_c, i) => {
    const a = buildActivation({ filing: before, consignmentIndex: i, at });
    const b = buildActivation({ filing: after, consignmentIndex: i, at });
    if (!isDeepStrictEqual(a, b)) {
      changed.push(`$.consignments[${i}]`);
    }
  });
  return changed;
}
