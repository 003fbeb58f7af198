/**
 * A valid ENS filing relative to a clock, for the conformance kit and tests to start from and break one
 * thing at a time: the
 * DESIGN §3 example (src/risk/test-fixtures.ts), which the risk engine's tests use as it is, with dates
 * that meet the lodging deadlines from `now` and a customs value in line with the goods (the example's
 * 4,000 EUR for 1,250 kg of phones is the undervalued case the engine's tests look for).
 */
import { exampleFiling } from '../risk/test-fixtures.ts';

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

/**
 * The master part of a maritime multiple filing (F12) by the carrier: the clock-relative valid filing
 * with only the elements of F12's data set (no consignment routing).
 */
export function validMasterFiling(
  now: Date,
  lrn: string,
  carrier: { eori: string; name: string },
  docRef: string,
): Record<string, any> {
  const f = validFiling(now, { lrn });
  f['filingType'] = 'F12';
  f['carrier'] = carrier;
  const c = f['consignments'][0];
  c.transportDocument = { type: 'N705', ref: docRef };
  delete c.routing;
  return f;
}

/**
 * The house part of a maritime multiple filing (F15, with buyer and seller) by a forwarder, naming the
 * master document it travels under: no transport, no office of first entry (the addressed member
 * state instead) and no places of loading and unloading, as F15's data set has them.
 */
export function validHouseFiling(
  now: Date,
  lrn: string,
  carrier: { eori: string; name: string },
  docRef: string,
  masterRef: string,
): Record<string, any> {
  const f = validFiling(now, { lrn });
  f['filingType'] = 'F15';
  f['carrier'] = carrier;
  delete f['transport'];
  delete f['officeOfFirstEntry'];
  f['addressedMemberState'] = 'NL';
  const c = f['consignments'][0];
  c.transportDocument = { type: 'N714', ref: docRef };
  c.masterTransportDocument = { type: 'N705', ref: masterRef };
  delete c.placeOfLoading;
  delete c.placeOfUnloading;
  c.buyer = { name: 'Elektro Handel GmbH', eori: 'DE123456789012345' };
  c.seller = { name: 'Shenzhen Bright Electronics Co' };
  return f;
}
