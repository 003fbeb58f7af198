/**
 * A RIF as the rule a recipient adopts in one step: its indicators become one CEL condition over
 * Vigil's rule environment (docs/rules-language.md), each indicator group one conjunct (AND between
 * groups, OR inside one), the goods-level indicators inside a single `goods.exists` so they hold for
 * the same goods item; its metadata becomes the rule's (id, title, reason naming the RIF and its
 * issuer, risk area, weight and severity from the urgency, validity). The rule comes out as a draft:
 * the service backtests it before it goes live. Indicator text is another authority's input, so every
 * value reaches the condition only as an escaped CEL string literal or a checked number.
 */
import type { RiskArea, RuleSeverity, TransportMode } from '../domain/index.ts';
import { periodEnd, periodStart } from '../domain/index.ts';
import { DEFAULT_FUZZY_THRESHOLD } from '../risk/index.ts';
import type { RuleInput } from '../rules/index.ts';
import type { Rif, RifIndicators, RifOperator, RifRange, RifRiskArea } from './rif.schema.ts';

/**
 * The RIF's risk area as a Vigil rule risk area. Vigil's own areas map to themselves; the WCO
 * enforcement areas to the closest Vigil area:
 *
 * | RIF area            | rule risk area    | why                                                              |
 * | ------------------- | ----------------- | ---------------------------------------------------------------- |
 * | drugs               | drug-precursors   | Vigil's only drugs area (it has none for narcotics themselves)   |
 * | revenue             | undervaluation    | the revenue fraud RIFs describe most: value too low for the goods |
 * | ipr-health-safety   | ipr               | counterfeits dominate the WCO area; product-safety is the other  |
 * | security            | security-safety   | the same area under the EU name                                   |
 * | cultural-heritage   | cultural-goods    | the same area under the EU name                                   |
 *
 * An analyst who reads the RIF otherwise (a revenue RIF about origin, a health one about medicines)
 * changes the adopted rule's area like any other rule field.
 */
export const RIF_RULE_RISK_AREA: Readonly<Record<RifRiskArea, RiskArea>> = {
  'security-safety': 'security-safety',
  undervaluation: 'undervaluation',
  misclassification: 'misclassification',
  origin: 'origin',
  'anti-dumping': 'anti-dumping',
  quota: 'quota',
  suspension: 'suspension',
  'procedure-42': 'procedure-42',
  ipr: 'ipr',
  'product-safety': 'product-safety',
  health: 'health',
  environment: 'environment',
  'drug-precursors': 'drug-precursors',
  'cultural-goods': 'cultural-goods',
  cash: 'cash',
  sanctions: 'sanctions',
  drugs: 'drug-precursors',
  revenue: 'undervaluation',
  'ipr-health-safety': 'ipr',
  security: 'security-safety',
  'cultural-heritage': 'cultural-goods',
};

/**
 * Weight and severity by urgency. A routine RIF's hit (40) stays under the control threshold (60)
 * on its own and adds to other evidence; an urgent one (70) selects alone; an immediate one is
 * critical, the only severity under which a do-not-load recommendation stops loading.
 */
export const RIF_URGENCY_WEIGHT: Readonly<
  Record<Rif['urgency'], { readonly weight: number; readonly severity: RuleSeverity }>
> = {
  routine: { weight: 40, severity: 'medium' },
  urgent: { weight: 70, severity: 'high' },
  immediate: { weight: 90, severity: 'critical' },
};

/** The rule environment's parties, by the RIF operator role that names them. */
const PARTY_OF_ROLE: Readonly<Record<Exclude<RifOperator['role'], 'any'>, string>> = {
  consignor: 'consignor',
  consignee: 'consignee',
  declarant: 'declarant',
  carrier: 'carrier',
  notify: 'notifyParty',
};

/** Every party a rule can see, for an operator of role `any`. */
const ALL_PARTIES =
  '[consignor, consignee, declarant, carrier, notifyParty, buyer, seller, representative, supplementaryDeclarant]';

/**
 * Indicators the rule environment cannot express. An ENS has no country of dispatch (that is an
 * import declaration's data element); the place of loading, the consignor's country and the first
 * country of the routing are each sometimes the same country and sometimes not, so none stands in
 * for it. The rule leaves such an indicator out (wider, never narrower than the RIF) and says so in a
 * comment at the top of its condition.
 */
const UNEXPRESSED: Readonly<Partial<Record<keyof RifIndicators, string>>> = {
  dispatchCountries: 'the filing (an ENS) has no country of dispatch',
};

/** The RIF's indicators that its rule does not check, each with why (see `UNEXPRESSED`). */
export function unexpressedIndicators(
  indicators: RifIndicators,
): readonly { readonly indicator: keyof RifIndicators; readonly why: string }[] {
  return Object.entries(UNEXPRESSED).flatMap(([k, why]) =>
    indicators[k as keyof RifIndicators] !== undefined ? [{ indicator: k as keyof RifIndicators, why }] : [],
  );
}

