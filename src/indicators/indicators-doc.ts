/**
 * Renders docs/indicators.md from the catalogue, so the documented indicators (ids, definitions,
 * formulas, units, breakdowns) are the ones the API computes. `npm run docs` writes it; a test fails
 * when the file and the catalogue differ.
 */
import { INDICATORS, INDICATOR_GROUPS } from './indicator.catalogue.ts';
import type { IndicatorDefinition } from './indicator.catalogue.ts';
import { INDICATOR_GROUP_TITLES, INDICATOR_UNIT_NOTES } from './indicator.format.ts';

const INTRO = `# Performance indicators

Vigil measures whether risk management works, live, from the facts it holds: filings (and the
filings it refused), assessments and their hits, analysts' reviews, controls and their results,
import declarations, RIFs and their feedback, and the records shared between authorities. Each
indicator below has a stable id, a definition, a formula over daily rollups and the breakdowns it
allows. They are read per authority (or, for a coordinator, over the authorities that share their
indicators with it), over any period, as a total, as a series per \`day\`, \`week\`, \`month\`,
\`quarter\` or \`year\`, and broken down by one dimension:

- \`GET /v1/indicators?from=YYYY-MM-DD&to=YYYY-MM-DD&period=…&by=…&authorities=BE,DE&format=json|csv\`
  answers every indicator with its definition and formula; \`GET /v1/indicators/{id}\` answers one.
  \`from\` is the first day and \`to\` the day after the last (UTC; by default the last 30 days).
  CSV has one row per indicator and period or breakdown key.
- \`vigil report --from … --to … --format html|csv|json [--out FILE]\` writes the same figures; as
  HTML, a self-contained printable report with charts drawn on the server (SVG).
- The workbench's **Dashboard** (\`/dashboard\`) shows the same figures in the browser: key figures
  (filings processed, consignments assessed, hit, control and detection rates) and any indicator of
  the catalogue with its definition, as charts with their figures also in a table, for a chosen
  first and last day, per day, week, month, quarter or year, and broken down by mode, office, filing
  type, control type, selection method or operator segment (where the indicator allows it).
- Permission \`indicator.read\`: analysts, coordinators, auditors and admins.

This file is generated from \`src/indicators/indicator.catalogue.ts\` by \`npm run docs\`; a test
keeps them in sync.

## How they are computed

**Daily rollups.** A query never scans the raw tables: the facts are rolled up per authority into
\`indicator_daily\`, one number per metric, dimension, key and UTC day (a count, or a sum such as
duty at stake; the key \`''\` of the dimension \`''\` is the total). The database keeps the same
sums per calendar month (\`indicator_monthly\`) and year (\`indicator_span\`), in step with the days
whoever writes them. A query cuts its range into whole years, whole months and the days at its
edges, never coarser than the period of its series, and sums those: a calendar year reads one row
per key, any other twelve months twelve, however many facts there were.
Two figures
are taken at a point in time instead: the overdue feedback (CO-05) and the list of active rules
(CR-07). Ratios are ratios of sums (over days, over authorities), never averages of ratios.

**Which day a fact counts on.** A filing counts on the day it was lodged (its amendments and its
invalidation count with it, on that day), a refused filing on the day it was refused, an
assessment on the day it was made, an analyst's review on the day of the review, a control and its
current result on the day the control was decided (so a result recorded days later updates that
day: detection rates compare like with like), a RIF on the day it was issued, a delivery on the
day it was delivered or decided, feedback on the day it was given, a shared record on the day it
was shared. Days are UTC days.

**Operator segment.** An assessment records the segment it credited the consignment with, from the
operator register as it stood on the filing's date (\`docs/registries.md\`): \`aeo-c\`, \`aeo-s\` or
\`aeo-f\`, the AEO type that the statuses in force add up to (the consignee's own authorisation or
its programme's recognition under an MRA; the consignor's for security and safety only, as those
lower hits), else \`none\`; assessments made before segments were recorded are \`unrecorded\`. A
control counts in the segment of the assessment it was decided on. \`by=segment\` compares
authorised operators with the others (TT-01, TT-02); the segments add up to all.

**Percentiles.** Latencies are kept as histograms: a duration of \`ms\` milliseconds falls in bucket
\`ceil(10 · log10(ms))\`, whose upper bound is \`10^(bucket/10)\` ms. Buckets of days, periods and
authorities add up, and p50, p90 and p99 are read from the merged histogram as the upper bound of
the bucket holding that rank: at most 26% (a factor \`10^0.1\`) above the true value, never below.

**Breakdowns.** \`by=DIM\` splits the metrics an indicator lists for that dimension; its other
metrics stay totals (the control rate by control type divides that type's controls by all
consignments assessed). An indicator that is a share of its own breakdown (controls by selection
method, declarations by lane) is always broken down and has no total. A dimension an indicator
does not list leaves it unsplit.

**A coordinator's view.** \`authorities=BE,DE\` sums the rollups of those authorities. Reading
another authority's indicators needs its permission: its sharing policy must name the reader's
authority as receiver for the category \`indicators\` (at a level other than \`none\`); otherwise
the answer is 403 \`VIGIL_FORBIDDEN\`, naming the authorities that do not share. The database's
row-level security enforces the same grant.

**The refresher.** \`vigil serve\` refreshes the rollups a few seconds after it starts and then every
minute: per authority, it finds the days whose facts changed since its watermark (new or updated
filings, refusals, assessments, reviews, controls, results, declarations, RIFs, deliveries,
feedback, shared records), recomputes each of those days whole from the raw tables in one
transaction, and moves the watermark to five minutes before the refresh began, so facts committed
late are caught by the next one. Recomputing a day is idempotent, so several servers may refresh
side by side. The indicators therefore trail the facts by about a minute.

## Units

${Object.entries(INDICATOR_UNIT_NOTES)
  .map(([unit, note]) => `- \`${unit}\`: ${note}`)
  .join('\n')}
`;

function breakdownsOf(d: IndicatorDefinition): string {
  const dims = Object.entries(d.breakdowns);
  if (dims.length === 0) {
    return 'none';
  }
  return dims
    .map(([dim, metrics]) => `\`${dim}\` (splits ${metrics.map((m) => `\`${m}\``).join(', ')})`)
    .join('; ');
}

function indicatorSection(d: IndicatorDefinition): string {
  const lines = [
    `### ${d.id}: ${d.title}`,
    '',
    d.definition,
    '',
    `- Formula: \`${d.formula}\``,
    `- Unit: \`${d.unit}\``,
    `- Breakdowns: ${breakdownsOf(d)}`,
  ];
  if (d.by !== undefined) {
    lines.push(`- Always broken down by \`${d.by}\``);
  }
  if (d.percentilesOf !== undefined) {
    lines.push(`- Percentiles of the histogram \`${d.percentilesOf}\``);
  }
  if (d.unavailable !== undefined) {
    lines.push(`- Not available yet: ${d.unavailable}`);
  }
  return lines.join('\n');
}

export function renderIndicatorsDoc(): string {
  const groups = INDICATOR_GROUPS.map((g) => {
    const members = INDICATORS.filter((d) => d.group === g);
    return [
      `## ${INDICATOR_GROUP_TITLES[g]}`,
      '',
      `${members.length} indicator${members.length === 1 ? '' : 's'}: ${members.map((d) => d.id).join(', ')}.`,
      '',
      members.map(indicatorSection).join('\n\n'),
    ].join('\n');
  });
  return `${INTRO}\n${groups.join('\n\n')}\n`;
}
