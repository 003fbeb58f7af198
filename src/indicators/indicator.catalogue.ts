/**
 * The catalogue of performance indicators: a stable id, a definition in words, a formula over the
 * daily rollups' metrics (indicator.repository.ts), and the breakdowns it allows. A breakdown names,
 * per dimension, which metrics are split by it; the others stay totals (the control rate by control
 * type divides the controls of that type by all consignments assessed). docs/indicators.md is written
 * from this list, and a test keeps the two in step. Pure: values are computed from numbers given.
 */

export const INDICATOR_GROUPS = [
  'data-quality',
  'timeliness',
  'targeting',
  'criteria',
  'cooperation',
  'trusted-traders',
] as const;
export type IndicatorGroup = (typeof INDICATOR_GROUPS)[number];

/** A metric's value in the cell being computed: the breakdown's key for metrics split by it, else the total. */
export type MetricValue = (metric: string, key?: string) => number;

export interface IndicatorDefinition {
  readonly id: string;
  readonly group: IndicatorGroup;
  readonly title: string;
  readonly definition: string;
  readonly formula: string;
  readonly unit: 'count' | 'ratio' | 'factor' | 'eur' | 'quantity' | 'ms';
  /** The rollup metrics it reads. */
  readonly metrics: readonly string[];
  /** Per dimension it may be broken down by: the metrics split by that dimension. */
  readonly breakdowns: Readonly<Record<string, readonly string[]>>;
  /** A breakdown it always has (its value is per key: seizures by category, lanes). */
  readonly by?: string | undefined;
  /** For latency indicators: the histogram metric whose percentiles are the value. */
  readonly percentilesOf?: string | undefined;
  /** Why the value may be unavailable (a fact Vigil does not record yet). */
  readonly unavailable?: string | undefined;
  /**
   * The value of one cell: `by` is the dimension of the breakdown the cell belongs to (undefined for
   * the total and the series), for the indicators whose formula reads another metric per key.
   */
  compute(v: MetricValue, by?: string): number | null;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

const def = (
  d: Omit<IndicatorDefinition, 'breakdowns'> & { breakdowns?: IndicatorDefinition['breakdowns'] },
): IndicatorDefinition => ({
  breakdowns: {},
  ...d,
});

const CONTROL_DIMS = ['control-type', 'method', 'office'] as const;
const split = (dims: readonly string[], metrics: readonly string[]): Record<string, readonly string[]> =>
  Object.fromEntries(dims.map((d) => [d, metrics]));

export const INDICATORS: readonly IndicatorDefinition[] = [
  // ——— Data quality and filing ———
  def({
    id: 'DQ-01',
    group: 'data-quality',
    title: 'Filings lodged',
    definition: 'Entry summary filings registered (accepted) in the period, by the day they were lodged.',
    formula: 'filings.lodged',
    unit: 'count',
    metrics: ['filings.lodged'],
    breakdowns: split(['filing-type', 'mode', 'office', 'filer'], ['filings.lodged']),
    compute: (v) => v('filings.lodged'),
  }),
  def({
    id: 'DQ-02',
    group: 'data-quality',
    title: 'Rejection rate',
    definition:
      'Share of lodging attempts (filings and amendments) refused for errors. By error code: refusals carrying that code.',
    formula: 'filings.rejected / (filings.lodged + filings.rejected)',
    unit: 'ratio',
    metrics: ['filings.rejected', 'filings.lodged', 'rejections.code'],
    breakdowns: { filer: ['filings.rejected', 'filings.lodged'], code: ['rejections.code'] },
    // Per code, the refusals carrying it (a refusal may carry several codes); else all refusals.
    compute: (v, by) =>
      ratio(
        by === 'code' ? v('rejections.code') : v('filings.rejected'),
        v('filings.lodged') + v('filings.rejected'),
      ),
  }),
  def({
    id: 'DQ-03',
    group: 'data-quality',
    title: 'Filings with warnings',
    definition:
      'Share of registered filings that carried a warning (a vague goods description embedded in a longer one).',
    formula: 'filings.warned / filings.lodged',
    unit: 'ratio',
    metrics: ['filings.warned', 'filings.lodged'],
    breakdowns: { filer: ['filings.warned', 'filings.lodged'] },
    compute: (v) => ratio(v('filings.warned'), v('filings.lodged')),
  }),
  def({
    id: 'DQ-04',
    group: 'data-quality',
    title: 'Warnings by code',
    definition: 'Warnings given on registered filings, by warning code.',
    formula: 'warnings[code]',
    unit: 'count',
    metrics: ['warnings'],
    by: 'code',
    breakdowns: { code: ['warnings'] },
    compute: (v) => v('warnings'),
  }),
  def({
    id: 'DQ-05',
    group: 'data-quality',
    title: 'Amended filings',
    definition: 'Share of registered filings amended at least once (current version above 1).',
    formula: 'filings.amended / filings.lodged',
    unit: 'ratio',
    metrics: ['filings.amended', 'filings.lodged'],
    breakdowns: { filer: ['filings.amended', 'filings.lodged'] },
    compute: (v) => ratio(v('filings.amended'), v('filings.lodged')),
  }),
  def({
    id: 'DQ-06',
    group: 'data-quality',
    title: 'Invalidated filings',
    definition: 'Share of registered filings later invalidated by their filer.',
    formula: 'filings.invalidated / filings.lodged',
    unit: 'ratio',
    metrics: ['filings.invalidated', 'filings.lodged'],
    compute: (v) => ratio(v('filings.invalidated'), v('filings.lodged')),
  }),
  def({
    id: 'DQ-07',
    group: 'data-quality',
    title: 'Parties with an EORI',
    definition: 'Share of consignors and consignees of registered filings identified by an EORI.',
    formula: 'parties.with-eori / parties',
    unit: 'ratio',
    metrics: ['parties.with-eori', 'parties'],
    breakdowns: { filer: ['parties.with-eori', 'parties'] },
    compute: (v) => ratio(v('parties.with-eori'), v('parties')),
  }),
  def({
    id: 'DQ-08',
    group: 'data-quality',
    title: 'Parties with a complete address',
    definition:
      'Share of consignors and consignees whose address has a street or P.O. box, a postcode, a city and a country.',
    formula: 'parties.address-complete / parties',
    unit: 'ratio',
    metrics: ['parties.address-complete', 'parties'],
    breakdowns: { filer: ['parties.address-complete', 'parties'] },
    compute: (v) => ratio(v('parties.address-complete'), v('parties')),
  }),
  // ——— Timeliness ———
  def({
    id: 'TL-01',
    group: 'timeliness',
    title: 'Time from lodging to outcome',
    definition:
      'For each consignment’s first assessment: time from the filing’s lodging to its assessment (the outcome). p50, p90 and p99, to within 26% (histogram buckets of a factor 10^0.1).',
    formula: 'percentiles(time.lodge-to-outcome)',
    unit: 'ms',
    metrics: ['time.lodge-to-outcome'],
    percentilesOf: 'time.lodge-to-outcome',
    compute: () => null,
  }),
  def({
    id: 'TL-02',
    group: 'timeliness',
    title: 'Time from control decision to result',
    definition:
      'For each control: time from the decision to control (the task) to its first recorded result. p50, p90, p99 (within 26%). Vigil decides the control at the outcome, so outcome → control is zero by construction.',
    formula: 'percentiles(time.control-to-result)',
    unit: 'ms',
    metrics: ['time.control-to-result'],
    percentilesOf: 'time.control-to-result',
    compute: () => null,
  }),
  // ——— Targeting ———
  def({
    id: 'TG-01',
    group: 'targeting',
    title: 'Consignments assessed',
    definition: 'Consignment assessments made (each version of a consignment’s data is assessed once).',
    formula: 'consignments.assessed',
    unit: 'count',
    metrics: ['consignments.assessed'],
    breakdowns: split(['mode', 'office', 'filing-type', 'segment'], ['consignments.assessed']),
    compute: (v) => v('consignments.assessed'),
  }),
  def({
    id: 'TG-02',
    group: 'targeting',
    title: 'Automated hit rate',
    definition: 'Share of consignment assessments with at least one rule hit.',
    formula: 'consignments.hit / consignments.assessed',
    unit: 'ratio',
    metrics: ['consignments.hit', 'consignments.assessed'],
    breakdowns: { mode: ['consignments.hit', 'consignments.assessed'] },
    compute: (v) => ratio(v('consignments.hit'), v('consignments.assessed')),
  }),
  def({
    id: 'TG-03',
    group: 'targeting',
    title: 'Control rate',
    definition:
      'Controls decided per consignment assessed, by control type (documentary, physical, scan), selection method and office.',
    formula: 'controls / consignments.assessed',
    unit: 'ratio',
    metrics: ['controls', 'consignments.assessed'],
    breakdowns: {
      'control-type': ['controls'],
      method: ['controls'],
      office: ['controls', 'consignments.assessed'],
      segment: ['controls', 'consignments.assessed'],
    },
    compute: (v) => ratio(v('controls'), v('consignments.assessed')),
  }),
  def({
    id: 'TG-04',
    group: 'targeting',
    title: 'Controls by selection method',
    definition:
      'Share of controls by how they were selected: rule, model (signals and score without a rule), rif (a rule adopted from a RIF), random, exploration, manual (an analyst’s referral); operation once operations exist.',
    formula: 'controls[method] / controls',
    unit: 'ratio',
    metrics: ['controls'],
    by: 'method',
    breakdowns: { method: ['controls'] },
    compute: (v) => ratio(v('controls'), v('controls', '')),
  }),
  def({
    id: 'TG-05',
    group: 'targeting',
    title: 'Detection rate',
    definition:
      'Share of controls with a result that found an irregularity or made a seizure (the current result of each control).',
    formula: 'controls.positive / controls.done',
    unit: 'ratio',
    metrics: ['controls.positive', 'controls.done'],
    breakdowns: split([...CONTROL_DIMS, 'segment'], ['controls.positive', 'controls.done']),
    compute: (v) => ratio(v('controls.positive'), v('controls.done')),
  }),
  def({
    id: 'TG-06',
    group: 'targeting',
    title: 'Detection rate of random controls',
    definition: 'The random baseline: detection rate of controls selected at random.',
    formula: 'controls.positive[method=random] / controls.done[method=random]',
    unit: 'ratio',
    metrics: ['controls.positive', 'controls.done'],
    compute: (v) => ratio(v('controls.positive', 'method=random'), v('controls.done', 'method=random')),
  }),
  def({
    id: 'TG-07',
    group: 'targeting',
    title: 'Lift of targeted controls',
    definition: 'Detection rate of controls not selected at random, divided by that of random controls.',
    formula: '((positive − positive[random]) / (done − done[random])) / (positive[random] / done[random])',
    unit: 'factor',
    metrics: ['controls.positive', 'controls.done'],
    compute: (v) => {
      const randomRate = ratio(v('controls.positive', 'method=random'), v('controls.done', 'method=random'));
      const targeted = ratio(
        v('controls.positive') - v('controls.positive', 'method=random'),
        v('controls.done') - v('controls.done', 'method=random'),
      );
      return randomRate === null || targeted === null || randomRate === 0 ? null : targeted / randomRate;
    },
  }),
  def({
    id: 'TG-08',
    group: 'targeting',
    title: 'Duty and tax at stake found per control',
    definition: 'Duty plus tax at stake recorded in results, per control with a result (EUR).',
    formula: '(duty-at-stake + tax-at-stake) / controls.done',
    unit: 'eur',
    metrics: ['duty-at-stake', 'tax-at-stake', 'controls.done'],
    breakdowns: { method: ['duty-at-stake', 'tax-at-stake', 'controls.done'] },
    compute: (v) => ratio(v('duty-at-stake') + v('tax-at-stake'), v('controls.done')),
  }),
  def({
    id: 'TG-09',
    group: 'targeting',
    title: 'Seizures by category',
    definition: 'Controls whose current result is a seizure, by seizure category (EU seizure statistics).',
    formula: 'seizures[category]',
    unit: 'count',
    metrics: ['seizures'],
    by: 'category',
    breakdowns: { category: ['seizures'] },
    compute: (v) => v('seizures'),
  }),
  def({
    id: 'TG-10',
    group: 'targeting',
    title: 'Quantities seized',
    definition: 'Quantities seized, by category and unit (kg, g, l, items, sticks, eur).',
    formula: 'seizures.quantity[category unit]',
    unit: 'quantity',
    metrics: ['seizures.quantity'],
    by: 'category-unit',
    breakdowns: { 'category-unit': ['seizures.quantity'] },
    compute: (v) => v('seizures.quantity'),
  }),
  def({
    id: 'TG-11',
    group: 'targeting',
    title: 'Positive random controls',
    definition: 'Random controls that found an irregularity or made a seizure: risks the rules do not see.',
    formula: 'controls.positive[method=random]',
    unit: 'count',
    metrics: ['controls.positive'],
    compute: (v) => v('controls.positive', 'method=random'),
  }),
  def({
    id: 'TG-12',
    group: 'targeting',
    title: 'Import declarations by lane',
    definition: 'Share of assessed import declarations (H1, H7) by lane: green, yellow, red, blue.',
    formula: 'imports.assessed[lane] / imports.assessed',
    unit: 'ratio',
    metrics: ['imports.assessed'],
    by: 'lane',
    breakdowns: { lane: ['imports.assessed'] },
    compute: (v) => ratio(v('imports.assessed'), v('imports.assessed', '')),
  }),
  // ——— Criteria (per rule) ———
  def({
    id: 'CR-01',
    group: 'criteria',
    title: 'Automated hits per rule',
    definition: 'Consignment assessments each rule hit.',
    formula: 'hits[rule]',
    unit: 'count',
    metrics: ['hits'],
    by: 'rule',
    breakdowns: { rule: ['hits'] },
    compute: (v) => v('hits'),
  }),
  def({
    id: 'CR-02',
    group: 'criteria',
    title: 'Final hits per rule',
    definition: 'Hits an analyst confirmed on review, per rule.',
    formula: 'hits.confirmed[rule]',
    unit: 'count',
    metrics: ['hits.confirmed'],
    by: 'rule',
    breakdowns: { rule: ['hits.confirmed'] },
    compute: (v) => v('hits.confirmed'),
  }),
  def({
    id: 'CR-03',
    group: 'criteria',
    title: 'Controls per rule',
    definition: 'Controls a rule took part in selecting.',
    formula: 'controls[rule]',
    unit: 'count',
    metrics: ['controls'],
    by: 'rule',
    breakdowns: { rule: ['controls'] },
    compute: (v) => v('controls'),
  }),
  def({
    id: 'CR-04',
    group: 'criteria',
    title: 'Positive controls per rule',
    definition: 'Controls a rule selected whose current result is an irregularity or a seizure.',
    formula: 'controls.positive[rule]',
    unit: 'count',
    metrics: ['controls.positive'],
    by: 'rule',
    breakdowns: { rule: ['controls.positive'] },
    compute: (v) => v('controls.positive'),
  }),
  def({
    id: 'CR-05',
    group: 'criteria',
    title: 'False positives per rule',
    definition: 'Controls a rule selected that found nothing.',
    formula: 'controls.negative[rule]',
    unit: 'count',
    metrics: ['controls.negative'],
    by: 'rule',
    breakdowns: { rule: ['controls.negative'] },
    compute: (v) => v('controls.negative'),
  }),
  def({
    id: 'CR-06',
    group: 'criteria',
    title: 'Yield per rule',
    definition: 'Share of a rule’s controls with a result that were positive.',
    formula: 'controls.positive[rule] / controls.done[rule]',
    unit: 'ratio',
    metrics: ['controls.positive', 'controls.done'],
    by: 'rule',
    breakdowns: { rule: ['controls.positive', 'controls.done'] },
    compute: (v) => ratio(v('controls.positive'), v('controls.done')),
  }),
  def({
    id: 'CR-07',
    group: 'criteria',
    title: 'Active rules that never hit',
    definition: 'Rules active now that hit no consignment in the period (the list is in `rules`).',
    formula: 'count(active rules r with hits[r] = 0)',
    unit: 'count',
    metrics: ['hits'],
    compute: () => null,
  }),
  def({
    id: 'CR-08',
    group: 'criteria',
    title: 'Rules hitting too much',
    definition:
      'Rules whose hits exceed a share of the consignments assessed (`noisyRate`, default 10%) in the period (the list is in `rules`).',
    formula: 'count(rules r with hits[r] / consignments.assessed > noisyRate)',
    unit: 'count',
    metrics: ['hits', 'consignments.assessed'],
    compute: () => null,
  }),
  // ——— Cooperation ———
  def({
    id: 'CO-01',
    group: 'cooperation',
    title: 'RIFs issued',
    definition: 'Risk information forms issued by the authority.',
    formula: 'rifs.issued',
    unit: 'count',
    metrics: ['rifs.issued'],
    breakdowns: split(['risk-area', 'tlp'], ['rifs.issued']),
    compute: (v) => v('rifs.issued'),
  }),
  def({
    id: 'CO-02',
    group: 'cooperation',
    title: 'RIFs received',
    definition: 'Risk information forms delivered to the authority (as a customs recipient).',
    formula: 'rifs.received',
    unit: 'count',
    metrics: ['rifs.received'],
    breakdowns: { issuer: ['rifs.received'] },
    compute: (v) => v('rifs.received'),
  }),
  def({
    id: 'CO-03',
    group: 'cooperation',
    title: 'RIFs adopted',
    definition: 'Adoptions (as live rules) per RIF received; noted and declined by the same breakdown.',
    formula: 'rifs.decided[state=adopted] / rifs.received',
    unit: 'ratio',
    metrics: ['rifs.decided', 'rifs.received'],
    breakdowns: { state: ['rifs.decided'] },
    // Per state, that state's decisions; else the adoptions.
    compute: (v, by) =>
      ratio(by === 'state' ? v('rifs.decided') : v('rifs.decided', 'state=adopted'), v('rifs.received')),
  }),
  def({
    id: 'CO-04',
    group: 'cooperation',
    title: 'Feedback given on time',
    definition: 'Share of feedback on RIFs with a due time given by that time (late: after it).',
    formula: 'rifs.feedback-given[on-time] / (rifs.feedback-given[on-time] + rifs.feedback-given[late])',
    unit: 'ratio',
    metrics: ['rifs.feedback-given'],
    compute: (v) =>
      ratio(
        v('rifs.feedback-given', 'timeliness=on-time'),
        v('rifs.feedback-given', 'timeliness=on-time') + v('rifs.feedback-given', 'timeliness=late'),
      ),
  }),
  def({
    id: 'CO-05',
    group: 'cooperation',
    title: 'Feedback overdue',
    definition:
      'RIFs received with feedback required whose due time passed by the end of the period (or now) and to which the authority gave no feedback and that it did not decline. A point-in-time count, not a sum over days.',
    formula: 'count(deliveries with due ≤ min(to, now), no feedback, not declined)',
    unit: 'count',
    metrics: [],
    compute: () => null,
  }),
  def({
    id: 'CO-06',
    group: 'cooperation',
    title: 'Records shared with others',
    definition: 'Records the authority shared under its sharing policy (one per receiver), by category.',
    formula: 'shared.sent',
    unit: 'count',
    metrics: ['shared.sent'],
    breakdowns: { category: ['shared.sent'] },
    compute: (v) => v('shared.sent'),
  }),
  def({
    id: 'CO-07',
    group: 'cooperation',
    title: 'Records shared with the authority',
    definition: 'Records other authorities shared with this one, by category and by source.',
    formula: 'shared.received',
    unit: 'count',
    metrics: ['shared.received'],
    breakdowns: { category: ['shared.received'], source: ['shared.received'] },
    compute: (v) => v('shared.received'),
  }),
  // ——— Trusted traders ———
  def({
    id: 'TT-01',
    group: 'trusted-traders',
    title: 'Control rate by operator segment',
    definition:
      'Controls decided per consignment assessed, for each operator segment: the AEO status the assessment credited the consignment with, as the register had it on the filing’s date (aeo-c, aeo-s, aeo-f: the consignee’s own authorisation or its programme’s recognition under an MRA, the consignor’s for security and safety only; none; unrecorded for assessments made before segments were recorded). A control counts in the segment of the assessment it was decided on.',
    formula: 'controls[segment] / consignments.assessed[segment]',
    unit: 'ratio',
    metrics: ['controls', 'consignments.assessed'],
    by: 'segment',
    breakdowns: { segment: ['controls', 'consignments.assessed'] },
    compute: (v) => ratio(v('controls'), v('consignments.assessed')),
  }),
  def({
    id: 'TT-02',
    group: 'trusted-traders',
    title: 'Detection rate by operator segment',
    definition:
      'Share of controls with a result that found an irregularity or made a seizure, for each operator segment (as in TT-01): do the controls of authorised operators find less?',
    formula: 'controls.positive[segment] / controls.done[segment]',
    unit: 'ratio',
    metrics: ['controls.positive', 'controls.done'],
    by: 'segment',
    breakdowns: { segment: ['controls.positive', 'controls.done'] },
    compute: (v) => ratio(v('controls.positive'), v('controls.done')),
  }),
];

export const INDICATOR_BY_ID: ReadonlyMap<string, IndicatorDefinition> = new Map(
  INDICATORS.map((i) => [i.id, i]),
);

/** p50/p90/p99 of a histogram of bucket → count (bucket b spans up to 10^(b/10) ms). */
export function percentiles(
  hist: ReadonlyMap<string, number>,
): { p50: number; p90: number; p99: number; count: number } | null {
  const buckets = [...hist.entries()].map(([b, n]) => [Number(b), n] as const).sort((a, b) => a[0] - b[0]);
  const count = buckets.reduce((s, [, n]) => s + n, 0);
  if (count === 0) {
    return null;
  }
  const at = (q: number): number => {
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (const [b, n] of buckets) {
      seen += n;
      if (seen >= rank) {
        return Math.round(10 ** (b / 10));
      }
    }
    return Math.round(10 ** (buckets[buckets.length - 1]![0] / 10));
  };
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), count };
}
