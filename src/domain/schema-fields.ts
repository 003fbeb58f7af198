/**
 * Zod field schemas shared by the external contracts (the ENS filing, the import declaration): texts,
 * references, identifiers checked inside the schema so a body gets every field error in one pass, and
 * the shapes of an address and an amount. An identifier's error carries its Vigil code in the issue's
 * params, where fromZodIssues finds it.
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors/index.ts';
import { hasReferenceRate } from './money.ts';
import { checkCountry, checkCustomsOffice, checkEori, checkHsCode, normaliseEori } from './identifiers.ts';
import { REFERENCE_KIND_INFO, referenceScope } from './reference-lists.ts';
import type { ReferenceKind } from './reference-lists.ts';

/** A refinement reporting `check`'s problem with a value under `code`, naming the value as `what`. */
export function refineIdentifier(check: (v: string) => string | undefined, code: ErrorCode, what: string) {
  return (value: string, ctx: z.RefinementCtx): void => {
    const problem = check(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} '${value}': ${problem}`, params: { code } });
    }
  };
}

/** Free text, trimmed, of 1 to `max` characters. */
export const textSchema = (max: number) => z.string().trim().min(1).max(max);

/** A sender's own reference (an LRN, a trader id): 1 to 35 letters, digits and . _ / - */
export const referenceSchema = z
  .string()
  .trim()
  .min(1)
  .max(35)
  .regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits and . _ / - only');

export const countrySchema = z
  .string()
  .superRefine(refineIdentifier(checkCountry, 'VIGIL_COUNTRY_INVALID', 'country'));

/**
 * An EORI, normalised (spacing and case) before it is checked; a malformed one is refused under
 * `code` (the ENS refuses the carrier's, declarant's and notify party's under ICS2's R3005).
 */
export const eoriSchemaCoded = (code: ErrorCode) =>
  z
    .string()
    .max(40)
    .transform(normaliseEori)
    .superRefine(refineIdentifier(checkEori, code, 'EORI'));

/** An EORI, normalised (spacing and case) before it is checked. */
export const eoriSchema = eoriSchemaCoded('VIGIL_EORI_INVALID');

/**
 * A goods code: 6, 8 or 10 digits (VIGIL_HS_CODE_INVALID), and, inside a reference scope (a filing
 * being validated), one that exists in the nomenclature in force on the filing's date
 * (VIGIL_HS_CODE_UNKNOWN): the filer's software must send real codes.
 */
export const hsCodeSchema = z.string().superRefine((value, ctx) => {
  const problem = checkHsCode(value);
  if (problem !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `goods code '${value}': ${problem}`,
      params: { code: 'VIGIL_HS_CODE_INVALID' satisfies ErrorCode },
    });
    return;
  }
  const scope = referenceScope();
  const unknown = scope?.lists.goodsCodeProblem(value, scope.day);
  if (unknown !== undefined) {
    ctx.addIssue({ code: 'custom', message: unknown.message, params: { code: unknown.code } });
  }
});

/**
 * A refinement checking a code against a codelist valid on the filing's date, inside a reference
 * scope (outside one, nothing: the field's shape is checked by its own schema).
 */
export function refineCodelist(kind: ReferenceKind, code: ErrorCode, what: string) {
  return (value: string, ctx: z.RefinementCtx): void => {
    const scope = referenceScope();
    if (scope === undefined || !REFERENCE_KIND_INFO[kind].pattern.test(value)) {
      return; // a malformed value is the field's own schema's to report
    }
    const problem = scope.lists.codeProblem(kind, value, scope.day);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${what}: ${problem}`, params: { code } });
    }
  };
}

export const customsOfficeSchema = z
  .string()
  .superRefine(refineIdentifier(checkCustomsOffice, 'VIGIL_OFFICE_INVALID', 'customs office'));

/**
 * An address (ICS2 Address): a street, a P.O. box, or both — one of the two is required, refused under
 * `missing` when neither is given (the ENS refuses it under ICS2's R3002).
 */
export const addressSchemaCoded = (missing: ErrorCode) =>
  z
    .strictObject({
      street: textSchema(70).optional().describe('Street and number (ICS2 Address/streetAndNumber), an..70'),
      poBox: textSchema(70).optional().describe('P.O. box (ICS2 Address/POBox), an..70'),
      city: textSchema(35).describe('City (ICS2 Address/city), an..35'),
      postcode: textSchema(17).optional().describe('Postcode (ICS2 Address/postcode), an..17'),
      country: countrySchema.describe('Country (ICS2 Address/country), ISO 3166 alpha-2'),
    })
    .superRefine((a, ctx) => {
      if (a.street === undefined && a.poBox === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['street'],
          message: 'an address needs a street and number, or a P.O. box (poBox)',
          params: { code: missing },
        });
      }
    });

/** An address (ICS2 Address): a street, a P.O. box, or both — one of the two is required. */
export const addressSchema = addressSchemaCoded('VIGIL_SCHEMA_REQUIRED');

/**
 * An amount in an ISO 4217 currency (a customs value, a price). The currency must be one the
 * reference table converts (data/exchange-rates.json): an amount that cannot be compared in euro is
 * refused, the same way in every contract, rather than left out of every value check.
 */
export const moneySchema = z.strictObject({
  amount: z.number().min(0).max(1e13),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code of 3 letters')
    .superRefine((currency, ctx) => {
      if (!/^[A-Z]{3}$/.test(currency)) {
        return;
      }
      const scope = referenceScope();
      const problem = scope?.lists.codeProblem('currencies', currency, scope.day);
      if (problem !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `currency: ${problem}`,
          params: { code: 'VIGIL_CURRENCY_UNKNOWN' satisfies ErrorCode },
        });
      } else if (!hasReferenceRate(currency)) {
        ctx.addIssue({
          code: 'custom',
          message: `no reference rate for currency '${currency}'`,
          params: { code: 'VIGIL_CURRENCY_UNKNOWN' satisfies ErrorCode },
        });
      }
    }),
});

/** A date-time with its zone, or a plain date (YYYY-MM-DD, the whole day in UTC): what an analyst types. */
export const instantSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Where a period given as `from` starts: a plain date at its first instant (UTC). */
export function periodStart(from: string): Date {
  return new Date(from);
}

/** Where a period given as `to` ends (exclusive): after a plain date's whole day (UTC). */
export function periodEnd(to: string): Date {
  return PLAIN_DATE.test(to) ? new Date(Date.parse(to) + 86_400_000) : new Date(to);
}
