/**
 * What an authority sends to its register of operators (zod, the same schemas the routes document and
 * the import reads each record with): operators by EORI, AEO authorisations, mutual recognition
 * agreements and their partner programmes' operators. Flat records, so a CSV row and a JSON object
 * say the same; a list in a CSV cell is written with `|` between its values.
 */
import { z } from 'zod';
import { AEO_COVERS, AEO_STATUSES, AEO_TYPES, MRA_FLOWS } from '../domain/index.ts';

export const daySchema = z.iso.date().describe('a day, YYYY-MM-DD');

const text = (max: number) => z.string().trim().min(1).max(max);

/** A list, or (in a CSV cell) its values separated by `|`. */
export function listOf<T extends z.ZodType>(item: T, max: number) {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split('|')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : v,
    z.array(item).min(1).max(max),
  );
}

export const operatorInputSchema = z.strictObject({
  eori: text(20).describe('the EORI number (spaces and lower case are normalised)'),
  name: text(200),
  street: text(200).optional(),
  city: text(100).optional(),
  postcode: text(20).optional(),
  country: z.string().trim().length(2).describe('ISO 3166-1 alpha-2 country of the address'),
  validFrom: daySchema.describe('first day the EORI is valid'),
  validUntil: daySchema.optional().describe('last day the EORI is valid; open-ended when absent'),
});
export type OperatorInput = z.output<typeof operatorInputSchema>;

export const aeoInputSchema = z.strictObject({
  number: text(40).describe('the authorisation number (e.g. DEAEOF0000123456)'),
  eori: text(20).describe('the holder’s EORI: a registered operator'),
  type: z.enum(AEO_TYPES).describe('AEOC customs simplifications, AEOS security and safety, AEOF both'),
  status: z.enum(AEO_STATUSES).default('valid'),
  statusFrom: daySchema
    .optional()
    .describe('the day the status took effect: a suspension or revocation from then on (default: today)'),
  validFrom: daySchema,
  validUntil: daySchema.optional(),
});
export type AeoInput = z.output<typeof aeoInputSchema>;

export const mraInputSchema = z.strictObject({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'letters, digits, . _ - (at most 40)')
    .describe('the agreement’s id, e.g. EU-US'),
  partnerCountry: z.string().trim().length(2).describe('the partner’s ISO country code'),
  programme: text(100).describe('the partner’s programme, e.g. C-TPAT'),
  covers: listOf(z.enum(AEO_COVERS), 2).describe(
    'what recognition lowers: security (security and safety, as the EU’s MRAs), financial, or both',
  ),
  flows: listOf(z.enum(MRA_FLOWS), 2).describe('the flows of goods it covers: import, export'),
  validFrom: daySchema,
  validUntil: daySchema.optional(),
});
export type MraInput = z.output<typeof mraInputSchema>;

export const partnerInputSchema = z.strictObject({
  partnerId: text(40).describe(
    'the identifier the partner programme gives the operator, as filings carry it in the party’s identification number',
  ),
  name: text(200),
  status: z.enum(AEO_STATUSES).default('valid'),
  statusFrom: daySchema.optional().describe('the day the status took effect (default: today)'),
  validFrom: daySchema,
  validUntil: daySchema.optional(),
});
export type PartnerInput = z.output<typeof partnerInputSchema>;

/** A partner operator in an import names its agreement. */
export const partnerRecordSchema = partnerInputSchema.extend({
  mra: text(40).describe('the agreement’s id'),
});

export const IMPORT_RECORDS = ['operator', 'aeo', 'mra', 'mra-partner'] as const;
export type ImportRecordKind = (typeof IMPORT_RECORDS)[number];

export const importQuerySchema = z.strictObject({
  skipBad: z
    .enum(['true', 'false'])
    .default('false')
    .describe('load the good records and report the bad ones (default: nothing is loaded if one is bad)'),
});

export const listOperatorsQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(200).optional().describe('an EORI prefix or part of the name'),
  country: z.string().trim().length(2).optional(),
  aeo: z.enum(['true', 'false']).optional().describe('only operators with (or without) an AEO authorisation'),
  next: z.string().max(200).optional().describe('the `next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const listAeoQuerySchema = z.strictObject({
  eori: z.string().trim().min(1).max(20).optional(),
  status: z.enum(AEO_STATUSES).optional(),
  type: z.enum(AEO_TYPES).optional(),
  next: z.string().max(200).optional().describe('the `next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const listPartnersQuerySchema = z.strictObject({
  next: z.string().max(200).optional().describe('the `next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