const RULE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_RULE_ID = 64;
const MAX_TITLE = 200;
const MAX_REASON = 1000;
const MAX_DESCRIPTION_IN_REASON = 800;

/** The rule generated from a RIF, as the rule contract (`ruleInputSchema`) takes it. */
export function ruleFromRif(rif: Rif): RuleInput {
  const { weight, severity } = RIF_URGENCY_WEIGHT[rif.urgency];
  const modes = rif.indicators.modes;
  return {
    id: ruleIdOf(rif.id),
    title: cut(`RIF ${rif.id} v${rif.version} (${rif.issuer}): ${rif.title}`, MAX_TITLE),
    riskArea: RIF_RULE_RISK_AREA[rif.riskArea],
    weight,
    severity,
    recommendedAction: rif.recommendedAction,
    // The rule contract wants instants; a RIF valid until a plain date is valid through that day.
    validFrom: periodStart(rif.validFrom).toISOString(),
    validUntil: periodEnd(rif.validUntil).toISOString(),
    scope: modes !== undefined ? { modes: [...new Set<TransportMode>(modes)] } : {},
    status: 'draft',
    reason: cut(
      `Risk information form ${rif.id} v${rif.version} from ${rif.issuer}: ` +
        cut(rif.description, MAX_DESCRIPTION_IN_REASON),
      MAX_REASON,
    ),
    condition: conditionFromIndicators(rif.indicators),
  };
}

/**
 * `rif-<id>` within the rule id alphabet and length. An id that had to change (characters replaced,
 * cut) gets a hash of the original, so two RIFs whose ids differ only there keep different rules.
 */
export function ruleIdOf(rifId: string): string {
  const plain = `rif-${rifId}`;
  if (RULE_ID.test(plain)) {
    return plain;
  }
  const suffix = `-${fnv1a(rifId)}`;
  return plain.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, MAX_RULE_ID - suffix.length) + suffix;
}

/** The CEL condition the indicators select: one conjunct per group present. */
export function conditionFromIndicators(ind: RifIndicators): string {
  const conjuncts: string[] = [];
  const goods = goodsItemTest(ind);
  if (goods !== undefined) {
    conjuncts.push(`goods.exists(g, ${goods})`);
  }
  if (ind.routeCountries !== undefined) {
    // One `in` per country rather than `routing.exists(…)`: the rule index files `"X" in routing`.
    conjuncts.push(group(unique(ind.routeCountries).map((c) => `${celString(c)} in routing`)));
  }
  if (ind.places !== undefined) {
    const list = celList(unique(ind.places));
    conjuncts.push(`(consignment.placeOfLoading in ${list} || consignment.placeOfUnloading in ${list})`);
  }
  if (ind.modes !== undefined) {
    conjuncts.push(`transport.mode in ${celList(unique(ind.modes))}`);
  }
  if (ind.meansOfTransport !== undefined) {
    const list = celList(unique(ind.meansOfTransport.flatMap(meansVariants)));
    // Sea and inland waterway give the vessel's number as meansId, air the flight as conveyanceRef
    // (or meansId); a road trailer or rail wagon is the master level's passive means.
    conjuncts.push(
      `(transport.meansId.upperAscii() in ${list} || transport.conveyanceRef.upperAscii() in ${list}` +
        ` || masterConsignment.passiveMeansId.upperAscii() in ${list})`,
    );
  }
  if (ind.containers !== undefined) {
    conjuncts.push(`containers.exists(c, c.id in ${celList(unique(ind.containers))})`);
  }
  if (ind.operators !== undefined) {
    conjuncts.push(operatorsTest(ind.operators));
  }
  // Fixed text only: a comment runs to the end of its line, so no RIF value may go into it.
  const skipped = unexpressedIndicators(ind).map(
    ({ indicator, why }) => `// RIF indicator ${indicator} not checked: ${why}.\n`,
  );
  // Nothing left to check (only unexpressed indicators): never hit rather than hit everything.
  return skipped.join('') + (conjuncts.length > 0 ? conjuncts.join(' && ') : 'false');
}

/** The goods-level indicators, for one goods item `g`; undefined when the RIF has none. */
function goodsItemTest(ind: RifIndicators): string | undefined {
  const parts: string[] = [];
  if (ind.goodsCodes !== undefined) {
    const codes = unique(ind.goodsCodes);
    parts.push(
      codes.length === 1
        ? `g.hsCode.startsWith(${celString(codes[0]!)})`
        : `hsIn(g.hsCode, ${celList(codes)})`,
    );
  }
  if (ind.descriptionKeywords !== undefined) {
    parts.push(group(unique(ind.descriptionKeywords).map(keywordTest)));
  }
  if (ind.origins !== undefined) {
    parts.push(`g.origin in ${celList(unique(ind.origins))}`);
  }
  rangeTests('g.value', ind.valueRange, parts);
  rangeTests('g.valuePerKg', ind.unitValueRange, parts);
  rangeTests('g.grossMassKg', ind.weightRange, parts);
  return parts.length > 0 ? parts.join(' && ') : undefined;
}

