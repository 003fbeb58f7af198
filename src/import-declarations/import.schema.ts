/**
 * The external contract of an import declaration (DESIGN §3): H1 (standard) or H7 (low-value
 * e-commerce), built from the field schemas it shares with the ENS (src/domain/schema-fields.ts) and
 * with the shape of its parties and goods items. A party is known by its EORI or, where the declaring
 * system has none (the KCS data), by a national trader id. The national system's own codes (office,
 * transport mode, process and import type …) are kept verbatim in `codes`, because the fraud model
 * was trained on them. Unknown fields are rejected.
 * An H7 consignment may not be worth more than 150 EUR (Article 23 of Regulation 1186/2009 and the
 * H7 data set); that check and the currency check run here so every error comes back in one pass.
 */
import { z } from 'zod';
import {
  TRANSPORT_MODES,
  addressSchema,
  countrySchema,
  customsOfficeSchema,
  eoriSchema,
  hsCodeSchema,
  moneySchema,
  referenceSchema,
  textSchema,
  toEur,
} from '../domain/index.ts';
import { IMPORT_CODES } from './import-codes.ts';

export const DECLARATION_TYPES = ['H1', 'H7'] as const;
export type DeclarationType = (typeof DECLARATION_TYPES)[number];

/** The H7 ceiling: intrinsic value of the consignment, in EUR. */
export const H7_MAX_VALUE_EUR = 150;

export const IMPORT_LIMITS = Object.freeze({ goods: 999 });

/** A national code (KCS: '11', 'B', 'FCN1'): short, letters and digits. */
const code = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{1,8}$/, 'a code of 1–8 letters or digits');

const party = z
  .strictObject({
    /** The trader's id in the declaring system when there is no EORI (KCS: anonymised ids). */
    id: referenceSchema.optional(),
    eori: eoriSchema.optional(),
    name: textSchema(70).optional(),
    address: addressSchema.optional(),
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
  hsCode: hsCodeSchema,
  description: textSchema(512).optional(),
  origin: countrySchema,
  /** Country of departure (dispatch). */
  departure: countrySchema.optional(),
  /** 0 is allowed: masses are declared to 0.1 kg, so a small parcel can round to 0. */
  netMassKg: z.number().min(0).max(1e9),
  price: moneySchema,
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
    lrn: referenceSchema.optional(),
    date: z.iso.date(),
    office: customsOfficeSchema,
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
    // A currency without a reference rate was refused with the price (moneySchema).
    for (const g of d.goods) {
      const v = toEur(g.price.amount, g.price.currency);
      if (v === undefined) {
        unknown = true;
      } else {
        eur += v;
      }
    }
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
