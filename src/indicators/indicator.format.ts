/**
 * How indicators are put before people: the groups' headings, what each unit means in words, and a
 * value written in its unit (a ratio as a percentage, a duration in ms, s, min, h or days, an amount
 * in euro). Shared by docs/indicators.md and the HTML report, so both speak alike. Pure.
 */
import type { IndicatorDefinition, IndicatorGroup } from './indicator.catalogue.ts';

export type IndicatorUnit = IndicatorDefinition['unit'];

export const INDICATOR_GROUP_TITLES: Readonly<Record<IndicatorGroup, string>> = {
  'data-quality': 'Data quality and filing',
  timeliness: 'Timeliness',
  targeting: 'Targeting',
  criteria: 'Criteria (per rule)',
  cooperation: 'Cooperation',
  'trusted-traders': 'Trusted traders',
};

export const INDICATOR_UNIT_NOTES: Readonly<Record<IndicatorUnit, string>> = {
  count: 'a number of facts',
  ratio: 'a fraction (0.25 in the API, 25% in the report)',
  factor: 'a multiple (0.67 in the API, ×0.67 in the report)',
  eur: 'euro',
  quantity: 'an amount in the unit named by the breakdown key (kg, g, l, items, sticks, eur)',
  ms: 'milliseconds (the value is the median; `percentiles` has p50, p90, p99 and the count)',
};

/** The heading of a group the catalogue does not know yet (a newer server): its id, readable. */
export function groupTitle(group: string): string {
  return (INDICATOR_GROUP_TITLES as Readonly<Record<string, string>>)[group] ?? group.replaceAll('-', ' ');
}

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const twoPlaces = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const euro = new Intl.NumberFormat('en-GB', {
  style: 'currency',
  currency: 'EUR',
  maximumFractionDigits: 2,
});

/** A number with at most `digits` decimals, without trailing zeros (12.5, not 12.50). */
function short(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

/** A duration in the largest unit that keeps it readable: 850 ms, 12.3 s, 4.5 min, 3.2 h, 2.1 days. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) {
    return `${whole.format(ms)} ms`;
  }
  if (abs < 60_000) {
    return `${short(ms / 1000, 1)} s`;
  }
  if (abs < 3_600_000) {
    return `${short(ms / 60_000, 1)} min`;
  }
  if (abs < 48 * 3_600_000) {
    return `${short(ms / 3_600_000, 1)} h`;
  }
  return `${short(ms / 86_400_000, 1)} days`;
}

/** A fraction as a percentage with one decimal where it matters (9.3%, 100%). */
export function formatPercent(fraction: number): string {
  return `${short(fraction * 100, 1)}%`;
}

/** A value in its unit; `null` (nothing to divide by, or no data) is an em dash. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '—';
  }
  switch (unit) {
    case 'ratio':
      return formatPercent(value);
    case 'ms':
      return formatDuration(value);
    case 'eur':
      return euro.format(value);
    case 'factor':
      return `×${twoPlaces.format(value)}`;
    case 'count':
      return Number.isInteger(value) ? whole.format(value) : twoPlaces.format(value);
    default:
      return twoPlaces.format(value);
  }
}
