/**
 * What the registry of certificates answers (CertificateService's views), as zod schemas the OpenAPI
 * document and a generated client read, with examples.
 */
import { z } from 'zod';
import { fieldErrorSchema, pageOf } from '../contract/index.ts';
import { CERTIFICATE_KINDS } from './certificate-check.ts';

const day = z.string().describe('a day, YYYY-MM-DD');
const instant = z.string().describe('ISO 8601 date-time, UTC');

export const certificateSchema = z
  .object({
    id: z.string(),
    type: z.enum(CERTIFICATE_KINDS),
    documentCode: z.string().describe('the supporting-document code goods items cite it by'),
    number: z.string(),
    issuer: z.string(),
    holderEori: z.string().nullable().describe('null: any holder'),
    goods: z.array(z.string()).describe('goods codes, or their first digits, it covers'),
    origin: z.string().nullable().describe('null: any origin'),
    quantity: z.number().nullable().describe('the quantity it allows; null: no limit'),
    remaining: z.number().nullable().describe('what is left to write off'),
    unit: z.string().nullable(),
    validFrom: day,
    validUntil: day.nullable(),
    status: z.enum(['valid', 'cancelled']),
    version: z.int(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Certificate' });

export const certificateUseSchema = z
  .object({
    mrn: z.string(),
    version: z.int().describe('the filing version that cited it'),
    consignment: z.int().describe('from 0'),
    item: z.int().describe('the goods item, from 0'),
    document: z.int().describe('the supporting document of the goods item, from 0'),
    documentCode: z.string(),
    number: z.string(),
    certificateId: z.string().nullable(),
    quantity: z.number().nullable().describe('what was written off (null: nothing was taken)'),
    unit: z.string().nullable(),
    status: z
      .enum(['written-off', 'released', 'refused'])
      .describe('released: given back when the filing was amended or invalidated'),
    code: z.string().nullable().describe('why it was refused (a VIGIL_CERTIFICATE_… code)'),
    message: z.string(),
    usedAt: instant,
    releasedAt: instant.nullable(),
  })
  .meta({ id: 'CertificateUse' });

export const certificateUsageSchema = pageOf(certificateUseSchema)
  .extend({ certificate: certificateSchema })
  .meta({ id: 'CertificateUsage' });

export const requirementSchema = z
  .object({
    id: z.string(),
    goodsPrefix: z.string(),
    origin: z.string().describe('an ISO country code, a country group, or * for any'),
    certificateType: z.enum(CERTIFICATE_KINDS),
    description: z.string(),
    validFrom: day,
    validUntil: day.nullable(),
    version: z.int(),
    updatedAt: instant,
  })
  .meta({ id: 'CertificateRequirement' });

const counts = z.object({ created: z.int(), updated: z.int(), unchanged: z.int() });

export const certificateImportSummarySchema = z
  .object({
    importId: z.string(),
    format: z.enum(['csv', 'ndjson', 'json']),
    received: z.int(),
    loaded: z.int(),
    skipped: z.int(),
    records: z.object({ certificate: counts, requirement: counts }),
    errors: z
      .array(fieldErrorSchema)
      .describe('the bad records, `$[i]` the i-th record of the file (at most 1000)'),
    errorCount: z.int(),
  })
  .meta({ id: 'CertificateImportSummary' });

export const certificatePageSchema = pageOf(certificateSchema);

export const CERTIFICATE_EXAMPLE: z.output<typeof certificateSchema> = {
  id: 'crt_5e0b7c2a9d41f386',
  type: 'cites-permit',
  documentCode: 'C400',
  number: 'DE-CITES-2027-004512',
  issuer: 'Bundesamt für Naturschutz',
  holderEori: 'DE123456789012345',
  goods: ['4407'],
  origin: 'CM',
  quantity: 100,
  remaining: 64,
  unit: 'MTQ',
  validFrom: '2027-01-15',
  validUntil: '2027-07-14',
  status: 'valid',
  version: 1,
  createdAt: '2027-01-15T09:00:00.000Z',
  updatedAt: '2027-01-15T09:00:00.000Z',
};

export const CERTIFICATE_USE_EXAMPLE: z.output<typeof certificateUseSchema> = {
  mrn: '27DE0A1B2C3D4E5FZ1',
  version: 1,
  consignment: 0,
  item: 0,
  document: 0,
  documentCode: 'C400',
  number: 'DE-CITES-2027-004512',
  certificateId: 'crt_5e0b7c2a9d41f386',
  quantity: 36,
  unit: 'MTQ',
  status: 'written-off',
  code: null,
  message: '36 MTQ written off; 64 left',
  usedAt: '2027-02-20T08:00:00.000Z',
  releasedAt: null,
};

export const REQUIREMENT_EXAMPLE: z.output<typeof requirementSchema> = {
  id: 'CITES-DALBERGIA',
  goodsPrefix: '4407',
  origin: '*',
  certificateType: 'cites-permit',
  description: 'Rosewood (Dalbergia spp.), CITES Appendix II',
  validFrom: '2017-01-02',
  validUntil: null,
  version: 1,
  updatedAt: '2027-02-20T08:00:00.000Z',
};

export const CERTIFICATE_IMPORT_EXAMPLE: z.output<typeof certificateImportSummarySchema> = {
  importId: 'imp_9b3f0d6e1c2a4b5d',
  format: 'csv',
  received: 2,
  loaded: 2,
  skipped: 0,
  records: {
    certificate: { created: 1, updated: 0, unchanged: 0 },
    requirement: { created: 1, updated: 0, unchanged: 0 },
  },
  errors: [],
  errorCount: 0,
};
