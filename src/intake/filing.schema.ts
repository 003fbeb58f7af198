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
  addressSchema,
  checkContainerId,
  checkMrn,
  checkUnLocode,
  countrySchema,
  customsOfficeSchema,
  eoriSchema,
  hsCodeSchema,
  moneySchema,
  referenceSchema,
  refineIdentifier,
  textSchema,
} from '../domain/index.ts';

/** Limits that keep a hostile body from costing more than a real one. */
export const FILING_LIMITS = Object.freeze({
  consignments: 999,
  goodsPerConsignment: 999,
  containersPerConsignment: 999,
  sealsPerContainer: 99,
  routing: 99,
});

const unLocode = z
  .string()
  .superRefine(refineIdentifier(checkUnLocode, 'VIGIL_UNLOCODE_INVALID', 'UN/LOCODE'));
const dateTime = z.iso.datetime({ offset: true });

const party = z.strictObject({
  name: textSchema(70),
  eori: eoriSchema.optional(),
  address: addressSchema.optional(),
});

const partyWithAddress = party.extend({ address: addressSchema });

const transportDocument = z.strictObject({
  type: z.enum(TRANSPORT_DOCUMENT_TYPES),
  ref: textSchema(70),
});

const goodsItem = z.strictObject({
  hsCode: hsCodeSchema,
  description: textSchema(512),
  grossMassKg: z.number().positive().max(1e9),
  packages: z
    .strictObject({
      type: z.string().regex(/^[A-Z0-9]{2}$/, 'a UN/ECE Rec 21 package type of 2 characters'),
      count: z.number().int().min(1).max(1e9),
    })
    .optional(),
  value: moneySchema.optional(),
  origin: countrySchema.optional(),
});

const container = z.strictObject({
  id: z.string().superRefine(refineIdentifier(checkContainerId, 'VIGIL_CONTAINER_INVALID', 'container')),
  seals: z.array(textSchema(35)).max(FILING_LIMITS.sealsPerContainer).default([]),
});

const consignment = z.strictObject({
  transportDocument,
  masterTransportDocument: transportDocument.optional(),
  previousMrn: z
    .string()
    .superRefine(refineIdentifier(checkMrn, 'VIGIL_MRN_INVALID', 'previous MRN'))
    .optional(),
  split: z.boolean().optional(),
  placeOfLoading: unLocode,
  placeOfUnloading: unLocode,
  routing: z.array(countrySchema).min(1).max(FILING_LIMITS.routing),
  consignor: partyWithAddress,
  consignee: partyWithAddress,
  notifyParty: party.optional(),
  containers: z.array(container).max(FILING_LIMITS.containersPerConsignment).default([]),
  goods: z.array(goodsItem).min(1).max(FILING_LIMITS.goodsPerConsignment),
});

const transport = z.strictObject({
  mode: z.enum(TRANSPORT_MODES),
  meansId: textSchema(35).optional(),
  conveyanceRef: textSchema(35).optional(),
  nationality: countrySchema.optional(),
  estimatedDeparture: dateTime,
  estimatedArrival: dateTime,
  routing: z.array(countrySchema).min(2).max(FILING_LIMITS.routing),
  shortHaul: z.boolean().optional(),
  containerised: z.boolean().optional(),
});

export const filingSchema = z.strictObject({
  filingType: z.string().regex(/^[A-Z]\d{2}$/, 'a filing type such as F10'),
  lrn: referenceSchema,
  declarant: party.extend({ eori: eoriSchema }),
  carrier: party.optional(),
  officeOfFirstEntry: customsOfficeSchema,
  transport,
  consignments: z.array(consignment).min(1).max(FILING_LIMITS.consignments),
});

export type FilingInput = z.input<typeof filingSchema>;
