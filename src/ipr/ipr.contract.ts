/**
 * What the register of IPR applications for action answers (IprService's views), as zod schemas the
 * OpenAPI document and a generated client read, with examples. The right holders and brands of the
 * examples are made up.
 */
import { z } from 'zod';
import { fieldErrorSchema, pageOf } from '../contract/index.ts';
import { AUTHORISED_ROLES, IPR_KINDS, IPR_STATUSES } from './ipr-check.ts';

const day = z.string().describe('a day, YYYY-MM-DD');
const instant = z.string().describe('ISO 8601 date-time, UTC');

export const iprApplicationSchema = z
  .object({
    number: z.string(),
    kind: z.enum(IPR_KINDS),
    rightHolder: z.object({
      name: z.string(),
      address: z.string().nullable(),
      contact: z.string().nullable(),
    }),
    brands: z.array(
      z.object({
        name: z.string(),
        registration: z.string().nullable(),
        aliases: z.array(z.string()).describe('other spellings and scripts'),
      }),
    ),
    goods: z.array(z.string()).describe('goods codes, or their first digits, concerned; empty: any goods'),
    authorised: z.array(
      z.object({
        role: z.enum(AUTHORISED_ROLES),
        eori: z.string().nullable(),
        name: z.string().nullable(),
        country: z.string().nullable(),
      }),
    ),
    validFrom: day,
    validUntil: day.nullable(),
    status: z.enum(IPR_STATUSES),
    version: z.int(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'IprApplication' });

export const iprMatchSchema = z
  .object({
    application: z.string(),
    rightHolder: z.string(),
    brand: z.string().describe('the brand as registered'),
    words: z.string().describe('the words of the description that matched, as written'),
    how: z.string().describe('exact, phonetic, edits, joined or transliterated'),
    score: z.number(),
  })
  .meta({ id: 'IprMatch' });

export const iprScreenSchema = z.object({ matches: z.array(iprMatchSchema) }).meta({ id: 'IprScreen' });

export const iprImportSummarySchema = z
  .object({
    importId: z.string(),
    format: z.enum(['csv', 'ndjson', 'json']),
    received: z.int(),
    loaded: z.int(),
    skipped: z.int(),
    records: z.object({ application: z.int(), brand: z.int(), authorised: z.int() }),
    applications: z.object({ created: z.int(), updated: z.int(), unchanged: z.int() }),
    errors: z
      .array(fieldErrorSchema)
      .describe('the bad records, `$[i]` the i-th record of the file (at most 1000)'),
    errorCount: z.int(),
  })
  .meta({ id: 'IprImportSummary' });

export const iprApplicationPageSchema = pageOf(iprApplicationSchema);

export const IPR_APPLICATION_EXAMPLE: z.output<typeof iprApplicationSchema> = {
  number: 'EU-AFA-2027-000123',
  kind: 'union',
  rightHolder: {
    name: 'Zentrova Sportswear S.p.A. (fictitious)',
    address: 'Via Esempio 1, 20100 Milano, IT',
    contact: 'brand-protection@zentrova.example',
  },
  brands: [{ name: 'ZENTROVA', registration: 'EUTM 018999001', aliases: ['Зентрова'] }],
  goods: ['61', '62', '64'],
  authorised: [
    { role: 'distributor', eori: 'DE123456789012345', name: 'Elektro Handel GmbH', country: 'DE' },
  ],
  validFrom: '2027-01-01',
  validUntil: '2027-12-31',
  status: 'granted',
  version: 1,
  createdAt: '2027-01-02T09:00:00.000Z',
  updatedAt: '2027-01-02T09:00:00.000Z',
};

export const IPR_IMPORT_EXAMPLE: z.output<typeof iprImportSummarySchema> = {
  importId: 'imp_3c1f0d6e1c2a4b5d',
  format: 'csv',
  received: 3,
  loaded: 3,
  skipped: 0,
  records: { application: 1, brand: 1, authorised: 1 },
  applications: { created: 1, updated: 0, unchanged: 0 },
  errors: [],
  errorCount: 0,
};
