/**
 * The external contract of an ENS filing (DESIGN §3) as a zod schema: structure, types, lengths and
 * identifier formats, with normalisation (EORI spacing and case, air waybill dashes). Unknown fields
 * are rejected, as the EU's systems reject unknown elements. Identifier checks run inside the schema
 * so a filing gets every field error in one pass; cross-field business rules live in filing.rules.ts.
 */
import { z } from 'zod';
import {
  TRANSPORT_DOCUMENT_TYPES,
  TRANSPORT_MODES,
  checkContainerId,
  checkCountry,
  checkCustomsOffice,
  checkEori,
  checkHsCode,
  checkMrn,
  checkUnLocode,
  normaliseEori,
} from '../domain/index.ts';
import type { ErrorCode } from '../errors/index.ts';

/** Limits that keep a hostile body from costing more than a real one. */
export const FILING_LIMITS = Object.freeze({
  consignments: 999,
  goodsPerConsignment: 999,
  containersPerConsignment: 999,
  sealsPerContainer: 99,
  routing: 99,
});

function identifier(check: (v: string) => string | undefined, code: ErrorCode, what: string) {
  return (value: string, ctx: z.RefinementCtx): void => {
    const problem = check(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} '${value}': ${problem}`, params: { code } });
    }
  };
}

const text = (max: number) => z.string().trim().min(1).max(max);

const country = z.string().superRefine(identifier(checkCountry, 'VIGIL_COUNTRY_INVALID', 'country'));
const eori = z
  .string()
  .max(40)
  .transform(normaliseEori)
  .superRefine(identifier(checkEori, 'VIGIL_EORI_INVALID', 'EORI'));
const unLocode = z.string().superRefine(identifier(checkUnLocode, 'VIGIL_UNLOCODE_INVALID', 'UN/LOCODE'));
const dateTime = z.iso.datetime({ offset: true });

const address = z.strictObject({
  street: text(70),
  city: text(35),
  postcode: text(17).optional(),
  country,
});

const party = z.strictObject({
  name: text(70),
  eori: eori.optional(),
  address: address.optional(),
});

const partyWithAddress = party.extend({ address });

const transportDocument = z.strictObject({
  type: z.enum(TRANSPORT_DOCUMENT_TYPES),
  ref: text(70),
});

const goodsItem = z.strictObject({
  hsCode: z.string().superRefine(identifier(checkHsCode, 'VIGIL_HS_CODE_INVALID', 'goods code')),
  description: text(512),
  grossMassKg: z.number().positive().max(1e9),
  packages: z
    .strictObject({
      type: z.string().regex(/^[A-Z0-9]{2}$/, 'a UN/ECE Rec 21 package type of 2 characters'),
      count: z.number().int().min(1).max(1e9),
    })
    .optional(),
  value: z
    .strictObject({
      amount: z.number().min(0).max(1e13),
      currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code of 3 letters'),
    })
    .optional(),
  origin: country.optional(),
});

const container = z.strictObject({
  id: z.string().superRefine(identifier(checkContainerId, 'VIGIL_CONTAINER_INVALID', 'container')),
  seals: z.array(text(35)).max(FILING_LIMITS.sealsPerContainer).default([]),
});

const consignment = z.strictObject({
  transportDocument,
  masterTransportDocument: transportDocument.optional(),
  previousMrn: z
    .string()
    .superRefine(identifier(checkMrn, 'VIGIL_MRN_INVALID', 'previous MRN'))
    .optional(),
  split: z.boolean().optional(),
  placeOfLoading: unLocode,
  placeOfUnloading: unLocode,
  routing: z.array(country).min(1).max(FILING_LIMITS.routing),
  consignor: partyWithAddress,
  consignee: partyWithAddress,
  notifyParty: party.optional(),
  containers: z.array(container).max(FILING_LIMITS.containersPerConsignment).default([]),
  goods: z.array(goodsItem).min(1).max(FILING_LIMITS.goodsPerConsignment),
});

const transport = z.strictObject({
  mode: z.enum(TRANSPORT_MODES),
  meansId: text(35).optional(),
  conveyanceRef: text(35).optional(),
  nationality: country.optional(),
  estimatedDeparture: dateTime,
  estimatedArrival: dateTime,
  routing: z.array(country).min(2).max(FILING_LIMITS.routing),
  shortHaul: z.boolean().optional(),
  containerised: z.boolean().optional(),
});

export const filingSchema = z.strictObject({
  filingType: z.string().regex(/^[A-Z]\d{2}$/, 'a filing type such as F10'),
  lrn: z
    .string()
    .trim()
    .min(1)
    .max(35)
    .regex(/^[A-Za-z0-9._/-]+$/, 'letters, digits and . _ / - only'),
  declarant: party.extend({ eori }),
  carrier: party.optional(),
  officeOfFirstEntry: z
    .string()
    .superRefine(identifier(checkCustomsOffice, 'VIGIL_OFFICE_INVALID', 'customs office')),
  transport,
  consignments: z.array(consignment).min(1).max(FILING_LIMITS.consignments),
});

export type FilingInput = z.input<typeof filingSchema>;