/**
 * A keyword anywhere in the description, in any letter case. ASCII keywords compare after CEL's
 * `lowerAscii` (cheap, and what descriptions are mostly written in); a keyword with other letters
 * needs Unicode case folding ("ÜBER" against "über"), which only RE2's `(?i)` gives.
 */
function keywordTest(keyword: string): string {
  if (/^[\x00-\x7f]*$/.test(keyword)) {
    return `g.description.lowerAscii().contains(${celString(keyword.toLowerCase())})`;
  }
  return `g.description.matches(${celString(`(?i)${re2Literal(keyword)}`)})`;
}

function rangeTests(field: string, range: RifRange | undefined, out: string[]): void {
  if (range?.min !== undefined) {
    out.push(`${field} >= ${celDouble(range.min)}`);
  }
  if (range?.max !== undefined) {
    out.push(`${field} <= ${celDouble(range.max)}`);
  }
}

/**
 * The operators, any of which makes the group true. An operator with an EORI is that EORI on the
 * party of its role; with a name, a fuzzy match of the party's name at the engine's default
 * threshold; with both, the EORI decides when the party has one and the name when it has none (a
 * third-country consignor often has no EORI, and a different EORI is a different operator).
 */
function operatorsTest(operators: readonly RifOperator[]): string {
  const byParty = new Map<string, RifOperator[]>();
  for (const o of operators) {
    const party = o.role === 'any' ? 'p' : PARTY_OF_ROLE[o.role];
    byParty.set(party, [...(byParty.get(party) ?? []), o]);
  }
  const tests: string[] = [];
  for (const [party, ops] of byParty) {
    const clauses: string[] = [];
    const eoriOnly = unique(
      ops.flatMap((o) => (o.name === undefined && o.eori !== undefined ? [o.eori] : [])),
    );
    if (eoriOnly.length > 0) {
      clauses.push(`${party}.eori in ${celList(eoriOnly)}`);
    }
    for (const o of ops) {
      if (o.name === undefined) {
        continue;
      }
      const name = `${party}.name.fuzzy(${celString(o.name)}, ${celDouble(DEFAULT_FUZZY_THRESHOLD)})`;
      clauses.push(
        o.eori === undefined
          ? name
          : `(${party}.eori == ${celString(o.eori)} || (${party}.eori == "" && ${name}))`,
      );
    }
    const test = clauses.join(' || ');
    tests.push(party === 'p' ? `${ALL_PARTIES}.exists(p, ${test})` : test);
  }
  return group(tests);
}

/**
 * The forms a means of transport may be filed in: as written in capitals, without spaces, and an
 * IMO number with and without its `IMO` prefix (intake accepts both, R3009). The filing's value is
 * compared in capitals.
 */
function meansVariants(value: string): string[] {
  const upper = value.trim().toUpperCase();
  const compact = upper.replace(/\s+/g, '');
  const out = [upper, compact];
  const imo = /^(?:IMO)?(\d{7})$/.exec(compact);
  if (imo !== null) {
    out.push(imo[1]!, `IMO${imo[1]!}`, `IMO ${imo[1]!}`);
  }
  return out;
}

/** A parenthesised disjunction (a lone test needs no parentheses). */
function group(tests: readonly string[]): string {
  return tests.length === 1 ? tests[0]! : `(${tests.join(' || ')})`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function celList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/**
 * A CEL string literal holding exactly `s`: backslash, quote and control characters escaped, and a
 * lone surrogate (which no CEL escape can write) replaced, so no text closes the literal early.
 */
export function celString(s: string): string {
  let out = '"';
  for (const ch of s.toWellFormed()) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"') {
      out += `\\${ch}`;
    } else if (ch === '\n') {
      out += '\\n';
    } else if (ch === '\r') {
      out += '\\r';
    } else if (ch === '\t') {
      out += '\\t';
    } else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else {
      out += ch;
    }
  }
  return `${out}"`;
}

/** A CEL double literal (an int literal would not compare with `==` and arithmetic on doubles). */
export function celDouble(n: number): string {
  if (!Number.isFinite(n)) {
    throw new RangeError(`not a finite number: ${n}`);
  }
  const s = String(n);
  if (/[.e]/.test(s)) {
    // 1e-7 → 1.0e-7: CEL wants a digit on both sides of the point only when there is one.
    return s.includes('.') ? s : s.replace('e', '.0e');
  }
  return `${s}.0`;
}

/** Text matched literally inside an RE2 pattern. */
function re2Literal(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** At most `max` UTF-16 units, ending in an ellipsis when cut (never in half a surrogate pair). */
function cut(s: string, max: number): string {
  if (s.length <= max) {
    return s;
  }
  let end = max - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end--;
  }
  return `${s.slice(0, end)}…`;
}

/** FNV-1a 32-bit, 8 hex digits: enough to tell apart ids that sanitising made equal. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
