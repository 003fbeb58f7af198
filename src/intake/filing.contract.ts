/**
 * What the filing routes answer, as zod schemas (the OpenAPI document and a generated client read
 * them), with examples built around the demo generator's filing (the edge passes it in: intake does not
 * depend on the demo).
 */
import { z } from 'zod';
import { fieldErrorSchema, pageOf } from '../contract/index.ts';
import { makeMrn } from '../domain/index.ts';
import { filingSchema } from './filing.schema.ts';

const mrn = z.string().describe('movement reference number (18 characters with its check character)');
const instant = z.string().describe('ISO 8601 date-time, UTC');

export const filingStatusSchema = z.enum(['registered', 'incomplete', 'invalidated']);

export const consignmentViewSchema = z
  .object({
    index: z.int().describe('position of the consignment in the filing, from 0'),
    transportDocument: z.object({ type: z.string(), ref: z.string() }),
    status: z
      .enum(['complete', 'incomplete'])
      .describe('incomplete: a house or master part waits for its other part'),
    masterMrn: mrn
      .optional()
      .describe(
        'the MRN of the master filing this house consignment is linked to (when the viewer may see it)',
      ),
  })
  .meta({ id: 'ConsignmentView' });

export const filingSummarySchema = z
  .object({
    mrn,
    lrn: z.string(),
    filingType: z.string(),
    status: filingStatusSchema,
    version: z.int().describe('1 when lodged, one more per amendment'),
    lodgedAt: instant,
    updatedAt: instant,
    consignments: z.array(consignmentViewSchema),
    warnings: z
      .array(fieldErrorSchema)
      .describe('problems that do not refuse the filing (a vague goods description …)'),
  })
  .meta({ id: 'FilingSummary' });

export const filingDetailSchema = filingSummarySchema
  .extend({
    authority: z.string().describe('the authority the filing was lodged with'),
    filer: z.string().describe('the token subject of the filer'),
    filing: filingSchema.describe('the current data of the filing, as validated'),
    invalidation: z.object({ at: instant, reason: z.string().nullable() }).optional(),
  })
  .meta({ id: 'FilingDetail' });

export const filingPageSchema = pageOf(filingSummarySchema);

export const houseFilersResultSchema = z.object({
  mrn,
  houseFilers: z.array(z.string()).describe('every filer accepted under this filing'),
  linkedConsignments: z.int().describe('consignments that linked now that their filer is accepted'),
});

export const MRN_EXAMPLE = makeMrn({ year: 2027, country: 'IT', serial: '0A1B2C3D4E5F', procedure: 'Z' });
const LODGED_AT = '2027-03-01T10:00:00.000Z';

export interface FilingExamples {
  readonly filing: z.input<typeof filingSchema>;
  readonly summary: z.output<typeof filingSummarySchema>;
  readonly detail: z.output<typeof filingDetailSchema>;
}

/** The answers for `filing` (a filing the validator accepts) as the routes would give them. */
export function filingExamples(filing: z.input<typeof filingSchema>): FilingExamples {
  const parsed = filingSchema.parse(filing);
  const summary: z.output<typeof filingSummarySchema> = {
    mrn: MRN_EXAMPLE,
    lrn: parsed.lrn,
    filingType: parsed.filingType,
    status: 'registered',
    version: 1,
    lodgedAt: LODGED_AT,
    updatedAt: LODGED_AT,
    consignments: parsed.consignments.map((c, index) => ({
      index,
      transportDocument: { type: c.transportDocument.type, ref: c.transportDocument.ref },
      status: 'complete',
    })),
    warnings: [],
  };
  return { filing, summary, detail: { ...summary, authority: 'IT', filer: 'oocl-europe', filing: parsed } };
}

/** An ICS2 IE3F message (docs/ics2-xml.md), abridged. */
export const FILING_XML_EXAMPLE = `<ens:IE3F10 xmlns:ens="urn:wco:datamodel:eu:ics2:2">
  <ens:LRN>ACME-2027-0001</ens:LRN>
  <ens:declarant><ens:name>Acme Shipping BV</ens:name><ens:identificationNumber>NL123456789</ens:identificationNumber></ens:declarant>
  <ens:customsOfficeOfFirstEntry><ens:referenceNumber>NL000396</ens:referenceNumber></ens:customsOfficeOfFirstEntry>
  …
</ens:IE3F10>`;
