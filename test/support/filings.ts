/**
 * A valid ENS filing relative to a clock, for tests to start from and break one thing at a time: the
 * DESIGN §3 example (src/risk/test-fixtures.ts), which the risk engine's tests use as it is, with dates
 * that meet the lodging deadlines from `now` and a customs value in line with the goods (the example's
 * 4,000 EUR for 1,250 kg of phones is the undervalued case the engine's tests look for).
 */
import { exampleFiling } from '../../src/risk/test-fixtures.ts';

const DAY = 86_400_000;

export function validFiling(now: Date, overrides: { lrn?: string } = {}): Record<string, any> {
  const f: Record<string, any> = structuredClone(exampleFiling);
  f['lrn'] = overrides.lrn ?? exampleFiling.lrn;
  f['transport'].estimatedDeparture = new Date(now.getTime() + 3 * DAY).toISOString();
  f['transport'].estimatedArrival = new Date(now.getTime() + 14 * DAY).toISOString();
  f['consignments'][0].goods[0].value.amount = 180000;
  return f;
}

/** An air filing (long-haul) with an air waybill. */
export function validAirFiling(now: Date, lrn = 'AIR-0001'): Record<string, any> {
  const f = validFiling(now, { lrn });
  f['filingType'] = 'F20';
  f['transport'] = {
    mode: 'air',
    meansId: 'EK147',
    estimatedDeparture: new Date(now.getTime() + DAY).toISOString(),
    estimatedArrival: new Date(now.getTime() + DAY + 8 * 3_600_000).toISOString(),
    routing: ['AE', 'NL'],
  };
  const c = f['consignments'][0];
  c.transportDocument = { type: 'N740', ref: '176-12345675' };
  c.placeOfLoading = 'AEDXB';
  c.placeOfUnloading = 'NLAMS';
  c.routing = ['AE', 'NL'];
  c.containers = [];
  return f;
}
