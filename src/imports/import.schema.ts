/**
 * The external contract of an import declaration (DESIGN §3): H1 (standard) or H7 (low-value
 * e-commerce), reusing the ENS's identifier checks and the shape of its parties and goods items. A
 * party is known by its EORI or, where the declaring system has none (the KCS data), by a national
 * trader id. The national system's own codes (office, transport mode, process and import type …) are
 * kept verbatim in `codes`, because the fraud model was trained on them. Unknown fields are rejected.
 * An H7 consignment may not be worth more than 150 EUR (Article 23 of Regulation 1186/2009 and the
 * H7 data set); that check and the currency check run here so every error comes back in one pass.
 */
import { z } from 'zod';
import {
  TRANSPORT_MODES,
  checkCountry,
  checkCustomsOffice,
  checkEori,
  checkHsCode,
  normaliseEori,
} from '../domain/index.ts';
import { toEur } from '../assessment/signals.ts';
import type { ErrorCode } from '../errors/index.ts';
import { IMPORT_CODES } from './import-codes.ts';

export const DECLARATION_TYPES = ['H1', 'H7'] as const;
export type DeclarationType = (typeof DECLARATION_TYPES)[number];

/** The H7 ceiling: intrinsic value of the consignment, in EUR. */
export const H7_MAX_VALUE_EUR = 150;

export const IMPORT_LIMITS = Object.freeze({ goods: 999 });

function identifier(check: (v: string) => string | undefined, code: ErrorCode, what: string) {
  return (value: string, ctx: z.RefinementCtx): void => {
    const problem = check(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} '${value}': ${problem}`, params: { code } });
    }
  };
}

const text = (max: number) => z.string().trim().min(1).max(max);
/** A national code (KCS: '11', 'B', 'FCN1'): short, letters and digits. */
const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{1,8}$/, 'a code of 1–8 letters or digits');

const country = z.string().superRefine(identifier(checkCountry, 'VIGIL_COUNTRY_INVALID', 'country'));
const eori = z
  .string()
  .max(40)
  .transform(normaliseEori)
  .superRefine(identifier(checkEori, 'VIGIL_EORI_INVALID', 'EORI'));

const address = z.strictObject({
  street: text(70),
  city: text(35),
  postcode: text(17).optional(),
  country,
});

const party = z
  .strictObject({
    /** The trader's id in the declaring system when there is no EORI (KCS: anonymised ids). */
    id: z
      .string()
      .trim()
      .min(1)
      .max(35)
      .regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits and . _ / - only')
      .optional(),
    eori: eori.optional(),
    name: text(70).optional(),
    address: address.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.id === undefined && p.eori === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'a party needs an eori or an id',
        path: ['eori'],
        params: { code: 'VIGIL_SCHEMA_REQUIRED' },
      });
    }
  });

const goodsItem = z.strictObject({
  hsCode: z.string().superRefine(identifier(checkHsCode, 'VIGIL_HS_CODE_INVALID', 'goods code')),
  description: text(512).optional(),
  origin: country,
  /** Country of departure (dispatch). */
  departure: country.optional(),
  /** 0 is allowed: masses are declared to 0.1 kg, so a small parcel can round to 0. */
  netMassKg: z.number().min(0).max(1e9),
  price: z.strictObject({
    amount: z.number().min(0).max(1e13),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code of 3 letters'),
  }),
  tax: z
    .strictObject({
      /** The tariff or tax type code (KCS: 'A' basic, 'C' conventional, 'FCN1' FTA China …). */
      type: code,
      /** Percent. */
      rate: z.number().min(0).max(1000),
    })
    .optional(),
  /** How origin is proven (KCS country-of-origin indicator: E, G, Y, B, S, N). */
  originIndicator: code.optional(),
});

const codes = z.strictObject({
  office: code.optional(),
  transportMode: code.optional(),
  processType: code.optional(),
  importType: code.optional(),
  importUse: code.optional(),
  paymentType: code.optional(),
});

export const importDeclarationSchema = z
  .strictObject({
    type: z.enum(DECLARATION_TYPES),
    /** The declarant's own reference. */
    lrn: z
      .string()
      .trim()
      .min(1)
      .max(35)
      .regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits and . _ / - only')
      .optional(),
    date: z.iso.date(),
    office: z.string().superRefine(identifier(checkCustomsOffice, 'VIGIL_OFFICE_INVALID', 'customs office')),
    mode: z.enum(TRANSPORT_MODES).optional(),
    codes: codes.optional(),
    declarant: party,
    importer: party,
    seller: party.optional(),
    courier: party.optional(),
    goods: z.array(goodsItem).min(1).max(IMPORT_LIMITS.goods),
  })
  .superRefine((d, ctx) => {
    let eur = 0;
    let unknown = false;
    d.goods.forEach((g, i) => {
      const v = toEur(g.price.amount, g.price.currency);
      if (v === undefined) {
        unknown = true;
        ctx.addIssue({
          code: 'custom',
          path: ['goods', i, 'price', 'currency'],
          message: `no reference rate for currency '${g.price.currency}'`,
          params: { code: IMPORT_CODES.currencyUnknown },
        });
      } else {
        eur += v;
      }
    });
    if (d.type === 'H7' && !unknown && eur > H7_MAX_VALUE_EUR) {
      ctx.addIssue({
        code: 'custom',
        path: ['goods'],
        message: `an H7 consignment may be worth at most ${H7_MAX_VALUE_EUR} EUR; this one is worth ${eur.toFixed(2)} EUR: lodge it as H1`,
        params: { code: IMPORT_CODES.h7ValueTooHigh },
      });
    }
  });

export type ImportDeclarationInput = z.input<typeof importDeclarationSchema>;
export type ImportDeclaration = z.output<typeof importDeclarationSchema>;
export type ImportParty = NonNullable<ImportDeclaration['seller']>;
export type ImportGoodsItem = ImportDeclaration['goods'][number];

/** Value of the declaration's goods in EUR, undefined when a currency has no reference rate. */
export function declarationValueEur(d: ImportDeclaration): number | undefined {
  let eur = 0;
  for (const g of d.goods) {
    const v = toEur(g.price.amount, g.price.currency);
    if (v === undefined) {
      return undefined;
    }
    eur += v;
  }
  return eur;
}

export const capacityInputSchema = z.strictObject({
  redPerDay: z.number().int().min(0).max(1_000_000),
  yellowPerDay: z.number().int().min(0).max(1_000_000),
});
export type CapacityInput = z.infer<typeof capacityInputSchema>;

export const LANES = ['green', 'yellow', 'red', 'blue'] as const;

export const listQuerySchema = z.strictObject({
  lane: z.enum(LANES).optional(),
  office: z.string().trim().min(1).max(20).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  next: z.string().min(1).max(400).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
