/**
 * What an authority sends to its registry of certificates and licences (zod, the schemas the routes
 * document and the import reads each record with): certificates, and the measures that require one.
 * Flat records, so a CSV row and a JSON object say the same; a list in a CSV cell is written with `|`.
 */
import { z } from 'zod';
import { daySchema, listOf } from '../operators/index.ts';
import { CERTIFICATE_KINDS } from './certificate-check.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const goodsPrefix = z
  .string()
  .trim()
  .regex(/^\d{2,10}$/, 'a goods code or its first digits (2 to 10)');

export const certificateInputSchema = z.strictObject({
  type: z.enum(CERTIFICATE_KINDS).describe('the kind of certificate or licence'),
  documentCode: z
    .string()
    .trim()
    .regex(/^[A-Z0-9]{4}$/)
    .optional()
    .describe('the supporting-document code goods items cite it by (default: the kind’s first, e.g. C400)'),
  number: text(70).describe('the certificate’s number, as goods items cite it'),
  issuer: text(200).describe('the authority that issued it'),
  holderEori: text(20).optional().describe('the holder (importer) it was issued to; any holder when absent'),
  goods: listOf(goodsPrefix, 50).describe('the goods codes (or their first digits) it covers'),
  origin: z.string().trim().length(2).optional().describe('the origin it covers; any when absent'),
  quantity: z.coerce
    .number()
    .positive()
    .max(1e15)
    .optional()
    .describe('the quantity it allows, written off by goods items; no limit when absent'),
  unit: z
    .string()
    .trim()
    .regex(/^[A-Z0-9]{1,4}$/, 'a UN/ECE Recommendation 20 unit code (KGM, NAR, MTQ …)')
    .optional()
    .describe('the unit of the quantity (required with it)'),
  validFrom: daySchema,
  validUntil: daySchema.optional(),
  status: z.enum(['valid', 'cancelled']).default('valid'),
});
export type CertificateInput = z.output<typeof certificateInputSchema>;

export const requirementInputSchema = z.strictObject({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'letters, digits, . _ - (at most 40)')
    .describe('the measure’s id, e.g. CITES-TIMBER-DALBERGIA'),
  goodsPrefix: goodsPrefix.describe('the goods code (or its first digits) the measure applies to'),
  origin: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .describe(
      'the origin it applies to: an ISO country code, a country group (inGroup’s names) or * for any',
    ),
  certificateType: z.enum(CERTIFICATE_KINDS).describe('the kind of certificate the goods need'),
  description: text(300),
  validFrom: daySchema,
  validUntil: daySchema.optional(),
});
export type RequirementInput = z.output<typeof requirementInputSchema>;

export const listCertificatesQuerySchema = z.strictObject({
  type: z.enum(CERTIFICATE_KINDS).optional(),
  number: z.string().trim().min(1).max(70).optional().describe('a number, or its beginning'),
  holder: z.string().trim().min(1).max(20).optional().describe('the holder’s EORI'),
  goodsCode: z
    .string()
    .trim()
    .regex(/^\d{2,10}$/)
    .optional()
    .describe('certificates that cover this goods code'),
  status: z.enum(['valid', 'cancelled']).optional(),
  next: z.string().max(200).optional().describe('the `next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const usageQuerySchema = z.strictObject({
  next: z.string().max(200).optional().describe('the `next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
