/**
 * A valid ENS filing relative to a clock, for tests to start from and break one thing at a time.
 */
const DAY = 86_400_000;

export function validFiling(now: Date, overrides: { lrn?: string } = {}): Record<string, any> {
  const dep = new Date(now.getTime() + 3 * DAY).toISOString();
  const arr = new Date(now.getTime() + 14 * DAY).toISOString();
  return {
    filingType: 'F10',
    lrn: overrides.lrn ?? 'ACME-2026-000123',
    declarant: { eori: 'NL123456789', name: 'Acme Shipping BV' },
    officeOfFirstEntry: 'NL000396',
    transport: {
      mode: 'maritime',
      meansId: 'IMO9321483',
      conveyanceRef: 'VOY2611',
      nationality: 'PA',
      estimatedDeparture: dep,
      estimatedArrival: arr,
      routing: ['CN', 'SG', 'NL'],
    },
    consignments: [
      {
        transportDocument: { type: 'N705', ref: 'MAEU123456789' },
        placeOfLoading: 'CNSHA',
        placeOfUnloading: 'NLRTM',
        routing: ['CN', 'SG', 'NL', 'DE'],
        consignor: {
          name: 'Shenzhen Bright Electronics Co',
          address: { street: '12 Keji Rd', city: 'Shenzhen', postcode: '518000', country: 'CN' },
        },
        consignee: {
          name: 'Elektro Handel GmbH',
          eori: 'DE123456789012345',
          address: { street: 'Hafenstr. 5', city: 'Hamburg', postcode: '20457', country: 'DE' },
        },
        containers: [{ id: 'MSCU1234566', seals: ['SL778899'] }],
        goods: [
          {
            hsCode: '851713',
            description: 'Smartphones, 128GB, boxed',
            grossMassKg: 1250.5,
            packages: { type: 'CT', count: 250 },
            value: { amount: 180000, currency: 'EUR' },
            origin: 'CN',
          },
        ],
      },
    ],
  };
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
