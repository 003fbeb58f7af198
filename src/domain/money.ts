/** Amounts in EUR, from the one exchange-rate table (data/exchange-rates.json). */
import rates from '../../data/exchange-rates.json' with { type: 'json' };

const PER_EUR: Readonly<Record<string, number>> = rates.perEur;

export function toEur(amount: number, currency: string): number | undefined {
  const rate = PER_EUR[currency];
  return rate === undefined ? undefined : amount / rate;
}

/** An amount in EUR expressed in `currency` (the inverse of toEur), undefined for a currency not listed. */
export function fromEur(eur: number, currency: string): number | undefined {
  const rate = PER_EUR[currency];
  return rate === undefined ? undefined : eur * rate;
}

/** Does the reference table have a rate for this currency (ISO 4217 code)? */
export function hasReferenceRate(currency: string): boolean {
  return PER_EUR[currency] !== undefined;
}
