/**
 * Shared fixtures for the risk engine's tests: the DESIGN §3 example filing and a rule builder. The
 * example is written once: test/support/filings.ts builds its clock-relative valid filing from it.
 * Since issue 17 it is an F11 (maritime, complete master and house level), the type whose data set
 * has everything it carries (consignment routing included); maritime sets have no conveyance
 * reference (an air element), so it gives none.
 */
import type { Filing } from '../domain/filing.ts';
import type { RiskRule } from './rule.ts';

export const exampleFiling: Filing = {
  filingType: 'F11',
  lrn: 'ACME-2026-000123',
  declarant: { eori: 'NL123456789', name: 'Acme Shipping BV' },
  officeOfFirstEntry: 'NL000396',
  transport: {
    mode: 'maritime',
    meansId: 'IMO9321483',
    nationality: 'PA',
    estimatedDeparture: '2027-03-01T10:00:00Z',
    estimatedArrival: '2027-03-12T06:00:00Z',
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
          value: { amount: 4000, currency: 'EUR' },
          origin: 'CN',
        },
      ],
    },
  ],
};

export function rule(id: string, condition: string, extra: Partial<RiskRule> = {}): RiskRule {
  return {
    id,
    version: 1,
    title: id,
    riskArea: 'undervaluation',
    weight: 10,
    severity: 'medium',
    recommendedAction: 'documentary-check',
    scope: { authority: 'NL' },
    status: 'active',
    reason: `reason ${id}`,
    condition,
    ...extra,
  };
}
