/**
 * What the register of operators answers (OperatorRegistryService's views), as zod schemas the OpenAPI
 * document and a generated client read, with examples.
 */
import { z } from 'zod';
import { AEO_COVERS, AEO_STATUSES, AEO_TYPES, MRA_FLOWS } from '../domain/index.ts';
import { fieldErrorSchema, pageOf } from '../contract/index.ts';

const day = z.string().describe('a day, YYYY-MM-DD');
const instant = z.string().describe('ISO 8601 date-time, UTC');

export const operatorRecordSchema = z
  .object({
    eori: z.string(),
    name: z.string(),
    street: z.string().nullable(),
    city: z.string().nullable(),
    postcode: z.string().nullable(),
    country: z.string(),
    validFrom: day,
    validUntil: day.nullable().describe('null: open-ended'),
    version: z.int().describe('1 when registered, one more at each change'),
    updatedAt: instant,
  })
  .meta({ id: 'RegisteredOperator' });

export const aeoAuthorisationSchema = z
  .object({
    number: z.string(),
    eori: z.string(),
    type: z.enum(AEO_TYPES),
    status: z.enum(AEO_STATUSES),
    statusFrom: day.describe('the day the status took effect'),
    validFrom: day,
    validUntil: day.nullable(),
    version: z.int(),
    updatedAt: instant,
  })
  .meta({ id: 'AeoAuthorisation' });

export const operatorDetailSchema = z
  .object({
    operator: operatorRecordSchema,
    authorisations: z.array(aeoAuthorisationSchema),
    aeoToday: z
      .object({ type: z.enum(AEO_TYPES), authorisation: z.string() })
      .nullable()
      .describe('the AEO status in force today (its own or recognised under an MRA), null when none'),
  })
  .meta({ id: 'OperatorDetail' });

export const mraSchema = z
  .object({
    id: z.string(),
    partnerCountry: z.string(),
    programme: z.string(),
    covers: z.array(z.enum(AEO_COVERS)),
    flows: z.array(z.enum(MRA_FLOWS)),
    validFrom: day,
    validUntil: day.nullable(),
    version: z.int(),
    updatedAt: instant,
  })
  .meta({ id: 'MutualRecognitionAgreement' });

export const partnerSchema = z
  .object({
    partnerId: z.string().describe('the identifier filings carry in the party’s identification number'),
    mra: z.string(),
    name: z.string(),
    status: z.enum(AEO_STATUSES),
    statusFrom: day,
    validFrom: day,
    validUntil: day.nullable(),
    version: z.int(),
    updatedAt: instant,
  })
  .meta({ id: 'MraPartnerOperator' });

export const registryVersionSchema = z
  .object({
    registry: z.string().describe('operator, aeo, mra, mra-partner, certificate, certificate-requirement'),
    recordId: z.string(),
    subject: z.string().describe('what the record belongs to (the operator’s EORI, the certificate’s id)'),
    version: z.int(),
    action: z.enum(['created', 'updated']),
    data: z.record(z.string(), z.unknown()).describe('the record as this version has it'),
    actor: z.string(),
    at: instant,
    importId: z.string().nullable().describe('the import that wrote it, null for a change through the API'),
  })
  .meta({ id: 'RegistryVersion' });

export const historySchema = z.object({ items: z.array(registryVersionSchema).describe('oldest first') });

const counts = z.object({ created: z.int(), updated: z.int(), unchanged: z.int() });

export const operatorImportSummarySchema = z
  .object({
    importId: z.string().describe('the id the audit trail and the history name the import by'),
    format: z.enum(['csv', 'ndjson', 'json']),
    received: z.int().describe('records in the file'),
    loaded: z.int().describe('records created, changed or found unchanged'),
    skipped: z.int().describe('bad records left out (with skipBad)'),
    records: z.object({ operator: counts, aeo: counts, mra: counts, 'mra-partner': counts }),
    errors: z
      .array(fieldErrorSchema)
      .describe('the bad records, `$[i]` the i-th record of the file (at most 1000)'),
    errorCount: z.int(),
  })
  .meta({ id: 'OperatorImportSummary' });

export const operatorPageSchema = pageOf(operatorRecordSchema);
export const aeoPageSchema = pageOf(aeoAuthorisationSchema);
export const partnerPageSchema = pageOf(partnerSchema);

export const OPERATOR_EXAMPLE: z.output<typeof operatorRecordSchema> = {
  eori: 'DE123456789012345',
  name: 'Elektro Handel GmbH',
  street: 'Hafenstr. 5',
  city: 'Hamburg',
  postcode: '20457',
  country: 'DE',
  validFrom: '2015-03-01',
  validUntil: null,
  version: 1,
  updatedAt: '2027-02-20T08:00:00.000Z',
};

export const AEO_EXAMPLE: z.output<typeof aeoAuthorisationSchema> = {
  number: 'DEAEOF0000123456',
  eori: 'DE123456789012345',
  type: 'AEOF',
  status: 'valid',
  statusFrom: '2019-06-01',
  validFrom: '2019-06-01',
  validUntil: null,
  version: 1,
  updatedAt: '2027-02-20T08:00:00.000Z',
};

export const MRA_EXAMPLE: z.output<typeof mraSchema> = {
  id: 'EU-US',
  partnerCountry: 'US',
  programme: 'C-TPAT',
  covers: ['security'],
  flows: ['export', 'import'],
  validFrom: '2012-06-01',
  validUntil: null,
  version: 1,
  updatedAt: '2027-02-20T08:00:00.000Z',
};

export const PARTNER_EXAMPLE: z.output<typeof partnerSchema> = {
  partnerId: 'US7722145930',
  mra: 'EU-US',
  name: 'Great Lakes Machinery Inc',
  status: 'valid',
  statusFrom: '2020-01-15',
  validFrom: '2020-01-15',
  validUntil: null,
  version: 1,
  updatedAt: '2027-02-20T08:00:00.000Z',
};

export const HISTORY_EXAMPLE: z.output<typeof historySchema> = {
  items: [
    {
      registry: 'aeo',
      recordId: 'DEAEOF0000123456',
      subject: 'DE123456789012345',
      version: 2,
      action: 'updated',
      data: {
        number: 'DEAEOF0000123456',
        eori: 'DE123456789012345',
        type: 'AEOF',
        status: 'suspended',
        statusFrom: '2027-02-20',
        validFrom: '2019-06-01',
        validUntil: null,
      },
      actor: 'coordinator:carla',
      at: '2027-02-20T08:00:00.000Z',
      importId: null,
    },
  ],
};

export const OPERATOR_IMPORT_EXAMPLE: z.output<typeof operatorImportSummarySchema> = {
  importId: 'imp_3f9a0c1d2e4b5a6c',
  format: 'csv',
  received: 3,
  loaded: 2,
  skipped: 1,
  records: {
    operator: { created: 1, updated: 0, unchanged: 0 },
    aeo: { created: 1, updated: 0, unchanged: 0 },
    mra: { created: 0, updated: 0, unchanged: 0 },
    'mra-partner': { created: 0, updated: 0, unchanged: 0 },
  },
  errors: [
    {
      code: 'VIGIL_EORI_INVALID',
      path: '$[2].eori',
      message: "line 4: 'XX12': 'XX' is not an ISO 3166-1 country code",
    },
  ],
  errorCount: 1,
};
