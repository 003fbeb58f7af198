/**
 * Amounts in EUR, from the one dated exchange-rate table (data/exchange-rates.json): a set of
 * reference rates applies from its date until the next set's, so an amount is converted with the
 * rates in force on the day it was declared, and an assessment can say which rates it used.
 */
import table from '../../data/exchange-rates.json' with { type: 'json' };

/** Reference rates in force from `from` (YYYY-MM-DD): units of each currency per 1 EUR. */
export interface RateSet {
  readonly from: string;
  readonly perEur: Readonly<Record<string, number>>;
}

const SETS: readonly RateSet[] = Object.freeze(
  [...(table.sets as RateSet[])].sort((a, b) => a.from.localeCompare(b.from)),
);

/** The set in force on `on` (the latest when no date is given; the earliest before the first). */
export function ratesOn(on?: Date | string): RateSet {
  if (on === undefined) {
    return SETS[SETS.length - 1]!;
  }
  const day = (typeof on === 'string' ? on : on.toISOString()).slice(0, 10);
  let found = SETS[0]!;
  for (const set of SETS) {
    if (set.from <= day) {
      found = set;
    }
  }
  return found;
}

/** `amount` of `currency` in EUR with the rates in force on `on`; undefined for a currency not listed. */
export function toEur(amount: number, currency: string, on?: Date | string): number | undefined {
  const rate = ratesOn(on).perEur[currency];
  return rate === undefined ? undefined : amount / rate;
}

/** An amount in EUR expressed in `currency` (the inverse of toEur), undefined for a currency not listed. */
export function fromEur(eur: number, currency: string, on?: Date | string): number | undefined {
  const rate = ratesOn(on).perEur[currency];
  return rate === undefined ? undefined : eur * rate;
}

/** Does the reference table have a rate for this currency (ISO 4217 code) today? */
export function hasReferenceRate(currency: string): boolean {
  return ratesOn().perEur[currency] !== undefined;
}
