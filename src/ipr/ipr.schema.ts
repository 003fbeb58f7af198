/**
 * What an authority sends to its register of IPR applications for action (zod, the schemas the
 * routes document and the import reads each record with). An application carries its brands and
 * authorised operators as lists; an import may also give them as records of their own (`brand`,
 * `authorised`, naming the application), so that a CSV file stays one flat row per record.
 */
import { z } from 'zod';
import { daySchema, listOf } from '../operators/index.ts';
import { AUTHORISED_ROLES, IPR_KINDS, IPR_STATUSES } from './ipr-check.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const goodsPrefix = z
  .string()
  .trim()
  .regex(/^\d{2,10}$/, 'a goods code or its first digits (2 to 10)');
/** A list that may also be sent empty (as the register answers it): the same as leaving it out. */
const optionalList = <T extends z.ZodType>(list: T) =>
  z.preprocess((v) => (Array.isArray(v) && v.length === 0 ? undefined : v), list.optional());

const applicationNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9./-]{2,39}$/, 'letters, digits, . / - (3 to 40)')
  .describe('the application’s number, e.g. EU-AFA-2027-000123 or NL-AFA-2027-0042');

export const brandInputSchema = z.strictObject({
  name: text(100).describe('the trademark or brand name as registered'),
  registration: text(40).nullish().describe('its registration number (EUTM, national, WIPO)'),
  aliases: optionalList(listOf(text(100), 20)).describe(
    'other spellings and scripts it is written in (“Зентрова”); a CSV cell separates them with |',
  ),
});
export type BrandInput = z.output<typeof brandInputSchema>;

export const authorisedInputSchema = z
  .strictObject({
    role: z.enum(AUTHORISED_ROLES).describe('what the right holder authorises it to do'),
    eori: text(20).optional().describe('its EORI or other identification number'),
    name: text(200).optional().describe('its name, matched fuzzily against the filing’s parties'),
    country: z.string().trim().length(2).optional(),
  })
  .refine((o) => o.eori !== undefined || o.name !== undefined, {
    message: 'an authorised operator has an eori, a name or both',
    path: ['eori'],
  });
export type AuthorisedInput = z.output<typeof authorisedInputSchema>;

export const applicationInputSchema = z.strictObject({
  number: applicationNumber,
  kind: z
    .enum(IPR_KINDS)
    .default('national')
    .describe('national, or a Union application (several member states)'),
  rightHolder: text(200).describe('the right holder’s name'),
  rightHolderAddress: text(300).optional(),
  rightHolderContact: text(200).optional().describe('who customs call about suspected goods'),
  brands: z
    .array(brandInputSchema)
    .max(200)
    .default([])
    .describe('the protected trademarks and brand names (also given as `brand` records in an import)'),
  goods: optionalList(listOf(goodsPrefix, 100)).describe(
    'the goods codes (or their first digits) concerned; any goods when absent or empty',
  ),
  authorised: z
    .array(authorisedInputSchema)
    .max(500)
    .default([])
    .describe('manufacturers, distributors and licensees the right holder authorises'),
  validFrom: daySchema,
  validUntil: daySchema.optional().describe('the last day of the decision granting it (usually a year)'),
  status: z.enum(IPR_STATUSES).default('granted'),
});
export type ApplicationInput = z.output<typeof applicationInputSchema>;

/** An import record adding a brand to an application of the file or of the register. */
export const brandRecordSchema = brandInputSchema.extend({ application: applicationNumber });
/** An import record adding an authorised operator to an application of the file or of the register. */
export const authorisedRecordSchema = z
  .strictObject({
    application: applicationNumber,
    role: z.enum(AUTHORISED_ROLES),
    eori: text(20).optional(),
    name: text(200).optional(),
    country: z.string().trim().length(2).optional(),
  })
  .refine((o) => o.eori !== undefined || o.name !== undefined, {
    message: 'an authorised operator has an eori, a name or both',
    path: ['eori'],
  });

export const listApplicationsQuerySchema = z.strictObject({
  number: z.string().trim().min(1).max(40).optional().describe('a number, or its beginning'),
  brand: z.string().trim().min(1).max(100).optional().describe('a brand name or alias, or part of one'),
  rightHolder: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('the right holder’s name, or its beginning'),
  goodsCode: z
    .string()
    .trim()
    .regex(/^\d{2,10}$/)
    .optional()
    .describe('applications that cover this goods code'),
  status: z.enum(IPR_STATUSES).optional(),
  next: z.string().max(200).optional().describe('the `next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const screenQuerySchema = z.strictObject({
  description: z.string().trim().min(1).max(512).describe('a goods description'),
  goodsCode: z
    .string()
    .trim()
    .regex(/^\d{2,10}$/)
    .optional()
    .describe('only applications covering this goods code'),
  day: daySchema.optional().describe('applications in force on this day (default: today)'),
});
